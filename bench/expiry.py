"""The daily contract expiry at scale: its time, its memory, and what it costs a claim.

    .venv/bin/python bench/expiry.py [--contracts N] [--backlog-days D] [--chunk-size C] ...

On PostgreSQL, in a throw-away database (created, migrated, loaded with the presets, dropped
at the end). 1M contracts are written in straight SQL (INSERT ... SELECT generate_series):
purchases spread over eight years in sale order, half of them 3-year jewelry plans, a tenth
3-year watch plans, the rest lifetime plans, one in fifty cancelled. Term plans whose term
ended more than `--backlog-days` ago are already expired; those that ended since are due: the
backlog a stopped daily run leaves (with the default of a year, about 7% of all contracts).

Then, in the same run:
1. baseline: claims filed one after another through the claim service on unrelated
   (lifetime) contracts, with no expiry running;
2. the expiry (`contracts_expire`) for today, while the same claim filing runs again.

Claims are filed by a second process, as the web process files them beside the task worker:
a thread in this process would measure contention for Python's interpreter lock, which the
two never share in production. Printed: the run's time and peak memory against the
figures issue 5 records for the old run at 1M contracts (31 s, 2.1 GB, a claim waiting
30 s), and the claim latency during the run against the baseline (p50, p99, max).
No figure here is asserted; the ratios are for a reader.
"""

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

# bench/ is on the path when this file runs: the database is made as rules.py makes it.
from rules import database_name, maintenance

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/gemcare_bench_expiry"
# Issue 5's figures for the old expiry at 1M contracts.
OLD_SECONDS, OLD_PEAK_MB, OLD_CLAIM_WAIT_SECONDS = 31.0, 2100.0, 30.0
PURCHASE_SPREAD_DAYS = 8 * 365
CLAIM_TARGETS = "claim_target"  # receipt-number prefix of the contracts claims are filed on


