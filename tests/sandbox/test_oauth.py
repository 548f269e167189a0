"""OAuth 2.0 against the live sandbox, driven by a third-party client (requests-oauthlib)."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests_oauthlib import OAuth2Session

pytestmark = pytest.mark.sandbox

REDIRECT_URI = "http://127.0.0.1:8000/pennylane/callback/"
SCOPES = ["customers:all", "customer_invoices:all", "quotes:all"]
# oauthlib refuses plain http unless told otherwise; the sandbox is local-only.
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")


class FormParser(HTMLParser):
    """Collects the authorize form's hidden inputs, company options and button labels."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.companies: list[str] = []
        self.buttons: dict[str, str] = {}
        self._button: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"] or ""] = a.get("value") or ""
        if tag == "option":
            self.companies.append(a.get("value") or "")
        if tag == "button":
            self._button = a.get("value")

    def handle_data(self, data: str) -> None:
        if self._button is not None and data.strip():
            self.buttons[data.strip()] = self._button
            self._button = None


def consent(authorization_url: str, *, button: str = "Autoriser", company: str = "demo") -> str:
    """What the person does in the browser: open the page, pick a company, click a button.
    Returns the redirect location the sandbox sends back."""
    page = requests.get(authorization_url, timeout=10)
    assert page.status_code == 200, page.text
    form = FormParser()
    form.feed(page.text)
    assert {"Autoriser", "Refuser"} <= set(form.buttons)
    assert company in form.companies
    action = urlsplit(authorization_url)._replace(query="").geturl()
    data = {**form.hidden, "company": company, "decision": form.buttons[button]}
    answer = requests.post(action, data=data, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return str(answer.headers["Location"])


def new_session(sandbox: Any) -> OAuth2Session:
    return OAuth2Session(sandbox.client_id, redirect_uri=REDIRECT_URI, scope=SCOPES)


def me(sandbox: Any, access_token: str) -> requests.Response:
    return requests.get(
        f"{sandbox.api_base}/me", headers={"Authorization": f"Bearer {access_token}"}, timeout=10
    )


def test_a_third_party_client_completes_the_code_flow_and_a_refresh(sandbox_clean):
    sandbox = sandbox_clean
    session = new_session(sandbox)
    authorization_url, state = session.authorization_url(sandbox.authorize_url)
    callback = consent(authorization_url)
    query = parse_qs(urlsplit(callback).query)
    assert callback.startswith(REDIRECT_URI)
    assert query["state"] == [state]

    token = session.fetch_token(
        sandbox.token_url, authorization_response=callback, client_secret=sandbox.client_secret
    )
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 86400
    first = me(sandbox, token["access_token"])
    assert first.status_code == 200
    assert first.json()["company"]["name"] == "Démo Plomberie SAS"
    assert sorted(first.json()["scopes"]) == sorted(SCOPES)

    refreshed = session.refresh_token(
        sandbox.token_url,
        refresh_token=token["refresh_token"],
        auth=(sandbox.client_id, sandbox.client_secret),
    )
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert me(sandbox, refreshed["access_token"]).status_code == 200

    # Rotation: the used refresh token is dead, and so is the previous access token.
    reused = requests.post(
        sandbox.token_url,
        data={
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
        },
        timeout=10,
    )
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    old = me(sandbox, token["access_token"])
    assert old.status_code == 401
    assert old.json() == {"error": "The access token is invalid", "status": 401}
    assert sandbox.stats()["refreshes"] == {sandbox.client_id: 1}


def _code(sandbox: Any, company: str = "demo") -> tuple[OAuth2Session, str]:
    session = new_session(sandbox)
    authorization_url, _state = session.authorization_url(sandbox.authorize_url)
    return session, consent(authorization_url, company=company)


def _exchange(sandbox: Any, callback: str, **overrides: str) -> requests.Response:
    data = {
        "grant_type": "authorization_code",
        "code": parse_qs(urlsplit(callback).query)["code"][0],
        "redirect_uri": REDIRECT_URI,
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        **overrides,
    }
    return requests.post(sandbox.token_url, data=data, timeout=10)


def test_refusing_redirects_with_access_denied_and_the_state(sandbox):
    session = new_session(sandbox)
    authorization_url, state = session.authorization_url(sandbox.authorize_url)
    callback = consent(authorization_url, button="Refuser")
    query = parse_qs(urlsplit(callback).query)
    assert query == {"error": ["access_denied"], "state": [state]}


def test_a_code_is_single_use(sandbox):
    _session, callback = _code(sandbox)
    assert _exchange(sandbox, callback).status_code == 200
    again = _exchange(sandbox, callback)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_the_redirect_uri_must_match_and_the_secret_is_checked(sandbox):
    _session, callback = _code(sandbox)
    wrong_secret = _exchange(sandbox, callback, client_secret="nope")
    assert wrong_secret.status_code == 401
    assert wrong_secret.json()["error"] == "invalid_client"
    mismatch = _exchange(sandbox, callback, redirect_uri="http://127.0.0.1:8000/other/")
    assert mismatch.status_code == 400
    assert mismatch.json()["error"] == "invalid_grant"


def test_the_chosen_company_is_the_tokens_company(sandbox):
    _session, callback = _code(sandbox, company="no-numbering")
    token = _exchange(sandbox, callback).json()
    assert me(sandbox, token["access_token"]).json()["company"]["name"] == "Société sans numérotation"


def test_an_unregistered_redirect_uri_is_refused_without_redirecting(sandbox):
    page = requests.get(
        sandbox.authorize_url,
        params={
            "client_id": sandbox.client_id,
            "redirect_uri": "https://evil.example/cb",
            "response_type": "code",
            "scope": "customers:all",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert page.status_code == 400
    assert "Location" not in page.headers


def test_revoking_kills_both_tokens(sandbox):
    pair = sandbox.issue_tokens()
    revoked = requests.post(
        sandbox.revoke_url,
        data={"token": pair["access_token"]},
        auth=(sandbox.client_id, sandbox.client_secret),
        timeout=10,
    )
    assert revoked.status_code == 200
    assert revoked.content == b""
    assert me(sandbox, pair["access_token"]).status_code == 401
    refresh = requests.post(
        sandbox.token_url,
        data={"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]},
        auth=(sandbox.client_id, sandbox.client_secret),
        timeout=10,
    )
    assert refresh.json()["error"] == "invalid_grant"


def test_an_expired_or_unknown_token_gets_the_same_401(sandbox):
    pair = sandbox.issue_tokens()
    assert me(sandbox, pair["access_token"]).status_code == 200
    sandbox.expire_access_token(pair["access_token"])
    for token in (pair["access_token"], "not-a-token"):
        answer = me(sandbox, token)
        assert answer.status_code == 401
        assert answer.json() == {"error": "The access token is invalid", "status": 401}
    assert requests.get(f"{sandbox.api_base}/me", timeout=10).status_code == 401


def test_a_call_outside_the_scopes_is_403_naming_the_scope(sandbox):
    pair = sandbox.issue_tokens(scopes=["customers:readonly"])
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert requests.get(f"{sandbox.api_base}/customers", headers=headers, timeout=10).status_code == 200
    write = requests.post(f"{sandbox.api_base}/company_customers", json={}, headers=headers, timeout=10)
    assert write.status_code == 403
    assert write.json() == {"error": 'Access to this resource requires scope "customers:all".', "status": 403}
    other = requests.get(f"{sandbox.api_base}/quotes", headers=headers, timeout=10)
    assert other.status_code == 403
    assert re.search(r'"quotes:readonly"', other.json()["error"])


def test_a_lost_token_response_still_rotated_the_refresh_token(sandbox):
    pair = sandbox.issue_tokens()
    sandbox.lose_next_token_response()
    data = {"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]}
    auth = (sandbox.client_id, sandbox.client_secret)
    with pytest.raises(requests.ConnectionError):
        requests.post(sandbox.token_url, data=data, auth=auth, timeout=10)
    retry = requests.post(sandbox.token_url, data=data, auth=auth, timeout=10)
    assert retry.status_code == 400
    assert retry.json()["error"] == "invalid_grant"
    assert me(sandbox, pair["access_token"]).status_code == 401
