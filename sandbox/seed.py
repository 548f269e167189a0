"""Demo companies and OAuth clients, created idempotently at every start."""

from __future__ import annotations

from django.db import transaction

from . import conf
from .models import ChangeEvent, Company, Customer, Document, OAuthClient, Product, SentEmail, token_hash

INVOICE_PREFIX = "F-(annee)-"
QUOTE_PREFIX = "D-(annee)-"
COMPANIES = [
    # key, name, reg_no, numbering configured
    ("demo", "Démo Plomberie SAS", "sandbox-812345678", True),
    ("no-numbering", "Société sans numérotation", "sandbox-898765432", False),
]


def client_upsert(client_id: str, secret: str, *, redirect_prefix: str = "", loopback: bool = False) -> None:
    client, _ = OAuthClient.objects.get_or_create(client_id=client_id, defaults={"secret_hash": ""})
    client.secret_hash = token_hash(secret)
    client.allow_loopback = client.allow_loopback or loopback
    prefixes = set(client.redirect_prefixes.split())
    if redirect_prefix:
        prefixes.add(redirect_prefix)
    client.redirect_prefixes = "\n".join(sorted(prefixes))
    client.name = client.name or client_id
    client.save()


@transaction.atomic
def seed() -> None:
    for key, name, reg_no, numbered in COMPANIES:
        Company.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "reg_no": reg_no,
                "invoice_prefix": INVOICE_PREFIX if numbered else None,
                "quote_prefix": QUOTE_PREFIX if numbered else None,
            },
        )
    client_upsert(conf.demo_client_id(), conf.demo_client_secret(), loopback=True)
    for entry in conf.extra_clients():
        client_id, secret, prefix = [*entry.split(":", 2), "", ""][:3]
        if client_id and secret:
            client_upsert(client_id, secret, redirect_prefix=prefix)


@transaction.atomic
def wipe_data() -> None:
    """Back to the seeded state: no documents, customers, products or e-mails; numbering reset.
    OAuth clients and issued tokens are kept (they are credentials, not data)."""
    SentEmail.objects.all().delete()
    Document.objects.all().delete()
    Customer.objects.all().delete()
    Product.objects.all().delete()
    ChangeEvent.objects.all().delete()
    for key, _name, _reg_no, numbered in COMPANIES:
        Company.objects.filter(key=key).update(
            invoice_prefix=INVOICE_PREFIX if numbered else None,
            quote_prefix=QUOTE_PREFIX if numbered else None,
            invoice_next_number=1,
            quote_next_number=1,
        )
