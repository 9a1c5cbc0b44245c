"""What every request pays, kept small without losing a guarantee.

- the key is read again on every request (one statement), so revocation and a retailer's
  deactivation take effect at the next request;
- the rate limit keeps at most 61 slots' counts per key, whatever the rate, and still lets
  no more than the rate through in any window of its duration;
- a sale is one transaction: the claim of its Idempotency-Key, the sale and its kept answer
  commit together.
"""

import json
from collections import Counter

import pytest
from api_support import ApiClient, key_make
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import store_make

from gemcare.api.auth import key_authenticate, key_by_prefix
from gemcare.api.throttling import KeyRateThrottle, slots_count
from gemcare.common.callers import Caller
from gemcare.common.models import IdempotencyKey
from gemcare.contracts.models import Contract
from gemcare.partners.models import ApiKey
from gemcare.partners.services import api_key_revoke, key_parts

# --- the key ----------------------------------------------------------------------------------


def test_a_key_is_read_in_one_statement_every_request(key):
    api_key, text = key
    prefix = key_parts(text)[1]
    with CaptureQueriesContext(connection) as queries:
        found = key_by_prefix(prefix)
    assert len(queries) == 1
    assert (found.pk, found.retailer_id, found.store_id, found.scope_set, found.is_test) == (
        api_key.pk,
        api_key.retailer_id,
        None,
        api_key.scope_set,
        False,
    )
    caller = key_authenticate(text).caller
    assert (caller.retailer_id, caller.store_id, caller.label) == (
        api_key.retailer_id,
        None,
        f"api_key:{api_key.pk}",
    )


def test_revocation_and_deactivation_take_effect_at_the_next_request(key):
    api_key, text = key
    api = ApiClient(text)
    assert api.get("/products").status_code == 200
    api_key.retailer.is_active = False
    api_key.retailer.save()
    assert api.get("/products").status_code == 401
    api_key.retailer.is_active = True
    api_key.retailer.save()
    assert api.get("/products").status_code == 200
    api_key_revoke(caller=Caller.system("tests"), key=api_key)
    assert api.get("/products").status_code == 401


def test_a_store_key_is_scoped_to_its_store(store):
    _, text = key_make(store=store)
    caller = key_authenticate(text).caller
    assert (caller.retailer_id, caller.store_id) == (store.retailer_id, store.pk)


def test_a_key_naming_another_retailers_store_is_refused(store):
    """Not a state the services make; if a row ever says so, the key does not work (401),
    rather than letting the key act for the other retailer's store, or failing with a 500."""
    api_key, text = key_make(store=store)
    ApiKey.objects.filter(pk=api_key.pk).update(store=store_make())
    assert key_authenticate(text) is None
    assert ApiClient(text).get("/products").status_code == 401


# --- the rate limit ---------------------------------------------------------------------------


def test_the_slots_let_through_the_rate_in_any_window_and_no_more():
    """3 a minute: slots of one second. Three requests, then none until the first one's
    slot has left the last minute, whole."""
    kept, start = None, 60 * 16_666.0
    for offset in (0.2, 0.5, 30.0):
        allowed, kept, _ = slots_count(kept, now=start + offset, limit=3, duration=60)
        assert allowed
    assert kept == ((999_960, 2), (999_990, 1))
    allowed, unchanged, wait = slots_count(kept, now=start + 40, limit=3, duration=60)
    assert (allowed, unchanged) == (False, kept)
    # The first slot, [start, start + 1), counts until start + 61: still within the minute
    # at start + 60.5, when an exact count would already have let one through.
    assert wait == 21
    assert not slots_count(kept, now=start + 60.5, limit=3, duration=60)[0]
    allowed, moved, _ = slots_count(kept, now=start + 61, limit=3, duration=60)
    assert allowed and moved == ((999_990, 1), (1_000_021, 1))


def test_no_window_of_the_duration_ever_holds_more_than_the_rate():
    """Requests every 0.7 s for five minutes at 10 a minute: whatever was let through, no
    60 seconds hold more than 10 of them."""
    kept, let_through = None, []
    for step in range(430):
        now = 1_000.0 + step * 0.7
        allowed, kept, wait = slots_count(kept, now=now, limit=10, duration=60)
        if allowed:
            let_through.append(now)
        else:
            assert 1 <= wait <= 61
    assert len(let_through) >= 40  # about 10 a minute, for five minutes
    for index, first in enumerate(let_through):
        within = [t for t in let_through[index:] if t < first + 60]
        assert len(within) <= 10


@pytest.mark.parametrize("kept", [None, [1.0, 2.0], "junk", (1, 2), ((1, 2, 3),), {"a": 1}])
def test_anything_else_kept_starts_afresh(kept):
    assert slots_count(kept, now=600.0, limit=2, duration=60) == (True, ((600, 1),), 0)


