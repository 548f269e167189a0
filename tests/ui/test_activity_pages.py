"""The activity list, detail, forms and status actions."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from activities import services
from activities.models import Activity, HistoryEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _make_activities(bu, actor, count, users):
    for i in range(count):
        activity_type = factories.ActivityTypeFactory(business_unit=bu)
        customer = factories.CustomerFactory(business_unit=bu)
        services.activity_create(
            business_unit=bu,
            actor=actor,
            activity_type=activity_type,
            customer=customer,
            title=f"Activité {i}",
            scheduled_start=timezone.now() + timedelta(days=i),
            assignees=users,
        )


def _list_queries(client, per_page):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("activities:list"), {"per_page": per_page})
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_list_runs_the_same_number_of_queries_for_5_or_25_rows(
    as_admin, bu, actor, admin_user, field_worker
):
    _make_activities(bu, actor, 5, [admin_user, field_worker])
    small, response = _list_queries(as_admin, 5)
    assert len(response.context["activities"]) == 5
    _make_activities(bu, actor, 20, [admin_user, field_worker])
    large, response = _list_queries(as_admin, 25)
    assert len(response.context["activities"]) == 25
    assert small == large


def test_the_list_filters_by_status_type_customer_assignee_and_date(
    as_admin, bu, actor, activity, field_worker
):
    other_type = factories.ActivityTypeFactory(business_unit=bu, name="Autre type")
    services.activity_create(business_unit=bu, actor=actor, activity_type=other_type, title="Sans date")
    url = reverse("activities:list")

    def titles(**params):
        response = as_admin.get(url, params)
        assert response.status_code == 200
        return {a.title for a in response.context["activities"]}

    assert titles() == {"Fuite sous évier", "Sans date"}
    assert titles(status="to_schedule") == {"Sans date"}
    assert titles(activity_type=other_type.pk) == {"Sans date"}
    assert titles(customer=activity.customer_id) == {"Fuite sous évier"}
    assert titles(assignee=field_worker.pk) == {"Fuite sous évier"}
    day = timezone.localtime(activity.scheduled_start).date()
    assert titles(date_from=day.isoformat(), date_to=day.isoformat()) == {"Fuite sous évier"}
    assert titles(date_from=(day + timedelta(days=1)).isoformat()) == set()


def test_bad_filter_values_do_not_break_the_list(as_admin, activity):
    response = as_admin.get(
        reverse("activities:list"), {"status": "nope", "activity_type": "x", "date_from": "31/31"}
    )
    assert response.status_code == 200


def test_the_detail_shows_sections_history_and_trigger_partials_in_order(as_admin, activity):
    services.activity_transition(activity=activity, actor=services_actor(activity), action="close_ok")
    HistoryEntry.objects.create(
        business_unit=activity.business_unit, activity=activity, kind="trigger", message="Déclenchement test"
    )
    response = as_admin.get(reverse("activities:detail", args=[activity.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["Planification", "Lignes de facturation", "Total HT", "Total TTC", "Données de facturation"]:
        assert text in html
    positions = [html.index(s) for s in ['id="financial-data"', 'id="history"']]
    assert positions == sorted(positions)
    template_names = [t.name for t in response.templates]
    billing, manual, firing = (
        template_names.index("triggers/_activity_billing.html"),
        template_names.index("triggers/_activity_manual.html"),
        template_names.index("triggers/_history_firing.html"),
    )
    assert billing < manual < firing
    history = response.context["history"]
    assert [e.kind for e in history][:2] == ["trigger", "status"]  # newest first
    status_entry = history[1]
    assert {
        "label": "Statut",
        "old": "Planifiée",
        "new": "Clôturée OK",
        "field": "status",
    } in status_entry.readable_changes
    # Totals of the default lines: 2 x 45.00 + 30.00 = 120.00 HT, 24.00 VAT, 144.00 TTC
    assert "120,00" in html and "144,00" in html  # French number format


def services_actor(activity):
    from accounts.principal import Actor, Origin

    return Actor(user=activity.assignees.first(), origin=Origin.WEB)


def test_the_detail_hides_financial_data_when_the_type_has_none(as_admin, activity):
    activity.activity_type.financial_data_enabled = False
    activity.activity_type.save()
    response = as_admin.get(reverse("activities:detail", args=[activity.pk]))
    assert "triggers/_activity_billing.html" not in [t.name for t in response.templates]
    assert "triggers/_activity_manual.html" in [t.name for t in response.templates]


def test_locked_billing_lines_are_read_only_with_the_pennylane_sentence(as_admin, activity):
    Activity.objects.filter(pk=activity.pk).update(billing_locked_at=timezone.now())
    sentence = "Une fois transmis à Pennylane, les devis et les factures ne peuvent plus être modifiés."
    detail = as_admin.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert sentence in detail and "Modifier les lignes de facturation" not in detail
    edit = as_admin.get(reverse("activities:edit", args=[activity.pk])).content.decode()
    assert sentence in edit and 'name="lines-TOTAL_FORMS"' not in edit


def _create_payload(type_, customer, **extra):
    data = {
        "title": "Nouvelle fuite",
        "activity_type": type_.pk,
        "customer": customer.pk,
        "address": "",
        "postal_code": "",
        "city": "",
        "scheduled_start": "",
        "scheduled_end": "",
        "comment": "",
        "custom-TOTAL_FORMS": "1",
        "custom-INITIAL_FORMS": "0",
        "custom-0-code": "etage",
        "custom-0-value": "3",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-label": "Main d'oeuvre",
        "lines-0-quantity": "1,5",
        "lines-0-unit": "hour",
        "lines-0-unit_price": "50",
        "lines-0-vat_rate": "FR_100",
    }
    data.update(extra)
    return data


def test_a_supervisor_creates_an_activity_with_lines_custom_fields_and_assignees(
    as_supervisor, activity_type, customer, field_worker, supervisor
):
    data = _create_payload(
        activity_type, customer, scheduled_start="2030-05-02T09:00", assignees=[field_worker.pk]
    )
    response = as_supervisor.post(reverse("activities:create"), data)
    assert response.status_code == 302
    activity = Activity.objects.get(title="Nouvelle fuite")
    assert activity.status == "scheduled"
    assert activity.custom_fields == {"etage": "3"}
    assert (
        activity.billing_lines[0]["quantity"] == "1.5" and activity.billing_lines[0]["vat_rate"] == "FR_100"
    )
    assert activity.city == customer.city  # taken from the customer when left blank
    assert list(activity.assignees.all()) == [field_worker]
    entry = activity.history.get()
    assert entry.actor_user == supervisor and entry.origin == "web"


def test_the_create_form_is_prefilled_with_the_type_default_lines(as_admin, activity_type):
    response = as_admin.get(reverse("activities:create"), {"activity_type": activity_type.pk})
    assert response.context["lines"].initial[0]["label"] == "Main d'oeuvre"
    assert 'value="45.00"' in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("lines-0-quantity", "abc", "quantity"),
        ("lines-0-vat_rate", "FR_999", "vat_rate"),
        ("lines-0-label", "", "label"),
        ("custom-0-code", "Pas Bon", "code"),
        ("scheduled_start", "9999-01-01T00:00", "scheduled_start"),
        ("activity_type", "999999", "activity_type"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_never_500(
    as_admin, activity_type, customer, field, value, error_field
):
    response = as_admin.post(
        reverse("activities:create"), _create_payload(activity_type, customer, **{field: value})
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'name="[^"]*{error_field}"[^>]*aria-invalid="true"|class="errorlist', html)
    assert not Activity.objects.filter(title="Nouvelle fuite").exists()
    errors = []
    for form in [
        response.context["form"],
        *response.context["lines"].forms,
        *response.context["custom"].forms,
    ]:
        errors.extend(form.errors.keys())
    assert error_field in errors


def test_an_end_before_the_start_is_refused_on_the_field(as_admin, activity_type, customer):
    data = _create_payload(
        activity_type, customer, scheduled_start="2030-05-02T10:00", scheduled_end="2030-05-02T09:00"
    )
    response = as_admin.post(reverse("activities:create"), data)
    assert response.status_code == 400
    assert "scheduled_end" in response.context["form"].errors


def test_editing_only_the_title_records_only_the_title(as_admin, activity):
    page = as_admin.get(reverse("activities:edit", args=[activity.pk]))
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["scheduled_start"] = form["scheduled_start"].value().strftime("%Y-%m-%dT%H:%M")
    data["scheduled_end"] = form["scheduled_end"].value().strftime("%Y-%m-%dT%H:%M")
    data["title"] = "Fuite sous évier (urgent)"
    lines = page.context["lines"]
    data.update({"lines-TOTAL_FORMS": str(len(lines.forms)), "lines-INITIAL_FORMS": str(len(lines.initial))})
    for i, line in enumerate(activity.billing_lines):
        data.update({f"lines-{i}-{k}": v for k, v in line.items()})
    data.update({"custom-TOTAL_FORMS": "0", "custom-INITIAL_FORMS": "0"})
    response = as_admin.post(reverse("activities:edit", args=[activity.pk]), data)
    assert response.status_code == 302, response.context and (
        response.context["form"].errors,
        response.context["lines"].errors,
        response.context["lines"].non_form_errors(),
    )
    entry = activity.history.order_by("-id").first()
    assert entry.kind == "updated"
    assert set(entry.changes) == {"title"}


def test_cancelling_asks_for_a_reason(as_supervisor, activity):
    url = reverse("activities:transition", args=[activity.pk])
    response = as_supervisor.post(url, {"action": "cancel", "cancel_reason": ""})
    assert response.status_code == 400
    assert "cancel_reason" in response.content.decode()
    activity.refresh_from_db()
    assert activity.status == "scheduled"
    response = as_supervisor.post(
        url, {"action": "cancel", "cancel_reason": "customer_request", "cancel_details": "Reporté"}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.cancel_reason, activity.cancel_details) == (
        "cancelled",
        "customer_request",
        "Reporté",
    )


def test_scheduling_takes_a_start_and_an_end(as_supervisor, bu, activity_type, actor):
    activity = services.activity_create(
        business_unit=bu, actor=actor, activity_type=activity_type, title="À caler"
    )
    url = reverse("activities:transition", args=[activity.pk])
    response = as_supervisor.post(
        url,
        {"action": "schedule", "scheduled_start": "2030-01-10T08:00", "scheduled_end": "2030-01-10T10:00"},
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == "scheduled"
    assert timezone.localtime(activity.scheduled_end).hour == 10


def test_an_impossible_action_is_a_message_not_an_error(as_supervisor, activity):
    response = as_supervisor.post(
        reverse("activities:transition", args=[activity.pk]), {"action": "reopen"}, follow=True
    )
    assert response.status_code == 200
    assert "pas possible" in response.content.decode()


def test_today_lists_my_activities_of_the_day_with_big_buttons(
    as_field_worker, activity, bu, activity_type, actor, field_worker
):
    tomorrow = services.activity_create(
        business_unit=bu,
        actor=actor,
        activity_type=activity_type,
        title="Demain",
        scheduled_start=timezone.now() + timedelta(days=1, hours=1),
        assignees=[field_worker],
    )
    if timezone.localtime(activity.scheduled_start).date() != timezone.localdate():
        # Late evening: the fixture's "in one hour" is tomorrow; bring the activity back to now.
        now = timezone.now()
        activity = services.activity_update(
            activity=activity,
            actor=actor,
            data={"scheduled_start": now, "scheduled_end": now + timedelta(hours=1)},
        )
    response = as_field_worker.get(reverse("activities:today"))
    html = response.content.decode()
    assert "Fuite sous évier" in html and tomorrow.title not in html
    assert "Démarrer" in html and "Clôturer OK" in html and "Clôturer KO" in html
    assert "Annuler" not in html and "Planifier" not in html
    done = as_field_worker.post(
        reverse("activities:transition", args=[activity.pk]),
        {"action": "start", "next": reverse("activities:today")},
    )
    assert done["Location"] == reverse("activities:today")


def test_the_history_names_types_and_customers_instead_of_ids(as_admin, activity, bu, actor):
    new_customer = factories.CustomerFactory(business_unit=bu, name="Nouveau Client SA")
    services.activity_update(activity=activity, actor=actor, data={"customer": new_customer})
    response = as_admin.get(reverse("activities:detail", args=[activity.pk]))
    change = next(c for c in response.context["history"][0].readable_changes if c["field"] == "customer_id")
    assert change["new"] == "Nouveau Client SA"
    assert change["old"] == activity.customer.display_name


def test_the_switch_changes_the_business_unit_among_my_memberships(
    as_admin, admin_user, other_bu, activity, other_activity
):
    factories.MembershipFactory(user=admin_user, business_unit=other_bu, role=Role.SUPERVISOR)
    response = as_admin.post(reverse("accounts:switch"), {"business_unit": other_bu.pk})
    assert response.status_code == 302
    listing = as_admin.get(reverse("activities:list")).content.decode()
    assert "Chez le concurrent" in listing and "Fuite sous évier" not in listing
    stranger = factories.BusinessUnitFactory()
    assert as_admin.post(reverse("accounts:switch"), {"business_unit": stranger.pk}).status_code == 404
