"""Speed of the partner API as served in production: quote and register-sale, against two
bare endpoints served by the same server in the same run.

    .venv/bin/python bench/api.py [--servers sync:4,gthread:4x2] [--duration 5] [--rounds 2]
    .venv/bin/python bench/api.py --quick
    .venv/bin/python bench/api.py --profile bare|row|quote|sale [--requests 300]

A throw-away PostgreSQL database (gemcare_bench_api; created, migrated, loaded with the
presets and a retailer, dropped at the end) and gunicorn with the production settings
(bench/_api_server.py: DEBUG off, persistent connections, keys made for the run, the rate
limit set out of the way). Each server configuration serves, beside the API, two baselines
(bench/_api_urls.py): a bare django-ninja JSON endpoint and a bare endpoint that inserts one
row. 16 clients (bench/_api_load.py) drive each endpoint in turn, after a warm-up, for
`--rounds` rounds of `--duration` seconds, alternating so that noise falls on all four:

- bare: GET /bench/bare
- one-row insert: POST /bench/row
- quote: POST /api/v1/quotes, a cart of 3 items
- register sale: POST /api/v1/contracts, a new receipt and Idempotency-Key every request

The table gives requests/s, p50 and p99 latency and the ratios the targets are set in:
register-sale at least 50% of the one-row endpoint's rate with a p99 at most twice its p99,
and quote at least 50% of the bare endpoint's rate. Targets are proven by these ratios,
never by timed assertions in tests. The CPU each request costs the server's processes and
the database's is printed too: on a machine shared with other work it moves less than the
rates do. `--quick` is one server and one short round, for a first look.

`--profile` runs one endpoint in this process under cProfile (through Django's test client,
the same settings and database, and the persistent connection's checks the server makes at
each request's start and end), and prints where its time goes: first the CPU and wall time
a request without the profiler, then the profile, by this process's CPU (`--profile-clock`)
and with the number of Python function calls a request, which a busy machine does not move.
It also lists one request's SQL statements and commits.
"""

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import _api_load as load  # noqa: E402
import _api_server as server  # noqa: E402

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/gemcare_bench_api"
SALE_RATIO_TARGET = 0.50  # register-sale's rate over the one-row insert's
SALE_P99_TARGET = 2.0  # register-sale's p99 over the one-row insert's, at most
QUOTE_RATIO_TARGET = 0.50  # quote's rate over the bare endpoint's

CART = {
    "holder_state": "TX",
    "items": [
        {"line_id": "1", "kind": "ring", "price": "1250.00", "sku": "R-1001"},
        {"line_id": "2", "kind": "necklace", "price": "600.00"},
        {"line_id": "3", "kind": "loose_stone", "price": "3000.00"},
    ],
}
SALE_ITEM = {"kind": "ring", "price": "600.00", "description": "14k gold ring", "serial": "S-1"}
SALE_PRODUCT = "care-jewelry-3yr"
ENDPOINTS = [
    ("bare", "bare JSON (GET /bench/bare)"),
    ("row", "one-row insert (POST /bench/row)"),
    ("quote", "quote, 3 items (POST /quotes)"),
    ("sale", "register sale (POST /contracts)"),
]


SERVER_KINDS = {
    "sync": "sync workers, persistent connections",
    "gthread": "gthread workers, persistent connections",
    "pool": "gthread workers, Django's psycopg pool (needs psycopg_pool)",
    "fresh": "sync workers, a new connection every request (CONN_MAX_AGE=0)",
}


def server_configs(text: str) -> list[tuple[str, str, int, int]]:
    """`sync:4,gthread:4x2` → (label, kind, workers, threads)."""
    configs = []
    for part in text.split(","):
        kind, _, size = part.strip().partition(":")
        if kind not in SERVER_KINDS:
            raise SystemExit(f"unknown server kind {kind!r}: {', '.join(SERVER_KINDS)}")
        workers, _, threads = size.partition("x")
        single = kind in {"sync", "fresh"}
        threads = 1 if single else int(threads or 2)
        configs.append((part.strip(), kind, int(workers or 4), threads))
    return configs


