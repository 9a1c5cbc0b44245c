"""Schemathesis against the partner API as it is served: no 5xx, no answer outside its
OpenAPI document.

    .venv/bin/python .ci/run_schemathesis.py [--database-url URL] [-- SCHEMATHESIS OPTIONS]

A throw-away PostgreSQL database (its name must contain "schemathesis"; dropped at the end)
is migrated and loaded with the presets, a retailer with a store ("main-street", the
document's examples name it) and a key of every scope; gunicorn serves the application with
the production settings (bench/_api_server.py), and Schemathesis runs every operation of
`/api/v1/openapi.json` with every check (.ci/schemathesis.toml), told by
.ci/schemathesis_hooks.py what the document cannot say. The exit status is non-zero on any
5xx, schema violation or other failed check, and when the served document holds an object
with a key twice (JSON readers keep one or the other, so clients and Schemathesis would each
read another document). Known gaps the hooks let pass are printed after the report; on a
failure, so is the server's log (tracebacks, one line per request).

Operations added to the API are tested without any change here: the run reads the document.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import _api_server as server  # noqa: E402

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "schemathesis.toml"
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/gemcare_schemathesis"


def schemathesis_command() -> str:
    beside = Path(sys.executable).parent / "schemathesis"
    return str(beside) if beside.exists() else "schemathesis"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SCHEMATHESIS_DATABASE_URL") or DEFAULT_DATABASE,
    )
    parser.add_argument("--test-key", action="store_true", help="run with a test-mode key")
    parser.add_argument("--keep-log", type=Path, help="copy the server's log here")
    parser.add_argument("schemathesis_args", nargs="*", help="after --: to `schemathesis run`")
    args = parser.parse_args()
    url = args.database_url
    server.database_recreate(url, must_contain="schemathesis")
    try:
        with tempfile.TemporaryDirectory(prefix="gemcare-schemathesis-") as var:
            var_dir = Path(var)
            # No rate limit is in the way: Schemathesis makes hundreds of requests a minute.
            environment = server.production_environment(url, var_dir, GEMCARE_API_RATE="")
            key = server.prepare(environment, test_key=args.test_key)
            log = var_dir / "server.log"
            with server.gunicorn(environment, key=key, log=log, workers=2, threads=4) as served:
                duplicated = duplicate_keys(f"{served.url}/api/v1/openapi.json")
                command = [
                    schemathesis_command(),
                    "--config-file",
                    str(CONFIG),
                    "run",
                    f"{served.url}/api/v1/openapi.json",
                    "--no-color",
                    *args.schemathesis_args,
                ]
                findings = var_dir / "findings.jsonl"
                python_path = [str(HERE), os.environ.get("PYTHONPATH", "")]
                status = subprocess.call(
                    command,
                    env={
                        **os.environ,
                        "GEMCARE_API_KEY": key,
                        "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
                        "SCHEMATHESIS_FINDINGS": str(findings),
                        "PYTHONPATH": os.pathsep.join(filter(None, python_path)),
                    },
                    cwd=var_dir,
                )
            report_known_findings(findings)
            if duplicated:
                # JSON parsers keep one of two equal keys, each its own: what a client or
                # Schemathesis reads of those objects is not what the API meant.
                print(f"\n=== the served document repeats {len(duplicated)} keys in one object:")
                for where in duplicated[:20]:
                    print(f"   {where}")
                status = status or 1
            server_log = log.read_text(errors="replace")
            if args.keep_log:
                args.keep_log.write_text(server_log)
            if status != 0:
                print("\n=== the server's log (errors and the last requests)")
                lines = server_log.splitlines()
                errors = [n for n, line in enumerate(lines) if "Traceback" in line]
                for start in errors[:5]:
                    print("\n".join(lines[start : start + 40]))
                print("\n".join(lines[-40:]))
    finally:
        server.database_drop(url, must_contain="schemathesis")
    return status


class _Pairs(list):
    """A JSON object as read: its (key, value) pairs in order, repeats kept."""


def duplicate_keys(url: str) -> list[str]:
    """Where the document at `url` has an object holding the same key twice (JSON allows
    it; which one a reader keeps is the reader's choice), as JSON pointers."""
    request = urllib.request.Request(url, headers=server.PROXY_HEADERS)
    with urllib.request.urlopen(request, timeout=30) as response:
        document = json.loads(response.read(), object_pairs_hook=_Pairs)
    found: list[str] = []

    def walk(node: object, pointer: str) -> None:
        if isinstance(node, _Pairs):
            keys = [key for key, _ in node]
            found.extend(f"{pointer}/{key}" for key in sorted(set(keys)) if keys.count(key) > 1)
            for key, value in node:
                walk(value, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{pointer}/{index}")

    walk(document, "")
    return found


def report_known_findings(path: Path) -> None:
    """The known gaps .ci/schemathesis_hooks.py let pass, each with how often it was seen."""
    if not path.exists():
        return
    seen: dict[tuple[str, str, str], list[str]] = {}
    for line in path.read_text().splitlines():
        finding = json.loads(line)
        key = (finding["operation"], finding["check"], finding["finding"])
        seen.setdefault(key, []).append(finding["value"])
    print("\n=== known findings, let pass until fixed (.ci/schemathesis_hooks.py)")
    for (operation, check, words), values in sorted(seen.items()):
        print(f"{operation}: {check}: {words}; {len(values)} cases, e.g. {values[0]}")


if __name__ == "__main__":
    sys.exit(main())
