"""One live plan per receipt line, test mode kept apart, and the idempotency-key store.

The database's partial unique constraint is what stops two sales of one receipt line that
arrive at once (a point of sale retrying); the proofs with real concurrent connections are in
test_sale_concurrency.py.
"""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test.utils import override_settings
from django.utils import timezone
from factories import (
    SYSTEM,
    cancel,
    holder_data,
    retailer_make,
    row_counts,
    sale_in,
    snapshot,
    store_make,
    transfer,
)
from idempotency_support import first_claim_sees_nothing

from gemcare.common import idempotency
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.common.idempotency import (
    IdempotencyError,
    StoredResponse,
    idempotency_key_checked,
    idempotency_keys_expire,
    idempotent_call,
    request_fingerprint,
)
from gemcare.common.models import IdempotencyKey
from gemcare.common.schemas import validate_input
from gemcare.contracts.models import CANCELLED, EXPIRED, VOIDED, Contract, Holder
from gemcare.contracts.schemas import SaleIn
from gemcare.contracts.selectors import (
    contract_get,
    contract_is_visible,
    contracts_list,
    contracts_visible,
    store_for_sale,
)
from gemcare.contracts.services import contract_sell, sales
from gemcare.partners.models import Retailer


def sell_line(store, receipt="R-100", line=1, *, is_test=False, caller=SYSTEM, **values):
    sale = sale_in(receipt_number=receipt, **values)
    sale = sale.model_copy(update={"receipt_line": line})
    return contract_sell(caller=caller, store=store, sale=sale, is_test=is_test)


# --- the receipt line --------------------------------------------------------------------


def test_a_sale_records_its_receipt_line_and_mode(presets):
    store = store_make()
    first = sell_line(store)
    third = sell_line(store, line=3, is_test=True)
    assert (first.receipt_line, first.is_test) == (1, False)
    assert (third.receipt_line, third.is_test) == (3, True)


@pytest.mark.parametrize("line", [0, 1000, -1, "two", True, 1.5])
def test_a_receipt_line_is_a_whole_number_from_1_to_999(line):
    data = sale_in().model_dump(mode="json")
    data["receipt_line"] = line
    with pytest.raises(InvalidInput) as error:
        validate_input(SaleIn, data)
    assert error.value.field == "receipt_line"


def test_a_second_live_sale_of_the_same_receipt_line_is_refused(presets):
    store = store_make()
    first = sell_line(store)
    before, kept = row_counts(), snapshot(first)
    with pytest.raises(Refused) as error:
        sell_line(store)
    assert error.value.code == "duplicate_sale"
    assert "R-100" not in error.value.message
    assert row_counts() == before and snapshot(first) == kept


def test_another_store_of_the_same_retailer_shares_its_receipts(presets):
    store = store_make()
    other_store = store_make(retailer=store.retailer)
    sell_line(store)
    before = row_counts()
    with pytest.raises(Refused) as error:
        sell_line(other_store)
    assert error.value.code == "duplicate_sale"
    assert row_counts() == before


def test_other_lines_retailers_and_modes_do_not_collide(presets):
    store = store_make()
    sell_line(store)
    sell_line(store, line=2)
    sell_line(store, receipt="R-101")
    sell_line(store_make())  # another retailer's receipt R-100
    sell_line(store, is_test=True)  # a test sale never collides with a live one
    with pytest.raises(Refused):
        sell_line(store, is_test=True)
    assert Contract.objects.filter(receipt_number="R-100").count() == 4


@pytest.mark.parametrize(
    ("cancelled_on", "status"), [("2024-03-05", VOIDED), ("2024-09-01", CANCELLED)]
)
def test_a_voided_or_cancelled_sale_frees_its_receipt_line(presets, cancelled_on, status):
    store = store_make(state="TX")
    plan = {"product": "care-jewelry-3yr", "state": "TX", "price": "600.00"}
    first = sell_line(store, **plan)
    cancel(first, date=cancelled_on)
    assert Contract.objects.get(pk=first.pk).status == status
    again = sell_line(store, **plan)
    assert again.pk != first.pk and again.status == "active"


