import itertools

import pytest

from activities import services
from activities.exceptions import TransitionError
from activities.status import TRANSITIONS, Action, Status, allowed_actions
from tests import factories

# The whole table, written out by hand so a change to status.py must be deliberate.
ALLOWED = {
    (Action.SCHEDULE, Status.TO_SCHEDULE): Status.SCHEDULED,
    (Action.SCHEDULE, Status.SCHEDULED): Status.SCHEDULED,
    (Action.UNSCHEDULE, Status.SCHEDULED): Status.TO_SCHEDULE,
    (Action.START, Status.TO_SCHEDULE): Status.IN_PROGRESS,
    (Action.START, Status.SCHEDULED): Status.IN_PROGRESS,
    **{
        (Action.CLOSE_OK, s): Status.CLOSED_OK
        for s in (Status.TO_SCHEDULE, Status.SCHEDULED, Status.IN_PROGRESS)
    },
    **{
        (Action.CLOSE_KO, s): Status.CLOSED_KO
        for s in (Status.TO_SCHEDULE, Status.SCHEDULED, Status.IN_PROGRESS)
    },
    **{
        (Action.CANCEL, s): Status.CANCELLED
        for s in (Status.TO_SCHEDULE, Status.SCHEDULED, Status.IN_PROGRESS)
    },
    **{
        (Action.REOPEN, s): Status.TO_SCHEDULE for s in (Status.CLOSED_OK, Status.CLOSED_KO, Status.CANCELLED)
    },
}
ALL = list(itertools.product(list(Action), list(Status)))


def _activity(bu, status):
    # No assignee: a reopened activity goes back to "to_schedule".
    return factories.ActivityFactory(business_unit=bu, status=status)


def _run(activity, actor, action):
    return services.activity_transition(
        activity=activity, actor=actor, action=action, cancel_reason="internal", cancel_details="doublon"
    )


def test_the_transition_table_is_exactly_the_documented_one():
    table = {
        (action, source): target for action, (sources, target) in TRANSITIONS.items() for source in sources
    }
    assert table == ALLOWED


@pytest.mark.parametrize(("action", "source"), sorted(ALLOWED))
def test_an_allowed_transition_moves_to_its_target_and_is_recorded(bu, actor, action, source):
    activity = _activity(bu, source)
    result = _run(activity, actor, action)
    result.refresh_from_db()
    target = ALLOWED[(action, source)]
    assert result.status == target
    if source != target:  # re-scheduling at the same dates changes nothing, so writes nothing
        entry = result.history.get()
        assert (entry.kind, entry.changes["status"]) == ("status", [source, target])


@pytest.mark.parametrize(("action", "source"), sorted(set(ALL) - set(ALLOWED)))
def test_a_refused_transition_raises_a_clear_error_and_changes_nothing(bu, actor, action, source):
    activity = _activity(bu, source)
    with pytest.raises(TransitionError) as error:
        _run(activity, actor, action)
    assert str(Action(action).label) in str(error.value)
    assert str(Status(source).label) in str(error.value)
    activity.refresh_from_db()
    assert activity.status == source
    assert not activity.history.exists()


def test_an_unknown_action_is_refused(bu, actor):
    with pytest.raises(TransitionError, match="inconnue"):
        _run(_activity(bu, Status.SCHEDULED), actor, "teleport")


def test_reopening_a_planned_and_assigned_activity_makes_it_scheduled_again(bu, actor, field_worker):
    activity = _activity(bu, Status.CLOSED_KO)
    activity.assignees.add(field_worker)
    assert _run(activity, actor, Action.REOPEN).status == Status.SCHEDULED


def test_cancelling_records_reason_and_date_and_reopening_clears_them(bu, actor):
    cancelled = _run(_activity(bu, Status.SCHEDULED), actor, Action.CANCEL)
    assert (cancelled.cancel_reason, cancelled.cancel_details) == ("internal", "doublon")
    assert cancelled.cancelled_at is not None
    reopened = _run(cancelled, actor, Action.REOPEN)
    assert (reopened.cancel_reason, reopened.cancelled_at) == ("", None)


def test_cancelling_without_a_known_reason_is_refused_on_the_field(bu, actor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.activity_transition(
            activity=_activity(bu, Status.SCHEDULED), actor=actor, action=Action.CANCEL
        )
    assert list(error.value.message_dict) == ["cancel_reason"]


def test_closing_sets_closed_at(bu, actor):
    assert _run(_activity(bu, Status.IN_PROGRESS), actor, Action.CLOSE_OK).closed_at is not None


@pytest.mark.parametrize("status", list(Status))
def test_allowed_actions_follow_the_table(status):
    assert set(allowed_actions(status)) == {action for (action, source) in ALLOWED if source == status}
