"""The triggers parts of the activity page: billing documents, manual firing, firing details."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.principal import Actor
from activities import history
from activities.models import HistoryEntry, HistoryKind
from pennylane.models import BillingDocument
from tests import factories
from triggers import engine
from triggers.models import Firing, FiringAttempt, FiringStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(bu, activity_type, customer):
    return factories.ActivityFactory(business_unit=bu, activity_type=activity_type, customer=customer)


def _failed_firing(
    trigger, activity, key="t-fail-1", message="Pennylane a refusé le document : TVA inconnue"
):
    entry = history.history_trigger(activity, Actor(), f"Déclenchement « {trigger.name} »")
    firing = Firing.objects.create(
        business_unit=activity.business_unit,
        trigger=trigger,
        trigger_name=trigger.name,
        trigger_type=trigger.trigger_type,
        activity=activity,
        idempotency_key=key,
        status=FiringStatus.FAILED,
        error_message=message,
        history_entry=entry,
        attempts=1,
        request_data={"method": "POST", "body": {"label": "ACT dépannage"}},
        response_data={"status": 422},
    )
    FiringAttempt.objects.create(
        firing=firing,
        number=1,
        started_at=timezone.now(),
        duration_ms=321,
        outcome="failed",
        steps=[{"step": "customer", "status": "ok", "ms": 12, "error": ""}],
        error_message="422 vat_rate",
    )
    return firing


def test_force_creates_a_firing_with_the_user_and_a_history_row(
    login, supervisor, trigger, activity, django_capture_on_commit_callbacks
):
    client = login(supervisor)
    page = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "Lancer manuellement un déclencheur" in page and "Forcer le déclenchement" in page
    assert f'<option value="{trigger.pk}">{trigger.name}</option>' in page
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("triggers:force", args=[activity.pk]), {"trigger": trigger.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("activities:detail", args=[activity.pk]))
    firing = Firing.objects.get(activity=activity, trigger=trigger)
    assert (
        firing.forced_by == supervisor and firing.status == FiringStatus.PENDING and firing.event == "manual"
    )
    assert firing.history_entry.kind == HistoryKind.TRIGGER
    assert len(callbacks) == 1  # the enqueue, after commit
    page = client.get(response["Location"]).content.decode()
    assert "Déclenchement forcé : consultez l&#x27;historique de l&#x27;activité" in page
    assert f'id="firing-{firing.pk}"' in page and "En attente" in page


def test_the_manual_part_is_hidden_when_the_type_does_not_allow_it_or_the_role_cannot_force(
    login, admin_user, field_worker, accountant, trigger, activity, activity_type
):
    activity.assignees.add(field_worker)
    for user in (field_worker, accountant):
        page = login(user).get(reverse("activities:detail", args=[activity.pk])).content.decode()
        assert "Lancer manuellement un déclencheur" not in page
        assert (
            login(user)
            .post(reverse("triggers:force", args=[activity.pk]), {"trigger": trigger.pk})
            .status_code
            == 403
        )
    activity_type.manual_triggers_enabled = False
    activity_type.save()
    page = login(admin_user).get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "Lancer manuellement un déclencheur" not in page
    response = login(admin_user).post(
        reverse("triggers:force", args=[activity.pk]), {"trigger": trigger.pk}, follow=True
    )
    assert "ne sont pas activés" in response.content.decode()
    assert not Firing.objects.exists()


def test_force_and_retry_of_another_business_unit_are_404(
    login, admin_user, trigger, activity, other_trigger, other_bu
):
    client = login(admin_user)
    foreign_activity = factories.ActivityFactory(
        business_unit=other_bu, activity_type=other_trigger.activity_type
    )
    assert (
        client.post(
            reverse("triggers:force", args=[foreign_activity.pk]), {"trigger": trigger.pk}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("triggers:force", args=[activity.pk]), {"trigger": other_trigger.pk}).status_code
        == 404
    )
    foreign_firing = _failed_firing(other_trigger, foreign_activity, key="t-foreign")
    assert client.post(reverse("triggers:retry", args=[foreign_firing.pk])).status_code == 404
    foreign_firing.refresh_from_db()
    assert foreign_firing.status == FiringStatus.FAILED
    assert client.post(reverse("triggers:force", args=[activity.pk]), {"trigger": "abc"}).status_code == 302
    assert not Firing.objects.filter(activity=activity).exists()


def test_a_failed_firing_can_be_retried_from_the_activity_page(
    login, supervisor, trigger, activity, django_capture_on_commit_callbacks
):
    firing = _failed_firing(trigger, activity)
    client = login(supervisor)
    page = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "Relancer" in page and reverse("triggers:retry", args=[firing.pk]) in page
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("triggers:retry", args=[firing.pk]))
    firing.refresh_from_db()
    assert firing.status == FiringStatus.PENDING and firing.attempts == 0
    assert len(callbacks) == 1
    assert HistoryEntry.objects.filter(
        activity=activity, kind=HistoryKind.NOTE, message__contains="relancé"
    ).exists()


def test_the_history_shows_what_was_sent_the_error_and_the_attempts(login, admin_user, trigger, activity):
    firing = _failed_firing(trigger, activity)
    page = login(admin_user).get(reverse("activities:detail", args=[activity.pk])).content.decode()
    block = page[page.index(f'id="firing-{firing.pk}"') :]
    block = block[: block.index("</details>")]
    assert "Échec" in block and trigger.name in block
    assert "TVA inconnue" in block
    assert "&quot;label&quot;: &quot;ACT dépannage&quot;" in block  # request_data, pretty-printed
    assert "321 ms" in block and "customer (ok, 12 ms)" in block


def test_billing_documents_open_in_a_new_tab_and_locked_billing_is_said(login, accountant, activity, bu):
    doc = BillingDocument.objects.create(
        business_unit=bu,
        activity=activity,
        kind="invoice",
        external_reference="cadulis-x-1",
        pennylane_id=987,
        number="F-2025-0042",
        status="upcoming",
        draft=False,
        amount_excl_tax="120.00",
        amount_incl_tax="144.00",
    )
    BillingDocument.objects.create(
        business_unit=bu, activity=activity, kind="quote", external_reference="cadulis-x-2", pennylane_id=None
    )
    activity.billing_locked_at = timezone.now()
    activity.save(update_fields=["billing_locked_at"])
    page = login(accountant).get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "Vente" in page and "F-2025-0042" in page
    assert "144,00 EUR" in page or "144.00 EUR" in page
    link = f'href="{reverse("pennylane:document_open", args=[doc.pk])}" target="_blank" rel="noopener"'
    assert link in page
    assert "Une fois transmis à Pennylane, les devis et les factures ne peuvent plus être modifiés." in page


def test_the_lock_sentence_is_absent_while_billing_is_open(login, admin_user, activity):
    page = login(admin_user).get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "ne peuvent plus être modifiés" not in page


def _page_queries(client, activity):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("activities:detail", args=[activity.pk])).status_code == 200
    return len(ctx.captured_queries)


def test_the_activity_page_query_count_does_not_grow_with_firings(login, admin_user, trigger, activity, bu):
    client = login(admin_user)
    _failed_firing(trigger, activity, key="t-q-0")
    before = _page_queries(client, activity)
    for n in range(1, 6):
        _failed_firing(trigger, activity, key=f"t-q-{n}")
        engine.firing_create(trigger=trigger, activity=activity, event="manual", key=f"t-q-m{n}")
        BillingDocument.objects.create(
            business_unit=bu, activity=activity, kind="invoice", external_reference=f"q-{n}", pennylane_id=n
        )
    assert _page_queries(client, activity) == before