def requests_for(served: server.Served, plan_price: str) -> dict[str, load.Request]:
    host = served.url.removeprefix("http://")
    api = {
        **server.PROXY_HEADERS,
        "Authorization": f"Bearer {served.key}",
        "Content-Type": "application/json",
    }
    cart = json.dumps(CART).encode()
    purchased = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    run = uuid.uuid4().hex[:8]

    def bare(token: str) -> bytes:
        return load.http_request("GET", "/bench/bare", host=host, headers=server.PROXY_HEADERS)

    def row(token: str) -> bytes:
        body = json.dumps({"note": f"row {token}"}).encode()
        headers = {**server.PROXY_HEADERS, "Content-Type": "application/json"}
        return load.http_request("POST", "/bench/row", host=host, headers=headers, body=body)

    def quote(token: str) -> bytes:
        return load.http_request("POST", "/api/v1/quotes", host=host, headers=api, body=cart)

    def sale(token: str) -> bytes:
        body = {
            "store": served.store,
            "receipt_number": f"B-{run}-{token}",
            "receipt_line": 1,
            "purchased": purchased,
            "product": SALE_PRODUCT,
            "plan_price": plan_price,
            "item": SALE_ITEM,
            "holder": {"name": "Ada Holder", "state": "TX", "email": "ada@example.com"},
        }
        headers = {**api, "Idempotency-Key": f"bench-{run}-{token}"}
        return load.http_request(
            "POST", "/api/v1/contracts", host=host, headers=headers, body=json.dumps(body).encode()
        )

    return {"bare": bare, "row": row, "quote": quote, "sale": sale}


