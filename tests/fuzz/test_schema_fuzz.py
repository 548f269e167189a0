"""RELIABILITY.md F27: schema-driven fuzzing of the REST API as two tenants.

Schemathesis loads the project's live OpenAPI schema (/api/schema/) from the WSGI application and
drives every operation in-process (GET, POST, PUT, PATCH; DELETE is left out) with generated data,
authenticated with business unit A's administrator key. Business unit B owns one object of every
kind, each carrying a "TENANT-B-SECRET" marker. For every generated request:

- the response is never a 5xx;
- no marker of B appears in the response (body or headers);
- B's rows are unchanged and no row of A references one of B's objects.

Each operation gets MAX_EXAMPLES positive and negative cases (derandomized: the same cases on every
run), each in one of four variants drawn by Hypothesis: as generated; with A's ids in the path, the
reference filters and the reference body fields (to get past "not found" into the serializers and
services); with B's ids in the reference filters and body fields (must be a 400); with B's id in
the path (must be a 404). Every example runs in a savepoint that is rolled back, so examples are
independent and a failing one cannot poison the next on PostgreSQL.

Two explicit tests then call every path of the schema with B's ids (404) and every reference
filter / body field with B's ids (400 naming it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from accounts.models import ApiKey, BusinessUnit, Membership, Role
from accounts.principal import Actor
from activities import history, services
from activities.models import Activity, Customer, HistoryEntry
from catalog.models import ActivityType
from pennylane.models import BillingDocument, ConnectionStatus, PennylaneConnection
from tests import factories
from tests.conftest import make_api_key
from triggers import services as trigger_services
from triggers.models import Firing, FiringStatus, Trigger, TriggerType

SCHEMA_PATH = "/api/schema/"
API_PREFIX = "/api/v1/"
MAX_EXAMPLES = 15

# First path segment after /api/v1/ -> the kind of object its {id} / {activity_id} names.
SEGMENT_RESOURCE = {
    "activity-types": "activity_type",
    "customers": "customer",
    "activities": "activity",
    "history": "history",
    "triggers": "trigger",
    "firings": "firing",
    "billing-documents": "billing_document",
    "pennylane": "pennylane_connection",  # /pennylane/connection/: no id
}
# Query parameters and body fields that reference another object of the business unit.
REFERENCES = {
    "activity_type": "activity_type",
    "customer": "customer",
    "assignee": "user",
    "assignees": "user",
    "activity": "activity",
    "trigger": "trigger",
}
MANY_REFERENCES = frozenset({"assignees"})

MARK = "TENANT-B-SECRET"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def _keep_test_transaction():
    """Schemathesis calls the real WSGI handler, which closes "obsolete" connections at the start and
    end of each request; inside the test transaction that would drop it. Django's test client
    disconnects the same receivers for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@dataclass
class Tenants:
    a_headers: dict[str, str]
    a_ids: dict[str, int]
    b_ids: dict[str, int]
    b_unit: BusinessUnit
    markers: list[str] = field(default_factory=list)

    def b_snapshot(self) -> tuple:
        unit = self.b_unit
        return (
            list(BusinessUnit.objects.filter(pk=unit.pk).values()),
            list(Membership.objects.filter(business_unit=unit).values()),
            list(ApiKey.objects.filter(business_unit=unit).values()),
            list(ActivityType.objects.filter(business_unit=unit).order_by("pk").values()),
            list(Customer.objects.filter(business_unit=unit).order_by("pk").values()),
            list(Activity.objects.filter(business_unit=unit).order_by("pk").values()),
            list(Activity.assignees.through.objects.filter(activity__business_unit=unit).values()),
            list(HistoryEntry.objects.filter(business_unit=unit).order_by("pk").values()),
            list(Trigger.objects.filter(business_unit=unit).order_by("pk").values()),
            list(Firing.objects.filter(business_unit=unit).order_by("pk").values()),
            list(BillingDocument.objects.filter(business_unit=unit).order_by("pk").values()),
            list(PennylaneConnection.objects.filter(business_unit=unit).values()),
        )


