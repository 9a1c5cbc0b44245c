"""docs/examples/pos_checkout.py, run as a point of sale runs it: a separate process with
nothing but the standard library, against a live server, with the partner guide's
environment variables."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from api_support import key_make
from factories import row_counts, store_make

from gemcare.api.models import Quote
from gemcare.catalog.services import presets_load
from gemcare.common.callers import Caller
from gemcare.common.models import IdempotencyKey
from gemcare.contracts.models import Contract, Holder

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "pos_checkout.py"


@pytest.fixture
def presets():
    """Committed, so the live server's thread sees them (no module-wide savepoint here)."""
    presets_load(caller=Caller.system("presets"))


def run_example(url: str, key: str, store: str, cwd: Path) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "GEMCARE_API_URL": url,
        "GEMCARE_API_KEY": key,
        "GEMCARE_STORE": store,
    }
    return subprocess.run(
        [sys.executable, "-I", str(EXAMPLE)],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_example_needs_nothing_but_the_standard_library():
    imported = set()
    for node in ast.walk(ast.parse(EXAMPLE.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported, "the example imports nothing?"
    assert imported <= sys.stdlib_module_names, imported - sys.stdlib_module_names


@pytest.mark.parametrize("is_test", [True, False], ids=["test key", "live key"])
@pytest.mark.django_db(transaction=True)
def test_the_example_checks_out_a_cart_once_against_a_live_server(
    live_server, presets, tmp_path, is_test
):
    store = store_make(state="TX")
    _, key = key_make(store.retailer, is_test=is_test)
    done = run_example(live_server.url, key, store.code, tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line[:2] for line in lines if line[:1].isdigit()] == ["1.", "2.", "3.", "4.", "5."]
    assert "care-jewelry-3yr" in lines[0]

    contract = Contract.objects.get()
    assert contract.is_test is is_test
    assert contract.store_id == store.pk
    assert (contract.item_kind, str(contract.item_price)) == ("ring", "1250.00")
    number = contract.number
    assert f"3. sold: 201 contract {number} (active," in done.stdout
    assert f"4. retried: 201 contract {number}, Idempotent-Replayed: true" in done.stdout
    assert f"5. contract {number}: active, holder Ada Holder" in done.stdout
    # Line 3 of the cart is a loose stone: quoted, and answered with the reason.
    assert "line 3 loose_stone: no plan (else item_kind_not_covered)" in done.stdout
    # One quote for the cart, one idempotency key for the sale and its retry.
    quote = Quote.objects.get()
    assert (quote.retailer_id, quote.is_test, quote.items.count()) == (
        store.retailer_id,
        is_test,
        3,
    )
    assert f"2. quote {quote.public_id} " in done.stdout
    assert IdempotencyKey.objects.filter(retailer_id=store.retailer_id).count() == 1
    certificate = tmp_path / f"certificate-{number}.pdf"
    assert certificate.read_bytes().startswith(b"%PDF-")
    assert f"certificate: certificate-{number}.pdf" in done.stdout


@pytest.mark.django_db(transaction=True)
def test_the_example_with_a_wrong_key_says_so_and_changes_nothing(live_server, presets, tmp_path):
    store = store_make(state="TX")
    before = row_counts()
    done = run_example(live_server.url, "gck_test_nosuchkey000_" + "x" * 40, store.code, tmp_path)
    assert done.returncode == 1
    assert "refused: 401 unauthorized" in done.stderr
    assert done.stdout == ""
    assert row_counts() == before
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_the_example_with_another_retailers_store_sells_nothing(live_server, presets, tmp_path):
    mine = store_make(state="TX")
    theirs = store_make(state="TX")
    _, key = key_make(mine.retailer, is_test=True)
    done = run_example(live_server.url, key, theirs.code, tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith(f"refused: 404 store_not_found: No store {theirs.code}.")
    assert "3. sold" not in done.stdout
    assert not Contract.objects.exists()
    assert not Holder.objects.exists()
