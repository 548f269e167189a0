"""Paramètres > Déclenchements: list, "Ajout de déclenchement", summary page, switch, copy, ⛔."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import HistoryEntry, HistoryKind
from tests import factories
from triggers.models import Firing, FiringStatus, Trigger

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["supervisor", "field_worker", "accountant"])
def test_only_administrators_reach_the_trigger_screens(request, login, trigger, role):
    client = login(request.getfixturevalue(role))
    for url in (
        reverse("triggers:list"),
        reverse("triggers:add"),
        reverse("triggers:detail", args=[trigger.pk]),
        reverse("triggers:preview", args=[trigger.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for name in ("toggle", "duplicate", "delete"):
        assert client.post(reverse(f"triggers:{name}", args=[trigger.pk])).status_code == 403, name
    trigger.refresh_from_db()
    assert trigger.active


def test_anonymous_users_are_sent_to_the_login_page(client, trigger):
    response = client.get(reverse("triggers:detail", args=[trigger.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_another_business_units_trigger_is_a_404_everywhere(login, admin_user, other_trigger):
    client = login(admin_user)
    pk = other_trigger.pk
    assert client.get(reverse("triggers:detail", args=[pk])).status_code == 404
    assert client.post(reverse("triggers:detail", args=[pk]), {"name": "x"}).status_code == 404
    assert client.get(reverse("triggers:preview", args=[pk])).status_code == 404
    assert client.post(reverse("triggers:toggle", args=[pk]), {"active": "0"}).status_code == 404
    assert client.post(reverse("triggers:duplicate", args=[pk])).status_code == 404
    assert client.post(reverse("triggers:delete", args=[pk])).status_code == 404
    other_trigger.refresh_from_db()
    assert other_trigger.active
    assert Trigger.objects.filter(business_unit=other_trigger.business_unit).count() == 1
    assert "Chez le voisin" not in client.get(reverse("triggers:list")).content.decode()


def test_the_list_groups_triggers_by_activity_type_with_their_switch(
    login, admin_user, bu, make_trigger, activity_type
):
    other_type = factories.ActivityTypeFactory(business_unit=bu, name="Maintenance")
    make_trigger(activity_type, name="Facture dépannage")
    make_trigger(other_type, name="Devis maintenance", active=False)
    page = login(admin_user).get(reverse("triggers:list")).content.decode()
    assert "Paramètres" in page and "Déclenchements" in page
    assert (
        page.index("Dépannage")
        < page.index("Facture dépannage")
        < page.index("Maintenance")
        < page.index("Devis maintenance")
    )
    assert page.count('role="switch"') == 2
    assert page.count('aria-checked="true"') == 1 and page.count('aria-checked="false"') == 1
    assert "Ajout de déclenchement" in page


def test_adding_a_trigger_opens_its_summary_with_the_problems(login, admin_user, bu):
    activity_type = factories.ActivityTypeFactory(
        business_unit=bu, name="Ramonage", financial_data_enabled=True, billing_data_enabled=False
    )
    client = login(admin_user)
    form = client.get(reverse("triggers:add")).content.decode()
    for label in (
        "Type d&#x27;activité",
        "Nom",
        "Type de déclenchement",
        "Facturer avec Pennylane",
        "Ajouter",
    ):
        assert label in form
    response = client.post(
        reverse("triggers:add"),
        {
            "activity_type": activity_type.pk,
            "name": "Facturer le ramonage",
            "trigger_type": "pennylane_billing",
        },
    )
    trigger = Trigger.objects.get(name="Facturer le ramonage")
    assert trigger.business_unit == bu and trigger.activity_type == activity_type
    assert response.status_code == 302
    assert response["Location"] == reverse("triggers:detail", args=[trigger.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-code="no_connection"' in page
    assert 'data-code="billing_disabled"' in page
    assert "Aucune connexion Pennylane" in page
    assert "Connecter mon compte Pennylane" in page
    assert f'name="next" value="{reverse("triggers:detail", args=[trigger.pk])}"' in page
    assert "Aucune erreur : votre intégration fonctionne." not in page
    assert "Dupliquer le déclencheur" in page and "Enregistrer" in page


def test_adding_without_a_name_or_with_another_units_type_shows_field_errors(login, admin_user, other_bu):
    foreign_type = factories.ActivityTypeFactory(business_unit=other_bu)
    response = login(admin_user).post(
        reverse("triggers:add"), {"activity_type": foreign_type.pk, "name": "", "trigger_type": "nope"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"activity_type", "name", "trigger_type"}
    assert not Trigger.objects.exists()


def test_the_switch_deactivates_then_activates_immediately(login, admin_user, trigger):
    client = login(admin_user)
    response = client.post(
        reverse("triggers:toggle", args=[trigger.pk]), {"active": "0", "next": "/triggers/"}
    )
    assert response.status_code == 302 and response["Location"] == "/triggers/"
    trigger.refresh_from_db()
    assert trigger.active is False
    page = client.get("/triggers/").content.decode()
    assert (
        'aria-checked="false"' in page
        and "désactivé" in page
        and "Rien n&#x27;est supprimé dans Pennylane" in page
    )
    client.post(reverse("triggers:toggle", args=[trigger.pk]), {"active": "1"})
    trigger.refresh_from_db()
    assert trigger.active is True


def test_duplicating_makes_an_inactive_copy_and_opens_it(login, admin_user, trigger):
    response = login(admin_user).post(reverse("triggers:duplicate", args=[trigger.pk]))
    copy = Trigger.objects.exclude(pk=trigger.pk).get()
    assert response["Location"] == reverse("triggers:detail", args=[copy.pk])
    assert copy.active is False and trigger.active is True
    assert copy.name == f"{trigger.name} (copie)"
    assert copy.config == trigger.config and copy.activity_type == trigger.activity_type


def test_delete_mode_shows_the_icon_per_trigger_and_deletes_at_once(
    login, admin_user, trigger, bu, activity_type
):
    client = login(admin_user)
    assert 'data-testid="delete-mode"' in client.get("/triggers/").content.decode()
    assert f'data-testid="delete-{trigger.pk}"' not in client.get("/triggers/").content.decode()
    assert f'data-testid="delete-{trigger.pk}"' in client.get("/triggers/?mode=delete").content.decode()
    activity = factories.ActivityFactory(business_unit=bu, activity_type=activity_type)
    pending = Firing.objects.create(
        business_unit=bu,
        trigger=trigger,
        trigger_name=trigger.name,
        trigger_type=trigger.trigger_type,
        activity=activity,
        idempotency_key="t-delete-1",
    )
    response = client.post(reverse("triggers:delete", args=[trigger.pk]), follow=True)
    assert not Trigger.objects.filter(pk=trigger.pk).exists()
    pending.refresh_from_db()
    assert pending.status == FiringStatus.CANCELLED
    assert HistoryEntry.objects.filter(
        activity=activity, kind=HistoryKind.NOTE, message__contains="supprimé"
    ).exists()
    page = response.content.decode()
    assert "Rien n&#x27;a été supprimé dans Pennylane" in page


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("triggers:list")).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_page_query_count_does_not_grow_with_triggers(
    login, admin_user, bu, make_trigger, activity_type
):
    client = login(admin_user)
    make_trigger(activity_type, name="Premier")
    before = _list_queries(client)
    for n in range(6):
        make_trigger(factories.ActivityTypeFactory(business_unit=bu), name=f"Autre {n}")
    assert _list_queries(client) == before
