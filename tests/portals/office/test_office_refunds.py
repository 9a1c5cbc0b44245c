"""Refunds due: the cancellations not paid yet, the earliest due first, with the due date and
the day the late penalty starts; recording a payment adds the penalty when late."""

import datetime as dt
from decimal import Decimal

import pytest
from factories import cancel, pay_refund, sell
from office_support import everything, has_h1, text_of

from gemcare.common.clock import clock_set
from gemcare.contracts.models import RefundPayment
from gemcare.portals.office import refunds as refund_pages
from gemcare.portals.testing import verified_login


@pytest.fixture
def adjuster(client, people):
    verified_login(client, people.adjuster)
    return people.adjuster


def cancelled(day: str, **sale):
    return cancel(sell(**sale), date=day, by="holder")


def test_the_list_shows_what_is_due_and_when_the_penalty_starts(client, presets, adjuster):
    later = cancelled("2024-09-01")
    earlier = cancelled("2024-08-01")
    paid = cancelled("2024-07-01")
    pay_refund(paid, "2024-07-15")

    with clock_set(dt.date(2024, 9, 15)):
        response = client.get("/office/refunds")

    page = text_of(response)
    assert response.status_code == 200 and has_h1(page)
    assert page.index(earlier.contract.number) < page.index(later.contract.number)
    assert paid.contract.number not in page
    assert earlier.due_on == dt.date(2024, 8, 31)
    assert '<time datetime="2024-08-31">2024-08-31</time>' in page  # due
    assert '<time datetime="2024-09-01">2024-09-01</time>' in page  # the penalty starts
    penalty = (earlier.refund * Decimal("0.10")).quantize(Decimal("0.01"))
    assert f"15 days: ${penalty:,.2f} penalty" in page
    assert "no penalty" in page  # the later one is not due yet


def test_a_payment_recorded_on_time_carries_no_penalty(client, presets, adjuster):
    cancellation = cancelled("2024-09-01")

    with clock_set(dt.date(2024, 9, 20)):
        response = client.post(f"/office/refunds/{cancellation.pk}/pay", {"paid": "2024-09-20"})

    assert response.status_code == 302 and response["Location"] == "/office/refunds"
    payment = RefundPayment.objects.get(cancellation=cancellation)
    assert (payment.penalty, payment.total) == (Decimal("0.00"), cancellation.refund)


def test_a_late_payment_carries_its_penalty_and_says_so(client, presets, adjuster):
    cancellation = cancelled("2024-06-01")  # due 2024-07-01

    response = client.post(f"/office/refunds/{cancellation.pk}/pay", {"paid": "2024-08-15"})

    payment = RefundPayment.objects.get(cancellation=cancellation)
    assert payment.days_late == 45 and payment.penalty == (
        cancellation.refund * Decimal("0.20")
    ).quantize(Decimal("0.01"))
    page = text_of(client.get(response["Location"]))
    assert "late penalty (45 days late)" in page
    assert "No refund is waiting to be paid." in page  # paid, it leaves the list


@pytest.mark.parametrize(
    ("paid", "status", "words"),
    [
        ("", 422, "is required"),
        ("not a date", 422, "is not a date"),
        ("2999-01-01", 422, "is in the future"),
        ("2024-05-01", 409, "before 2024-09-01"),
    ],
)
def test_a_bad_payment_date_says_why_and_records_nothing(
    client, presets, adjuster, paid, status, words
):
    cancellation = cancelled("2024-09-01")
    before = everything()

    response = client.post(f"/office/refunds/{cancellation.pk}/pay", {"paid": paid})

    page = text_of(response)
    assert response.status_code == status and words in page
    if status == 422:
        assert 'id="f-paid-error"' in page and 'aria-invalid="true"' in page
    else:
        assert "out_of_order" in page and "Nothing was recorded" in page
    assert everything() == before


def test_a_refund_paid_already_is_not_found(client, presets, adjuster):
    cancellation = cancelled("2024-09-01")
    pay_refund(cancellation, "2024-09-10")
    before = everything()

    response = client.post(f"/office/refunds/{cancellation.pk}/pay", {"paid": "2024-09-11"})

    assert response.status_code == 404
    assert everything() == before
    assert client.post("/office/refunds/99999999/pay", {"paid": "2024-09-11"}).status_code == 404


def test_the_list_pages_by_keyset(client, presets, adjuster, monkeypatch):
    monkeypatch.setattr(refund_pages, "PAGE", 1)
    first, second = cancelled("2024-08-01"), cancelled("2024-09-01")

    page = text_of(client.get("/office/refunds"))
    after = page.split("?after=")[1].split('"')[0]
    following = text_of(client.get(f"/office/refunds?after={after}"))

    assert first.contract.number in page and second.contract.number not in page
    assert second.contract.number in following and first.contract.number not in following
    assert client.get("/office/refunds?after=nonsense").status_code == 422
