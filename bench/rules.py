"""Speed of deciding claims and refunds: the pure core, the services, a hand-written baseline.

    .venv/bin/python bench/rules.py [--claims N] [--refunds N] [--skip-scenarios] ...

1. The pure core (`decide_claim`, `plan_refund`) over a varied mix, against 20,000 claims/s.
2. The services (`claim_file`, `contract_cancel`) on PostgreSQL, in a throw-away database
   (created, migrated, loaded with the presets, dropped at the end).
3. In the same run and the same database, a hand-written psycopg baseline (bench/handwritten.py)
   doing the same statements in one transaction per call. The services should reach 50% of
   its rate. The two paths run on twin contracts (same case, same claims, in the same order),
   alternating in rounds so that noise on the machine falls on both; the statements per call
   and the decisions reached are printed for both, so a reader can see that they match.
4. The public scenario suite, timed with `run_paths` in a child process (SQLite, like CI).

Django runs with DEBUG off, as in production (DEBUG on logs every query).
Targets are proven by these ratios, never by timed assertions in tests.
"""

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from gemcare.common.callers import Caller
from gemcare.rules.adjudication import ClaimFacts, ClaimLine, ContractFacts, decide_claim
from gemcare.rules.dates import parse_date
from gemcare.rules.money import ZERO, parse_money
from gemcare.rules.presets import PLAN_PRESETS
from gemcare.rules.pricing import quote_plan
from gemcare.rules.products import PlanTerms, plan_terms_from_definition
from gemcare.rules.refunds import CancellationFacts, plan_refund

REPO = Path(__file__).resolve().parent.parent
CORE_TARGET = 20_000  # claims decided per second by the pure core
RATIO_TARGET = 0.50  # services' rate over the hand-written baseline's
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/gemcare_bench"
CALLER = Caller.system("bench")  # scheduled work, as a bulk file's import would run


def _line(service: str, cost: str, sizes: int | None = None) -> dict:
    return {"service": service, "cost": cost} | ({"sizes": sizes} if sizes else {})


def _claim(filed: str, incident: str, cause: str, *lines: dict, **flags: bool) -> dict:
    claim = {"filed": filed, "incident": incident, "cause": cause, "lines": list(lines)}
    return claim | flags


@dataclass(frozen=True)
class Case:
    """A kind of contract, the claims filed on it in order, and how it is cancelled."""

    product: str
    state: str
    item: dict
    purchased: str
    claims: tuple[dict, ...]
    cancel: dict