def test_an_expired_sale_keeps_its_receipt_line(presets):
    store = store_make()
    first = sell_line(store)
    Contract.objects.filter(pk=first.pk).update(status=EXPIRED)
    before = row_counts()
    with pytest.raises(Refused) as error:
        sell_line(store)
    assert error.value.code == "duplicate_sale"
    assert row_counts() == before


def test_the_constraint_alone_refuses_the_second_sale(presets):
    """No check before the insert: the partial unique constraint refuses the second sale,
    the service answers `duplicate_sale`, and the holder it made first is rolled back."""
    store = store_make()
    sell_line(store)
    before = row_counts()
    with pytest.raises(Refused) as error:
        sell_line(store, holder=holder_data(name="Another Holder"))
    assert error.value.code == "duplicate_sale"
    assert row_counts() == before
    assert not Holder.objects.filter(name="Another Holder").exists()


def test_another_constraint_broken_is_not_a_duplicate_sale(presets, monkeypatch):
    """Only the receipt line's constraint reads as `duplicate_sale`: a contract number drawn
    twice (40 random bits) stays the error it is."""
    store = store_make()
    first = sell_line(store)
    monkeypatch.setattr(sales, "new_number", lambda prefix: first.number)
    before = row_counts()
    with pytest.raises(IntegrityError):
        sell_line(store, line=2)
    assert row_counts() == before


# --- the price charged ---------------------------------------------------------------------


def test_a_plan_price_that_is_not_the_band_price_is_refused(presets):
    store = store_make()
    right = sell_line(store, line=1)
    before = row_counts()
    sale = sale_in(receipt_number="R-100").model_copy(
        update={"receipt_line": 2, "plan_price": right.plan_price + Decimal("0.01")}
    )
    with pytest.raises(InvalidInput) as error:
        contract_sell(caller=SYSTEM, store=store, sale=sale)
    assert (error.value.code, error.value.field) == ("price_mismatch", "plan_price")
    assert row_counts() == before
    stale = sale.model_copy(update={"plan_price": right.plan_price})
    with pytest.raises(InvalidInput) as error:
        contract_sell(
            caller=SYSTEM, store=store, sale=stale, quoted_price=right.plan_price - Decimal(1)
        )
    assert error.value.code == "price_mismatch"
    assert row_counts() == before
    charged = contract_sell(caller=SYSTEM, store=store, sale=stale, quoted_price=right.plan_price)
    assert charged.plan_price == right.plan_price


# --- a gift's recipient named at the sale ---------------------------------------------------


def test_a_gift_sold_with_its_recipient_is_held_by_the_recipient(presets):
    store = store_make()
    data = sale_in(gift=True).model_dump(mode="json")
    data["gift_recipient"] = {"name": "Ben Recipient", "state": "OK"}
    sale = validate_input(SaleIn, data)
    contract = contract_sell(caller=SYSTEM, store=store, sale=sale)
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.holder.name == "Ben Recipient"
    periods = list(contract.holders.values_list("holder__name", "since", "until", "reason"))
    sold = dt.date(2024, 3, 1)
    assert periods == [
        ("Ada Holder", sold, sold, "sale"),
        ("Ben Recipient", sold, None, "gift_recipient"),
    ]
    # The gift names its recipient once: the lifetime plan transfers no further.
    before = row_counts()
    with pytest.raises(Refused) as error:
        transfer(contract, "2024-05-01")
    assert error.value.code == "not_transferable"
    assert row_counts() == before


def test_a_recipient_is_named_only_for_a_gift():
    data = sale_in().model_dump(mode="json")
    data["gift_recipient"] = {"name": "Ben Recipient", "state": "OK"}
    with pytest.raises(InvalidInput) as error:
        validate_input(SaleIn, data)
    assert error.value.field == "gift_recipient"


# --- test mode in the selectors -------------------------------------------------------------


