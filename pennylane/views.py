"""The connection page and the OAuth round trip. Only administrators connect, test or disconnect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.principal import Principal

from . import services
from .exceptions import PennylaneError
from .models import DocumentKind
from .oauth import StateRejected, oauth_consume_state, oauth_start

HEALTH_LABELS = {
    "never": gettext_lazy("Jamais connecté"),
    "connected": gettext_lazy("Connecté"),
    "failing": gettext_lazy("En erreur"),
    "to_reconnect": gettext_lazy("À reconnecter"),
    "disconnected": gettext_lazy("Déconnecté"),
}


def _principal(request: HttpRequest) -> Principal:
    principal = getattr(request, "principal", None)
    if principal is None:
        raise PermissionDenied(_("Vous n'êtes membre d'aucune business unit."))
    return principal


def _admin(request: HttpRequest) -> Principal:
    principal = _principal(request)
    if not principal.can_manage_connection:
        raise PermissionDenied(_("Seuls les administrateurs gèrent la connexion Pennylane."))
    return principal


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return reverse("pennylane:connection")


def _page(request: HttpRequest, principal: Principal, *, error: str = "", status: int = 200) -> HttpResponse:
    connection = services.connection_for(principal.business_unit)
    health = connection.health if connection else "never"
    context = {
        "connection": connection,
        "health": health,
        "health_label": HEALTH_LABELS.get(health, health),
        "problem": services.connection_problem(principal.business_unit),
        "can_manage": principal.can_manage_connection,
        "error": error,
    }
    return render(request, "pennylane/connection.html", context, status=status)


@login_required
@require_GET
def connection_page(request: HttpRequest) -> HttpResponse:
    return _page(request, _principal(request))


@login_required
@require_http_methods(["GET", "POST"])
def connect(request: HttpRequest) -> HttpResponse:
    principal = _admin(request)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    assert principal.user is not None
    url = oauth_start(
        session=request.session, business_unit=principal.business_unit, user=principal.user, next_url=next_url
    )
    return redirect(url)


@login_required
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    principal = _admin(request)
    assert principal.user is not None
    try:
        pending = oauth_consume_state(
            session=request.session,
            state=request.GET.get("state"),
            business_unit=principal.business_unit,
            user=principal.user,
        )
    except StateRejected as e:
        return _page(request, principal, error=str(e), status=400)
    next_url = pending.next_url or reverse("pennylane:connection")
    if request.GET.get("error"):
        messages.warning(
            request, _("L'autorisation a été refusée sur Pennylane : aucune connexion enregistrée.")
        )
        return redirect(next_url)
    code = request.GET.get("code")
    if not code:
        return _page(
            request, principal, error=_("Réponse de Pennylane sans code d'autorisation."), status=400
        )
    try:
        connection = services.connection_authorize(
            business_unit=principal.business_unit, user=principal.user, code=code
        )
    except PennylaneError as e:
        return _page(
            request, principal, error=_("La connexion a échoué : %(e)s") % {"e": e.message}, status=502
        )
    messages.success(
        request, _("Compte Pennylane connecté : %(name)s.") % {"name": connection.company_name or "—"}
    )
    return redirect(next_url)


@login_required
@require_POST
def test(request: HttpRequest) -> HttpResponse:
    principal = _admin(request)
    connection = services.connection_for(principal.business_unit)
    if connection is None:
        messages.error(request, _("Aucune connexion Pennylane à tester."))
        return redirect("pennylane:connection")
    try:
        me = services.connection_test(connection.pk)
    except PennylaneError as e:
        messages.error(request, _("Le test a échoué : %(e)s") % {"e": e.message})
    else:
        name = (me.get("company") or {}).get("name", "")
        messages.success(request, _("Connexion opérationnelle avec la société %(name)s.") % {"name": name})
    return redirect("pennylane:connection")


@login_required
@require_POST
def disconnect(request: HttpRequest) -> HttpResponse:
    principal = _admin(request)
    warning = services.connection_disconnect(business_unit=principal.business_unit, user=principal.user)
    if warning:
        messages.warning(
            request,
            _("Jetons supprimés, mais Pennylane n'a pas pu les révoquer : %(e)s") % {"e": warning},
        )
    else:
        messages.success(request, _("Compte Pennylane déconnecté. Rien n'a été supprimé dans Pennylane."))
    return redirect("pennylane:connection")


@login_required
@require_GET
def document_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Redirect to a fresh PDF URL: Pennylane's public_file_url expires after 30 minutes."""
    principal = _principal(request)
    from .api import billing_documents_visible

    document = get_object_or_404(billing_documents_visible(principal), pk=pk)
    connection = services.connection_for(principal.business_unit)
    if document.pennylane_id is None or connection is None:
        raise Http404(_("Ce document n'existe pas (encore) dans Pennylane."))
    pennylane_id = document.pennylane_id

    def fetch(client):  # type: ignore[no-untyped-def]
        if document.kind == DocumentKind.QUOTE:
            return client.quote_get(pennylane_id)
        return client.invoice_get(pennylane_id)

    try:
        remote = services.connection_call(connection.pk, fetch)
    except PennylaneError as e:
        messages.error(request, _("Impossible d'ouvrir le document : %(e)s") % {"e": e.message})
        return redirect(_safe_next(request, request.META.get("HTTP_REFERER", "")))
    url = remote.get("public_file_url")
    if not url:
        if remote.get("draft"):
            messages.warning(
                request,
                _(
                    "Cette facture est un brouillon : Pennylane n'en publie pas le PDF. Ouvrez-la dans Pennylane (Ventes > Factures clients)."
                ),
            )
        else:
            messages.warning(
                request, _("Le PDF n'est pas encore disponible dans Pennylane : réessayez dans un instant.")
            )
        return redirect("activities:detail", pk=document.activity_id)
    return redirect(url)