def plan_price_of(served: server.Served) -> str:
    """The plan price of the sale's item, as a quote gives it (the POS's way)."""
    import urllib.request

    cart = {"holder_state": "TX", "items": [{"line_id": "1", **SALE_ITEM}]}
    cart["items"][0].pop("serial")
    request = urllib.request.Request(
        f"{served.url}/api/v1/quotes",
        data=json.dumps(cart).encode(),
        headers={
            **server.PROXY_HEADERS,
            "Authorization": f"Bearer {served.key}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        offers = json.load(response)["items"][0]["offers"]
    return next(offer["plan_price"] for offer in offers if offer["product"] == SALE_PRODUCT)


def bench_server(environment, key, var_dir, config, work: load.Load, rounds: int) -> dict:
    label, kind, workers, threads = config
    environment = {
        **environment,
        "BENCH_DATABASE_POOL": str(threads) if kind == "pool" else "",
        **({"CONN_MAX_AGE": "0"} if kind == "fresh" else {}),
    }
    log = var_dir / f"server-{label.replace(':', '-')}.log"
    with server.gunicorn(
        environment, key=key, log=log, workers=workers, threads=threads, pythonpath=BENCH
    ) as served:
        requests = requests_for(served, plan_price_of(served))
        port = int(served.url.rsplit(":", 1)[1])
        server_pids = [served.pid, *load.children_of(served.pid)]
        probes = {
            "server": lambda: load.processes_cpu(server_pids),
            "database": lambda: load.processes_cpu(database_backends(environment["DATABASE_URL"])),
        }
        if kind == "fresh":
            del probes["database"]  # a backend a request: most start and end unseen
        results: dict[str, load.Result] = {}
        for _ in range(rounds):
            for name, _words in ENDPOINTS:
                part = load.run(port, requests[name], work, probes)
                results[name] = results[name].merge(part) if name in results else part
    errors = sum(1 for line in log.read_text(errors="replace").splitlines() if "Traceback" in line)
    return {"label": label, "results": results, "tracebacks": errors, "log": log}


def database_backends(url: str) -> list[int]:
    """The PostgreSQL processes serving the benchmark's database (the server's connections)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [pid for (pid,) in rows]


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute("SHOW server_version").fetchone()[0].split()[0]


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def report(measured: list[dict], work: load.Load, rounds: int, version: str) -> None:
    print(
        f"Gemcare API benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs,"
        f" PostgreSQL {version}, DEBUG off"
    )
    print(
        f"{work.clients} clients in {work.processes} processes; each endpoint {rounds} x"
        f" {work.duration:g} s after {work.warmup:g} s of warm-up, endpoints alternating"
    )
    for run in measured:
        results = run["results"]
        bare, row = results["bare"], results["row"]
        print()
        label, kind, workers, threads = run["config"]
        print(f"gunicorn {label}: {workers} x {threads} thread(s), {SERVER_KINDS[kind]}")
        print(
            f"   {'endpoint':<34}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}"
            f"{'not 2xx':>8}{'vs bare':>8}{'vs row':>7}{'CPU ms/request: app':>21}{'db':>6}"
        )
        for name, words in ENDPOINTS:
            result = results[name]
            bad = result.count - result.ok + result.failures
            per = {k: v * 1000 / max(1, result.count) for k, v in result.cpu.items()}
            print(
                f"   {words:<34}{result.count:>9,}{result.rate:>8,.0f}"
                f"{result.percentile(0.50) * 1000:>8.1f}{result.percentile(0.99) * 1000:>8.1f}"
                f"{bad:>8,}{result.rate / bare.rate:>8.2f}{result.rate / row.rate:>7.2f}"
                f"{per.get('server', 0):>21.2f}{per.get('database', 0):>6.2f}"
            )
        sale, quote = results["sale"], results["quote"]
        sale_ratio = sale.rate / row.rate
        p99_ratio = sale.percentile(0.99) / row.percentile(0.99)
        quote_ratio = quote.rate / bare.rate
        print(
            f"   register sale: {sale_ratio:.0%} of the one-row rate"
            f" (target >= {SALE_RATIO_TARGET:.0%}: {_verdict(sale_ratio >= SALE_RATIO_TARGET)});"
            f" p99 {p99_ratio:.2f}x the one-row p99"
            f" (target <= {SALE_P99_TARGET:g}x: {_verdict(p99_ratio <= SALE_P99_TARGET)})"
        )
        print(
            f"   quote: {quote_ratio:.0%} of the bare rate"
            f" (target >= {QUOTE_RATIO_TARGET:.0%}: {_verdict(quote_ratio >= QUOTE_RATIO_TARGET)})"
        )
        shares = ", ".join(
            f"{name} {results[name].client_cpu / results[name].client_wall:.2f}"
            f" of the machine busy {results[name].machine_busy:.0%}"
            for name, _ in ENDPOINTS
        )
        print(f"   load's own CPU, in cores: {shares}")
        if run["tracebacks"]:
            print(f"   the server logged {run['tracebacks']} tracebacks: see {run['log']}")


# --- --profile ---------------------------------------------------------------------------------


def profile(
    environment: dict[str, str],
    key: str,
    endpoint: str,
    count: int,
    out: Path | None,
    *,
    clock: str = "cpu",
) -> None:
    """One endpoint, `count` times in this process under cProfile (after 20 unprofiled),
    timed by this process's CPU (`clock="cpu"`, what bounds a worker's rate) or by the wall
    clock (waits on the database included). Before the profiled run, `count` requests are
    timed without the profiler: CPU and wall milliseconds per request."""
    import cProfile
    import pstats
    import time

    # The request log is the server's; here it would only bury the profile (unless asked
    # for, with API_LOG_LEVEL=INFO, to measure it too).
    os.environ.update({"API_LOG_LEVEL": "WARNING", **environment}, ALLOWED_HOSTS="testserver")
    import django

    django.setup()
    from django.test import Client

    client = Client(headers={**server.PROXY_HEADERS, "Authorization": f"Bearer {key}"})
    price = None
    if endpoint == "sale":
        cart = {"holder_state": "TX", "items": [{"line_id": "1", **SALE_ITEM}]}
        cart["items"][0].pop("serial")
        answer = client.post("/api/v1/quotes", cart, content_type="application/json")
        offers = answer.json()["items"][0]["offers"]
        price = next(offer["plan_price"] for offer in offers if offer["product"] == SALE_PRODUCT)
    served = server.Served(
        url="http://testserver",
        key=key,
        store=server.STORE,
        workers=1,
        threads=1,
        log=Path(os.devnull),
    )
    purchased = (dt.date.today() - dt.timedelta(days=1)).isoformat()

    from django.db import close_old_connections

    def call(number: int) -> int:
        # What the server's request_started and request_finished do (the test client turns
        # it off): the persistent connection's checks, and with them the health check's
        # SELECT 1 before a request's first query.
        close_old_connections()
        try:
            return request(number)
        finally:
            close_old_connections()

    def request(number: int) -> int:
        if endpoint == "bare":
            return client.get("/bench/bare").status_code
        if endpoint == "row":
            body = {"note": f"row {number}"}
            return client.post("/bench/row", body, content_type="application/json").status_code
        if endpoint == "quote":
            return client.post("/api/v1/quotes", CART, content_type="application/json").status_code
        body = {
            "store": served.store,
            "receipt_number": f"P-{number}",
            "receipt_line": 1,
            "purchased": purchased,
            "product": SALE_PRODUCT,
            "plan_price": price,
            "item": SALE_ITEM,
            "holder": {"name": "Ada Holder", "state": "TX", "email": "ada@example.com"},
        }
        return client.post(
            "/api/v1/contracts",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": f"profile-{number}"},
        ).status_code

    for number in range(20):
        assert call(number) in {200, 201}
    statements, commits = statements_of(lambda: call(20), endpoint)
    cpu, wall = time.process_time(), time.perf_counter()
    statuses = [call(number) for number in range(21, 21 + count)]
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"{endpoint}: {count} requests unprofiled, statuses {sorted(set(statuses))}:"
        f" {cpu * 1000 / count:.2f} ms CPU and {wall * 1000 / count:.2f} ms wall a request"
    )
    timer = time.process_time if clock == "cpu" else time.perf_counter
    profiler = cProfile.Profile(timer)
    profiler.enable()
    statuses = [call(number) for number in range(21 + count, 21 + 2 * count)]
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(
        f"{endpoint}: {count} requests profiled ({clock} clock), statuses {sorted(set(statuses))}:"
        f" {stats.total_calls / count:,.0f} Python function calls a request (steadier than time"
        " on a busy machine)"
    )
    words = ", ".join(f"{verb} {n}" for verb, n in statements.most_common())
    print(f"one request's statements: {words}; transactions committed: {commits}")
    if out is not None:
        profiler.dump_stats(out)
    stats.strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(20)
    from django.db import connections

    connections.close_all()


def statements_of(work, endpoint: str):
    """The SQL statements of one call of `work`, by their first word, and its commits."""
    from collections import Counter

    from django.db import connection

    statements: Counter = Counter()
    commits = 0

    def count(execute, sql, params, many, context):
        statements[sql.split(None, 1)[0].upper()] += 1
        print(f"   sql: {' '.join(sql.split())[:150]}")
        return execute(sql, params, many, context)

    commit = connection.commit

    def counted_commit():
        nonlocal commits
        commits += 1
        return commit()

    connection.commit = counted_commit
    try:
        with connection.execute_wrapper(count):
            work()
    finally:
        del connection.commit
    return statements, commits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_API_DATABASE_URL"))
    parser.add_argument(
        "--servers",
        default="sync:4,gthread:4x2",
        help="gunicorn configurations, KIND:WORKERS[xTHREADS], KIND one of "
        + "; ".join(f"{kind}: {words}" for kind, words in SERVER_KINDS.items()),
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one server (sync:4), one round of 3 s after 1 s of warm-up: a first look",
    )
    parser.add_argument(
        "--profile",
        choices=["bare", "row", "quote", "sale"],
        help="one endpoint in this process under cProfile; bare and row for comparison",
    )
    parser.add_argument("--requests", type=int, default=300, help="with --profile")
    parser.add_argument("--profile-out", type=Path, help="with --profile: save the stats here")
    parser.add_argument(
        "--profile-clock",
        choices=["cpu", "wall"],
        default="cpu",
        help="with --profile: time by this process's CPU (default) or by the wall clock",
    )
    args = parser.parse_args()

    url = args.database_url or DEFAULT_DATABASE
    if args.quick:
        args.servers, args.rounds, args.duration, args.warmup = "sync:4", 1, 3.0, 1.0
    configs = server_configs(args.servers)
    work = load.Load(
        clients=args.clients,
        processes=args.client_processes,
        warmup=args.warmup,
        duration=args.duration,
    )
    server.database_recreate(url, must_contain="bench")
    try:
        with tempfile.TemporaryDirectory(prefix="gemcare-bench-api-") as var:
            var_dir = Path(var)
            python_path = os.pathsep.join(filter(None, [str(BENCH), os.environ.get("PYTHONPATH")]))
            environment = server.production_environment(
                url,
                var_dir,
                DJANGO_SETTINGS_MODULE="_api_settings",
                PYTHONPATH=python_path,
                # Far above what 16 clients make: the limit's own cost stays in, its 429s out.
                GEMCARE_API_RATE="1000000000/min",
            )
            key = server.prepare(environment)
            bench_table(url)
            if args.profile:
                profile(
                    environment,
                    key,
                    args.profile,
                    args.requests,
                    args.profile_out,
                    clock=args.profile_clock,
                )
                return
            measured = []
            for config in configs:
                run = bench_server(environment, key, var_dir, config, work, args.rounds)
                measured.append({**run, "config": config})
            report(measured, work, args.rounds, postgres_version(url))
    finally:
        server.database_drop(url, must_contain="bench")


def bench_table(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_row"
            " (id bigserial PRIMARY KEY, note text NOT NULL, created_at timestamptz NOT NULL)"
        )


if __name__ == "__main__":
    main()
