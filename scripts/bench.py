#!/usr/bin/env python
"""`make bench`: figures for the hot paths, printed (no assertion: targets are read, not timed in tests).

- the activity save path with 0, 10 and 100 triggers on its type (ms and SQL queries per save);
- condition evaluation throughput;
- the activity list endpoint at page sizes 25 and 100 (ms and SQL queries per request).

Runs on a throw-away database: SQLite in var/ by default, or BENCH_DATABASE_URL.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
(ROOT / "var").mkdir(exist_ok=True)
bench_db = ROOT / "var" / "bench.sqlite3"
if bench_db.exists():
    bench_db.unlink()
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{bench_db}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadulis.settings")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    from datetime import timedelta

    from rest_framework.test import APIClient

    from accounts.models import ApiKey, BusinessUnit, Membership, Role, User
    from accounts.principal import Actor, Origin
    from activities import services as activity_services
    from activities.status import Action
    from catalog.models import ActivityType
    from triggers import conditions
    from triggers import services as trigger_services
    from triggers.models import Event

    bu = BusinessUnit.objects.create(name="Bench", code="bench")
    user = User.objects.create_user("bench", password="x")
    Membership.objects.create(user=user, business_unit=bu, role=Role.ADMIN)
    actor = Actor(user=user, origin=Origin.WEB)
    lines = [{"label": "MO", "quantity": "2", "unit": "hour", "unit_price": "45.00", "vat_rate": "FR_200"}]
    customer = activity_services.customer_create(
        business_unit=bu,
        actor=actor,
        reference="C1",
        name="Client",
        address="1 rue",
        postal_code="75001",
        city="Paris",
    )

    # Save path: the outbox is written in the transaction; enqueueing happens after commit and
    # is not measured (the broker is not part of the save).
    from unittest import mock

    print("Activity save path (close OK), 50 saves each:")
    for n in (0, 10, 100):
        atype = ActivityType.objects.create(
            business_unit=bu,
            name=f"T{n}",
            default_billing_lines=lines,
            financial_data_enabled=True,
            billing_data_enabled=True,
            default_duration=timedelta(hours=1),
        )
        for i in range(n):
            trigger_services.trigger_create(
                business_unit=bu,
                actor=actor,
                activity_type=atype,
                name=f"t{i}",
                event=Event.CLOSED_KO,
                conditions=[{"field": "custom.zone", "operator": "eq", "value": str(i)}],
            )
        times, queries = [], []
        with mock.patch("triggers.engine.enqueue", return_value=True):
            for _ in range(50):
                activity = activity_services.activity_create(
                    business_unit=bu, actor=actor, activity_type=atype, customer=customer, title="x"
                )
                with CaptureQueriesContext(connection) as ctx:
                    start = time.perf_counter()
                    with transaction.atomic():
                        activity_services.activity_transition(
                            activity=activity, actor=actor, action=Action.CLOSE_OK
                        )
                    times.append((time.perf_counter() - start) * 1000)
                queries.append(len(ctx.captured_queries))
        print(
            f"  {n:>3} triggers: median {statistics.median(times):6.2f} ms, p95 {sorted(times)[int(len(times) * 0.95)]:6.2f} ms, "
            f"{statistics.median(queries):.0f} SQL queries"
        )

    conds = conditions.clean_conditions(
        [
            {"field": "custom.zone", "operator": "in", "value": ["1", "2", "3"]},
            {"field": "total_excl_tax", "operator": "gt", "value": "100"},
        ]
    )
    values = {"custom.zone": "2", "total_excl_tax": "120.00"}
    start = time.perf_counter()
    rounds = 100_000
    for _ in range(rounds):
        conditions.evaluate(conds, "and", values)
    elapsed = time.perf_counter() - start
    print(f"Condition evaluation: {rounds / elapsed:,.0f} evaluations/s (2 conditions, ET)")

    raw, prefix, key_hash = ApiKey.generate()
    ApiKey.objects.create(business_unit=bu, name="bench", prefix=prefix, key_hash=key_hash, role=Role.ADMIN)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    print("GET /api/v1/activities/ (", bu.activities.count(), "activities ):")
    for size in (25, 100):
        times, queries = [], []
        for _ in range(20):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(f"/api/v1/activities/?page_size={size}")
                times.append((time.perf_counter() - start) * 1000)
            queries.append(len(ctx.captured_queries))
        print(
            f"  page_size={size:>3}: HTTP {response.status_code}, median {statistics.median(times):6.1f} ms, "
            f"{statistics.median(queries):.0f} SQL queries"
        )


if __name__ == "__main__":
    from django.conf import settings

    settings.DEBUG = False
    main()
    if bench_db.exists():
        bench_db.unlink()
