"""Accounts pages: business unit switch, "Accès externe" (API keys), members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import ApiKeyForm, MemberAddForm, MemberRoleForm, SwitchBusinessUnitForm
from .middleware import SESSION_KEY
from .models import ApiKey, Membership, Role
from .views_mixins import apply_validation_error, bu_view, get_for_business_unit, principal_of

# The raw key waits here between the POST that creates it and the one page that shows it.
NEW_KEY_SESSION = "new_api_key"


@login_required
@require_POST
def switch_business_unit(request: HttpRequest) -> HttpResponse:
    form = SwitchBusinessUnitForm(request.POST)
    memberships = getattr(request, "memberships", [])
    if form.is_valid():
        chosen = form.cleaned_data["business_unit"]
        if any(m.business_unit_id == chosen for m in memberships):
            request.session[SESSION_KEY] = chosen
        else:
            raise Http404
    else:
        raise Http404
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target or "/")


@bu_view("is_admin")
def api_key_list(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key, raw = services.api_key_create(
                business_unit=principal.business_unit,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                created_by=principal.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            request.session[NEW_KEY_SESSION] = {"id": key.pk, "raw": raw}
            return redirect("accounts:api_key_created", pk=key.pk)
    keys = ApiKey.objects.filter(business_unit=principal.business_unit).select_related("created_by")
    return render(request, "accounts/api_keys.html", {"form": form, "keys": keys})


@bu_view("is_admin")
def api_key_created(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    key = get_for_business_unit(ApiKey.objects.all(), principal, pk=pk)
    pending = request.session.pop(NEW_KEY_SESSION, None)
    raw = pending["raw"] if pending and pending.get("id") == key.pk else None
    return render(request, "accounts/api_key_created.html", {"key": key, "raw": raw})


@bu_view("is_admin")
@require_POST
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    key = get_for_business_unit(ApiKey.objects.all(), principal, pk=pk)
    services.api_key_revoke(api_key=key)
    messages.success(request, _("Accès « %(name)s » révoqué.") % {"name": key.name})
    return redirect("accounts:api_keys")


@bu_view("is_admin")
def member_list(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(business_unit=principal.business_unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Membre ajouté."))
            return redirect("accounts:members")
    members = (
        Membership.objects.filter(business_unit=principal.business_unit)
        .select_related("user")
        .order_by("user__last_name", "user__username")
    )
    return render(
        request, "accounts/members.html", {"form": form, "members": members, "role_choices": Role.choices}
    )


@bu_view("is_admin")
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    membership = get_for_business_unit(Membership.objects.select_related("user"), principal, pk=pk)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Rôle de %(user)s modifié.") % {"user": membership.user})
    else:
        messages.error(request, _("Rôle inconnu."))
    return redirect("accounts:members")
