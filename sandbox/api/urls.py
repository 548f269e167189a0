"""Routes of API v2; each entry names the operation of the official spec it emulates."""

from __future__ import annotations

from django.urls import path, re_path

from . import customers as c
from . import documents as d
from . import misc as m
from .base import Op, endpoint, not_found

CI = "customer_invoices"

urlpatterns = [
    path("me", endpoint(GET=Op(m.me, None))),  # getMe
    # Customers
    path(
        "company_customers",
        endpoint(POST=Op(c.company_customer_create, "customers", True, "postCompanyCustomer")),
    ),
    path(
        "company_customers/<str:id>",
        endpoint(
            GET=Op(c.company_customer_get, "customers"),
            PUT=Op(c.company_customer_update, "customers", True, "putCompanyCustomer"),
        ),
    ),
    path(
        "individual_customers",
        endpoint(POST=Op(c.individual_customer_create, "customers", True, "postIndividualCustomer")),
    ),
    path(
        "individual_customers/<str:id>",
        endpoint(
            GET=Op(c.individual_customer_get, "customers"),
            PUT=Op(c.individual_customer_update, "customers", True, "putIndividualCustomer"),
        ),
    ),
    path("customers", endpoint(GET=Op(c.customer_list, "customers"))),  # getCustomers
    path("customers/<str:id>", endpoint(GET=Op(c.customer_get, "customers"))),  # getCustomer
    # Products
    path(
        "products",
        endpoint(
            GET=Op(c.product_list, "products"),
            POST=Op(c.product_create, "products", True, "postProducts"),
        ),
    ),
    path(
        "products/<str:id>",
        endpoint(
            GET=Op(c.product_get, "products"),
            PUT=Op(c.product_update, "products", True, "putProduct"),
        ),
    ),
    # Customer invoices
    path(
        CI,
        endpoint(
            GET=Op(d.invoice_list, CI),
            POST=Op(d.invoice_create, CI, True, "postCustomerInvoices"),
        ),
    ),
    path(
        f"{CI}/create_from_quote",
        endpoint(POST=Op(d.invoice_create_from_quote, CI, True, "createCustomerInvoiceFromQuote")),
    ),
    path(f"{CI}/<str:id>", endpoint(GET=Op(d.invoice_get, CI))),
    path(f"{CI}/<str:id>/finalize", endpoint(PUT=Op(d.invoice_finalize, CI, True))),
    path(f"{CI}/<str:id>/mark_as_paid", endpoint(PUT=Op(d.invoice_mark_as_paid, CI, True))),
    path(
        f"{CI}/<str:id>/send_by_email",
        endpoint(POST=Op(d.invoice_send_by_email, CI, True, "sendByEmailCustomerInvoice")),
    ),
    path(f"{CI}/<str:customer_invoice_id>/invoice_lines", endpoint(GET=Op(d.invoice_lines, CI))),
    # Quotes
    path(
        "quotes",
        endpoint(GET=Op(d.quote_list, "quotes"), POST=Op(d.quote_create, "quotes", True, "postQuotes")),
    ),
    path("quotes/<str:id>", endpoint(GET=Op(d.quote_get, "quotes"))),
    path(
        "quotes/<str:id>/update_status",
        endpoint(PUT=Op(d.quote_update_status, "quotes", True, "updateStatusQuote")),
    ),
    path(
        "quotes/<str:id>/send_by_email",
        endpoint(POST=Op(d.quote_send_by_email, "quotes", True, "sendByEmailQuote")),
    ),
    path("quotes/<str:quote_id>/invoice_lines", endpoint(GET=Op(d.quote_lines, "quotes"))),
    path(
        "customer_invoice_templates",
        endpoint(GET=Op(m.invoice_templates, "customer_invoice_templates")),  # getCustomerInvoiceTemplates
    ),
    # Changelogs
    path(f"changelogs/{CI}", endpoint(GET=Op(m.invoice_changes, CI))),
    path("changelogs/quotes", endpoint(GET=Op(m.quote_changes, "quotes"))),
    re_path(r"^.*$", lambda request: not_found()),
]
