"""The whole connection story in a real Chromium: connect, health, test, disconnect (issue #4's "done when")."""

import os

import pytest

from pennylane.models import ConnectionStatus, PennylaneConnection

# Playwright's sync API runs an event loop in this thread; Django's ORM calls here are safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(chromium, live_server, sandbox_settings, admin_user, client):
    sandbox_settings.PENNYLANE_REDIRECT_URI = f"{live_server.url}/pennylane/callback/"
    client.force_login(admin_user)
    session_cookie = client.cookies["sessionid"].value
    context = chromium.new_context(locale="fr-FR")
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies([{"name": "sessionid", "value": session_cookie, "domain": host, "path": "/"}])
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_an_administrator_connects_tests_and_disconnects_from_the_ui(page, live_server, bu):
    page.goto(f"{live_server.url}/pennylane/")
    assert page.get_by_test_id("health").inner_text() == "Jamais connecté"
    page.get_by_role("button", name="Connecter mon compte Pennylane").click()

    # Pennylane's (the sandbox's) consent screen.
    page.wait_for_url(lambda url: "/oauth/authorize" in url)
    page.select_option("select[name=company]", "demo")
    page.get_by_role("button", name="Autoriser").click()

    # Back on the page we left, connected.
    page.wait_for_url(f"{live_server.url}/pennylane/")
    assert page.get_by_test_id("health").inner_text() == "Connecté"
    assert page.get_by_test_id("company").inner_text() == "Démo Plomberie SAS"
    assert "customer_invoices:all" in page.content()
    connection = PennylaneConnection.objects.get(business_unit=bu)
    assert connection.status == ConnectionStatus.CONNECTED

    page.get_by_role("button", name="Tester la connexion").click()
    page.wait_for_load_state()
    assert "Connexion opérationnelle avec la société Démo Plomberie SAS" in page.inner_text(".messages")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Déconnecter").click()
    page.wait_for_selector("text=Compte Pennylane déconnecté")
    assert page.get_by_test_id("health").inner_text() == "Déconnecté"
    assert "Aucune connexion Pennylane" in page.get_by_test_id("problem").inner_text()
    connection.refresh_from_db()
    assert not connection.has_tokens


def test_the_connect_button_brings_the_user_back_to_the_page_they_left(page, live_server, bu):
    page.goto(f"{live_server.url}/pennylane/connect/?next=/pennylane/%3Ffrom%3Dtrigger")
    page.wait_for_url(lambda url: "/oauth/authorize" in url)
    page.get_by_role("button", name="Autoriser").click()
    page.wait_for_url(f"{live_server.url}/pennylane/?from=trigger")
    assert page.get_by_test_id("health").inner_text() == "Connecté"
