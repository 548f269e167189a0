"""A supervisor creates an activity and closes it OK in a real Chromium; pages fit a phone."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.principal import Actor, Origin
from activities import services

# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def browser(chromium):
    """Debian's Chromium through Playwright (tests/browser.py); missing in CI is a failure."""
    return chromium


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-1234")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_supervisor_creates_and_closes_an_activity_and_sees_it_in_the_history(
    transactional_db, live_server, browser, supervisor, activity_type, customer, field_worker
):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _login(page, live_server.url, "superviseur")

    page.goto(f"{live_server.url}/activities/create/")
    page.fill("#id_title", "Fuite dans la cuisine")
    page.select_option("#id_activity_type", str(activity_type.pk))
    page.select_option("#id_customer", str(customer.pk))
    page.get_by_label(str(field_worker)).check()
    page.fill("#id_scheduled_start", "2030-03-04T09:30")
    page.get_by_role("button", name="Créer l'activité").click()
    page.wait_for_url("**/activities/*/")
    assert page.locator("#activity-status").inner_text().strip() == "Planifiée"
    assert "120,00" in page.locator("#total-excl").inner_text()  # default lines of the type

    page.get_by_role("button", name="Clôturer OK").click()
    page.wait_for_load_state()
    assert page.locator("#activity-status").inner_text().strip() == "Clôturée OK"
    history = page.locator("#history")
    assert "Historique des modifications" in history.inner_text()
    newest = history.locator("li.history-entry").first
    assert "Changement de statut" in newest.inner_text()
    assert "Planifiée → Clôturée OK" in newest.inner_text()
    assert str(supervisor) in newest.inner_text()
    context.close()


def test_the_field_worker_pages_fit_a_phone_screen(
    transactional_db, live_server, browser, bu, admin_user, activity_type, customer, field_worker
):
    activity = services.activity_create(
        business_unit=bu,
        actor=Actor(user=admin_user, origin=Origin.WEB),
        activity_type=activity_type,
        title="Chauffe-eau en panne",
        customer=customer,
        scheduled_start=timezone.now() + timedelta(minutes=5),
        assignees=[field_worker],
    )
    if timezone.localtime(activity.scheduled_start).date() != timezone.localdate():
        pytest.skip("SKIPPED: run at midnight, the activity is not 'today'")
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    _login(page, live_server.url, "technicien")
    page.goto(f"{live_server.url}/activities/today/")
    card = page.locator(f"#activity-{activity.pk}")
    start = card.get_by_role("button", name="Démarrer")
    assert start.bounding_box()["height"] >= 44  # thumb-sized
    assert _fits_the_screen(page)
    start.click()
    page.wait_for_url("**/activities/today/")
    assert "En cours" in page.locator(f"#activity-{activity.pk}").inner_text()
    for path in [f"/activities/{activity.pk}/", "/activities/"]:
        page.goto(live_server.url + path)
        assert _fits_the_screen(page), path
    context.close()
