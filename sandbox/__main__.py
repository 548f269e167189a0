"""``python -m sandbox serve [--port N]`` and other commands of the Pennylane sandbox."""

from __future__ import annotations

import argparse
import os
import sys


def _setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "sandbox.settings"
    import django

    django.setup()


def _migrate() -> None:
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and str(db["NAME"]) != ":memory:":
        os.makedirs(os.path.dirname(str(db["NAME"])), exist_ok=True)
    call_command("migrate", "sandbox", interactive=False, verbosity=0)
    from .seed import seed

    seed()


def serve(port: int) -> int:
    from werkzeug.serving import run_simple

    from . import conf
    from .models import Company
    from .wsgi import application

    url = f"http://127.0.0.1:{port}"
    print(f"Pennylane sandbox on {url}/", flush=True)
    print(f"  OAuth: {url}/oauth/authorize  {url}/oauth/token  {url}/oauth/revoke")
    print(f"  API v2: {url}/api/external/v2")
    print(f"  Demo OAuth client: id={conf.demo_client_id()} secret={conf.demo_client_secret()}")
    print("    redirect URIs: any http://127.0.0.1:<port>/... or http://localhost:<port>/...")
    for company in Company.objects.all():
        numbering = f"factures {company.invoice_prefix or 'à configurer'}, devis {company.quote_prefix or 'à configurer'}"
        print(f"  Company '{company.key}': {company.name} ({numbering})")
    if conf.faults_enabled():
        print(f"  Fault control API enabled: {url}/__sandbox__/")
    sys.stdout.flush()
    run_simple("127.0.0.1", port, application, threaded=True, use_reloader=False, use_debugger=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Local Pennylane emulator")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="migrate, seed and serve")
    serve_cmd.add_argument("--port", type=int, default=int(os.environ.get("SANDBOX_PORT", "8765")))
    commands.add_parser("migrate", help="migrate and seed only")
    add = commands.add_parser("add-client", help="declare (or update) an OAuth client")
    add.add_argument("client_id")
    add.add_argument("secret")
    add.add_argument("redirect_prefix", help="redirect URIs must start with this")
    args = parser.parse_args(argv)
    _setup()
    _migrate()
    if args.command == "serve":
        return serve(args.port)
    if args.command == "add-client":
        from .seed import client_upsert

        client_upsert(args.client_id, args.secret, redirect_prefix=args.redirect_prefix)
        print(f"client {args.client_id} accepts redirect URIs starting with {args.redirect_prefix}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
