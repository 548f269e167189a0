"""The user documentation (shared/seed), step by step, in a real browser, against the sandbox
over HTTP and a real Celery worker: create the trigger, see the summary's errors, connect the
Pennylane account on Pennylane's authorization screen, see no error left, close an activity
as a field worker, then as a supervisor find the invoice under "Données de facturation" and
the "Déclenchement" in the history, and the invoice "(Création API)" in Pennylane."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.principal import Actor, Origin
from activities import services as activity_services
from triggers.models import Firing, FiringStatus

from .. import factories
from ..worker_process import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.sandbox]


def login(browser, base_url, username, phone=False):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-1234")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


@pytest.fixture
def world(db, bu):
    admin = factories.MembershipFactory(business_unit=bu, role=Role.ADMIN, user__username="admin").user
    factories.MembershipFactory(business_unit=bu, role=Role.SUPERVISOR, user__username="superviseur")
    tech = factories.MembershipFactory(
        business_unit=bu, role=Role.FIELD_WORKER, user__username="technicien"
    ).user
    activity_type = factories.ActivityTypeFactory(business_unit=bu, name="Dépannage plomberie")
    customer = factories.CustomerFactory(business_unit=bu, name="Boulangerie Dupain")
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if timezone.localtime(start).date() != timezone.localdate():  # late evening: keep it today
        start = timezone.now()
    activity = activity_services.activity_create(
        business_unit=bu,
        actor=Actor(user=admin, origin=Origin.WEB),
        activity_type=activity_type,
        customer=customer,
        title="Réparation fuite évier",
        scheduled_start=start,
        assignees=[tech],
    )
    return {"activity_type": activity_type, "activity": activity}


def test_the_seed_procedure_end_to_end(
    chromium, live_server, world, settings_for_sandbox, sandbox_clean, celery_worker_process, settings
):
    settings.PENNYLANE_REDIRECT_URI = f"{live_server.url}/pennylane/callback/"
    base = live_server.url
    activity = world["activity"]

    # 1-5. Paramètres > Déclenchements > Ajout de déclenchement > ... > Ajouter
    admin = login(chromium, base, "admin")
    admin.goto(f"{base}/triggers/")
    admin.get_by_role("link", name="Ajout de déclenchement").click()
    admin.get_by_label("Type d'activité").select_option(label="Dépannage plomberie")
    admin.get_by_label("Nom").fill("Facturer les dépannages")
    admin.get_by_label("Type de déclenchement").select_option(label="Facturer avec Pennylane")
    admin.get_by_role("button", name="Ajouter").click()

    # 6. The summary lists what stops the trigger, with the connect button.
    admin.wait_for_selector("#problems")
    assert admin.locator('[data-code="no_connection"]').count() == 1
    admin.get_by_role("button", name="Connecter mon compte Pennylane").click()

    # 7. Pennylane's authorization screen: pick the company, "Autoriser".
    admin.wait_for_url(re.compile(r".*/oauth/authorize.*"))
    admin.select_option("select[name=company]", "demo")
    admin.get_by_role("button", name="Autoriser").click()

    # Back on the trigger: no error left.
    admin.wait_for_url(re.compile(r".*/triggers/\d+/.*"))
    assert admin.locator(".problem-none").inner_text().startswith("Aucune erreur")
    # Settings: a finalized invoice this time, then "Enregistrer".
    admin.check("input[name=invoice_mode][value=finalized]")
    admin.get_by_role("button", name="Enregistrer").click()
    admin.wait_for_load_state()
    assert admin.locator("input[name=invoice_mode][value=finalized]").is_checked()

    # The field worker closes the activity from the phone page.
    tech = login(chromium, base, "technicien", phone=True)
    dialogs = []
    tech.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    tech.goto(f"{base}/activities/today/")
    card = (
        tech.locator(f"#activity-{activity.pk}") if tech.locator(f"#activity-{activity.pk}").count() else tech
    )
    card.get_by_role("button", name="Clôturer OK").first.click()
    tech.wait_for_load_state()
    assert dialogs and "Clôturer OK" in dialogs[0]  # a closure asks first: it may bill the customer

    firing = wait_for(lambda: Firing.objects.filter(activity=activity).first(), 20, what="the firing")
    wait_for(
        lambda: Firing.objects.get(pk=firing.pk).status not in (FiringStatus.PENDING, FiringStatus.RUNNING),
        60,
        what="the firing to run",
    )
    firing.refresh_from_db()
    assert firing.status == FiringStatus.SUCCEEDED, firing.error_message

    # The supervisor sees the invoice link under "Données de facturation" and the "Déclenchement".
    sup = login(chromium, base, "superviseur")
    sup.goto(f"{base}/activities/{activity.pk}/")
    link = sup.locator("#billing-documents a[target=_blank]")
    assert link.count() == 1
    number = firing.response_data.get("number") or ""
    assert "Facture" in link.inner_text()
    assert "Déclenchement" in sup.content()
    with sup.expect_popup() as popup:
        link.click()
    document = popup.value
    document.wait_for_load_state()
    assert sandbox_clean.url in document.url

    # In Pennylane: Ventes > Factures clients shows it "(Création API)".
    sup.goto(f"{sandbox_clean.url}/companies/demo/invoices/")
    assert "(Création API)" in sup.content()
    assert number == "" or number in sup.content()
