"""Typed access to the sandbox's own settings (``sandbox.settings``)."""

from __future__ import annotations

from django.conf import settings


def _get(name: str, default: object) -> object:
    return getattr(settings, name, default)


def faults_enabled() -> bool:
    return bool(_get("SANDBOX_FAULTS", False))


def demo_client_id() -> str:
    return str(_get("SANDBOX_DEMO_CLIENT_ID", "cadulis-demo"))


def demo_client_secret() -> str:
    return str(_get("SANDBOX_DEMO_CLIENT_SECRET", "cadulis-demo-secret"))


def extra_clients() -> list[str]:
    value = _get("SANDBOX_CLIENTS", [])
    return [str(item) for item in value] if isinstance(value, list | tuple) else []


def default_pdf_delay() -> float:
    value = _get("SANDBOX_PDF_DELAY", 5.0)
    return float(value) if isinstance(value, int | float | str) else 5.0
