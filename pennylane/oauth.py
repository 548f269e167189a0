"""The OAuth authorization-code flow's ``state``: bound to the session, the user and the
business unit, single-use, valid 10 minutes (RELIABILITY.md, F21)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import BusinessUnit, User

from .client import PennylaneOAuth
from .models import OAuthState

STATE_TTL = timedelta(minutes=10)
SESSION_BINDING_KEY = "pennylane_oauth_binding"


class StateRejected(Exception):
    """The callback's state is missing, unknown, used, expired or not this session's/unit's."""


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _session_binding(session: SessionBase, *, create: bool) -> str | None:
    # A random value kept in the session (not the session key, which login may rotate).
    binding = session.get(SESSION_BINDING_KEY)
    if binding is None and create:
        binding = secrets.token_urlsafe(24)
        session[SESSION_BINDING_KEY] = binding
    return binding


def oauth_start(*, session: SessionBase, business_unit: BusinessUnit, user: User, next_url: str) -> str:
    """Record a new state and return Pennylane's authorization URL."""
    OAuthState.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).delete()
    state = secrets.token_urlsafe(32)
    binding = _session_binding(session, create=True)
    assert binding is not None
    OAuthState.objects.create(
        state_hash=_hash(state),
        session_hash=_hash(binding),
        business_unit=business_unit,
        user=user,
        next_url=next_url[:500],
    )
    return PennylaneOAuth.from_settings().authorization_url(state)


def oauth_consume_state(
    *, session: SessionBase, state: str | None, business_unit: BusinessUnit, user: User
) -> OAuthState:
    """The pending authorization for ``state``, consumed; StateRejected otherwise."""
    if not state:
        raise StateRejected(_("Réponse de Pennylane sans paramètre « state » : connexion refusée."))
    pending = OAuthState.objects.filter(state_hash=_hash(state)).first()
    if pending is None:
        raise StateRejected(_("Paramètre « state » inconnu : connexion refusée."))
    # Single use even under concurrent callbacks: only one UPDATE matches used_at IS NULL.
    now = timezone.now()
    if not OAuthState.objects.filter(pk=pending.pk, used_at__isnull=True).update(used_at=now):
        raise StateRejected(_("Cette autorisation a déjà été utilisée : recommencez la connexion."))
    binding = _session_binding(session, create=False)
    if binding is None or _hash(binding) != pending.session_hash or pending.user_id != user.pk:
        raise StateRejected(
            _("Cette autorisation a été demandée dans une autre session : connexion refusée.")
        )
    if pending.business_unit_id != business_unit.pk:
        raise StateRejected(
            _("Cette autorisation a été demandée pour une autre business unit : connexion refusée.")
        )
    if pending.created_at < now - STATE_TTL:
        raise StateRejected(_("Cette autorisation a expiré (plus de 10 minutes) : recommencez la connexion."))
    return pending
