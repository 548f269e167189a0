from datetime import UTC, datetime

import pytest
from django.db.models.signals import post_save

from accounts.principal import Actor, Origin
from activities import history, services
from activities.models import Activity, HistoryEntry
from activities.status import Action
from tests import factories


@pytest.fixture
def created(bu, actor, activity_type, customer, field_worker):
    return services.activity_create(
        business_unit=bu,
        actor=actor,
        activity_type=activity_type,
        customer=customer,
        title="Fuite",
        scheduled_start=datetime(2030, 1, 1, 8, tzinfo=UTC),
        assignees=[field_worker],
    )


def test_creating_an_activity_leaves_a_created_row_with_every_value_actor_and_origin(created, admin_user):
    entry = created.history.get()
    assert entry.kind == "created"
    assert (entry.actor_kind, entry.actor_user, entry.actor_label, entry.origin) == (
        "user",
        admin_user,
        str(admin_user),
        "web",
    )
    assert entry.changes["title"] == [None, "Fuite"]
    assert entry.changes["assignees"] == [None, ["technicien"]]
    assert entry.changes["scheduled_start"] == [None, "2030-01-01T08:00:00+00:00"]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("title", "Autre", ["Fuite", "Autre"]),
        ("comment", "Note", ["", "Note"]),
        ("custom_fields", {"etage": 2}, [{}, {"etage": 2}]),
        (
            "scheduled_end",
            datetime(2030, 1, 1, 12, tzinfo=UTC),
            ["2030-01-01T09:00:00+00:00", "2030-01-01T12:00:00+00:00"],
        ),
    ],
)
def test_every_change_leaves_an_updated_row_with_its_diff(created, field, value, expected):
    api_actor = Actor(api_key=factories_api_key(created.business_unit), origin=Origin.API)
    services.activity_update(activity=created, actor=api_actor, data={field: value})
    entry = created.history.first()  # newest first
    assert entry.kind == "updated"
    assert entry.changes == {field: expected}
    assert (entry.actor_kind, entry.origin) == ("api_key", "api")


def factories_api_key(bu):
    from tests.conftest import make_api_key

    return make_api_key(bu)[0]


def test_a_change_of_the_activity_type_is_diffed_by_id(created, bu, actor):
    other = factories.ActivityTypeFactory(business_unit=bu)
    services.activity_update(activity=created, actor=actor, data={"activity_type": other})
    assert created.history.first().changes == {"activity_type_id": [created.activity_type_id, other.pk]}


def test_an_update_that_changes_nothing_leaves_no_row(created, actor):
    services.activity_update(activity=created, actor=actor, data={"title": "Fuite"})
    assert created.history.count() == 1


def test_an_assignee_change_alone_leaves_an_updated_row(created, actor, supervisor):
    services.activity_update(activity=created, actor=actor, data={}, assignees=[supervisor])
    entry = created.history.first()
    assert (entry.kind, entry.changes) == ("updated", {"assignees": [["technicien"], ["superviseur"]]})


def test_assignees_and_fields_changed_together_share_one_row_even_when_a_trigger_writes_history(
    created, actor, supervisor
):
    # A trigger writes its "Déclenchement" row during the save (post_save): the assignee diff
    # must still land in the update's own row, not in the trigger's.
    def fake_trigger(sender, instance, **kwargs):
        history.history_trigger(instance, Actor(), "Déclenchement simulé")

    post_save.connect(fake_trigger, sender=Activity, dispatch_uid="test-fake-trigger")
    try:
        services.activity_update(
            activity=created, actor=actor, data={"title": "Autre"}, assignees=[supervisor]
        )
    finally:
        post_save.disconnect(dispatch_uid="test-fake-trigger", sender=Activity)
    update = created.history.get(kind="updated")
    assert update.changes == {"title": ["Fuite", "Autre"], "assignees": [["technicien"], ["superviseur"]]}
    assert created.history.get(kind="trigger").changes == {}


def test_history_is_listed_newest_first(created, actor):
    services.activity_transition(activity=created, actor=actor, action=Action.START)
    services.activity_update(activity=created, actor=actor, data={"comment": "fini"})
    assert [e.kind for e in HistoryEntry.objects.filter(activity=created)] == ["updated", "status", "created"]


def test_a_status_change_row_carries_the_action_label(created, actor):
    services.activity_transition(activity=created, actor=actor, action=Action.CLOSE_OK)
    entry = created.history.first()
    assert (entry.kind, entry.message) == ("status", "Clôturer OK")
    assert entry.changes["status"] == ["scheduled", "closed_ok"]
    assert "closed_at" in entry.changes


def test_a_failed_update_leaves_no_row(created, actor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.activity_update(activity=created, actor=actor, data={"title": "x" * 301})
    assert created.history.count() == 1


def test_diff_keeps_only_changed_fields_and_makes_values_json_safe():
    from decimal import Decimal

    when = datetime(2030, 1, 1, tzinfo=UTC)
    assert history.diff(
        {"a": 1, "b": when, "c": Decimal("1.50")}, {"a": 1, "b": None, "c": Decimal("2")}
    ) == {
        "b": ["2030-01-01T00:00:00+00:00", None],
        "c": ["1.50", "2"],
    }
