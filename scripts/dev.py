#!/usr/bin/env python
"""`make run`: migrate, load demo data on an empty database, then run every process of the
product side by side (web, Celery worker and beat on the embedded broker, Pennylane sandbox)
until Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def main() -> int:
    os.chdir(ROOT)
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    env.setdefault("DJANGO_SETTINGS_MODULE", "cadulis.settings")
    (ROOT / "var" / "broker" / "queue").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "broker" / "processed").mkdir(parents=True, exist_ok=True)
    port = env.get("PORT", "8000")
    sandbox_port = env.get("SANDBOX_PORT", "8765")
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], check=True, env=env)
    subprocess.run([PY, "manage.py", "demo_data", "--if-empty"], check=True, env=env)

    commands: dict[str, list[str]] = {
        "web": [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        "worker": [
            PY,
            "-m",
            "celery",
            "-A",
            "cadulis",
            "worker",
            "-Q",
            "firings,default",
            "--pool",
            "threads",
            "--concurrency",
            "4",
            "--loglevel",
            "INFO",
        ],
        "beat": [PY, "-m", "celery", "-A", "cadulis", "beat", "--loglevel", "INFO"],
    }
    if (ROOT / "sandbox" / "__main__.py").exists():
        commands = {"sandbox": [PY, "-m", "sandbox", "serve", "--port", sandbox_port], **commands}

    procs: dict[str, subprocess.Popen[bytes]] = {}
    for name, command in commands.items():
        procs[name] = subprocess.Popen(command, env=env)
        time.sleep(0.5)
    print(f"\n  Cadulis is running: http://127.0.0.1:{port}/   (API docs: http://127.0.0.1:{port}/api/docs/)")
    if "sandbox" in procs:
        print(f"  Pennylane sandbox: http://127.0.0.1:{sandbox_port}/")
    print("  Demo logins are printed above (manage.py demo_data). Ctrl-C stops everything.\n")

    def stop(*_args: object) -> None:
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def terminate(*_args: object) -> None:
        stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, terminate)
    try:
        while True:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    print(f"{name} exited with {proc.returncode}; stopping.", file=sys.stderr)
                    stop()
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