def _unit(name: str, code: str, *, marker: str) -> dict[str, Any]:
    """One business unit with an object of every kind; `marker` goes into every identifying string."""
    unit = factories.BusinessUnitFactory(name=f"{marker}-BU", code=code)
    user = factories.MembershipFactory(
        business_unit=unit,
        role=Role.ADMIN,
        user__username=f"{name}-user",
        user__first_name=f"{marker}-FIRST",
        user__last_name=f"{marker}-LAST",
        user__email=f"{name}-user@{name}.example.com",
    ).user
    actor = Actor(user=user)
    key, raw = make_api_key(unit, role=Role.ADMIN, name=f"{marker}-KEY")
    activity_type = factories.ActivityTypeFactory(
        business_unit=unit, name=f"{marker}-TYPE", reference=f"{marker}-TYPE-REF"
    )
    customer = factories.CustomerFactory(
        business_unit=unit,
        name=f"{marker}-CUSTOMER",
        reference=f"{marker}-CUST-REF",
        emails=[f"{name}-customer@{name}.example.com"],
        address=f"{marker}-STREET",
    )
    start = timezone.now() + timedelta(days=1)
    activity = services.activity_create(
        business_unit=unit,
        actor=actor,
        activity_type=activity_type,
        customer=customer,
        title=f"{marker}-TITLE",
        reference=f"{marker}-ACT-REF",
        address=f"{marker}-SITE",
        comment=f"{marker}-COMMENT",
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=1),
        assignees=[user],
    )
    entry = history.history_note(activity, actor, f"{marker}-NOTE")
    trigger = trigger_services.trigger_create(
        business_unit=unit, actor=actor, activity_type=activity_type, name=f"{marker}-TRIGGER"
    )
    firing = Firing.objects.create(
        business_unit=unit,
        trigger=trigger,
        trigger_name=f"{marker}-FIRING",
        trigger_type=TriggerType.PENNYLANE_BILLING,
        activity=activity,
        event="closed_ok",
        status=FiringStatus.FAILED,
        idempotency_key=f"{name}-firing-1",
        error_message=f"{marker}-ERROR",
    )
    document = BillingDocument.objects.create(
        business_unit=unit,
        activity=activity,
        kind="invoice",
        external_reference=f"{marker}-EXTREF",
        number=f"{marker}-INVOICE",
        amount_excl_tax=Decimal("120.00"),
        amount_incl_tax=Decimal("144.00"),
    )
    PennylaneConnection.objects.create(
        business_unit=unit, status=ConnectionStatus.CONNECTED, company_name=f"{marker}-COMPANY"
    )
    return {
        "unit": unit,
        "raw": raw,
        "key": key,
        "ids": {
            "user": user.pk,
            "activity_type": activity_type.pk,
            "customer": customer.pk,
            "activity": activity.pk,
            "history": entry.pk,
            "trigger": trigger.pk,
            "firing": firing.pk,
            "billing_document": document.pk,
        },
    }


@pytest.fixture
def tenants(db, _keep_test_transaction) -> Tenants:
    a = _unit("tenant-a", "tenant-a", marker="TENANT-A-OWN")
    b = _unit("tenant-b", "tenant-b-secret-code", marker=MARK)
    markers = [
        MARK,
        "tenant-b-secret-code",
        "tenant-b-user",
        "tenant-b-customer@",
        "@tenant-b.example.com",
    ]
    return Tenants(
        a_headers={"Authorization": f"Api-Key {a['raw']}"},
        a_ids=a["ids"],
        b_ids=b["ids"],
        b_unit=b["unit"],
        markers=markers,
    )


@pytest.fixture
def api_schema(tenants):
    return _load_schema()


def _load_schema():
    from cadulis.wsgi import application

    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, application)


# --- helpers -----------------------------------------------------------------------------------


def _resource(path: str) -> str:
    segment = path.removeprefix(API_PREFIX).split("/", 1)[0]
    assert segment in SEGMENT_RESOURCE, f"add {segment!r} to SEGMENT_RESOURCE for {path}"
    return SEGMENT_RESOURCE[segment]


def _reference_value(name: str, ids: dict[str, int]) -> Any:
    value = ids[REFERENCES[name]]
    return [value] if name in MANY_REFERENCES else value