# --- setup ----------------------------------------------------------------------------------


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "YmVuY2gtb25seS1maWVsZC1rZXktbm90LWZvci11c2U=")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def fresh_database(url: str) -> None:
    name = database_name(url)
    maintenance(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    maintenance(url, f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    maintenance(url, f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)')


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


# --- loading ------------------------------------------------------------------------------


def schema_load() -> dict:
    """Migrate, publish the presets, and make the retailers and stores; returns their ids."""
    from django.core.management import call_command

    from gemcare.catalog.models import PlanProductVersion
    from gemcare.catalog.services import presets_load
    from gemcare.common.callers import Caller
    from gemcare.partners.models import Retailer, Store

    call_command("migrate", verbosity=0, interactive=False)
    presets_load(caller=Caller.system("presets"))
    versions = {
        version.product.code: version.pk
        for version in PlanProductVersion.objects.select_related("product")
    }
    stores = []
    for r in range(20):
        retailer = Retailer.objects.create(code=f"bench-{r}", name=f"Bench Jewelers {r}")
        for s in range(5):
            stores.append(
                Store.objects.create(retailer=retailer, code=f"s{s}", name=f"Store {s}", state="IL")
            )
    return {"versions": versions, "stores": [(store.pk, store.retailer_id) for store in stores]}


def contracts_load(ids: dict, *, contracts: int, run_day: dt.date, backlog_days: int) -> dict:
    """Write `contracts` contracts and their holders in straight SQL; returns counts."""
    from django.db import connection

    from gemcare.contracts.models import Contract, Holder, HolderPeriod

    versions = ids["versions"]
    store_ids = [store for store, _ in ids["stores"]]
    retailer_of = [retailer for _, retailer in ids["stores"]]
    holders = max(1, contracts // 4)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Holder._meta.db_table}
                (name, email, phone, address, state, date_of_birth, ssn, government_id,
                 bank_account, marketing_opt_out, created_at)
            SELECT 'Bench Holder ' || i, '', '', '', 'IL', '', '', '', '', false, now()
            FROM generate_series(1, %s) AS i
            """,
            [holders],
        )
        cursor.execute(f"SELECT min(id) FROM {Holder._meta.db_table}")
        first_holder = cursor.fetchone()[0]
        # i mod 10: 0-4 care-jewelry-3yr, 5 care-watch-3yr, 6-7 care-jewelry-lifetime,
        # 8-9 ljpp-lifetime. Ids follow the purchase day, as sales arrive in date order.
        cursor.execute(
            f"""
            WITH base AS (
                SELECT i,
                       CASE WHEN i %% 10 < 5 THEN %(care3)s WHEN i %% 10 = 5 THEN %(watch3)s
                            WHEN i %% 10 < 8 THEN %(care_life)s ELSE %(ljpp)s END AS version,
                       i %% 10 < 6 AS term,
                       %(run_day)s::date - %(spread)s
                           + ((i::bigint * %(spread)s) / %(contracts)s)::int AS purchased,
                       (i %% %(stores)s) + 1 AS store_index
                FROM generate_series(1, %(contracts)s) AS i
            ), dated AS (
                SELECT *, CASE WHEN term THEN (purchased + interval '3 years')::date END AS ends
                FROM base
            )
            INSERT INTO {Contract._meta.db_table}
                (number, product_version_id, retailer_id, store_id, receipt_number, item_kind,
                 item_description, item_price, item_serial, item_water_resistant, item_sold_on,
                 item_is_gift, holder_id, state_at_sale, plan_price, commission, purchased_on,
                 term_ends_on, last_event_on, status, approved_total, sold_at)
            SELECT 'B' || lpad(i::text, 10, '0'), version,
                   (%(retailers)s::bigint[])[store_index], (%(store_ids)s::bigint[])[store_index],
                   CASE WHEN version = %(ljpp)s AND i %% 20 = 8
                        THEN '{CLAIM_TARGETS}-' ELSE 'R-' END || i,
                   CASE WHEN version = %(watch3)s THEN 'watch' ELSE 'ring' END,
                   'Bench item', 1200.00, '', false, purchased, false,
                   %(first_holder)s + (i %% %(holders)s), 'IL', 99.00, 39.60, purchased, ends,
                   CASE WHEN term AND ends <= %(run_day)s::date - %(backlog)s
                        THEN ends ELSE purchased END,
                   CASE WHEN term AND ends <= %(run_day)s::date - %(backlog)s THEN 'expired'
                        WHEN i %% 50 = 0 THEN 'cancelled' ELSE 'active' END,
                   0, now()
            FROM dated
            """,
            {
                "care3": versions["care-jewelry-3yr"],
                "watch3": versions["care-watch-3yr"],
                "care_life": versions["care-jewelry-lifetime"],
                "ljpp": versions["ljpp-lifetime"],
                "run_day": run_day,
                "spread": PURCHASE_SPREAD_DAYS,
                "stores": len(store_ids),
                "contracts": contracts,
                "retailers": retailer_of,
                "store_ids": store_ids,
                "first_holder": first_holder,
                "holders": holders,
                "backlog": backlog_days,
            },
        )
        cursor.execute(
            f"""
            INSERT INTO {HolderPeriod._meta.db_table} (contract_id, holder_id, since, reason)
            SELECT id, holder_id, purchased_on, 'sale' FROM {Contract._meta.db_table}
            """
        )
    vacuum(Holder, Contract, HolderPeriod)
    return {
        "contracts": contracts,
        "due": Contract.objects.filter(
            status="active", term_ends_on__isnull=False, term_ends_on__lte=run_day
        ).count(),
    }


def vacuum(*models) -> None:
    """What autovacuum does to a loaded table: statistics and the visibility map."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


# --- claims, filed in a second process ---------------------------------------------------------


def claim_input(run_day: dt.date):
    """One claim as a point-of-sale system sends it, checked at the edge like any input."""
    from gemcare.claims.schemas import ClaimIn
    from gemcare.common.schemas import validate_input

    return validate_input(
        ClaimIn,
        {
            "incident": (run_day - dt.timedelta(days=3)).isoformat(),
            "filed": (run_day - dt.timedelta(days=1)).isoformat(),
            "cause": "wear_and_tear",
            "lines": [{"service": "prong_repair", "cost": "45.00"}],
        },
    )


def claim_file_on(contract, *, claim, callers: dict) -> None:
    """One claim through the claim service, as the retailer that sold the contract."""
    from gemcare.claims.services import claim_file

    claim_file(caller=callers[contract.retailer_id], contract=contract, claim=claim)


def claims_child(url: str, first: int, run_day: dt.date) -> None:
    """File claims one after another until stdin closes; print each one's seconds as JSON.

    Each claim goes to a different lifetime contract (never one the expiry touches), so the
    claims never wait on each other, only on whatever else holds their rows."""
    import threading

    django_setup(url)
    from gemcare.common.callers import Caller
    from gemcare.contracts.models import Contract
    from gemcare.partners.models import Retailer

    callers = {retailer.pk: Caller.retailer(retailer) for retailer in Retailer.objects.all()}

    targets = Contract.objects.filter(
        receipt_number__startswith=CLAIM_TARGETS + "-",
        status="active",
        purchased_on__lte=run_day - dt.timedelta(days=3),
    )
    contracts = list(targets.order_by("pk")[first:])
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    claim = claim_input(run_day)
    claim_file_on(contracts[0], claim=claim, callers=callers)  # warm: compiled statements, caches
    print("ready", flush=True)
    seconds = []
    for contract in contracts[1:]:
        if stop.is_set():
            break
        began = time.perf_counter()
        claim_file_on(contract, claim=claim, callers=callers)
        seconds.append(time.perf_counter() - began)
    print(json.dumps(seconds), flush=True)


class ClaimFiler:
    """The child process filing claims, started and stopped around a measured stretch."""

    def __init__(self, url: str, first: int, run_day: dt.date) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--claims-child", url, str(first), run_day.isoformat()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        line = self.process.stdout.readline().strip()
        if line != "ready":
            self.process.kill()
            raise SystemExit(f"the claim filer did not start (said {line!r})")

    def stop(self) -> list[float]:
        self.process.stdin.close()
        out = self.process.stdout.read()
        if self.process.wait() != 0:
            raise SystemExit("the claim filer failed")
        return json.loads(out.strip().splitlines()[-1])


def latency(seconds: list[float]) -> dict:
    if not seconds:
        return {"claims": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "claims": len(ordered),
        "p50": statistics.median(ordered),
        "p99": p99,
        "max": ordered[-1],
    }


# --- the run -------------------------------------------------------------------------------


def bench(url: str, *, contracts: int, backlog_days: int, chunk_size: int, baseline: float):
    from gemcare.common.clock import today
    from gemcare.contracts.expiry import EXPIRY_CALLER, contracts_expire

    run_day = today()
    began = time.perf_counter()
    ids = schema_load()
    loaded = contracts_load(ids, contracts=contracts, run_day=run_day, backlog_days=backlog_days)
    load_seconds = time.perf_counter() - began

    filer = ClaimFiler(url, 0, run_day)
    time.sleep(baseline)
    alone = filer.stop()

    filer = ClaimFiler(url, len(alone) + 1, run_day)
    memory_before = peak_mb()
    began = time.perf_counter()
    expired = contracts_expire(caller=EXPIRY_CALLER, on=run_day, chunk_size=chunk_size)
    expiry_seconds = time.perf_counter() - began
    memory_after = peak_mb()
    during = filer.stop()
    return {
        "loaded": loaded,
        "load_seconds": load_seconds,
        "expired": expired,
        "expiry_seconds": expiry_seconds,
        "chunk_size": chunk_size,
        "peak_mb_before": memory_before,
        "peak_mb_after": memory_after,
        "alone": latency(alone),
        "during": latency(during),
    }


def report(figures: dict) -> None:
    loaded, alone, during = figures["loaded"], figures["alone"], figures["during"]
    seconds, mb = figures["expiry_seconds"], figures["peak_mb_after"]
    print(f"Loaded {loaded['contracts']:,} contracts in {figures['load_seconds']:.1f} s")
    print(
        f"1. Expiry: {figures['expired']:,} of {loaded['due']:,} due contracts expired in "
        f"{seconds:.1f} s ({figures['expired'] / max(seconds, 1e-9):,.0f} contracts/s, "
        f"chunks of {figures['chunk_size']:,}); "
        f"{seconds / OLD_SECONDS:.2f}x the old run's {OLD_SECONDS:.0f} s"
    )
    print(
        f"2. Peak memory of the process: {mb:.0f} MB after the run, {figures['peak_mb_before']:.0f}"
        f" MB before it; {mb / OLD_PEAK_MB:.3f}x the old run's {OLD_PEAK_MB / 1000:.1f} GB"
    )
    print("3. A claim on an unrelated contract, filed through the service (seconds):")
    print(f"   {'':<22}{'claims':>8}{'p50':>10}{'p99':>10}{'max':>10}")
    for name, figures_ in (("no expiry running", alone), ("during the expiry", during)):
        print(
            f"   {name:<22}{figures_['claims']:>8}{figures_['p50']:>10.4f}"
            f"{figures_['p99']:>10.4f}{figures_['max']:>10.4f}"
        )
    print(
        f"   during / alone: p50 {during['p50'] / alone['p50']:.2f}x, "
        f"p99 {during['p99'] / alone['p99']:.2f}x, max {during['max'] / alone['max']:.2f}x; "
        f"the longest claim is {during['max'] / OLD_CLAIM_WAIT_SECONDS:.4f}x the old "
        f"{OLD_CLAIM_WAIT_SECONDS:.0f} s wait"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument(
        "--backlog-days", type=int, default=365, help="terms ended this recently are still due"
    )
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument(
        "--baseline-seconds", type=float, default=10.0, help="claims filed with no expiry"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--claims-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.claims_child:
        url, first, day = args.claims_child
        claims_child(url, int(first), dt.date.fromisoformat(day))
        return

    url = args.database_url or DEFAULT_DATABASE
    fresh_database(url)
    try:
        django_setup(url)
        figures = bench(
            url,
            contracts=args.contracts,
            backlog_days=args.backlog_days,
            chunk_size=args.chunk_size,
            baseline=args.baseline_seconds,
        )
    finally:
        drop_database(url)
    report(figures)


if __name__ == "__main__":
    main()
