"""Writes on Pennylane connections: tokens (safe refresh), health, disconnect.

Refresh tokens are single-use and a refresh also kills the previous access token
(api-notes 2.2). So a refresh happens only under a row lock on the connection, re-checks the
expiry once the lock is held (another process may have refreshed meanwhile), and commits the
new pair before anyone uses it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import BusinessUnit, User

from . import crypto
from .client import PennylaneClient, PennylaneOAuth
from .exceptions import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PennylaneError,
    ReauthorizationRequired,
    ValidationError,
)
from .models import ConnectionStatus, PennylaneConnection
from .ratelimit import default_limiter, key_for_token
from .signals import connection_restored
from .types import Me, TokenSet

logger = logging.getLogger(__name__)

# Refresh when the access token has less than this left, so no call starts with a dying token.
REFRESH_MARGIN = timedelta(minutes=5)
# The beat task (every 10 min) refreshes ahead: tokens that expire within this.
BEAT_REFRESH_WITHIN = timedelta(minutes=30)
# Pennylane's refresh tokens live 90 days when the response does not say otherwise.
REFRESH_TOKEN_LIFETIME = timedelta(days=90)

T = TypeVar("T")


def connection_for(business_unit: BusinessUnit) -> PennylaneConnection | None:
    return PennylaneConnection.objects.filter(business_unit=business_unit).first()


def connection_problem(business_unit: BusinessUnit) -> str | None:
    """Why this business unit cannot bill through Pennylane right now, in plain words; None if it can."""
    return _unusable_reason(connection_for(business_unit))


def _unusable_reason(connection: PennylaneConnection | None) -> str | None:
    if connection is None or connection.status in (ConnectionStatus.NEVER, ConnectionStatus.DISCONNECTED):
        return _("Aucune connexion Pennylane : un administrateur doit connecter le compte Pennylane.")
    if connection.status == ConnectionStatus.TO_RECONNECT:
        reason = connection.last_error or _("l'autorisation a expiré ou a été révoquée")
        return _("Connexion Pennylane à reconnecter (%(reason)s).") % {"reason": reason}
    if not connection.has_tokens:
        return _("Aucune connexion Pennylane : un administrateur doit connecter le compte Pennylane.")
    return None


def _expires_soon(connection: PennylaneConnection, margin: timedelta) -> bool:
    return connection.expires_at is None or connection.expires_at <= timezone.now() + margin


def _apply_tokens(connection: PennylaneConnection, tokens: TokenSet, now: datetime) -> None:
    connection.access_token_encrypted = crypto.encrypt(tokens["access_token"])
    connection.refresh_token_encrypted = crypto.encrypt(tokens.get("refresh_token", ""))
    connection.expires_at = now + timedelta(seconds=int(tokens.get("expires_in") or 86400))
    refresh_in = tokens.get("refresh_token_expires_in")
    connection.refresh_expires_at = now + (
        timedelta(seconds=int(refresh_in)) if refresh_in else REFRESH_TOKEN_LIFETIME
    )
    connection.last_refreshed_at = now


def _api_client(access_token: str) -> PennylaneClient:
    return PennylaneClient(settings.PENNYLANE_API_BASE_URL, access_token, limiter=default_limiter())


def connection_refresh(
    connection_id: int, *, margin: timedelta = REFRESH_MARGIN, failed_token_key: str | None = None
) -> PennylaneConnection:
    """Refresh the pair if it is (still, once locked) about to expire, or if ``failed_token_key``
    (the hash of an access token Pennylane just refused) is still the stored one."""
    refused: ReauthorizationRequired | None = None
    try:
        with transaction.atomic():
            connection = PennylaneConnection.objects.select_for_update().get(pk=connection_id)
            reason = _unusable_reason(connection)
            if reason:
                raise ReauthorizationRequired(reason)
            current = crypto.decrypt(connection.access_token_encrypted)
            if failed_token_key is not None:
                needed = key_for_token(current) == failed_token_key
            else:
                needed = _expires_soon(connection, margin)
            if not needed:
                return connection  # another process refreshed while we waited for the lock
            refresh_token = crypto.decrypt(connection.refresh_token_encrypted)
            try:
                if not refresh_token:
                    raise ReauthorizationRequired(
                        _("Les jetons stockés sont illisibles : reconnectez le compte.")
                    )
                try:
                    tokens = PennylaneOAuth.from_settings().refresh(refresh_token)
                except AuthenticationError as e:
                    # invalid_client (a rotated client secret...): no retry fixes it, the work pauses.
                    raise ReauthorizationRequired(e.message) from e
            except ReauthorizationRequired as e:
                _mark_to_reconnect(connection, e.message)  # committed with this transaction
                refused = e
            else:
                now = timezone.now()
                _apply_tokens(connection, tokens, now)
                connection.save()
                logger.info("pennylane connection %s refreshed", connection_id)
                return connection
    except ReauthorizationRequired:
        raise
    except PennylaneError as e:
        # Nothing changed locally (rolled back). If the response was lost after Pennylane
        # rotated the pair, the next refresh will get invalid_grant and ask for a reconnection.
        connection_record_error(
            connection_id, _("Échec du renouvellement du jeton : %(e)s") % {"e": e.message}
        )
        raise
    assert refused is not None
    raise refused


def _mark_to_reconnect(connection: PennylaneConnection, message: str) -> None:
    connection.status = ConnectionStatus.TO_RECONNECT
    connection.last_error = message
    connection.last_error_at = timezone.now()
    connection.save(update_fields=["status", "last_error", "last_error_at", "updated_at"])
    logger.warning("pennylane connection %s must be reconnected: %s", connection.pk, message)


def connection_mark_to_reconnect(connection_id: int, message: str) -> None:
    with transaction.atomic():
        connection = PennylaneConnection.objects.select_for_update().get(pk=connection_id)
        if connection.status == ConnectionStatus.CONNECTED:
            _mark_to_reconnect(connection, message)


def client_for_connection(connection_id: int) -> PennylaneClient:
    """A client with a valid access token; refreshes first if it expires within the margin.

    Raises ReauthorizationRequired when there is no usable connection (the work must pause).
    """
    connection = PennylaneConnection.objects.filter(pk=connection_id).first()
    reason = _unusable_reason(connection)
    if reason or connection is None:
        raise ReauthorizationRequired(reason or "")
    if _expires_soon(connection, REFRESH_MARGIN):
        connection = connection_refresh(connection_id)
    token = crypto.decrypt(connection.access_token_encrypted)
    if not token:
        message = _(
            "Les jetons stockés sont illisibles (clé de chiffrement retirée ?) : reconnectez le compte."
        )
        connection_mark_to_reconnect(connection_id, message)
        raise ReauthorizationRequired(message)
    return _api_client(token)


def connection_record_success(connection_id: int) -> None:
    PennylaneConnection.objects.filter(pk=connection_id).update(last_success_at=timezone.now())


def connection_record_error(connection_id: int, message: str) -> None:
    PennylaneConnection.objects.filter(pk=connection_id).update(
        last_error=message[:2000], last_error_at=timezone.now()
    )


# Errors about the document sent, not about the connection: the connection itself worked.
_DOCUMENT_ERRORS = (ValidationError, NotFoundError, ConflictError)


def connection_call(connection_id: int, operation: Callable[[PennylaneClient], T]) -> T:
    """Run ``operation`` with a fresh client, keeping the connection's health up to date.

    A 401 means the access token was refused: another process may have rotated it, or
    Pennylane expired it early. Refresh (safely) and try once more; a second 401 or a refused
    refresh asks for a reconnection.
    """
    client = client_for_connection(connection_id)
    try:
        try:
            result = operation(client)
        except AuthenticationError as e:
            connection_refresh(connection_id, failed_token_key=client.token_key)
            client = client_for_connection(connection_id)
            try:
                result = operation(client)
            except AuthenticationError as again:
                connection_mark_to_reconnect(connection_id, again.message)
                raise ReauthorizationRequired(
                    _("Pennylane refuse les jetons de la connexion : reconnectez le compte.")
                ) from e
    except _DOCUMENT_ERRORS:
        connection_record_success(connection_id)
        raise
    except PennylaneError as e:
        connection_record_error(connection_id, e.message)
        raise
    connection_record_success(connection_id)
    return result


def connection_connect(
    *, business_unit: BusinessUnit, user: User | None, tokens: TokenSet, me: Me
) -> PennylaneConnection:
    """Store a new authorization (encrypted) and announce it once committed."""
    now = timezone.now()
    with transaction.atomic():
        connection, _created = PennylaneConnection.objects.select_for_update().get_or_create(
            business_unit=business_unit
        )
        previous = crypto.decrypt(connection.refresh_token_encrypted)
        _apply_tokens(connection, tokens, now)
        company = me.get("company") or {}
        connection.status = ConnectionStatus.CONNECTED
        connection.company_id = company.get("id")
        connection.company_name = company.get("name", "")
        connection.scopes = list(me.get("scopes") or [])
        connection.connected_by = user
        connection.connected_at = now
        connection.last_success_at = now
        connection.last_error = ""
        connection.last_error_at = None
        connection.save()
        transaction.on_commit(
            lambda: connection_restored.send(sender=PennylaneConnection, business_unit=business_unit)
        )
    if previous and previous != tokens.get("refresh_token"):
        _revoke_quietly([previous])
    return connection


def _revoke_quietly(tokens: list[str]) -> str | None:
    oauth = PennylaneOAuth.from_settings()
    for token in tokens:
        if not token:
            continue
        try:
            oauth.revoke(token)
        except PennylaneError as e:
            logger.warning("pennylane token revocation failed: %s", e.message)
            return e.message
    return None


def connection_disconnect(*, business_unit: BusinessUnit, user: User | None = None) -> str | None:
    """Revoke the tokens at Pennylane and delete them here. Nothing is deleted in Pennylane.

    Returns a warning when Pennylane could not be told (the local tokens are deleted anyway).
    """
    with transaction.atomic():
        connection = (
            PennylaneConnection.objects.select_for_update().filter(business_unit=business_unit).first()
        )
        if connection is None:
            return None
        tokens = [
            crypto.decrypt(connection.refresh_token_encrypted),
            crypto.decrypt(connection.access_token_encrypted),
        ]
        warning = _revoke_quietly(tokens)
        connection.access_token_encrypted = ""
        connection.refresh_token_encrypted = ""
        connection.expires_at = None
        connection.refresh_expires_at = None
        connection.status = ConnectionStatus.DISCONNECTED
        connection.save()
    logger.info("pennylane connection of business unit %s disconnected by %s", business_unit.pk, user)
    return warning


def connection_test(connection_id: int) -> Me:
    """GET /me with the stored tokens; refreshes the company name and the granted scopes."""
    me = connection_call(connection_id, lambda client: client.me())
    company = me.get("company") or {}
    PennylaneConnection.objects.filter(pk=connection_id).update(
        company_name=company.get("name", ""),
        company_id=company.get("id"),
        scopes=list(me.get("scopes") or []),
    )
    return me


def connections_refresh_expiring(within: timedelta = BEAT_REFRESH_WITHIN) -> int:
    """Refresh every connected connection whose access token expires within ``within``."""
    due = PennylaneConnection.objects.filter(
        status=ConnectionStatus.CONNECTED, expires_at__lte=timezone.now() + within
    ).values_list("pk", flat=True)
    refreshed = 0
    for connection_id in due:
        try:
            connection_refresh(connection_id, margin=within)
            refreshed += 1
        except PennylaneError as e:
            logger.warning("pennylane connection %s not refreshed: %s", connection_id, e.message)
    return refreshed


def connection_authorize(*, business_unit: BusinessUnit, user: User | None, code: str) -> PennylaneConnection:
    """Exchange the authorization code, read GET /me, store the connection."""
    tokens = PennylaneOAuth.from_settings().exchange_code(code)
    try:
        me = _api_client(tokens["access_token"]).me()
    except PennylaneError:
        _revoke_quietly([tokens.get("refresh_token", ""), tokens["access_token"]])
        raise
    return connection_connect(business_unit=business_unit, user=user, tokens=tokens, me=me)
