from django.core.exceptions import ValidationError

from activities.exceptions import BillingLockedError, TransitionError
from cadulis.api_errors import exception_handler


def test_django_validation_errors_become_field_keyed_400s():
    response = exception_handler(ValidationError({"siren": ["SIREN invalide"], "__all__": ["Doublon"]}), {})
    assert response.status_code == 400
    assert response.data == {"siren": ["SIREN invalide"], "non_field_errors": ["Doublon"]}


def test_a_message_only_validation_error_is_a_non_field_error():
    response = exception_handler(ValidationError("Non"), {})
    assert (response.status_code, response.data) == (400, {"non_field_errors": ["Non"]})


def test_domain_conflicts_are_409s_naming_what_conflicts():
    assert exception_handler(TransitionError("Impossible"), {}).data == {"status": ["Impossible"]}
    locked = exception_handler(BillingLockedError("Verrouillé"), {})
    assert (locked.status_code, locked.data) == (409, {"billing_lines": ["Verrouillé"]})