def test_the_kept_count_stays_small_at_any_rate(api, key, settings):
    settings.GEMCARE_API_RATE = "1000000/min"
    for _ in range(30):
        assert api.get("/products").status_code == 200
    kept = cache.get(KeyRateThrottle.cache_format % {"scope": "api_key", "ident": key[0].pk})
    assert isinstance(kept, tuple) and len(kept) <= 2
    assert sum(requests for _, requests in kept) == 30


def test_over_the_rate_the_answer_says_when_to_retry(api, settings):
    settings.GEMCARE_API_RATE = "2/min"
    assert [api.get("/products").status_code for _ in range(3)] == [200, 200, 429]
    retry = int(api.get("/products")["Retry-After"])
    assert 1 <= retry <= 120


# --- a sale, one transaction ------------------------------------------------------------------


SALE = {
    "receipt_number": "R-HOT",
    "receipt_line": 1,
    "purchased": "2024-03-01",
    "product": "care-jewelry-3yr",
    "plan_price": "69.00",
    "item": {"kind": "ring", "price": "600.00"},
    "holder": {"name": "Ada Holder", "state": "TX"},
}


@pytest.fixture
def committed_presets(transactional_db):
    from gemcare.catalog.services import presets_load

    presets_load(caller=Caller.system("presets"))


def commits_of(work) -> tuple[object, int]:
    commits = 0
    commit = connection.commit

    def counted():
        nonlocal commits
        commits += 1
        return commit()

    connection.commit = counted
    try:
        return work(), commits
    finally:
        del connection.commit


@pytest.mark.django_db(transaction=True)
def test_a_sale_commits_once_with_its_key(committed_presets):
    store = store_make(state="TX")
    _, text = key_make(store.retailer)
    api = ApiClient(text)
    body = {**SALE, "store": store.code}
    response, commits = commits_of(lambda: api.post("/contracts", body, **{"Idempotency-Key": "k"}))
    assert response.status_code == 201 and commits == 1
    kept = IdempotencyKey.objects.get()
    assert (kept.state, kept.response_status) == ("done", 201)
    assert kept.response_body["number"] == Contract.objects.get().number
    # A refusal is one transaction for the work, rolled back, and one for the answer kept.
    refused, commits = commits_of(
        lambda: api.post("/contracts", body, **{"Idempotency-Key": "another"})
    )
    assert refused.json()["error"]["code"] == "duplicate_sale" and commits == 1
    assert Contract.objects.count() == 1
    assert json.loads(json.dumps(IdempotencyKey.objects.get(key="another").response_body)) == (
        refused.json()
    )


@pytest.fixture
def presets_here(db):
    """The presets for this test alone: the module's transactional test rules out the
    presets kept for a whole module (inside a transaction that test could not commit)."""
    from gemcare.catalog.services import presets_load

    presets_load(caller=Caller.system("presets"))


def test_the_sales_long_statement_is_converted_once(presets_here, api, store, monkeypatch):
    """psycopg keeps its placeholder conversion only for statements under 4 KB and 50
    parameters; the sale's one statement has more, and must still be converted once per
    process, not per sale (gemcare.common.statements)."""
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's conversion: PostgreSQL only")
    from psycopg import _queries

    converted_afresh = []
    uncached = _queries._query2pg_nocache

    def counted(query, encoding):
        converted_afresh.append(query)
        return uncached(query, encoding)

    monkeypatch.setattr(_queries, "_query2pg_nocache", counted)
    for line in (1, 2, 3):
        body = {**SALE, "store": store.code, "receipt_line": line}
        response = api.post("/contracts", body, **{"Idempotency-Key": f"long-{line}"})
        assert response.status_code == 201, response.content
    again = [query[:60] for query, times in Counter(converted_afresh).items() if times > 1]
    assert not again, f"converted on every sale: {again}"


def test_a_sale_is_four_statements_on_postgresql(presets_here, api, store):
    """The key; the Idempotency-Key's claim with the store, the catalog's signature and the
    webhook subscriptions read in its round trip; the sale's rows; the kept answer."""
    if connection.vendor != "postgresql":
        pytest.skip("the round trips read together are PostgreSQL's")
    # The first request of a key records when it was used (then at most once a minute).
    assert api.get("/products").status_code == 200
    body = {**SALE, "store": store.code}
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/contracts", body, **{"Idempotency-Key": "four"})
    assert response.status_code == 201, response.content
    # The test runs in a transaction: the sale's own is a savepoint in it.
    queries = [q for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    statements = [query["sql"].split(" ", 1)[0] for query in queries]
    assert statements == ["SELECT", "SELECT", "WITH", "INSERT"], statements
    assert "LATERAL" in queries[1]["sql"] and "advisory" in queries[1]["sql"]
