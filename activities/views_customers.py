"""Customer pages: list with search, create, edit."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.views_mixins import apply_validation_error, bu_view, get_for_business_unit, principal_of

from . import selectors, services
from .forms import CustomerForm, CustomerSearchForm
from .models import Customer


@bu_view(lambda principal: not principal.is_field_worker)
def customer_list(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    search = CustomerSearchForm(request.GET)
    term = search.cleaned_data["q"] if search.is_valid() else ""
    page = Paginator(selectors.customer_list(principal=principal, search=term), 50).get_page(
        request.GET.get("page")
    )
    query = urlencode({"q": term}) if term else ""
    return render(request, "activities/customer_list.html", {"search": search, "page": page, "query": query})


def _initial(customer: Customer) -> dict[str, Any]:
    data = {name: getattr(customer, name) for name in services.CUSTOMER_FIELDS}
    data["emails"] = ", ".join(customer.emails or [])
    return data


def _customer_form(request: HttpRequest, customer: Customer | None) -> HttpResponse:
    principal = principal_of(request)
    post = request.POST if request.method == "POST" else None
    form = CustomerForm(
        post, initial=_initial(customer) if customer else {"kind": "company", "country": "FR"}
    )
    if post is not None and form.is_valid():
        try:
            if customer is None:
                customer = services.customer_create(
                    business_unit=principal.business_unit, actor=principal.actor, **form.cleaned_data
                )
                messages.success(request, _("Client créé."))
            else:
                customer = services.customer_update(
                    customer=customer, actor=principal.actor, data=form.cleaned_data
                )
                messages.success(request, _("Client modifié."))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("activities:customer_list")
    return render(
        request,
        "activities/customer_form.html",
        {"form": form, "customer": customer},
        status=400 if post is not None else 200,
    )


@bu_view("can_edit_customers")
def customer_create(request: HttpRequest) -> HttpResponse:
    return _customer_form(request, None)


@bu_view("can_edit_customers")
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_for_business_unit(Customer.objects.all(), principal_of(request), pk=pk)
    return _customer_form(request, customer)