WEAR, ACCIDENT, DEFECT = "wear_and_tear", "accidental_damage", "manufacturing_defect"
CASES = (
    Case(
        "care-jewelry-lifetime",
        "IL",
        {"kind": "ring", "price": "900.00"},
        "2025-03-01",
        (
            _claim("2025-06-02", "2025-05-30", WEAR, _line("prong_repair", "85.00"),
                   _line("ring_sizing", "40.00", 1)),
            _claim("2025-09-10", "2025-09-01", ACCIDENT, _line("stone_tightening", "60.00"),
                   _line("watch_battery", "20.00")),  # a line not covered: partial
            _claim("2025-10-01", "2025-09-28", "theft", _line("stone_replacement", "400.00")),
            _claim("2026-01-15", "2026-01-10", ACCIDENT, _line("shank_repair", "300.00"),
                   repairable=False),  # replacement, sent for review
            _claim("2025-04-01", "2025-02-01", WEAR, _line("prong_repair", "85.00")),
        ),
        {"date": "2026-09-01", "by": "holder", "reason": "holder_request"},
    ),
    Case(
        "care-jewelry-3yr",
        "TX",
        {"kind": "necklace", "price": "1500.00"},
        "2023-06-10",
        (
            _claim("2024-02-02", "2024-02-01", WEAR, _line("chain_repair", "120.00")),
            _claim("2026-07-03", "2026-07-01", WEAR, _line("clasp_repair", "45.00")),  # expired
            _claim("2025-05-05", "2025-05-01", ACCIDENT, _line("chain_repair", "900.00"),
                   _line("clasp_repair", "700.00")),  # repairs over the price: replacement
            _claim("2024-08-08", "2024-08-01", DEFECT, _line("pearl_restringing", "150.00"),
                   _line("rhodium_plating", "90.00")),
        ),
        # After the last claim (events are in date order), past the term's end: refund 0.
        {"date": "2026-07-10", "by": "holder", "reason": "holder_request"},
    ),
    Case(
        "care-watch-3yr",
        "NY",
        {"kind": "watch", "price": "2500.00"},
        "2025-01-20",
        (
            _claim("2025-07-07", "2025-07-01", ACCIDENT, _line("watch_crystal", "180.00"),
                   _line("watch_water_damage", "400.00")),  # not water resistant: partial
            _claim("2025-09-09", "2025-09-01", DEFECT, _line("watch_movement", "650.00"),
                   maintenance_done=False),
            _claim("2026-02-02", "2026-02-01", DEFECT, _line("watch_movement", "650.00")),
        ),
        {"date": "2026-08-01", "by": "provider", "reason": "non_payment",
         "notice": "2026-06-15"},
    ),
    Case(
        "care-watch-3yr",
        "FL",
        {"kind": "watch", "price": "4000.00", "water_resistant": True},
        "2024-11-11",
        (
            _claim("2025-03-03", "2025-03-01", ACCIDENT, _line("watch_water_damage", "1800.00")),
            _claim("2025-04-04", "2025-04-01", WEAR, _line("watch_battery", "25.00"),
                   _line("watch_strap", "60.00")),
        ),
        {"date": "2026-02-01", "by": "holder", "reason": "duplicate_warranty"},
    ),
    Case(
        "ljpp-lifetime",
        "CA",
        {"kind": "ring", "price": "600.00"},
        "2024-05-05",
        (
            _claim("2024-09-09", "2024-09-01", WEAR, _line("prong_repair", "250.00"),
                   _line("ring_sizing", "60.00", 2)),
            _claim("2024-10-10", "2024-10-01", WEAR, _line("ring_sizing", "60.00", 3)),
            _claim("2024-11-11", "2024-11-01", ACCIDENT, _line("prong_repair", "80.00")),
            _claim("2025-02-02", "2025-02-01", DEFECT, _line("stone_tightening", "400.00")),
            _claim("2025-06-06", "2025-06-01", WEAR, _line("prong_repair", "90.00")),
        ),
        {"date": "2026-03-01", "by": "holder", "reason": "holder_request"},
    ),
    Case(
        "ljpp-lifetime",
        "GA",
        {"kind": "bracelet", "price": "1200.00"},
        "2025-08-08",
        (
            _claim("2025-10-10", "2025-10-01", WEAR, _line("chain_repair", "150.00"),
                   _line("spring_ring_replacement", "35.00")),
            _claim("2025-10-20", "2025-08-01", WEAR, _line("chain_repair", "150.00")),
            _claim("2026-01-20", "2026-01-15", DEFECT, _line("pearl_restringing", "1300.00")),
        ),
        {"date": "2026-10-10", "by": "holder", "reason": "holder_request"},
    ),
    Case(
        "ljpp-lifetime",
        "OK",
        {"kind": "earrings", "price": "300.00"},
        "2026-10-20",
        (_claim("2026-11-02", "2026-11-01", WEAR, _line("earring_back_post", "45.00")),),
        {"date": "2026-11-10", "by": "holder", "reason": "holder_request"},
    ),
    Case(
        "care-jewelry-lifetime",
        "AZ",
        {"kind": "earrings", "price": "250.00"},
        "2026-11-05",
        (
            _claim("2026-11-12", "2026-11-10", WEAR, _line("earring_back_post", "30.00")),
            _claim("2026-11-15", "2026-11-14", "theft", _line("prong_repair", "40.00")),
        ),
        {"date": "2026-11-18", "by": "holder", "reason": "holder_request"},  # free look
    ),
)  # fmt: skip


# --- 1. the pure core ---------------------------------------------------------------------


def _terms() -> dict[str, PlanTerms]:
    return {code: plan_terms_from_definition(code, 1, d) for code, d in PLAN_PRESETS.items()}


def _claim_facts(claim: dict) -> ClaimFacts:
    lines = tuple(
        ClaimLine(line["service"], parse_money(line["cost"], field="cost"), line.get("sizes"))
        for line in claim["lines"]
    )
    return ClaimFacts(
        incident_on=parse_date(claim["incident"], field="incident"),
        filed_on=parse_date(claim["filed"], field="filed"),
        cause=claim["cause"],
        lines=lines,
        repairable=claim.get("repairable", True),
        maintenance_done=claim.get("maintenance_done", True),
    )


