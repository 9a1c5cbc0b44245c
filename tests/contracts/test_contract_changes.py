"""Transfers, cancellations with refunds, refund payments (RULEBOOK §3 and §5).

Every amount is worked by hand. A plan bought 2024-03-01 has a 3-year proration term ending
2027-03-01 (1095 days) and, for lifetime products, a 5-year one ending 2029-03-01 (1826 days).
"""

import datetime as dt
from decimal import Decimal

import pytest
from factories import cancel, file_claim, pay_refund, row_counts, sell, snapshot, transfer

from gemcare.common.errors import ApplicationError, InvalidInput, Refused
from gemcare.common.models import AuditEntry
from gemcare.contracts.models import (
    ACTIVE,
    CANCELLED,
    VOIDED,
    Cancellation,
    HolderPeriod,
)

MARCH_1 = dt.date(2024, 3, 1)


def holder_periods(contract) -> list[tuple]:
    return [
        (period.holder.name, period.since, period.until, period.reason)
        for period in contract.holders.select_related("holder")
    ]


def prong_repair(contract, cost="85.00"):
    return file_claim(contract, ("prong_repair", cost))


# The services take the typed input; these read the old keyword forms into it.
def contract_cancel(*, contract, cancel_on, by="holder", reason=None, notice_on=None):
    values = {"date": cancel_on, "by": by}
    if reason is not None:
        values["reason"] = reason
    if notice_on is not None:
        values["notice"] = notice_on
    return cancel(contract, **values)


def contract_transfer(*, contract, to_holder, on):
    contract.refresh_from_db()
    return transfer(contract, on, to={"state": contract.holder.state, **to_holder})


def refund_payment_record(*, cancellation, paid_on):
    return pay_refund(cancellation, paid_on)


# --- transfers -------------------------------------------------------------------------------


def test_a_care_plan_transfers_several_times_and_keeps_its_holders(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="600.00")

    contract_transfer(contract=contract, to_holder={"name": "Bea"}, on="2024-06-01")
    contract = contract_transfer(contract=contract, to_holder={"name": "Cy"}, on="2025-01-01")

    assert contract.holder.name == "Cy"
    assert contract.holder.state == "TX"
    assert holder_periods(contract) == [
        ("Ada Holder", MARCH_1, dt.date(2024, 6, 1), HolderPeriod.SALE),
        ("Bea", dt.date(2024, 6, 1), dt.date(2025, 1, 1), HolderPeriod.TRANSFER),
        ("Cy", dt.date(2025, 1, 1), None, HolderPeriod.TRANSFER),
    ]
    assert [event.kind for event in contract.events.all()] == [
        "sold",
        "transferred",
        "transferred",
    ]
    assert AuditEntry.objects.filter(action="contract_transferred").count() == 2
    assert contract.status == ACTIVE


def assert_transfer_refused(contract, code: str, *, to="Bea", on="2024-06-01") -> None:
    before, periods, counts = snapshot(contract), holder_periods(contract), row_counts()

    with pytest.raises(Refused) as refused:
        contract_transfer(contract=contract, to_holder={"name": to}, on=on)

    assert refused.value.code == code
    assert snapshot(contract) == before
    assert holder_periods(contract) == periods
    assert row_counts() == counts


def test_ljpp_is_not_transferable(presets):
    contract = sell("ljpp-lifetime")

    assert_transfer_refused(contract, "not_transferable")


def test_ljpp_sold_as_a_gift_goes_to_its_recipient_once(presets):
    contract = sell("ljpp-lifetime", gift=True)

    contract = contract_transfer(
        contract=contract, to_holder={"name": "Gift Recipient"}, on=MARCH_1
    )

    assert contract.holder.name == "Gift Recipient"
    assert holder_periods(contract)[-1] == ("Gift Recipient", MARCH_1, None, "gift_recipient")
    assert_transfer_refused(contract, "not_transferable", to="Someone Else")


def test_a_cancelled_contract_does_not_transfer(presets):
    contract = sell("care-jewelry-3yr", price="600.00")
    contract_cancel(contract=contract, cancel_on="2024-09-01", by="holder")
    contract.refresh_from_db()

    assert_transfer_refused(contract, "contract_not_active", on="2024-10-01")


def test_a_transfer_dated_before_the_purchase_is_out_of_order(presets):
    contract = sell("care-jewelry-3yr", price="600.00")

    assert_transfer_refused(contract, "out_of_order", on="2024-02-01")


