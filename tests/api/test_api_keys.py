from django.utils import timezone
from rest_framework.test import APIClient

from activities.models import HistoryEntry
from tests.conftest import make_api_key


def test_a_valid_key_in_the_authorization_header_is_accepted(bu, activity_type):
    _key, raw = make_api_key(bu)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert client.get("/api/v1/activity-types/").status_code == 200


def test_a_valid_key_in_the_x_api_key_header_is_accepted_and_marked_used(bu):
    key, raw = make_api_key(bu)
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw)
    assert client.get("/api/v1/customers/").status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_revoked_key_is_unauthorized(bu):
    key, raw = make_api_key(bu)
    key.revoked_at = timezone.now()
    key.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    response = client.get("/api/v1/activities/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


def test_an_unknown_key_is_unauthorized(bu):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Api-Key cad_nope_nope")
    assert client.get("/api/v1/activities/").status_code == 401


def test_no_credentials_is_unauthorized(db):
    assert APIClient().get("/api/v1/activities/").status_code == 401


def test_a_user_without_membership_is_forbidden(db):
    from tests import factories

    client = APIClient()
    client.force_login(factories.UserFactory())
    assert client.get("/api/v1/activities/").status_code == 403


def test_changes_made_with_a_key_name_the_key_and_the_api_origin(bu, activity_type):
    key, raw = make_api_key(bu, name="ERP")
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw)
    created = client.post("/api/v1/activities/", {"title": "T", "activity_type": activity_type.pk}).json()
    entry = HistoryEntry.objects.get(activity_id=created["id"])
    assert (entry.actor_api_key, entry.actor_label, entry.origin) == (key, "API: ERP", "api")