def core_claims() -> list[tuple[ContractFacts, ClaimFacts]]:
    """Every case's claims in order, twice over, carrying the limit used like the services;
    then each claim on a contract already closed."""
    terms = _terms()
    pairs = []
    for case in CASES:
        contract = ContractFacts(
            terms=terms[case.product],
            status="active",
            item_kind=case.item["kind"],
            item_price=Decimal(case.item["price"]),
            purchased_on=parse_date(case.purchased, field="purchased"),
            water_resistant=case.item.get("water_resistant", False),
        )
        for claim in case.claims * 2:
            facts = _claim_facts(claim)
            pairs.append((contract, facts))
            decision = decide_claim(contract, facts)
            if decision.approved:
                exhausted = decision.remaining_limit is not None and decision.remaining_limit <= 0
                contract = replace(
                    contract,
                    approved_before=contract.approved_before + decision.approved,
                    status="exhausted" if exhausted else contract.status,
                )
        pairs.append((replace(contract, status="cancelled"), _claim_facts(case.claims[0])))
    return pairs


def core_refunds() -> list[CancellationFacts]:
    """Each case cancelled by the holder (on request, or for a duplicate warranty) and by the
    provider, on dates from the free look to past the refund term, with and without claims."""
    terms = _terms()
    facts = []
    ways = (("holder", "holder_request", 0), ("holder", "duplicate_warranty", 0))
    ways += (("provider", "non_payment", 45),)
    for case in CASES:
        plan = terms[case.product]
        price = Decimal(case.item["price"])
        purchased = parse_date(case.purchased, field="purchased")
        plan_price = quote_plan(plan, item_kind=case.item["kind"], item_price=price).price
        for by, reason, notice_days in ways:
            for days in (12, 45, 400, 1000, 2200):
                cancel_on = purchased.fromordinal(purchased.toordinal() + days)
                notice = cancel_on.fromordinal(cancel_on.toordinal() - notice_days)
                for services, filed in ((ZERO, 0), (ZERO, 2), (Decimal("135.00"), 1)):
                    facts.append(
                        CancellationFacts(
                            terms=plan,
                            state=case.state,
                            plan_price=plan_price,
                            purchased_on=purchased,
                            cancel_on=cancel_on,
                            by=by,
                            reason=reason,
                            services_received=services,
                            claims_filed=filed,
                            notice_on=notice if notice_days else None,
                        )
                    )
    return facts