# --- cancellations ---------------------------------------------------------------------------


def test_the_rulebook_oklahoma_example_refunds_43_90(presets):
    contract = sell("ljpp-lifetime", state="OK", price="1200.00", purchased=MARCH_1)
    prong_repair(contract, "85.00")

    cancellation = contract_cancel(contract=contract, cancel_on="2025-03-01", by="holder")

    # 179.00 x 1461 / 1826 = 143.2196…; x 0.9 (OK) = 128.8976… → unearned 128.90;
    # minus 85.00 of services = 43.8976… → 43.90.
    assert cancellation.unearned == Decimal("128.90")
    assert cancellation.unearned_factor == Decimal("0.9")
    assert cancellation.services_deducted == Decimal("85.00")
    assert cancellation.refund == Decimal("43.90")
    assert cancellation.due_on == dt.date(2025, 3, 31)
    contract.refresh_from_db()
    assert contract.status == CANCELLED
    event = contract.events.last()
    assert (event.kind, event.on, event.from_status, event.to_status) == (
        "cancelled",
        dt.date(2025, 3, 1),
        ACTIVE,
        CANCELLED,
    )
    entry = AuditEntry.objects.get(action="contract_cancelled")
    assert entry.data == {"by": "holder", "refund": "43.90", "status": CANCELLED}


def test_a_three_year_plan_is_prorated_over_three_years(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="600.00", purchased=MARCH_1)

    cancellation = contract_cancel(contract=contract, cancel_on="2024-09-01", by="holder")

    # 69.00 x 911 days left (2024-09-01 → 2027-03-01) / 1095 = 57.4054… → 57.41.
    assert cancellation.refund == Decimal("57.41")


def test_cancelling_in_the_free_look_voids_with_a_full_refund(presets):
    contract = sell("care-jewelry-3yr", state="TX", price="600.00", purchased=MARCH_1)

    # Day 30 (2024-03-31) is still within 30 days of the purchase.
    cancellation = contract_cancel(contract=contract, cancel_on="2024-03-31", by="holder")

    assert cancellation.refund == Decimal("69.00")
    contract.refresh_from_db()
    assert contract.status == VOIDED


def test_alabama_does_not_deduct_services_after_the_free_look(presets):
    contract = sell("ljpp-lifetime", state="AL", price="1200.00", purchased=MARCH_1)
    prong_repair(contract, "85.00")

    cancellation = contract_cancel(contract=contract, cancel_on="2025-03-01", by="holder")

    # 179.00 x 1461 / 1826 = 143.2196… → 143.22, factor 1.0, nothing deducted.
    assert cancellation.refund == Decimal("143.22")
    assert cancellation.services_deducted == Decimal("0.00")


def test_duplicate_warranty_refunds_in_full(presets):
    contract = sell("ljpp-lifetime", state="OK", price="1200.00")

    cancellation = contract_cancel(
        contract=contract, cancel_on="2026-01-10", by="holder", reason="duplicate_warranty"
    )

    assert cancellation.refund == Decimal("179.00")
    contract.refresh_from_db()
    assert contract.status == CANCELLED


def test_the_provider_cancels_on_the_base_rule(presets):
    # OK's row applies to the holder only: the provider gets factor 1.0 and no free look.
    contract = sell("ljpp-lifetime", state="OK", price="1200.00", purchased=MARCH_1)

    cancellation = contract_cancel(
        contract=contract,
        cancel_on="2025-03-01",
        by="provider",
        reason="fraud",
        notice_on="2025-01-30",  # exactly 30 days before
    )

    # 179.00 x 1461 / 1826 = 143.2196… → 143.22.
    assert cancellation.refund == Decimal("143.22")
    assert cancellation.unearned_factor == Decimal("1")
    assert (cancellation.by, cancellation.reason) == ("provider", "fraud")


