"""Signals other apps listen to (the trigger engine resumes paused firings on this one)."""

from django.dispatch import Signal

# Sent after a successful (re)connection has been committed, with ``business_unit``.
connection_restored = Signal()