def _rate(function: Callable, work: list, repeats: int = 5) -> float:
    """Median rate over `repeats` passes, each over a share of the work."""
    share = max(1, len(work) // repeats)
    rates = []
    for start in range(0, share * repeats, share):
        chunk = work[start : start + share]
        began = time.perf_counter()
        for item in chunk:
            function(*item)
        rates.append(len(chunk) / (time.perf_counter() - began))
    return statistics.median(rates)


def bench_core(claims: int, refunds: int) -> dict:
    pairs, refund_facts = core_claims(), core_refunds()
    mix = Counter()
    for pair in pairs:
        decision = decide_claim(*pair)
        reasons = {reason.code for reason in (*decision.notes, decision.reason) if reason}
        mix[decision.decision] += 1
        mix["(replacement)"] += decision.fulfilment == "replacement"
        mix["(limit)"] += bool(reasons & {"limit_reached", "limit_exhausted"})
    statuses = Counter(plan_refund(f).status for f in refund_facts)
    claim_work = [pairs[i % len(pairs)] for i in range(claims)]
    refund_work = [(refund_facts[i % len(refund_facts)],) for i in range(refunds)]
    return {
        "claims": (claims, _rate(decide_claim, claim_work), len(pairs), mix),
        "refunds": (refunds, _rate(plan_refund, refund_work), len(refund_facts), statuses),
    }


# --- 2 and 3. services and hand-written SQL on PostgreSQL -----------------------------------


def database_name(url: str) -> str:
    import psycopg

    name = psycopg.conninfo.conninfo_to_dict(url).get("dbname", "")
    if "bench" not in name:
        raise SystemExit(f"refusing to create and drop {name!r}: its name must contain 'bench'")
    return name


def maintenance(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(psycopg.conninfo.make_conninfo(url, dbname="postgres")) as connection:
        connection.autocommit = True
        connection.execute(sql)


def django_setup(database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
        os.environ["DEBUG"] = "0"
        # A throw-away key of the strength production settings require (never used elsewhere).
        os.environ.setdefault(
            "SECRET_KEY", "bench-only-Q7vR2mXk9LpW4sTz8NbY3cHd6JfG1aUe5iOo0ZyMqWxKrEt"
        )
        os.environ.setdefault(
            "FIELD_ENCRYPTION_KEYS", "YmVuY2gtb25seS1maWVsZC1rZXktbm90LWZvci11c2U="
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


_receipts = itertools.count(1)


def _sell(store, number: int) -> list:
    """Sell `number` contracts, contract i on case i mod len(CASES), each on its own receipt
    (a receipt line holds one live plan)."""
    from gemcare.common.schemas import validate_input
    from gemcare.contracts.schemas import SaleIn
    from gemcare.contracts.services import contract_sell

    contracts = []
    for index in range(number):
        case = CASES[index % len(CASES)]
        sale = {
            "product": case.product,
            "receipt_number": f"R-{next(_receipts)}",
            "item": case.item,
            "holder": {"name": f"Bench Holder {index}", "state": case.state},
            "purchased": case.purchased,
        }
        contracts.append(
            contract_sell(caller=CALLER, store=store, sale=validate_input(SaleIn, sale))
        )
    return contracts


def _claim_jobs(contracts: list, claims: int) -> list[tuple]:
    """Claim i goes to contract i mod n, taking that contract's next claim of its case, in
    filing order (events on a contract are in date order); past the last, the last again."""
    jobs = []
    for index in range(claims):
        contract = contracts[index % len(contracts)]
        case = CASES[(index % len(contracts)) % len(CASES)]
        turn = index // len(contracts)
        in_order = sorted(case.claims, key=lambda claim: claim["filed"])
        jobs.append((contract, in_order[min(turn, len(in_order) - 1)]))
    return jobs


def _reviews_confirmed() -> None:
    """An adjuster confirms every claim awaiting review, on both paths alike (not timed): a
    contract is not cancelled while a claim on it awaits review."""
    from gemcare.claims.models import AWAITING_REVIEW, Claim
    from gemcare.claims.schemas import ReviewIn
    from gemcare.claims.services import claim_review

    for claim in Claim.objects.filter(status=AWAITING_REVIEW).order_by("pk"):
        claim_review(caller=CALLER, claim=claim, review=ReviewIn())


class StatementCounter:
    """`connection.execute_wrapper`: counts the ORM's statements by their first keyword."""

    def __init__(self) -> None:
        self.statements: Counter[str] = Counter()

    def __call__(self, execute, sql, params, many, context):
        self.statements[sql.split(None, 1)[0].upper()] += 1
        return execute(sql, params, many, context)


def _alternate(rounds: int, jobs: int, services: Callable, baseline: Callable) -> tuple:
    """Run both paths over the same jobs in `rounds` alternating slices.

    Returns the wall seconds of each path, and the CPU seconds this process spent on each
    (the client's own cost: the ORM's on one side, psycopg's on the other)."""
    wall, cpu = [0.0, 0.0], [0.0, 0.0]
    bounds = [jobs * r // rounds for r in range(rounds + 1)]
    for start, end in itertools.pairwise(bounds):
        for side, run in enumerate((services, baseline)):
            began, began_cpu = time.perf_counter(), time.process_time()
            run(start, end)
            wall[side] += time.perf_counter() - began
            cpu[side] += time.process_time() - began_cpu
    return tuple(wall), tuple(cpu)


def bench_database(url: str, *, contracts: int, claims: int, refunds: int, rounds: int) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from handwritten import HandWritten

    from gemcare.catalog.services import presets_load
    from gemcare.claims.schemas import ClaimIn
    from gemcare.claims.services import claim_file
    from gemcare.common.callers import Caller
    from gemcare.common.schemas import validate_input
    from gemcare.contracts.schemas import CancellationIn
    from gemcare.contracts.services import contract_cancel
    from gemcare.partners.models import Retailer, Store

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    presets_load(caller=Caller.system("presets"))
    retailer = Retailer.objects.create(code="bench", name="Bench Jewelers")
    store = Store.objects.create(retailer=retailer, code="main", name="Main", state="IL")
    contracts = max(contracts, refunds)
    warm = [_sell(store, len(CASES)), _sell(store, len(CASES))]
    services_contracts, baseline_contracts = _sell(store, contracts), _sell(store, contracts)
    setup_seconds = time.perf_counter() - started

    baseline = HandWritten(url)
    for contract, claim in _claim_jobs(warm[0], 3 * len(CASES)):
        claim_file(caller=CALLER, contract=contract, claim=validate_input(ClaimIn, claim))
    for contract, claim in _claim_jobs(warm[1], 3 * len(CASES)):
        baseline.claim_file(contract_id=contract.pk, claim=claim)
    _reviews_confirmed()
    for index, case in enumerate(CASES):
        cancellation = validate_input(CancellationIn, case.cancel)
        contract_cancel(caller=CALLER, contract=warm[0][index], cancellation=cancellation)
        baseline.contract_cancel(contract_id=warm[1][index].pk, cancel=case.cancel)
    baseline.statements.clear()

    service_jobs = _claim_jobs(services_contracts, claims)
    baseline_jobs = _claim_jobs(baseline_contracts, claims)
    decisions = [Counter(), Counter()]

    def services_claims(start: int, end: int) -> None:
        for contract, claim in service_jobs[start:end]:
            filed = claim_file(
                caller=CALLER, contract=contract, claim=validate_input(ClaimIn, claim)
            )
            decisions[0][filed.decision] += 1

    def baseline_claims(start: int, end: int) -> None:
        for contract, claim in baseline_jobs[start:end]:
            decisions[1][baseline.claim_file(contract_id=contract.pk, claim=claim)] += 1

    counter = StatementCounter()
    with connection.execute_wrapper(counter):
        claim_times = _alternate(rounds, claims, services_claims, baseline_claims)
    claim_statements = (counter.statements, baseline.statements.copy())

    refunds_paid = [ZERO, ZERO]

    def services_cancels(start: int, end: int) -> None:
        for index in range(start, end):
            cancel = CASES[index % len(CASES)].cancel
            cancellation = validate_input(CancellationIn, cancel)
            contract = services_contracts[index]
            made = contract_cancel(caller=CALLER, contract=contract, cancellation=cancellation)
            refunds_paid[0] += made.refund

    def baseline_cancels(start: int, end: int) -> None:
        for index in range(start, end):
            cancel = CASES[index % len(CASES)].cancel
            contract_id = baseline_contracts[index].pk
            refunds_paid[1] += baseline.contract_cancel(contract_id=contract_id, cancel=cancel)

    _reviews_confirmed()
    baseline.statements.clear()
    counter = StatementCounter()
    with connection.execute_wrapper(counter):
        cancel_times = _alternate(rounds, refunds, services_cancels, baseline_cancels)
    cancel_statements = (counter.statements, baseline.statements.copy())
    baseline.close()
    return {
        "setup_seconds": setup_seconds,
        "claims": (claims, claim_times, claim_statements, decisions),
        "refunds": (refunds, cancel_times, cancel_statements, refunds_paid),
        "server": connection.cursor().connection.info.parameter_status("server_version").split()[0],
    }


# --- 4. the public scenario suite ------------------------------------------------------------


def scenarios_child(paths: list[str]) -> None:
    """Run in a child process: time `run_paths` and print the figures as one JSON line."""
    django_setup(None)
    from django.db import connection

    from gemcare.scenarios.running import run_paths

    began = time.perf_counter()
    results = run_paths(paths)
    seconds = time.perf_counter() - began
    passed = sum(result.passed for result in results)
    figures = {"seconds": seconds, "scenarios": len(results), "passed": passed}
    print(json.dumps(figures | {"vendor": connection.vendor}))


def bench_scenarios(paths: list[str]) -> dict:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    command = [sys.executable, __file__, "--scenarios-child", *paths]
    done = subprocess.run(command, cwd=REPO, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the report ------------------------------------------------------------------------------


def _per_call(statements: Counter, calls: int) -> str:
    total = sum(statements.values()) / calls
    kinds = " ".join(
        f"{kind.lower()} {count / calls:.2f}" for kind, count in sorted(statements.items())
    )
    return f"{total:.2f} ({kinds})"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "BELOW TARGET"


def report(core: dict, database: dict | None, scenarios: dict | None) -> None:
    print(f"Gemcare speed benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs")
    print()
    print("1. Pure core, no database          decisions     rate/s   target/s   ratio")
    for name, (count, rate, cases, mix) in (
        ("decide_claim", core["claims"]),
        ("plan_refund", core["refunds"]),
    ):
        with_target = name == "decide_claim"
        target = f"{CORE_TARGET:>9,}  {rate / CORE_TARGET:>5.2f}x" if with_target else f"{'-':>16}"
        verdict = _verdict(rate >= CORE_TARGET) if with_target else "(no target set)"
        print(f"   {name:<31}{count:>10,}  {rate:>9,.0f}  {target}  {verdict}")
        mix_text = ", ".join(f"{key} {value}" for key, value in sorted(mix.items()))
        print(f"      mix of {cases} cases: {mix_text}")
    if database is not None:
        print()
        print(
            f"2-3. PostgreSQL {database['server']}, one transaction per call, paths alternating"
            f" (setup {database['setup_seconds']:.1f} s)"
        )
        print(
            "     services: Django ORM, DEBUG off; baseline: psycopg defaults, bench/handwritten.py"
        )
        print("                       calls   services/s   baseline/s   services/baseline")
        for name, key in (("claim_file", "claims"), ("contract_cancel", "refunds")):
            count, ((services_wall, baseline_wall), _cpu), _statements, _ = database[key]
            services, baseline = count / services_wall, count / baseline_wall
            ratio = services / baseline
            print(
                f"   {name:<17}{count:>8,}  {services:>11,.0f}  {baseline:>11,.0f}"
                f"   {ratio:>6.0%}  (target >= {RATIO_TARGET:.0%}: {_verdict(ratio >= 0.5)})"
            )
        print("   client CPU per call (this process only; the rest is the server and waiting):")
        for name, key in (("claim_file", "claims"), ("contract_cancel", "refunds")):
            count, (_wall, (services_cpu, baseline_cpu)), _statements, _ = database[key]
            print(
                f"      {name:<16} services {services_cpu * 1000 / count:.2f} ms,"
                f" baseline {baseline_cpu * 1000 / count:.2f} ms"
            )
        print("   statements per call, besides BEGIN and COMMIT:")
        for name, key in (("claim_file", "claims"), ("contract_cancel", "refunds")):
            count, _times, (services, baseline), _results = database[key]
            same = "same" if services == baseline else "DIFFERENT"
            print(f"      {name:<16} services {_per_call(services, count)}")
            print(f"      {'':<16} baseline {_per_call(baseline, count)}  {same}")
        decisions = database["claims"][3]
        text = ", ".join(f"{k} {v}" for k, v in sorted(decisions[0].items()))
        print(f"   claims decided: {text}; baseline the same: {decisions[0] == decisions[1]}")
        refunds = database["refunds"][3]
        print(f"   refunds total: services {refunds[0]}, baseline {refunds[1]}")
    if scenarios is not None:
        print()
        if "error" in scenarios:
            print(f"4. Scenario suite: could not run: {scenarios['error']}")
        else:
            print(
                f"4. Scenario suite on {scenarios['vendor']}: {scenarios['scenarios']} scenarios"
                f" in {scenarios['seconds']:.1f} s, "
                f"{scenarios['scenarios'] / scenarios['seconds']:.1f} scenarios/s"
                f" ({scenarios['passed']} passed)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=3000, help="claims filed per path")
    parser.add_argument("--refunds", type=int, default=600, help="cancellations per path")
    parser.add_argument("--contracts", type=int, default=600, help="contracts sold per path")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds per path")
    parser.add_argument("--core-claims", type=int, default=100_000)
    parser.add_argument("--core-refunds", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--skip-database", action="store_true")
    parser.add_argument("--skip-scenarios", action="store_true")
    parser.add_argument("--scenario-paths", nargs="+", default=["scenarios/"])
    parser.add_argument("--scenarios-child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenarios_child:
        scenarios_child(args.scenarios_child)
        return

    core = bench_core(args.core_claims, args.core_refunds)
    database = None
    if not args.skip_database:
        url = args.database_url or DEFAULT_DATABASE
        name = database_name(url)
        maintenance(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        maintenance(url, f'CREATE DATABASE "{name}"')
        try:
            django_setup(url)
            database = bench_database(
                url,
                contracts=args.contracts,
                claims=args.claims,
                refunds=args.refunds,
                rounds=args.rounds,
            )
        finally:
            from django.db import connections

            connections.close_all()
            maintenance(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    scenarios = None if args.skip_scenarios else bench_scenarios(args.scenario_paths)
    report(core, database, scenarios)


if __name__ == "__main__":
    main()