def test_live_and_test_records_are_kept_apart(presets):
    store = store_make()
    live = sell_line(store, line=1)
    test = sell_line(store, line=2, is_test=True)
    caller = Caller.retailer(store.retailer)
    assert set(contracts_visible(caller=caller)) == {live, test}
    assert list(contracts_visible(caller=caller, is_test=False)) == [live]
    assert list(contracts_list(caller=caller, is_test=True)) == [test]
    assert contract_get(caller=caller, number=live.number, is_test=False) == live
    with pytest.raises(NotFound):
        contract_get(caller=caller, number=test.number, is_test=False)
    with pytest.raises(NotFound):
        contract_get(caller=caller, number=live.number, is_test=True)
    assert contract_is_visible(test, caller=caller, is_test=True)
    assert not contract_is_visible(test, caller=caller, is_test=False)
    # The provider's own pages see both unless they ask.
    assert contracts_visible(caller=SYSTEM).filter(pk__in=[live.pk, test.pk]).count() == 2


def test_a_sale_names_only_the_callers_store(db):
    store = store_make()
    sister = store_make(retailer=store.retailer)
    other = store_make()
    caller = Caller.retailer(store.retailer)
    assert store_for_sale(caller=caller, code=store.code) == store
    assert store_for_sale(caller=caller, code=sister.code) == sister
    with pytest.raises(NotFound):
        store_for_sale(caller=caller, code=other.code)
    with pytest.raises(NotFound):
        store_for_sale(caller=Caller.retailer(store.retailer, store=store), code=sister.code)
    with pytest.raises(NotFound):
        store_for_sale(caller=caller, code="no-such-store")


# --- the idempotency-key store ---------------------------------------------------------------


def call_of(retailer, key="k-1", fingerprint="a" * 64, *, is_test=False):
    return {"retailer_id": retailer.pk, "is_test": is_test, "key": key, "fingerprint": fingerprint}


def answered(answer: StoredResponse, calls: list | None = None):
    """A `respond` that gives `answer` and counts its runs in `calls`."""

    def respond():
        if calls is not None:
            calls.append(1)
        return answer

    return respond


def in_flight_row(retailer, key="k-1", fingerprint="a" * 64, *, claimed_ago=dt.timedelta(0)):
    """A claim still working, as the design before one transaction per answer kept it."""
    now = timezone.now()
    return IdempotencyKey.objects.create(
        retailer=retailer,
        is_test=False,
        key=key,
        fingerprint=fingerprint,
        created_at=now - claimed_ago,
        claimed_at=now - claimed_ago,
    )


def test_a_finished_request_is_replayed(db):
    retailer = retailer_make()
    answer = StoredResponse(201, {"number": "C1"}, {"Location": "/api/v1/contracts/C1"})
    calls: list = []
    assert idempotent_call(**call_of(retailer), respond=answered(answer, calls)) == (answer, False)
    kept = IdempotencyKey.objects.get()
    assert (kept.state, kept.response_status, kept.response_body) == ("done", 201, {"number": "C1"})
    before = list(IdempotencyKey.objects.values())
    other = StoredResponse(500, {})
    assert idempotent_call(**call_of(retailer), respond=answered(other, calls)) == (answer, True)
    assert len(calls) == 1
    assert list(IdempotencyKey.objects.values()) == before


def test_the_same_key_with_another_request_is_refused(db):
    retailer = retailer_make()
    idempotent_call(**call_of(retailer), respond=answered(StoredResponse(201, {})))
    before = list(IdempotencyKey.objects.values())
    calls: list = []
    with pytest.raises(InvalidInput) as error:
        idempotent_call(
            **call_of(retailer, fingerprint="b" * 64),
            respond=answered(StoredResponse(201, {}), calls),
        )
    assert (error.value.code, error.value.http_status) == ("idempotency_key_reused", 422)
    assert error.value.field == "Idempotency-Key"
    assert calls == [] and list(IdempotencyKey.objects.values()) == before


def test_a_request_still_in_flight_is_refused(db):
    retailer = retailer_make()
    in_flight_row(retailer)
    before = list(IdempotencyKey.objects.values())
    calls: list = []
    with pytest.raises(Refused) as error:
        idempotent_call(**call_of(retailer), respond=answered(StoredResponse(201, {}), calls))
    assert (error.value.code, error.value.http_status) == ("idempotency_in_flight", 409)
    # A different request under the key in flight is still a reuse, not a wait.
    with pytest.raises(InvalidInput) as error:
        idempotent_call(
            **call_of(retailer, fingerprint="b" * 64),
            respond=answered(StoredResponse(201, {}), calls),
        )
    assert error.value.code == "idempotency_key_reused"
    assert calls == [] and list(IdempotencyKey.objects.values()) == before


