"""The back office's and the API's list queries at 1M claims: their plans and their times.

    .venv/bin/python bench/queues.py [--claims N] [--contracts N] [--repeats R]

On PostgreSQL, in a throw-away database (created, migrated, dropped at the end; its name is
`gemcare_bench_queues`). Contracts are loaded as bench/expiry.py loads them, then claims in
straight SQL, in filing order over five years: about 46,000 awaiting review and 13,000
approved and not yet fulfilled among those filed in the last 120 days (a working queue with a
backlog), a few older ones still unpaid, the rest denied or fulfilled. Each query runs
through the selector the back office or the API calls; for each one this prints EXPLAIN
(ANALYZE, BUFFERS), the index it uses, the rows it read and threw away, and the median of
`--repeats` runs. At the end: the indexes of the contract and claim tables
that no query here used, and any query that read a table without an index. Nothing is
asserted: a reader compares the plans.
"""

import argparse
import datetime as dt
import os
import re
import statistics
import time

# bench/ is on the path when this file runs: it shares bench/expiry.py's setup and loading.
from expiry import (
    contracts_load,
    django_setup,
    drop_database,
    fresh_database,
    schema_load,
    vacuum,
)

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/gemcare_bench_queues"
INDEX_USED = re.compile(
    r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)"
)
SEQ_SCAN = re.compile(r"Seq Scan on (?:contracts_contract|claims_claim)\b")
REMOVED = re.compile(r"Rows Removed by (?:Filter|Index Recheck): (\d+)")


def claims_load(*, claims: int, run_day: dt.date) -> None:
    from django.db import connection

    from gemcare.claims.models import Claim
    from gemcare.contracts.models import Contract

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), count(*) FROM {Contract._meta.db_table}")
        first_contract, contracts = cursor.fetchone()
        # Claims arrive in filing order over five years, each on a contract picked by a
        # multiplier prime to their count. Filed in the last 120 days: 70% awaiting review,
        # 20% approved, the rest fulfilled; before: 1% still approved and unpaid, 19% denied,
        # the rest fulfilled.
        cursor.execute(
            f"""
            WITH base AS (
                SELECT i, %(first)s + ((i::bigint * 7919) %% %(contracts)s) AS contract_id,
                       %(run_day)s::date - 1825 + ((i::bigint * 1825) / %(claims)s)::int AS filed
                FROM generate_series(1, %(claims)s) AS i
            ), dated AS (
                SELECT *, CASE
                    WHEN filed > %(run_day)s::date - 120 THEN CASE
                        WHEN i %% 100 < 70 THEN 'awaiting_review'
                        WHEN i %% 100 < 90 THEN 'approved' ELSE 'fulfilled' END
                    WHEN i %% 100 < 1 THEN 'approved'
                    WHEN i %% 100 < 20 THEN 'denied' ELSE 'fulfilled' END AS status
                FROM base
            )
            INSERT INTO {Claim._meta.db_table}
                (number, contract_id, retailer_id, filed_on, incident_on, cause, repairable,
                 maintenance_done, channel, status, decision, reason_code, approved,
                 holder_share, fulfilment, needs_review, route, created_at)
            SELECT 'K' || lpad(i::text, 10, '0'), d.contract_id, c.retailer_id, d.filed,
                   d.filed - 2, 'wear_and_tear', true, true, 'jeweler', d.status,
                   CASE d.status WHEN 'denied' THEN 'denied' WHEN 'awaiting_review'
                        THEN 'needs_review' ELSE 'approved' END,
                   '', 45.00, 0, 'repair', d.status = 'awaiting_review', '', now()
            FROM dated AS d JOIN {Contract._meta.db_table} AS c ON c.id = d.contract_id
            """,
            {"first": first_contract, "contracts": contracts, "claims": claims, "run_day": run_day},
        )
    vacuum(Claim)


