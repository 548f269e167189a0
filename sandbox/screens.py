"""Pages shaped like Pennylane's: sales lists, customers, sent e-mails, numbering settings."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render

from .documents import invoice_status, render_prefix
from .models import Company, Customer, Document, Line, SentEmail

INVOICE_STATUS_FR = {"draft": "Brouillon", "upcoming": "À venir", "late": "En retard", "paid": "Payée"}
QUOTE_STATUS_FR = {
    "pending": "En attente",
    "accepted": "Accepté",
    "denied": "Refusé",
    "invoiced": "Facturé",
    "expired": "Expiré",
}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "sandbox/home.html", {"companies": Company.objects.all()})


def _display_number(doc: Document) -> str:
    number = doc.number or "Brouillon"
    return f"{number} (Création API)" if doc.via_api else number


def _rows(company: Company, kind: str) -> list[dict[str, object]]:
    docs = Document.objects.filter(company=company, kind=kind).select_related("customer").order_by("-id")
    rows = []
    for doc in docs:
        if kind == Document.INVOICE:
            status = INVOICE_STATUS_FR.get(invoice_status(doc), invoice_status(doc))
        else:
            status = QUOTE_STATUS_FR.get(doc.quote_status, doc.quote_status)
        rows.append({"doc": doc, "number": _display_number(doc), "status": status})
    return rows


def invoices(request: HttpRequest, key: str) -> HttpResponse:
    company = get_object_or_404(Company, key=key)
    context = {"company": company, "rows": _rows(company, Document.INVOICE), "title": "Factures clients"}
    return render(request, "sandbox/documents.html", context)


def quotes(request: HttpRequest, key: str) -> HttpResponse:
    company = get_object_or_404(Company, key=key)
    context = {"company": company, "rows": _rows(company, Document.QUOTE), "title": "Devis"}
    return render(request, "sandbox/documents.html", context)


def customers(request: HttpRequest, key: str) -> HttpResponse:
    company = get_object_or_404(Company, key=key)
    context = {"company": company, "customers": Customer.objects.filter(company=company).order_by("-id")}
    return render(request, "sandbox/customers.html", context)


def emails(request: HttpRequest, key: str) -> HttpResponse:
    company = get_object_or_404(Company, key=key)
    mails = SentEmail.objects.filter(company=company).select_related("document")
    return render(request, "sandbox/emails.html", {"company": company, "mails": mails})


def company_settings(request: HttpRequest, key: str) -> HttpResponse:
    company = get_object_or_404(Company, key=key)
    if request.method == "POST":
        # Empty prefix = numbering "à configurer" again (the next number is kept).
        company.invoice_prefix = request.POST.get("invoice_prefix", "").strip() or None
        company.quote_prefix = request.POST.get("quote_prefix", "").strip() or None
        for field in ("invoice_next_number", "quote_next_number"):
            value = request.POST.get(field, "")
            if value.isdigit() and int(value) >= 1:
                setattr(company, field, int(value))
        company.save()
        return HttpResponseRedirect(request.path + "?saved=1")
    import datetime as dt

    today = dt.date.today()
    preview = {
        "invoice": render_prefix(company.invoice_prefix, today) + f"{company.invoice_next_number:04d}"
        if company.invoice_prefix
        else None,
        "quote": render_prefix(company.quote_prefix, today) + f"{company.quote_next_number:04d}"
        if company.quote_prefix
        else None,
    }
    context = {"company": company, "preview": preview, "saved": request.GET.get("saved")}
    return render(request, "sandbox/settings.html", context)


def public_document(request: HttpRequest, kind: str, token: str) -> HttpResponse:
    if kind not in (Document.INVOICE, Document.QUOTE):
        raise Http404
    doc = get_object_or_404(
        Document.objects.select_related("company", "customer"), kind=kind, public_token=token
    )
    context = {
        "doc": doc,
        "title": "Facture" if kind == Document.INVOICE else "Devis",
        "lines": Line.objects.filter(document=doc),
        "customer": doc.customer,
    }
    return render(request, "sandbox/public_document.html", context)
