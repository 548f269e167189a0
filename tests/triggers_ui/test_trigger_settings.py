"""The summary page's settings form ("Enregistrer") and "Prévisualiser"."""

import socket

import pytest
from django.urls import reverse

from pennylane.models import PennylaneConnection
from tests import factories
from triggers.forms import TriggerSettingsForm

pytestmark = pytest.mark.django_db


def _post_data(trigger, **overrides):
    data = {k: v for k, v in TriggerSettingsForm.initial_for(trigger).items() if v not in (False, None)}
    data.update(overrides)
    return data


def test_saving_the_settings_updates_the_trigger(login, admin_user, trigger):
    data = _post_data(
        trigger,
        name="Facture à la clôture",
        event="status_changed",
        event_status="closed_ok",
        recurrence="again",
        condition_logic="or",
        priority="5",
        document="invoice",
        invoice_mode="finalized",
        send_email="on",
        extra_recipients="compta@client.fr; chef@client.fr",
        deadline_days="45",
        fields=["title", "reference"],
        custom_fields="numero_bon, etage",
        free_text="Bon {activity.custom.numero_bon}",
        cond_field=["custom.urgent", "", "total_excl_tax"],
        cond_operator=["eq", "eq", "gt"],
        cond_value=["oui", "", "100"],
    )
    del data["active"]  # the "Actif" box unticked
    response = login(admin_user).post(reverse("triggers:detail", args=[trigger.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    trigger.refresh_from_db()
    assert trigger.name == "Facture à la clôture"
    assert trigger.active is False  # the "Actif" box was not posted
    assert (trigger.event, trigger.event_status, trigger.recurrence) == (
        "status_changed",
        "closed_ok",
        "again",
    )
    assert trigger.condition_logic == "or" and trigger.priority == 5
    assert trigger.conditions == [
        {"field": "custom.urgent", "operator": "eq", "value": "oui"},
        {"field": "total_excl_tax", "operator": "gt", "value": "100"},
    ]
    assert trigger.config["invoice_mode"] == "finalized" and trigger.config["send_email"] is True
    assert trigger.config["extra_recipients"] == ["compta@client.fr", "chef@client.fr"]
    assert trigger.config["deadline_days"] == 45
    assert trigger.config["fields"] == ["title", "reference"]
    assert trigger.config["custom_fields"] == ["numero_bon", "etage"]


def test_bad_conditions_are_shown_next_to_their_row(login, admin_user, trigger):
    data = _post_data(
        trigger,
        active="on",
        cond_field=["status", "champ.inconnu"],
        cond_operator=["gt", "eq"],
        cond_value=["abc", "x"],
    )
    response = login(admin_user).post(reverse("triggers:detail", args=[trigger.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="conditions[0]"' in page and "Un nombre est attendu." in page
    assert 'data-field="conditions[1]"' in page and "Champ inconnu" in page
    assert 'value="champ.inconnu"' in page  # the input is kept
    trigger.refresh_from_db()
    assert trigger.conditions == []


def test_a_draft_invoice_sent_by_email_is_refused_on_the_send_email_field(login, admin_user, trigger):
    data = _post_data(trigger, invoice_mode="draft", send_email="on", free_text="{activity.inconnue}")
    response = login(admin_user).post(reverse("triggers:detail", args=[trigger.pk]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "send_email" in errors and "brouillon" in errors["send_email"][0]
    assert "free_text" in errors and "Variable inconnue" in errors["free_text"][0]
    trigger.refresh_from_db()
    assert trigger.config["send_email"] is False


@pytest.mark.parametrize(
    "overrides",
    [
        {"priority": "-1"},
        {"priority": "9" * 40},
        {"deadline_days": "abc"},
        {"event": "explosion"},
        {"fields": ["title", "password"]},
        {"extra_recipients": "pas-un-email"},
        {"custom_fields": "ça ne va pas"},
        {"name": "a\x00b"},
        {"cond_field": ["title"], "cond_operator": ["in"], "cond_value": [""]},
    ],
)
def test_bad_input_is_a_form_error_never_a_500(login, admin_user, trigger, overrides):
    before = trigger.config
    response = login(admin_user).post(
        reverse("triggers:detail", args=[trigger.pk]), _post_data(trigger, **overrides)
    )
    assert response.status_code == 400
    trigger.refresh_from_db()
    assert trigger.config == before


def test_adding_a_condition_row_saves_nothing(login, admin_user, trigger):
    data = _post_data(trigger, name="Pas encore", action="add_condition")
    response = login(admin_user).post(reverse("triggers:detail", args=[trigger.pk]), data)
    assert response.status_code == 200
    assert response.content.decode().count('name="cond_field"') == 1
    trigger.refresh_from_db()
    assert trigger.name != "Pas encore"


def test_the_summary_says_no_error_when_everything_is_set_up(login, admin_user, trigger, bu, monkeypatch):
    PennylaneConnection.objects.create(
        business_unit=bu,
        status="connected",
        company_name="ACME",
        scopes=["customers:all", "customer_invoices:all", "customer_invoice_templates:readonly"],
    )
    asked = []
    # Pennylane answers "invoice templates exist": numbering is set up.
    monkeypatch.setattr("pennylane.services.connection_call", lambda pk, call: asked.append(pk) or True)
    page = login(admin_user).get(reverse("triggers:detail", args=[trigger.pk])).content.decode()
    assert "Aucune erreur : votre intégration fonctionne." in page
    assert "Connecter mon compte Pennylane" not in page
    assert asked  # the summary page asked Pennylane whether numbering is set up


def test_preview_shows_the_pennylane_request_without_any_http(
    login, admin_user, trigger, bu, activity_type, monkeypatch
):
    PennylaneConnection.objects.create(
        business_unit=bu,
        status="connected",
        company_name="ACME",
        scopes=["customers:all", "customer_invoices:all"],
    )
    activity = factories.ActivityFactory(business_unit=bu, activity_type=activity_type, title="Fuite cuisine")

    def no_network(*args, **kwargs):
        raise AssertionError("the preview must not open a connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    client = login(admin_user)
    assert (
        f'<option value="{activity.pk}"'
        in client.get(reverse("triggers:detail", args=[trigger.pk])).content.decode()
    )
    response = client.get(reverse("triggers:preview", args=[trigger.pk]), {"activity": activity.pk})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview["method"] == "POST" and preview["path"] == "/api/external/v2/customer_invoices"
    assert preview["body"]["pdf_invoice_subject"] == "Fuite cuisine"
    assert len(preview["body"]["invoice_lines"]) == 2
    page = response.content.decode()
    assert "/api/external/v2/customer_invoices" in page and "Fuite cuisine" in page


def test_preview_of_another_units_activity_is_refused(login, admin_user, trigger, other_bu):
    foreign = factories.ActivityFactory(business_unit=other_bu)
    response = login(admin_user).get(reverse("triggers:preview", args=[trigger.pk]), {"activity": foreign.pk})
    assert response.status_code == 400
    assert response.context["preview"] is None
    assert "activity" in response.context["preview_form"].errors