def test_keys_belong_to_a_tenant_and_a_mode(db):
    retailer, other = retailer_make(), retailer_make()
    calls: list = []
    for call in (call_of(retailer), call_of(other), call_of(retailer, is_test=True)):
        _, replayed = idempotent_call(**call, respond=answered(StoredResponse(201, {}), calls))
        assert not replayed
    assert len(calls) == 3 and IdempotencyKey.objects.count() == 3


def test_work_that_fails_without_an_answer_releases_the_key(db):
    retailer = retailer_make()

    def broken():
        Retailer.objects.create(code="made-by-the-broken-work", name="Broken")
        raise RuntimeError("the database went away")

    call = call_of(retailer, fingerprint="f" * 64)
    with pytest.raises(RuntimeError):
        idempotent_call(**call, respond=broken)
    # The claim and the work roll back together.
    assert not IdempotencyKey.objects.exists()
    assert not Retailer.objects.filter(code="made-by-the-broken-work").exists()
    answer, replayed = idempotent_call(**call, respond=lambda: StoredResponse(201, {"ok": 1}))
    assert (answer.status, replayed) == (201, False)
    answer, replayed = idempotent_call(**call, respond=broken)  # not run again
    assert (answer, replayed) == (StoredResponse(201, {"ok": 1}), True)


def test_a_refusal_is_recorded_and_replayed_like_any_answer(db):
    retailer = retailer_make()
    refusal = StoredResponse(409, {"error": {"code": "duplicate_sale"}})
    call = call_of(retailer, fingerprint="f" * 64)
    assert idempotent_call(**call, respond=lambda: refusal) == (refusal, False)
    assert idempotent_call(**call, respond=lambda: StoredResponse(201, {})) == (refusal, True)


def test_work_that_refuses_after_writing_rolls_back_and_keeps_its_refusal(db):
    """The sale refuses at its insert (the receipt line's constraint), with no savepoint of
    its own inside an idempotent answer: what it wrote goes, and its refusal is kept."""
    retailer = retailer_make()
    refusal = StoredResponse(409, {"error": {"code": "duplicate_sale"}})
    saw_work: list = []

    def refuses_after_writing():
        saw_work.append(idempotency.in_idempotent_work())
        try:
            with transaction.atomic(savepoint=not idempotency.in_idempotent_work()):
                Retailer.objects.create(code="written-then-refused", name="Refused")
                raise Refused("duplicate_sale", "That line is sold.")
        except Refused:
            return refusal

    call = call_of(retailer)
    assert idempotent_call(**call, respond=refuses_after_writing) == (refusal, False)
    assert saw_work == [True] and not idempotency.in_idempotent_work()
    assert not Retailer.objects.filter(code="written-then-refused").exists()
    assert IdempotencyKey.objects.get().response_status == 409
    assert idempotent_call(**call, respond=refuses_after_writing) == (refusal, True)
    assert saw_work == [True]


def test_a_duplicate_sale_inside_an_answer_leaves_nothing_but_its_refusal(presets):
    store = store_make()
    sell_line(store)
    before = row_counts()
    answer = services_answer(store, key="k-dup")
    assert answer == (StoredResponse(409, {"code": "duplicate_sale"}), False)
    assert row_counts() == before
    assert not Holder.objects.filter(name="Never Kept").exists()
    assert IdempotencyKey.objects.get().response_body == {"code": "duplicate_sale"}


def services_answer(store, *, key):
    """A second sale of line 1 of R-100 as the API runs it: inside an idempotent answer."""

    def respond():
        try:
            sell_line(store, holder=holder_data(name="Never Kept"))
        except Refused as error:
            return StoredResponse(error.http_status, {"code": error.code})
        return StoredResponse(201, {})

    return idempotent_call(
        retailer_id=store.retailer_id, is_test=False, key=key, fingerprint="d" * 64, respond=respond
    )


