"""RELIABILITY.md F25: property-based bad input never gives a 500, and a 400 names the field."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.services import EDITABLE_FIELDS

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "x" * 10_000,
        "NaN",
        "Infinity",
        "-1",
        "0",
        "1e400",
        "33.333",
        "1.005",
        "１２",
        "FR_055",
        "FR_200 ",
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00+14:00",
        "10000-01-01T00:00:00Z",
        "2030-02-30T10:00:00Z",
        10**30,
        -(10**30),
        2**63,
        -1,
        0,
        1.5,
        1e308,
        True,
        None,
        [],
        {},
        [None],
        {"a": {"b": []}},
    ]
)
JUNK = st.one_of(
    NASTY,
    st.text(max_size=300),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.one_of(st.integers(), st.text(max_size=20)), max_size=3),
    st.dictionaries(st.text(max_size=10), st.one_of(st.integers(), st.text(max_size=10)), max_size=3),
)
ACTIVITY_FIELDS = [*EDITABLE_FIELDS, "assignees"]
LINE_FIELDS = ["label", "quantity", "unit", "unit_price", "vat_rate", "description"]


def _names_a_field(response, fields):
    assert response.status_code == 400, (response.status_code, response.content[:500])
    keys = list(response.json())
    assert keys, "the error body names at least one field"
    for key in keys:
        assert any(key == f or key.startswith((f"{f}[", f"{f}.")) for f in fields), keys


def _valid_or_named(response, fields, ok):
    assert response.status_code != 500
    if response.status_code != ok:
        _names_a_field(response, fields)


@SETTINGS
@given(field=st.sampled_from(ACTIVITY_FIELDS), value=JUNK)
def test_creating_an_activity_with_junk_in_any_field_never_fails_with_a_500(
    api_key_client, activity_type, customer, field, value
):
    body = {"title": "Fuite", "activity_type": activity_type.pk, "customer": customer.pk, field: value}
    _valid_or_named(api_key_client.post("/api/v1/activities/", body), ACTIVITY_FIELDS, 201)


@SETTINGS
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(ACTIVITY_FIELDS, JUNK)))
def test_updating_an_activity_with_junk_never_fails_with_a_500(api_key_client, activity, data):
    _valid_or_named(api_key_client.patch(f"/api/v1/activities/{activity.pk}/", data), ACTIVITY_FIELDS, 200)


VALID_LINE = {"label": "Pose", "quantity": "1", "unit_price": "10.00", "vat_rate": "FR_200"}
LINE = st.fixed_dictionaries(
    {name: st.one_of(st.just(value), JUNK) for name, value in VALID_LINE.items()},
    optional={"unit": JUNK, "description": JUNK, "surprise": JUNK},
)


@SETTINGS
@given(lines=st.one_of(st.lists(st.one_of(LINE, JUNK), max_size=4), JUNK))
def test_junk_billing_lines_are_refused_naming_the_line_and_field(api_key_client, activity, lines):
    response = api_key_client.patch(f"/api/v1/activities/{activity.pk}/", {"billing_lines": lines})
    _valid_or_named(response, ["billing_lines"], 200)
    if response.status_code == 200:
        activity.refresh_from_db()
        for line in activity.billing_lines:  # what was stored is exact and invoice-ready
            assert set(line) == set(LINE_FIELDS)


def test_a_three_decimal_unit_price_is_refused_naming_the_line_field(api_key_client, activity):
    line = {"label": "Pose", "quantity": "3", "unit_price": "33.333", "vat_rate": "FR_200"}
    response = api_key_client.patch(f"/api/v1/activities/{activity.pk}/", {"billing_lines": [line]})
    assert response.status_code == 400
    assert list(response.json()) == ["billing_lines[0].unit_price"]


def test_a_nan_literal_in_a_json_body_is_a_400_not_a_500(api_key_client, activity):
    body = '{"billing_lines": [{"label": "x", "quantity": NaN, "unit_price": "1", "vat_rate": "FR_200"}]}'
    response = api_key_client.patch(
        f"/api/v1/activities/{activity.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    activity.refresh_from_db()
    assert json.dumps(activity.billing_lines).count("NaN") == 0


LIST_PARAMS = [
    ("/api/v1/activities/", p)
    for p in (
        "status",
        "activity_type",
        "customer",
        "assignee",
        "scheduled_after",
        "scheduled_before",
        "updated_since",
        "reference",
        "page",
        "page_size",
    )
] + [
    *[
        ("/api/v1/customers/", p)
        for p in ("search", "kind", "reference", "siren", "vat_number", "city", "updated_since")
    ],
    *[("/api/v1/history/", p) for p in ("activity", "kind", "origin")],
    *[("/api/v1/activity-types/", p) for p in ("page", "page_size")],
]


@SETTINGS
@given(
    target=st.sampled_from(LIST_PARAMS),
    value=st.one_of(NASTY.filter(lambda v: isinstance(v, str | int)), st.text(max_size=50)),
)
def test_junk_in_list_filters_never_fails_with_a_500(api_key_client, activity, target, value):
    url, param = target
    response = api_key_client.get(url, {param: value})
    assert response.status_code in (200, 400, 404), response.content[:300]
    if response.status_code == 400:
        assert list(response.json()) == [param]


@SETTINGS
@given(
    field=st.sampled_from(["reference", "name", "siren", "vat_number", "country", "emails", "kind", "phone"]),
    value=JUNK,
)
def test_creating_a_customer_with_junk_never_fails_with_a_500(api_key_client, field, value):
    body = {"reference": "C-1", "name": "Client", field: value}
    fields = ["reference", "name", "siren", "vat_number", "country", "emails", "kind", "phone"]
    response = api_key_client.post("/api/v1/customers/", body)
    _valid_or_named(response, fields, 201)
