"""Find-or-create in Pennylane, safe to repeat after any crash, timeout or redelivery.

Pennylane has no idempotency key on creates (api-notes 7.8): a POST retried after a timeout
duplicates the document. So every create is preceded by a lookup on a deterministic
``external_reference``, and a POST that failed without an answer is followed by a lookup,
never by a second POST.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django.db import IntegrityError, transaction

from activities.models import Customer, CustomerKind

from .client import PennylaneClient
from .exceptions import ConflictError, TransientError, ValidationError
from .models import CustomerLink, DocumentKind, PennylaneConnection

logger = logging.getLogger(__name__)


def customer_external_reference(customer: Customer) -> str:
    return f"cadulis-customer-{customer.pk}"


def customer_payload(customer: Customer) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "billing_address": {
            "address": customer.address,
            "postal_code": customer.postal_code,
            "city": customer.city,
            "country_alpha2": (customer.country or "FR").upper(),
        },
        "external_reference": customer_external_reference(customer),
    }
    emails = [e for e in (customer.emails or []) if e]
    if emails:
        payload["emails"] = emails
    if customer.phone:
        payload["phone"] = customer.phone
    if customer.kind == CustomerKind.INDIVIDUAL:
        payload["first_name"] = customer.first_name
        payload["last_name"] = customer.last_name
    else:
        payload["name"] = customer.name
        if customer.vat_number:
            payload["vat_number"] = customer.vat_number
        if customer.siren:
            payload["reg_no"] = customer.siren
    return payload


def customer_ensure(*, client: PennylaneClient, connection: PennylaneConnection, customer: Customer) -> int:
    """The Pennylane id of ``customer`` in the connection's company: local link, then lookup
    by external_reference, then create; the link is stored for next time."""
    if customer.business_unit_id != connection.business_unit_id:
        raise ValueError("customer and connection belong to different business units")
    company_id = connection.company_id or 0
    link = CustomerLink.objects.filter(customer=customer, company_id=company_id).first()
    if link is not None:
        return link.pennylane_customer_id
    ref = customer_external_reference(customer)
    found = client.customer_find_by_external_reference(ref)
    if found is None:
        payload = customer_payload(customer)
        create = (
            client.individual_customer_create
            if customer.kind == CustomerKind.INDIVIDUAL
            else client.company_customer_create
        )
        try:
            found = create(payload)
        except (TransientError, ConflictError):
            # Maybe created before the answer was lost (or by a concurrent run): look again.
            found = client.customer_find_by_external_reference(ref)
            if found is None:
                raise
    pennylane_id = int(found["id"])
    try:
        with transaction.atomic():
            CustomerLink.objects.create(
                business_unit_id=customer.business_unit_id,
                customer=customer,
                company_id=company_id,
                pennylane_customer_id=pennylane_id,
            )
    except IntegrityError:
        pass  # a concurrent run stored the same link
    return pennylane_id


def document_find(
    *, client: PennylaneClient, kind: str, external_reference: str, customer_id: int | None = None
) -> dict[str, Any] | None:
    if kind == DocumentKind.INVOICE:
        return cast(dict[str, Any] | None, client.invoice_find_by_external_reference(external_reference))
    if kind == DocumentKind.QUOTE:
        return cast(
            dict[str, Any] | None, client.quote_find_by_external_reference(external_reference, customer_id)
        )
    raise ValueError(f"unknown document kind {kind!r}")


def document_ensure(
    *,
    client: PennylaneClient,
    kind: str,
    payload: dict[str, Any],
    external_reference: str,
    customer_id: int | None = None,
) -> dict[str, Any]:
    """The Pennylane document with this external_reference, created only if absent.

    An invoice payload holding ``quote_id`` is created from that quote (``draft`` from the payload).
    After a POST that timed out or failed with 5xx, only a lookup follows: if the document
    is not there, the TransientError propagates and the caller's next attempt starts with
    the lookup again.
    """
    if customer_id is None:
        customer_id = payload.get("customer_id")

    def find() -> dict[str, Any] | None:
        return document_find(
            client=client, kind=kind, external_reference=external_reference, customer_id=customer_id
        )

    existing = find()
    if existing is not None:
        return existing
    body = {**payload, "external_reference": external_reference}
    created: Any
    try:
        if kind == DocumentKind.INVOICE and "quote_id" in body:
            created = client.invoice_create_from_quote(
                body["quote_id"], draft=bool(body.get("draft", True)), external_reference=external_reference
            )
        elif kind == DocumentKind.INVOICE:
            created = client.invoice_create(body)
        else:
            created = client.quote_create(body)
    except (TransientError, ConflictError, ValidationError):
        # A 422 may be "external reference already taken": the document exists, find it.
        found = find()
        if found is not None:
            logger.info("pennylane %s %s found after a failed create", kind, external_reference)
            return found
        raise
    return cast(dict[str, Any], created)
