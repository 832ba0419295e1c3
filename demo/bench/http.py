"""The call dashboard under gunicorn (`bench --http`): 2 workers, as production runs it, and
requests/s, p50 and p95 at 1, 4 and 16 concurrent clients, each level bounded in time.

The server runs this checkout against the database DATABASE_URL names, with DEBUG off (a
throw-away SECRET_KEY, no HTTPS redirect: plain HTTP on 127.0.0.1). The clients are threads
of this process, on the same machine: what they cost is counted against the server, so the
figures are a floor."""

import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.urls import reverse

LEVELS = (1, 4, 16)
WORKERS = 2

SESSION_SCRIPT = """
from django.conf import settings
from django.test import Client
from accounts.models import User
client = Client()
client.force_login(User.objects.get(email="financeur@banc.invalid"))
print(client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(port: int) -> dict:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        BEHIND_PROXY="0",
    )
    return env


def _manage(env, *args, capture=False) -> str:
    manage = Path(settings.BASE_DIR) / "manage.py"
    done = subprocess.run(
        [sys.executable, str(manage), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.stdout if capture else ""


def _wait_for(port: int, process, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError("gunicorn s'est arrêté au démarrage.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise CommandError("gunicorn ne répond pas.")


def _level(port: int, path: str, cookie: str, concurrency: int, seconds: float) -> dict:
    timings: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Host": "127.0.0.1"}
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    timings.append(elapsed)
                else:
                    errors[0] += 1
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _index in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    timings.sort()
    return {
        "concurrency": concurrency,
        "requests": len(timings),
        "requests_per_s": round(len(timings) / elapsed, 1),
        "p50_ms": round(statistics.median(timings), 1) if timings else None,
        "p95_ms": round(timings[max(int(len(timings) * 0.95 + 0.5) - 1, 0)], 1)
        if timings
        else None,
        "errors": errors[0],
    }


def bench_http(*, call, seconds: float = 10.0, levels=LEVELS) -> list[dict]:
    """Start gunicorn (WORKERS workers) on a free port, warm it up, then load the call
    dashboard's first page at each concurrency for `seconds`; stop it whatever happens."""
    port = _free_port()
    env = _environment(port)
    _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    cookie = _manage(env, "shell", "-c", SESSION_SCRIPT, capture=True).strip().splitlines()[-1]
    path = reverse("projects:call_dashboard", args=[call.pk])
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        _wait_for(port, server)
        _level(port, path, cookie, WORKERS * 2, min(seconds, 3.0))  # warm-up
        return [_level(port, path, cookie, level, seconds) for level in levels]
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
