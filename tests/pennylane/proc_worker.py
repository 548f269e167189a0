"""A separate process using the product's services, for the multi-process tests.

Usage: python -m tests.pennylane.proc_worker <refresh|hammer> <connection_id> <start_at> [seconds]
Prints one JSON line with what it saw.
"""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadulis.settings")

import django

django.setup()

from pennylane import services  # noqa: E402
from pennylane.exceptions import PennylaneError  # noqa: E402


def main() -> None:
    mode, connection_id, start_at = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    time.sleep(max(0.0, start_at - time.time()))
    if mode == "refresh":
        client = services.client_for_connection(connection_id)
        me = client.me()
        print(json.dumps({"token_key": client.token_key, "company": me["company"]["name"]}))
        return
    ok, errors = 0, []
    end = time.time() + seconds
    while time.time() < end:
        try:
            services.connection_call(connection_id, lambda c: c.me())
            ok += 1
        except PennylaneError as e:
            errors.append(f"{type(e).__name__}: {e.message}")
    print(json.dumps({"ok": ok, "errors": errors}))


if __name__ == "__main__":
    main()