class Statements:
    """`connection.execute_wrapper`: keeps the statements a call sends, with their values."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.sent.append((sql, params))
        return execute(sql, params, many, context)


def plans_of(run) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of every SELECT the call sends, exactly as it sends it."""
    from django.db import connection, transaction

    statements = Statements()
    with transaction.atomic():  # a FOR UPDATE query needs one; nothing is written
        with connection.execute_wrapper(statements):
            run()
        plans = []
        with connection.cursor() as cursor:
            for sql, params in statements.sent:
                if sql.lstrip().upper().startswith("SELECT"):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                    plans.append("\n".join(row[0] for row in cursor.fetchall()))
        transaction.set_rollback(True)
    return plans


def timed(run, repeats: int) -> float:
    from django.db import transaction

    seconds = []
    for _ in range(repeats):
        began = time.perf_counter()
        with transaction.atomic():
            run()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds) * 1000


def queries(run_day: dt.date) -> list[tuple[str, object]]:
    """(name, the call): the selectors as the back office and the API call them."""
    from gemcare.claims.models import AWAITING_REVIEW, DENIED, Claim
    from gemcare.claims.selectors import (
        claims_awaiting_review,
        claims_of_contract,
        claims_unpaid_after_60_days,
        claims_visible,
    )
    from gemcare.common.callers import Caller
    from gemcare.contracts import expiry
    from gemcare.contracts.models import Contract, Holder
    from gemcare.contracts.selectors import contracts_list, contracts_visible
    from gemcare.partners.models import Retailer

    provider = Caller.system("bench")
    retailer = Caller.retailer(Retailer.objects.order_by("pk").first())
    holder = Caller.holder(Holder.objects.order_by("pk")[100])
    queue = Claim.objects.filter(status=AWAITING_REVIEW).order_by("filed_on", "pk")
    page_one = claims_awaiting_review(caller=provider, limit=100)
    after_one = (page_one[-1].filed_on, page_one[-1].pk)
    # Half way down the queue, as far as page 251 (what 1M claims give an adjuster).
    deep_at = min(25_000, queue.count() // 200 * 100)
    deep = tuple(queue.values_list("filed_on", "pk")[deep_at - 1])
    unpaid_one = claims_unpaid_after_60_days(caller=provider, on=run_day, limit=100)
    after_unpaid = (unpaid_one[-1].filed_on, unpaid_one[-1].pk)
    own = Contract.objects.filter(retailer_id=retailer.retailer_id).order_by("pk")
    contract = own[min(500, own.count() - 1)]
    due_query = expiry.contracts_due(on=run_day).values_list("term_ends_on", "pk")
    due = due_query[min(5000, due_query.count() // 2)]
    month = (run_day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    retailer_claims = claims_visible(caller=retailer)
    old_queue = Claim.objects.filter(status=AWAITING_REVIEW).select_related("contract")
    return [
        ("adjuster queue, page 1", lambda: claims_awaiting_review(caller=provider)),
        (
            "adjuster queue, page 2 (keyset)",
            lambda: claims_awaiting_review(caller=provider, after=after_one),
        ),
        (
            f"adjuster queue, page {deep_at // 100 + 1} (keyset)",
            lambda: claims_awaiting_review(caller=provider, after=deep),
        ),
        (
            f"adjuster queue, page {deep_at // 100 + 1} by OFFSET (before)",
            lambda: list(old_queue.order_by("filed_on")[deep_at : deep_at + 100]),
        ),
        (
            "60-day unpaid list, page 1",
            lambda: claims_unpaid_after_60_days(caller=provider, on=run_day),
        ),
        (
            "60-day unpaid list, page 2 (keyset)",
            lambda: claims_unpaid_after_60_days(caller=provider, on=run_day, after=after_unpaid),
        ),
        ("a retailer's adjuster queue, page 1", lambda: claims_awaiting_review(caller=retailer)),
        (
            "a retailer's denied claims, newest first",
            lambda: list(retailer_claims.filter(status=DENIED).order_by("-filed_on", "-pk")[:100]),
        ),
        (
            "a contract's claims",
            lambda: list(claims_of_contract(caller=retailer, contract_number=contract.number)),
        ),
        (
            "a retailer's contract by receipt number",
            lambda: list(
                contracts_visible(caller=retailer).filter(receipt_number=contract.receipt_number)
            ),
        ),
        (
            "a retailer's active contracts, newest sale first",
            lambda: list(contracts_list(caller=retailer, status="active")[:100]),
        ),
        (
            "a retailer's cancelled contracts, newest sale first",
            lambda: list(contracts_list(caller=retailer, status="cancelled")[:100]),
        ),
        (
            "a retailer's contracts, newest sale first",
            lambda: list(contracts_list(caller=retailer)[:100]),
        ),
        (
            "a retailer's sales of last month (statement)",
            lambda: list(
                contracts_visible(caller=retailer)
                .filter(purchased_on__gte=month, purchased_on__lt=run_day.replace(day=1))
                .values_list("pk", "plan_price")
            ),
        ),
        ("a holder's contracts", lambda: list(contracts_visible(caller=holder))),
        (
            "contracts due for expiry, first chunk",
            lambda: expiry._chunk_lock(on=run_day, after=None, size=1000),
        ),
        (
            "contracts due for expiry, a later chunk (keyset)",
            lambda: expiry._chunk_lock(on=run_day, after=due, size=1000),
        ),
    ]


def table_indexes() -> dict[str, str]:
    from django.db import connection

    from gemcare.claims.models import Claim
    from gemcare.contracts.models import Contract

    tables = [Contract._meta.db_table, Claim._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, tablename || ': ' || indexdef FROM pg_indexes "
            "WHERE tablename = ANY(%s) ORDER BY tablename, indexname",
            [tables],
        )
        return dict(cursor.fetchall())


def bench(*, contracts: int, claims: int, repeats: int) -> None:

    from gemcare.common.clock import today

    run_day = today()
    began = time.perf_counter()
    ids = schema_load()
    contracts_load(ids, contracts=contracts, run_day=run_day, backlog_days=365)
    claims_load(claims=claims, run_day=run_day)
    print(
        f"Loaded {contracts:,} contracts and {claims:,} claims"
        f" in {time.perf_counter() - began:.1f} s"
    )
    report("the indexes in models.py", run_day, repeats, plans=True)


def report(title: str, run_day: dt.date, repeats: int, *, plans: bool) -> None:
    used: set[str] = set()
    unindexed = []
    summary = []
    for name, run in queries(run_day):
        plan = "\n\n".join(plans_of(run))
        milliseconds = timed(run, repeats)
        indexes = INDEX_USED.findall(plan)
        used.update(indexes)
        removed = sum(int(n) for n in REMOVED.findall(plan))
        if SEQ_SCAN.search(plan):
            unindexed.append(name)
        summary.append((name, milliseconds, ", ".join(dict.fromkeys(indexes)) or "none", removed))
        if plans:
            print(f"\n=== {name}: {milliseconds:.2f} ms (median of {repeats})")
            print(plan)

    print(f"\n=== Summary, with {title}")
    print(f"{'query':<52}{'ms':>9}  {'rows thrown away':>16}  index")
    for name, milliseconds, indexes, removed in summary:
        print(f"{name:<52}{milliseconds:>9.2f}  {removed:>16,}  {indexes}")
    print("\nIndexes no query here used:")
    for name, definition in table_indexes().items():
        if name not in used:
            print(f"  {name}  ({definition})")
    print(
        "Queries that read the contract or claim table without an index:",
        ", ".join(unindexed) or "none",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--contracts", type=int, default=300_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    url = args.database_url or DEFAULT_DATABASE
    fresh_database(url)
    try:
        django_setup(url)
        bench(
            contracts=args.contracts,
            claims=args.claims,
            repeats=args.repeats,
        )
    finally:
        drop_database(url)


if __name__ == "__main__":
    main()
