"""One error shape for the REST API: DRF's field-keyed dict, and domain errors as 400/409."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from activities.exceptions import BillingLockedError, TransitionError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, TransitionError):
        return Response({"status": [str(exc)]}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, BillingLockedError):
        return Response({"billing_lines": [str(exc)]}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            # Django's "__all__" (e.g. a multi-field unique constraint) becomes DRF's name for it.
            detail = {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)
