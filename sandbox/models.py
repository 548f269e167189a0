"""The sandbox's own tables (prefixed ``sandbox_``): nothing is shared with the product."""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils import timezone


def token_hash(raw: str) -> str:
    """Tokens, codes and secrets are stored as SHA-256 digests only."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_reference() -> str:
    # Pennylane generates an identifier when none is given; the spec's example is a UUID.
    return str(uuid.uuid4())


def new_public_token() -> str:
    return uuid.uuid4().hex


class Company(models.Model):
    # Typed explicitly: the product's mypy settings do not install this app.
    objects: ClassVar[models.Manager[Company]] = models.Manager()
    key = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    reg_no = models.CharField(max_length=50)
    # Numbering: ``None`` means "à configurer". Variables: (annee) (mois) (jour).
    invoice_prefix = models.CharField(max_length=50, null=True, blank=True)
    invoice_next_number = models.PositiveIntegerField(default=1)
    quote_prefix = models.CharField(max_length=50, null=True, blank=True)
    quote_next_number = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class OAuthClient(models.Model):
    # Typed explicitly: the product's mypy settings do not install this app.
    objects: ClassVar[models.Manager[OAuthClient]] = models.Manager()
    client_id = models.CharField(max_length=200, unique=True)
    secret_hash = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True)
    # Newline-separated prefixes a redirect URI must start with.
    redirect_prefixes = models.TextField(blank=True)
    # Any http://127.0.0.1:<port>/ or http://localhost:<port>/ URI (the demo client).
    allow_loopback = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.client_id


class AuthorizationCode(models.Model):
    # Typed explicitly: the product's mypy settings do not install this app.
    objects: ClassVar[models.Manager[AuthorizationCode]] = models.Manager()
    client_id: int
    company_id: int
    code_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(OAuthClient, on_delete=models.CASCADE)
    company = models.ForeignKey(Company, on_delete=models.CASCADE)
    scopes = models.TextField()
    redirect_uri = models.TextField()
    expires_at = models.DateTimeField()
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"code #{self.pk} ({self.client_id})"


class AccessToken(models.Model):
    """One issued pair: the access token and the refresh token that replaces it."""

    # Typed explicitly: the product's mypy settings do not install this app.
    objects: ClassVar[models.Manager[AccessToken]] = models.Manager()
    client_id: int
    company_id: int

    access_hash = models.CharField(max_length=64, unique=True)
    refresh_hash = models.CharField(max_length=64, unique=True, null=True)
    client = models.ForeignKey(OAuthClient, on_delete=models.CASCADE, null=True)
    company = models.ForeignKey(Company, on_delete=models.CASCADE)
    scopes = models.TextField()
    access_expires_at = models.DateTimeField()
    refresh_expires_at = models.DateTimeField(null=True)
    revoked = models.BooleanField(default=False)  # access token no longer valid
    refresh_used = models.BooleanField(default=False)  # refresh token rotated or revoked
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"token #{self.pk} ({self.company_id})"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


class Customer(models.Model):
    # Typed explicitly: the product's mypy settings do not install this app.
    objects: ClassVar[models.Manager[Customer]] = models.Manager()
    company_id: int
    COMPANY = "company"
    INDIVIDUAL = "individual"
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="customers")
    customer_type = models.CharField(max_length=20)
    name = models.CharField(max_length=1000, blank=True)
    first_name = models.CharField(max_length=1000, blank=True)
    last_name = models.CharField(max_length=1000, blank=True)
    vat_number = models.CharField(max_length=100, blank=True)
    reg_no = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=100, blank=True)
    recipient = models.CharField(max_length=1000, blank=True)
    reference = models.TextField(null=True)
    notes = models.TextField(null=True)
    billing_iban = models.CharField(max_length=100, null=True)
    payment_conditions = models.CharField(max_length=40, default="30_days")
    billing_language = models.CharField(max_length=10, default="fr_FR")
    emails = models.JSONField(default=list)
    billing_address = models.JSONField(default=dict)
    delivery_address = models.JSONField(default=dict)
    ledger_account_number = models.CharField(max_length=40, null=True)
    external_reference = models.CharField(max_length=1000, default=new_reference)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "external_reference"], name="sb_customer_ref_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    # Typed explicitly: the product's mypy settings do not install this app.
    objects: ClassVar[models.Manager[Product]] = models.Manager()
    company_id: int
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="products")
    label = models.CharField(max_length=1000)
    description = models.TextField(blank=True)
    price_before_tax = models.DecimalField(max_digits=18, decimal_places=6)
    vat_rate = models.CharField(max_length=40)
    unit = models.CharField(max_length=100, default="piece")
    currency = models.CharField(max_length=3, default="EUR")
    reference = models.CharField(max_length=200, null=True)
    ledger_account_id = models.BigIntegerField(null=True)
    external_reference = models.CharField(max_length=1000, default=new_reference)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "external_reference"], name="sb_product_ref_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Document(models.Model):
    """A customer invoice or a quote (same shape for lines and totals)."""

    # Typed explicitly: the product's mypy settings do not install this app.
    objects: ClassVar[models.Manager[Document]] = models.Manager()
    company_id: int
    customer_id: int
    quote_id: int

    INVOICE = "invoice"
    QUOTE = "quote"
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=10)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT)
    number = models.CharField(max_length=100, blank=True)
    label = models.TextField(null=True)
    draft = models.BooleanField(default=True)
    paid = models.BooleanField(default=False)
    # Quotes: pending|accepted|denied|invoiced|expired. Invoices derive theirs (see documents.py).
    quote_status = models.CharField(max_length=20, blank=True)
    date = models.DateField()
    deadline = models.DateField()
    currency = models.CharField(max_length=3, default="EUR")
    language = models.CharField(max_length=10, default="fr_FR")
    pdf_invoice_subject = models.TextField(default="", blank=True)
    pdf_invoice_free_text = models.TextField(default="", blank=True)
    pdf_description = models.TextField(null=True)
    special_mention = models.TextField(null=True)
    discount_type = models.CharField(max_length=10, default="relative")
    discount_value = models.DecimalField(max_digits=18, decimal_places=6, default=Decimal(0))
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0))
    amount_before_tax = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0))
    tax = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0))
    external_reference = models.CharField(max_length=1000, default=new_reference)
    quote = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, related_name="linked_invoices")
    transaction_reference = models.JSONField(null=True)
    template_id = models.BigIntegerField(null=True)
    via_api = models.BooleanField(default=True)
    public_token = models.CharField(max_length=64, unique=True, default=new_public_token)
    finalized_at = models.DateTimeField(null=True)
    ledger_entry_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "external_reference"], name="sb_document_ref_unique"
            )
        ]

    def __str__(self) -> str:
        return self.number or f"{self.kind} #{self.pk}"


class Line(models.Model):
    # Typed explicitly: the product's mypy settings do not install this app.
    objects: ClassVar[models.Manager[Line]] = models.Manager()
    document_id: int
    product_id: int
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True)
    label = models.TextField()
    description = models.TextField(null=True)
    unit = models.CharField(max_length=100, null=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=6)
    raw_currency_unit_price = models.DecimalField(max_digits=18, decimal_places=6)
    vat_rate = models.CharField(max_length=40)
    discount_type = models.CharField(max_length=10, default="relative")
    discount_value = models.DecimalField(max_digits=18, decimal_places=6, default=Decimal(0))
    section_rank = models.IntegerField(null=True)
    imputation_dates = models.JSONField(null=True)
    amount_before_tax = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0))
    tax = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label


class SentEmail(models.Model):
    # Typed explicitly: the product's mypy settings do not install this app.
    objects: ClassVar[models.Manager[SentEmail]] = models.Manager()
    company_id: int
    document_id: int
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="emails")
    document = models.ForeignKey(Document, on_delete=models.CASCADE)
    recipients = models.JSONField(default=list)
    subject = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.subject


class ChangeEvent(models.Model):
    """One row per insert/update/delete, read by ``/changelogs/*``."""

    # Typed explicitly: the product's mypy settings do not install this app.
    objects: ClassVar[models.Manager[ChangeEvent]] = models.Manager()
    company_id: int

    company = models.ForeignKey(Company, on_delete=models.CASCADE)
    resource = models.CharField(max_length=40)  # customer_invoices | quotes | customers | products
    object_id = models.BigIntegerField()
    operation = models.CharField(max_length=10)
    object_created_at = models.DateTimeField()
    processed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["processed_at", "id"]

    def __str__(self) -> str:
        return f"{self.resource} #{self.object_id} {self.operation}"
