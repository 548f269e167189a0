"""Typed views of the Pennylane responses, limited to the fields the product reads.

Pennylane returns more keys (all declared in openapi-v2.json); they stay in the dict.
"""

from __future__ import annotations

from typing import Any, TypedDict


class Ref(TypedDict, total=False):
    id: int
    url: str


class Company(TypedDict, total=False):
    id: int
    name: str
    reg_no: str


class Me(TypedDict, total=False):
    user: dict[str, Any] | None
    company: Company
    scopes: list[str]


class Customer(TypedDict, total=False):
    id: int
    name: str
    customer_type: str
    external_reference: str
    emails: list[str]


class Product(TypedDict, total=False):
    id: int
    label: str
    external_reference: str
    price_before_tax: str
    vat_rate: str


class Invoice(TypedDict, total=False):
    id: int
    invoice_number: str
    status: str
    draft: bool
    paid: bool
    amount: str
    currency: str
    currency_amount: str
    currency_amount_before_tax: str
    public_file_url: str | None
    external_reference: str
    customer: Ref | None
    quote: Ref | None


class Quote(TypedDict, total=False):
    id: int
    quote_number: str
    status: str
    amount: str
    currency: str
    currency_amount: str
    currency_amount_before_tax: str
    public_file_url: str | None
    external_reference: str
    customer: Ref | None


class Change(TypedDict, total=False):
    id: int
    operation: str
    processed_at: str
    updated_at: str
    created_at: str


class TokenSet(TypedDict, total=False):
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_token_expires_in: int
    token_type: str
    scope: Any
