"""A change made in the Django admin goes through the services: history row with origin admin."""

import pytest
from django.urls import reverse

from accounts.models import User
from activities.models import Activity, HistoryKind
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def test_an_admin_site_edit_leaves_a_history_row_with_origin_admin(client, bu, activity_type, customer):
    superuser = User.objects.create_superuser("root", "root@example.com", "pass-1234")
    client.force_login(superuser)
    activity = ActivityFactory(
        business_unit=bu, activity_type=activity_type, customer=customer, title="Avant"
    )
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        title="Après",
        custom_fields="{}",
        billing_lines=form["billing_lines"].value(),
        assignees=[],
        scheduled_start_0=activity.scheduled_start.strftime("%Y-%m-%d"),
        scheduled_start_1=activity.scheduled_start.strftime("%H:%M:%S"),
        scheduled_end_0=activity.scheduled_end.strftime("%Y-%m-%d"),
        scheduled_end_1=activity.scheduled_end.strftime("%H:%M:%S"),
    )
    data.pop("scheduled_start", None)
    data.pop("scheduled_end", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get(pk=activity.pk)
    assert activity.title == "Après"
    entry = activity.history.get(kind=HistoryKind.UPDATED)
    assert entry.origin == "admin" and entry.changes["title"] == ["Avant", "Après"]