def _leaks(response: Any, markers: list[str]) -> list[str]:
    text = response.content.decode("utf-8", "replace") if response.content else ""
    haystack = (text + "\n" + "\n".join(f"{k}: {v}" for k, v in response.headers.items())).lower()
    return [marker for marker in markers if marker.lower() in haystack]


def _cross_tenant_rows() -> list[str]:
    """Rows of one business unit that point to another unit's objects (there must be none)."""
    problems = []
    if Activity.objects.exclude(activity_type__business_unit=F("business_unit")).exists():
        problems.append("activity -> another unit's activity type")
    if (
        Activity.objects.filter(customer__isnull=False)
        .exclude(customer__business_unit=F("business_unit"))
        .exists()
    ):
        problems.append("activity -> another unit's customer")
    members = set(Membership.objects.values_list("business_unit_id", "user_id"))
    assigned = set(Activity.assignees.through.objects.values_list("activity__business_unit_id", "user_id"))
    if assigned - members:
        problems.append("activity -> another unit's assignee")
    if Trigger.objects.exclude(activity_type__business_unit=F("business_unit")).exists():
        problems.append("trigger -> another unit's activity type")
    if Firing.objects.exclude(activity__business_unit=F("business_unit")).exists():
        problems.append("firing -> another unit's activity")
    if (
        Firing.objects.filter(trigger__isnull=False)
        .exclude(trigger__business_unit=F("business_unit"))
        .exists()
    ):
        problems.append("firing -> another unit's trigger")
    if HistoryEntry.objects.exclude(activity__business_unit=F("business_unit")).exists():
        problems.append("history entry -> another unit's activity")
    return problems


GENERATED, OWN_IDS, B_REFERENCES, B_PATH = range(4)


def _inject(case: Any, *, path_ids: dict[str, int], reference_ids: dict[str, int]) -> list[str]:
    """Puts real ids in the path and the reference parameters; returns the references injected."""
    injected = []
    if case.path_parameters:
        resource = _resource(case.operation.path)
        for name in case.path_parameters:
            case.path_parameters[name] = path_ids[resource]
    if isinstance(case.query, dict):
        for name in case.query:
            if name in REFERENCES:
                case.query[name] = str(reference_ids[REFERENCES[name]])
                injected.append(name)
    if isinstance(case.body, dict):
        for name in case.body:
            if name in REFERENCES:
                case.body[name] = _reference_value(name, reference_ids)
                injected.append(name)
    return injected


# --- the fuzzing -------------------------------------------------------------------------------


def _check(case: Any, variant: int, tenants: Tenants, b_before: tuple) -> None:
    injected: list[str] = []
    if variant == OWN_IDS:
        _inject(case, path_ids=tenants.a_ids, reference_ids=tenants.a_ids)
    elif variant == B_REFERENCES:
        injected = _inject(case, path_ids=tenants.a_ids, reference_ids=tenants.b_ids)
    elif variant == B_PATH:
        _inject(case, path_ids=tenants.b_ids, reference_ids=tenants.a_ids)

    response = case.call(headers=tenants.a_headers)

    case.validate_response(response, checks=[not_a_server_error])
    assert _leaks(response, tenants.markers) == [], (response.status_code, response.text[:2000])
    if case.method.upper() != "GET":
        # Every example starts from the fixture's state (savepoints), so B's state must still be it.
        assert tenants.b_snapshot() == b_before, "tenant B's data changed"
        assert _cross_tenant_rows() == []
    if variant == B_PATH and case.path_parameters:
        assert response.status_code == 404, (response.status_code, response.text[:500])
    if variant == B_REFERENCES and injected:
        assert response.status_code == 400, (injected, response.status_code, response.text[:500])


def _fuzz(operation: Any, tenants: Tenants) -> None:
    b_before = tenants.b_snapshot()
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
    )

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        print_blob=False,
    )
    @given(case=cases, variant=st.sampled_from([GENERATED, OWN_IDS, B_REFERENCES, B_PATH]))
    def run(case: Any, variant: int) -> None:
        # Each example in its own savepoint, rolled back: examples stay independent (and replayable
        # while shrinking), and a failing request cannot poison the next on PostgreSQL.
        with transaction.atomic():
            _check(case, variant, tenants, b_before)
            transaction.set_rollback(True)

    run()


