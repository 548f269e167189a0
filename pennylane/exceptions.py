"""One exception family for everything that can go wrong talking to Pennylane.

The client maps every HTTP status and transport failure to one of these, so callers decide
"retry, pause or fail" from the class (and ``permanent``) without looking at HTTP.
Bodies are parsed defensively: Pennylane uses several error shapes (api-notes section 3.4:
``{"error", "status"}``, ``{"message", "code", "field"}``, ``{"error", "message", "details"}``)
and the 429 body is plain text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any


class PennylaneError(Exception):
    """Base class. ``message`` is in plain words; Pennylane's own message is kept when it gave one."""

    permanent = True

    def __init__(self, message: str, *, status: int | None = None, permanent: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        if permanent is not None:
            self.permanent = permanent

    def __str__(self) -> str:
        return self.message


class AuthenticationError(PennylaneError):
    """401: the access token is missing, invalid, expired or revoked (Pennylane does not say which)."""


class ForbiddenError(PennylaneError):
    """403: the token lacks a scope. ``scope`` is set when Pennylane names it."""

    def __init__(self, message: str, *, status: int | None = 403, scope: str | None = None) -> None:
        super().__init__(message, status=status)
        self.scope = scope


class NotFoundError(PennylaneError):
    """404, also returned for another company's ids."""


class ValidationError(PennylaneError):
    """400/422: Pennylane refused the content (numbering not configured, bad VAT code...)."""


class ConflictError(PennylaneError):
    """409: e.g. the PDF is not generated yet (send_by_email) or the resource already exists."""

    permanent = False


class RateLimitedError(PennylaneError):
    """429: wait ``wait_seconds`` before the next call with this token."""

    permanent = False

    def __init__(self, message: str, *, wait_seconds: float, status: int | None = 429) -> None:
        super().__init__(message, status=status)
        self.wait_seconds = wait_seconds


class TransientError(PennylaneError):
    """5xx, timeouts and connection errors: the call may or may not have been applied."""

    permanent = False


class ReauthorizationRequired(PennylaneError):
    """No usable connection (never connected, disconnected, grant revoked or refresh refused).

    The work waiting on it must pause, not fail: an administrator reconnecting resumes it.
    """

    permanent = False


DEFAULT_RATE_LIMIT_WAIT = 5.0
_SCOPE_RE = re.compile(r"""scope[s]?\s*[:"'“]*\s*([a-z_]+:[a-z_]+)""", re.IGNORECASE)
_SECONDS_RE = re.compile(r"(\d+(?:\.\d+)?)\s*second", re.IGNORECASE)


def message_from_body(text: str) -> str:
    """Pennylane's own message, whichever shape the body has; '' if none."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        data: Any = json.loads(text)
    except ValueError:
        # Plain text (the 429 body) or an HTML error page: keep short plain text only.
        return "" if text.startswith("<") else text[:500]
    if isinstance(data, str):
        return data[:500]
    if not isinstance(data, Mapping):
        return ""
    parts: list[str] = []
    for key in ("message", "error", "error_description"):
        value = data.get(key)
        # {"error": "unprocessable_entity", "message": "..."}: the code adds nothing to the message.
        if isinstance(value, str) and value and not (key == "error" and "message" in data and "_" in value):
            parts.append(value)
    field = data.get("field")
    if isinstance(field, str) and field:
        parts.append(f"({field})")
    details = data.get("details")
    if isinstance(details, Mapping) and details:
        parts.append(json.dumps(details, ensure_ascii=False)[:300])
    elif isinstance(details, list) and details:
        parts.append("; ".join(str(d) for d in details)[:300])
    return " ".join(dict.fromkeys(parts))[:1000]


def wait_from_headers(headers: Mapping[str, str], body: str = "", now: float | None = None) -> float:
    """Seconds to wait after a 429: ``retry-after``, else ``ratelimit-reset`` (epoch s), else the body."""
    import time

    lower = {k.lower(): v for k, v in headers.items()}
    now = time.time() if now is None else now
    retry_after = lower.get("retry-after")
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(retry_after).timestamp() - now)
            except (TypeError, ValueError):
                pass
    reset = lower.get("ratelimit-reset")
    if reset:
        try:
            value = float(reset)
            # Epoch seconds per the guide; small values are a delay in seconds.
            return max(0.0, value - now) if value > 1_000_000_000 else max(0.0, value)
        except ValueError:
            pass
    match = _SECONDS_RE.search(body or "")
    if match:
        return float(match.group(1))
    return DEFAULT_RATE_LIMIT_WAIT


def error_for_status(status: int, body: str, headers: Mapping[str, str]) -> PennylaneError:
    """The exception for a non-2xx response."""
    own = message_from_body(body)
    if status == 401:
        return AuthenticationError(
            own or "Pennylane a refusé le jeton d'accès (invalide, expiré ou révoqué).", status=status
        )
    if status == 403:
        match = _SCOPE_RE.search(own)
        scope = match.group(1) if match else None
        text = own or "Pennylane refuse l'accès : une autorisation (scope) manque à la connexion."
        return ForbiddenError(text, status=status, scope=scope)
    if status == 404:
        return NotFoundError(own or "Introuvable dans Pennylane.", status=status)
    if status in (400, 422):
        return ValidationError(own or "Pennylane a refusé les données envoyées.", status=status)
    if status == 409:
        return ConflictError(own or "Conflit avec l'état du document dans Pennylane.", status=status)
    if status == 429:
        wait = wait_from_headers(headers, body)
        return RateLimitedError(
            f"Limite de requêtes Pennylane atteinte : réessai dans {wait:.0f} s.", wait_seconds=wait
        )
    if status >= 500:
        return TransientError(own or f"Pennylane est indisponible (erreur {status}).", status=status)
    return PennylaneError(own or f"Réponse inattendue de Pennylane (statut {status}).", status=status)
