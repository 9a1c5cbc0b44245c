"""A served Gemcare for the API benchmark (bench/api.py) and the Schemathesis check
(.ci/run_schemathesis.py): a throw-away database, a retailer with a store and a key of every
scope, and gunicorn with the production settings on a free port of the loopback address.

Production settings means DEBUG off, a secret key and an encryption key of the required
strength (made for the run, never stored), persistent database connections, and the
reverse proxy's `X-Forwarded-Proto: https` trusted, as behind the TLS-terminating proxy of
docs/operations.md: clients of this server send that header.
"""

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

RETAILER = "main-street-jewelers"
STORE = "main-street"
STORE_STATE = "TX"

# Made with the ORM: no command creates a retailer (the back office does). The repair
# center is the one the API document's examples name.
_SEED = f"""
from gemcare.partners.models import RepairCenter, Retailer, Store
RepairCenter.objects.get_or_create(
    code="bench-works", defaults={{"name": "Bench Works", "address": "1 Bench St", "state": "TX"}}
)
retailer, _ = Retailer.objects.get_or_create(
    code={RETAILER!r}, defaults={{"name": "Main Street Jewelers"}}
)
Store.objects.get_or_create(
    retailer=retailer, code={STORE!r}, defaults={{"name": "Main Street", "state": {STORE_STATE!r}}}
)
"""


@dataclass(frozen=True)
class Served:
    url: str
    key: str
    store: str
    workers: int
    threads: int
    log: Path
    pid: int = 0  # gunicorn's master process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a deployment (docs/operations.md), with keys made for this run."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DEBUG="0",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(64),
        FIELD_ENCRYPTION_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_PROXY_SSL_HEADER_TRUSTED="true",
        GEMCARE_VAR_DIR=str(var_dir),
        STATIC_ROOT=str(var_dir / "static"),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    environment.update(extra)
    return environment


def database_name(url: str, *, must_contain: str) -> str:
    import psycopg

    name = psycopg.conninfo.conninfo_to_dict(url).get("dbname", "")
    if must_contain not in name:
        raise SystemExit(
            f"refusing to drop and create {name!r}: its name must contain {must_contain!r}"
        )
    return name


def database_recreate(url: str, *, must_contain: str) -> None:
    """A new, empty PostgreSQL database of that name (an existing one is dropped)."""
    import psycopg

    name = database_name(url, must_contain=must_contain)
    with psycopg.connect(psycopg.conninfo.make_conninfo(url, dbname="postgres")) as connection:
        connection.autocommit = True
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def database_drop(url: str, *, must_contain: str) -> None:
    import psycopg

    name = database_name(url, must_contain=must_contain)
    with psycopg.connect(psycopg.conninfo.make_conninfo(url, dbname="postgres")) as connection:
        connection.autocommit = True
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def gemcare(environment: dict[str, str], *args: str) -> str:
    """Run a `gemcare` command with this environment; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "gemcare", *args],
        env=environment,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"gemcare {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(environment: dict[str, str], *, test_key: bool = False) -> str:
    """Migrate, publish the presets, make the retailer and its store; a key of every scope."""
    gemcare(environment, "migrate", "--noinput")
    gemcare(environment, "load-presets")
    gemcare(environment, "shell", "-c", _SEED)
    args = ["api-key", "create", RETAILER, "--name", "bench"]
    created = gemcare(environment, *args, *(["--test"] if test_key else []))
    return created.strip().splitlines()[-1]


def ready(url: str, process: subprocess.Popen, deadline: float) -> None:
    while True:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped at start (exit {process.returncode})")
        request = urllib.request.Request(f"{url}/api/v1/openapi.json", headers=PROXY_HEADERS)
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the server at {url} did not answer in time")
        time.sleep(0.2)


@contextmanager
def gunicorn(
    environment: dict[str, str],
    *,
    key: str,
    log: Path,
    workers: int = 4,
    threads: int = 1,
    pythonpath: Path | None = None,
) -> Iterator[Served]:
    """gunicorn serving `config.wsgi:application`, stopped (TERM, then KILL) on leaving."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--threads",
        str(threads),
        "--worker-tmp-dir",
        "/dev/shm" if Path("/dev/shm").is_dir() else str(log.parent),
        "--graceful-timeout",
        "5",
        # Several servers may run at once (a benchmark beside a check): no shared socket.
        "--no-control-socket",
    ]
    if pythonpath is not None:
        command += ["--pythonpath", str(pythonpath)]
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, env=environment, cwd=REPO, stdout=output, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        ready(url, process, time.monotonic() + 60)
        yield Served(
            url=url,
            key=key,
            store=STORE,
            workers=workers,
            threads=threads,
            log=log,
            pid=process.pid,
        )
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