@pytest.mark.parametrize("segment", sorted(SEGMENT_RESOURCE))
def test_fuzzing_as_tenant_a_never_errors_nor_reaches_tenant_b(segment, tenants, api_schema):
    """Every GET/POST/PUT/PATCH operation under /api/v1/<segment>/ (DELETE is not fuzzed)."""
    operations = [
        result.ok()
        for result in api_schema.get_all_operations()
        if result.ok().path.startswith(f"{API_PREFIX}{segment}/") and result.ok().method.upper() != "DELETE"
    ]
    assert operations, f"no operation under {API_PREFIX}{segment}/"
    failures = []
    for operation in operations:
        try:
            _fuzz(operation, tenants)
        except Exception as exc:
            notes = "\n".join(getattr(exc, "__notes__", []))
            failures.append(f"{operation.label}: {type(exc).__name__}: {exc}\n{notes}")
    assert not failures, "\n\n".join(failures)


def test_every_schema_path_is_fuzzed(api_schema):
    segments = {path.removeprefix(API_PREFIX).split("/", 1)[0] for path in api_schema.raw_schema["paths"]}
    assert segments <= set(SEGMENT_RESOURCE)


# --- explicit cross-tenant calls ---------------------------------------------------------------


def _operations(raw_schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, item in raw_schema["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch") and path.startswith(API_PREFIX)
    ]


def _url(path: str, ids: dict[str, int]) -> str:
    if "{" not in path:
        return path
    resource = _resource(path)
    url = path
    for name in ("id", "activity_id", "pk"):
        url = url.replace("{" + name + "}", str(ids[resource]))
    assert "{" not in url, f"unknown path parameter in {path}"
    return url


def _body_properties(raw_schema: dict, operation: dict) -> set[str]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref")
    if not ref:
        return set()
    component = raw_schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return set(component.get("properties", {}))


@pytest.fixture
def client_a(tenants) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=tenants.a_headers["Authorization"])
    return client


def test_every_path_with_tenant_b_ids_is_not_found_for_tenant_a(tenants, client_a):
    raw_schema = _load_schema().raw_schema
    before = tenants.b_snapshot()
    checked, wrong = [], []
    for path, method, _operation in _operations(raw_schema):
        if "{" not in path:
            continue
        url = _url(path, tenants.b_ids)
        response = getattr(client_a, method)(url, {}, format="json")
        checked.append(f"{method.upper()} {path}")
        if response.status_code != 404 or _leaks(response, tenants.markers):
            wrong.append((method.upper(), url, response.status_code, response.content[:300]))
    assert wrong == []
    assert len(checked) >= 25, checked  # every detail route and action of the schema
    assert tenants.b_snapshot() == before


def test_tenant_b_references_in_filters_and_bodies_are_refused_naming_the_field(tenants, client_a):
    raw_schema = _load_schema().raw_schema
    before = tenants.b_snapshot()
    checked, wrong = [], []
    for path, method, operation in _operations(raw_schema):
        url = _url(path, tenants.a_ids)
        queries = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        for name in queries:
            if name not in REFERENCES or method != "get":
                continue
            response = client_a.get(url, {name: tenants.b_ids[REFERENCES[name]]})
            checked.append(f"GET {path}?{name}")
            body = response.json() if response.status_code == 400 else None
            if response.status_code != 400 or name not in body or _leaks(response, tenants.markers):
                wrong.append((f"GET {path}?{name}", response.status_code, response.content[:300]))
        for name in sorted(_body_properties(raw_schema, operation) & set(REFERENCES)):
            response = getattr(client_a, method)(
                url, {name: _reference_value(name, tenants.b_ids)}, format="json"
            )
            checked.append(f"{method.upper()} {path} {{{name}}}")
            body = response.json() if response.status_code == 400 else None
            if response.status_code != 400 or name not in body or _leaks(response, tenants.markers):
                wrong.append(
                    (f"{method.upper()} {path} {name}", response.status_code, response.content[:300])
                )
    assert wrong == []
    assert len(checked) >= 15, checked
    assert tenants.b_snapshot() == before
    assert _cross_tenant_rows() == []