def assert_cancel_refused(contract, error_class, code: str, **arguments) -> ApplicationError:
    before, counts = snapshot(contract), row_counts()

    with pytest.raises(error_class) as refused:
        contract_cancel(contract=contract, **arguments)

    assert refused.value.code == code
    assert snapshot(contract) == before
    assert row_counts() == counts
    return refused.value


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        (
            {"reason": "holder_request", "notice_on": "2025-01-01"},
            "cancellation_reason_not_allowed",
        ),
        ({"reason": None}, "cancellation_reason_not_allowed"),
        ({"reason": "non_payment", "notice_on": "2025-01-31"}, "notice_too_short"),
    ],
)
def test_the_provider_is_refused_without_an_allowed_reason_or_notice(presets, arguments, code):
    contract = sell("ljpp-lifetime", state="OK")

    assert_cancel_refused(
        contract, Refused, code, cancel_on="2025-03-01", by="provider", **arguments
    )


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"cancel_on": "2025-02-30", "by": "holder"}, "date"),
        ({"cancel_on": "2025-03-01", "by": "customer"}, "by"),
        ({"cancel_on": "2025-03-01", "by": "holder", "reason": "bored"}, "reason"),
        ({"cancel_on": "1979-12-31", "by": "holder"}, "date"),
    ],
)
def test_bad_cancellation_input_names_the_field(presets, arguments, field):
    contract = sell("ljpp-lifetime", state="OK")

    error = assert_cancel_refused(contract, InvalidInput, "invalid", **arguments)

    assert error.field == field


def test_a_cancellation_dated_before_the_purchase_is_out_of_order(presets):
    contract = sell("ljpp-lifetime", state="OK")

    error = assert_cancel_refused(
        contract, Refused, "out_of_order", cancel_on="2024-02-01", by="holder"
    )

    assert "2024-02-01" in error.message and "2024-03-01" in error.message


def test_a_second_cancellation_is_refused(presets):
    contract = sell("ljpp-lifetime", state="OK")
    contract_cancel(contract=contract, cancel_on="2025-03-01", by="holder")
    contract.refresh_from_db()

    assert_cancel_refused(
        contract, Refused, "contract_not_active", cancel_on="2025-04-01", by="holder"
    )
    assert Cancellation.objects.count() == 1


# --- refund payments -------------------------------------------------------------------------


def test_a_refund_paid_31_days_late_carries_20_percent(presets):
    contract = sell("ljpp-lifetime", state="OK", price="1200.00", purchased=MARCH_1)
    prong_repair(contract, "85.00")
    cancellation = contract_cancel(contract=contract, cancel_on="2025-03-01", by="holder")

    # Due 2025-03-31; paid 2025-05-01 is 31 days late: two started periods, 20% of 43.90.
    payment = refund_payment_record(cancellation=cancellation, paid_on="2025-05-01")

    assert (payment.days_late, payment.penalty, payment.total) == (
        31,
        Decimal("8.78"),
        Decimal("52.68"),
    )
    assert payment.refund == Decimal("43.90")
    entry = AuditEntry.objects.get(action="refund_paid")
    assert entry.data == {"total": "52.68", "penalty": "8.78"}


@pytest.mark.parametrize(
    ("paid", "penalty"),
    [("2025-03-31", "0.00"), ("2025-04-01", "4.39"), ("2025-04-30", "4.39")],
)
def test_the_late_penalty_by_started_period(presets, paid, penalty):
    contract = sell("ljpp-lifetime", state="OK", price="1200.00", purchased=MARCH_1)
    prong_repair(contract, "85.00")
    cancellation = contract_cancel(contract=contract, cancel_on="2025-03-01", by="holder")

    payment = refund_payment_record(cancellation=cancellation, paid_on=paid)

    # Refund 43.90: on the due date nothing; 1 to 30 days late, 10% = 4.39.
    assert payment.penalty == Decimal(penalty)
    assert payment.total == Decimal("43.90") + Decimal(penalty)


def test_paying_a_refund_twice_is_refused(presets):
    contract = sell("ljpp-lifetime", state="OK")
    cancellation = contract_cancel(contract=contract, cancel_on="2025-03-01", by="holder")
    payment = refund_payment_record(cancellation=cancellation, paid_on="2025-03-20")
    before, counts = snapshot(payment), row_counts()

    with pytest.raises(Refused) as refused:
        refund_payment_record(cancellation=cancellation, paid_on="2025-05-01")

    assert refused.value.code == "refund_already_paid"
    assert snapshot(payment) == before
    assert row_counts() == counts


def test_a_refund_paid_before_the_cancellation_is_refused(presets):
    contract = sell("ljpp-lifetime", state="OK")
    cancellation = contract_cancel(contract=contract, cancel_on="2025-03-01", by="holder")
    counts = row_counts()

    with pytest.raises(Refused) as refused:
        refund_payment_record(cancellation=cancellation, paid_on="2025-02-01")

    assert refused.value.code == "out_of_order"
    assert "2025-02-01" in refused.value.message and "2025-03-01" in refused.value.message
    assert row_counts() == counts