def test_a_claim_whose_process_died_is_taken_over(db):
    retailer = retailer_make()
    stuck = in_flight_row(retailer, claimed_ago=dt.timedelta(minutes=5))
    answer, replayed = idempotent_call(
        **call_of(retailer), respond=answered(StoredResponse(201, {"n": 1}))
    )
    assert (answer, replayed) == (StoredResponse(201, {"n": 1}), False)
    kept = IdempotencyKey.objects.get()
    assert (kept.pk, kept.state, kept.created_at) == (stuck.pk, "done", stuck.created_at)
    assert idempotent_call(**call_of(retailer), respond=answered(StoredResponse(500, {}))) == (
        StoredResponse(201, {"n": 1}),
        True,
    )


def test_a_request_that_lost_the_race_replays_the_winner(db, monkeypatch):
    """A request that claimed the key just as another committed it (its read came before
    that commit) does its work, fails to record, rolls back and replays the winner."""
    retailer = retailer_make()
    winner = StoredResponse(201, {"number": "C-WON"})
    idempotent_call(**call_of(retailer), respond=answered(winner))
    rounds = first_claim_sees_nothing(monkeypatch)

    def second_sale():
        Retailer.objects.create(code="made-by-the-loser", name="Loser")
        return StoredResponse(201, {"number": "C-LOST"})

    assert idempotent_call(**call_of(retailer), respond=second_sale) == (winner, True)
    assert len(rounds) == 2
    assert not Retailer.objects.filter(code="made-by-the-loser").exists()
    assert IdempotencyKey.objects.get().response_body == {"number": "C-WON"}


@override_settings(GEMCARE_IDEMPOTENCY_HOURS=48)
def test_keys_are_kept_48_hours_then_removed(db):
    retailer = retailer_make()
    for key in ("old", "new"):
        idempotent_call(**call_of(retailer, key), respond=answered(StoredResponse(201, {})))
    IdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - dt.timedelta(hours=49)
    )
    # Past its time, a key is free again even before the cleanup runs.
    fresh = StoredResponse(201, {"fresh": True})
    assert idempotent_call(**call_of(retailer, "old", "c" * 64), respond=answered(fresh)) == (
        fresh,
        False,
    )
    assert IdempotencyKey.objects.get(key="old").fingerprint == "c" * 64
    IdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - dt.timedelta(hours=49)
    )
    assert idempotency_keys_expire() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert idempotency_keys_expire(now=timezone.now() + dt.timedelta(hours=47)) == 0


@override_settings(GEMCARE_IDEMPOTENCY_HOURS=1)
def test_keys_are_never_kept_less_than_a_day(db):
    retailer = retailer_make()
    idempotent_call(**call_of(retailer), respond=answered(StoredResponse(201, {})))
    assert idempotency_keys_expire(now=timezone.now() + dt.timedelta(hours=23)) == 0
    assert idempotency_keys_expire(now=timezone.now() + dt.timedelta(hours=25)) == 1


@pytest.mark.parametrize("value", [None, "", "   ", "x" * 256, "clé", "a\nb"])
def test_a_key_is_1_to_255_printable_characters(value):
    with pytest.raises(InvalidInput) as error:
        idempotency_key_checked(value)
    assert (error.value.code, error.value.field) == ("idempotency_key_required", "Idempotency-Key")


def test_a_fingerprint_reads_the_body_canonically():
    one = request_fingerprint("POST", "/api/v1/contracts", b'{"a": 1, "b": [1, 2]}')
    assert one == request_fingerprint("post", "/api/v1/contracts", b'{"b":[1,2],"a":1}')
    assert one != request_fingerprint("POST", "/api/v1/contracts", b'{"a": 2, "b": [1, 2]}')
    assert one != request_fingerprint("POST", "/api/v1/quotes", b'{"a": 1, "b": [1, 2]}')
    assert request_fingerprint("POST", "/x", b"not json") != request_fingerprint(
        "POST", "/x", b"not json!"
    )
    assert IdempotencyError.KEY_REQUIRED == "idempotency_key_required"


def test_the_daily_command_removes_old_keys(db):
    retailer = retailer_make()
    idempotent_call(**call_of(retailer, "old"), respond=answered(StoredResponse(201, {})))
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=49))
    out = StringIO()
    call_command("expire_idempotency_keys", stdout=out)
    assert "1 idempotency keys older than 48 hours removed." in out.getvalue()
    assert not IdempotencyKey.objects.exists()
