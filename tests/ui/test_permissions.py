"""Who may open what, and no business unit ever sees another's objects."""

import pytest
from django.urls import reverse

from accounts.models import ApiKey, Membership
from activities.models import Activity

pytestmark = pytest.mark.django_db

PAGES = [
    "activities:list",
    "activities:today",
    "activities:create",
    "activities:customer_list",
    "catalog:list",
]


@pytest.mark.parametrize(
    ("client_fixture", "expected"),
    [
        ("as_admin", {"activities:create": 200, "activities:customer_list": 200}),
        ("as_supervisor", {"activities:create": 200, "activities:customer_list": 200}),
        ("as_field_worker", {"activities:create": 403, "activities:customer_list": 403}),
        ("as_accountant", {"activities:create": 403, "activities:customer_list": 200}),
    ],
)
def test_each_role_sees_the_pages_its_role_allows(request, client_fixture, expected):
    client = request.getfixturevalue(client_fixture)
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == expected.get(name, 200), name


@pytest.mark.parametrize("client_fixture", ["as_supervisor", "as_field_worker", "as_accountant"])
def test_only_administrators_reach_the_settings_pages(request, client_fixture, activity_type):
    client = request.getfixturevalue(client_fixture)
    for url in [
        "/catalog/create/",
        f"/catalog/{activity_type.pk}/",
        "/accounts/api-keys/",
        "/accounts/members/",
    ]:
        assert client.get(url).status_code == 403, url


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, activity):
    response = client.get(reverse("activities:detail", args=[activity.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_every_object_url_of_another_business_unit_is_a_404(as_admin, other_activity):
    other_bu = other_activity.business_unit
    key = ApiKey.objects.create(business_unit=other_bu, name="x", prefix="abcd1234", key_hash="0" * 64)
    membership = Membership.objects.get(business_unit=other_bu)
    gets = [
        reverse("activities:detail", args=[other_activity.pk]),
        reverse("activities:edit", args=[other_activity.pk]),
        reverse("activities:customer_edit", args=[other_activity.customer_id]),
        reverse("catalog:configure", args=[other_activity.activity_type_id]),
        reverse("accounts:api_key_created", args=[key.pk]),
    ]
    for url in gets:
        assert as_admin.get(url).status_code == 404, url
    posts = [
        (reverse("activities:transition", args=[other_activity.pk]), {"action": "close_ok"}),
        (reverse("activities:edit", args=[other_activity.pk]), {"title": "Volé"}),
        (reverse("activities:customer_edit", args=[other_activity.customer_id]), {"kind": "company"}),
        (reverse("catalog:configure", args=[other_activity.activity_type_id]), {"name": "Volé"}),
        (reverse("accounts:api_key_revoke", args=[key.pk]), {}),
        (reverse("accounts:member_role", args=[membership.pk]), {"role": "accountant"}),
    ]
    for url, data in posts:
        assert as_admin.post(url, data).status_code == 404, url
    other_activity.refresh_from_db()
    key.refresh_from_db()
    membership.refresh_from_db()
    assert other_activity.status == "to_schedule" and other_activity.title == "Chez le concurrent"
    assert key.revoked_at is None and membership.role == "admin"


def test_another_business_unit_activities_are_not_listed(as_admin, activity, other_activity):
    response = as_admin.get(reverse("activities:list"))
    assert activity.reference.encode() in response.content
    assert b"Chez le concurrent" not in response.content


def test_a_field_worker_sees_only_activities_assigned_to_them(
    as_field_worker, activity, bu, activity_type, actor
):
    from activities import services

    not_mine = services.activity_create(
        business_unit=bu, actor=actor, activity_type=activity_type, title="Pas à moi"
    )
    listing = as_field_worker.get(reverse("activities:list"))
    assert b"Fuite sous" in listing.content and b"Pas \xc3\xa0 moi" not in listing.content
    assert as_field_worker.get(reverse("activities:detail", args=[activity.pk])).status_code == 200
    assert as_field_worker.get(reverse("activities:detail", args=[not_mine.pk])).status_code == 404
    response = as_field_worker.post(reverse("activities:transition", args=[not_mine.pk]), {"action": "start"})
    assert response.status_code == 404
    assert Activity.objects.get(pk=not_mine.pk).status == "to_schedule"


def test_a_field_worker_may_start_and_close_but_not_cancel(as_field_worker, activity):
    url = reverse("activities:transition", args=[activity.pk])
    assert as_field_worker.post(url, {"action": "cancel", "cancel_reason": "other"}).status_code == 403
    assert as_field_worker.post(url, {"action": "start"}).status_code == 302
    assert as_field_worker.post(url, {"action": "close_ko"}).status_code == 302
    activity.refresh_from_db()
    assert activity.status == "closed_ko"


def test_an_accountant_reads_but_cannot_change_anything(as_accountant, activity):
    detail = as_accountant.get(reverse("activities:detail", args=[activity.pk]))
    assert detail.status_code == 200
    assert b'name="action"' not in detail.content
    assert (
        as_accountant.post(
            reverse("activities:transition", args=[activity.pk]), {"action": "start"}
        ).status_code
        == 403
    )
    assert (
        as_accountant.post(reverse("activities:edit", args=[activity.pk]), {"title": "x"}).status_code == 403
    )
    activity.refresh_from_db()
    assert activity.status == "scheduled"
