"""A holder's plans: the list, a plan's page and its certificate, and cancelling with the
refund shown first. Another holder's plan is not found; a visitor goes to find my plan;
a refusal changes nothing."""

import datetime as dt
import re

import pytest
from customer_support import holder_signed_in
from django.core import mail
from factories import file_claim, holder_data, row_counts, sale_in, sell, snapshot
from portal_support import password_login

from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.contracts.models import Cancellation
from gemcare.contracts.services import contract_sell


@pytest.fixture
def plan(presets):
    """A care plan bought 100 days ago (out of its free look), and its holder signed in."""
    return sell("care-jewelry-3yr", purchased=today() - dt.timedelta(days=100))


@pytest.fixture
def other(presets):
    """Another holder's plan."""
    return sell("care-jewelry-3yr", holder=holder_data(name="Eve Other", email="eve@example.com"))


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_holder_sees_every_plan_they_hold_and_no_other(client, plan, other):
    second = sell("care-watch-3yr", kind="watch", holder=plan.holder)
    holder_signed_in(client, plan.holder)

    page = _text(client.get("/my-plan/plans"))

    assert plan.number in page and second.number in page and other.number not in page
    assert page.count("<h1>") == 1 and '<th scope="col">Plan number</th>' in page


def test_a_plans_page_shows_coverage_status_claims_and_todays_refund(client, plan):
    claim = file_claim(plan, ("prong_repair", "80.00"), filed=today(), incident=today())
    holder_signed_in(client, plan.holder)

    response = client.get(f"/my-plan/plans/{plan.number}")
    page = _text(response)

    assert response.status_code == 200 and "private" in response["Cache-Control"]
    assert "Prong repair (retipping and rebuilding)" in page and "Ring sizing" in page
    assert "Active" in page and claim.number in page
    assert re.search(r"would refund <strong>\$\d+\.\d{2}</strong>", page)
    assert f"/my-plan/plans/{plan.number}/claim" in page
    assert f"/my-plan/plans/{plan.number}/transfer" in page


def test_the_certificate_downloads_for_the_holder_only(client, plan, other):
    holder_signed_in(client, plan.holder)

    mine = client.get(f"/my-plan/plans/{plan.number}/certificate.pdf")
    theirs = client.get(f"/my-plan/plans/{other.number}/certificate.pdf")

    assert mine.status_code == 200 and mine.content.startswith(b"%PDF-")
    assert theirs.status_code == 404


PAGES = ["", "/cancel", "/claim", "/transfer", "/certificate.pdf"]


@pytest.mark.parametrize("page", PAGES)
def test_another_holders_plan_reads_like_one_that_does_not_exist(client, plan, other, page):
    holder_signed_in(client, plan.holder)
    counts = row_counts()

    theirs = client.get(f"/my-plan/plans/{other.number}{page}")
    nothing = client.get(f"/my-plan/plans/C00000000{page}")

    assert theirs.status_code == nothing.status_code == 404
    assert other.holder.name.encode() not in theirs.content
    assert row_counts() == counts


@pytest.mark.parametrize("page", PAGES)
def test_a_logged_out_visitor_goes_to_find_my_plan(client, plan, page):
    url = f"/my-plan/plans/{plan.number}{page}"

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/my-plan/?next=")


@pytest.mark.parametrize("who", ["manager_a", "adjuster", "superuser"])
def test_a_staff_sign_in_opens_no_holders_page(client, plan, people, who):
    client.force_login(getattr(people, who))

    assert client.get("/my-plan/plans")["Location"].startswith("/my-plan/?next=")
    assert client.get(f"/my-plan/plans/{plan.number}").status_code == 302


def test_a_test_mode_plan_of_the_holder_is_not_on_the_site(client, presets, people):
    live = sell("care-jewelry-3yr")
    test_mode = contract_sell(
        caller=Caller.retailer(people.retailer_a),
        store=people.store_a1,
        sale=sale_in("care-jewelry-3yr", holder=live.holder),
        holder=live.holder,
        is_test=True,
    )
    holder_signed_in(client, live.holder)

    assert test_mode.number not in client.get("/my-plan/plans").content.decode()
    assert client.get(f"/my-plan/plans/{test_mode.number}").status_code == 404


def test_a_staff_sign_in_ends_the_holders_session(client, plan, people):
    holder_signed_in(client, plan.holder)
    password_login(client, "manager-a")

    assert client.get("/my-plan/plans").status_code == 302


# --- cancelling ---------------------------------------------------------------------------------


def test_the_refund_is_shown_first_then_the_plan_is_cancelled_with_a_notice(
    client, plan, django_capture_on_commit_callbacks
):
    holder_signed_in(client, plan.holder)

    shown = _text(client.get(f"/my-plan/plans/{plan.number}/cancel"))
    refund = re.search(r'<span class="number">(\$[\d,]+\.\d{2})</span>', shown).group(1)
    assert "Refund if you cancel today" in shown and "days remain" in shown
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/my-plan/plans/{plan.number}/cancel",
            {"reason": "holder_request", "confirm": "true"},
            follow=True,
        )

    cancellation = Cancellation.objects.get(contract=plan)
    assert f"${cancellation.refund:,.2f}" == refund
    assert cancellation.by == "holder" and cancellation.cancel_on == today()
    page = _text(done)
    assert done.redirect_chain == [(f"/my-plan/plans/{plan.number}", 302)]
    assert f"is cancelled. Refund: {refund}" in page and "Cancelled on" in page
    (sent,) = mail.outbox
    assert sent.to == ["ada@example.com"] and refund in sent.subject and refund in sent.body
    assert "10% of it is added for each started 30-day period" in sent.body


def test_a_duplicate_warranty_shows_and_gives_the_full_price(client, plan):
    holder_signed_in(client, plan.holder)

    shown = _text(
        client.get(f"/my-plan/plans/{plan.number}/cancel", {"reason": "duplicate_warranty"})
    )
    partial = _text(
        client.get(
            f"/my-plan/plans/{plan.number}/cancel",
            {"reason": "duplicate_warranty"},
            headers={"HX-Request": "true"},
        )
    )
    client.post(
        f"/my-plan/plans/{plan.number}/cancel", {"reason": "duplicate_warranty", "confirm": "true"}
    )

    assert f"${plan.plan_price:,.2f}" in shown and "A warranty gives the same coverage" in shown
    assert partial.strip().startswith('<div id="refund-preview"') and "<h1>" not in partial
    assert Cancellation.objects.get(contract=plan).refund == plan.plan_price


def test_the_box_left_unticked_names_it_and_cancels_nothing(client, plan):
    holder_signed_in(client, plan.holder)
    before, counts = snapshot(plan), row_counts()

    response = client.post(f"/my-plan/plans/{plan.number}/cancel", {"reason": "holder_request"})

    assert response.status_code == 422
    assert b'id="f-confirm"' in response.content and b'aria-invalid="true"' in response.content
    assert snapshot(plan) == before and row_counts() == counts


@pytest.mark.parametrize("reason", ["non_payment", "fraud", "'; DROP TABLE", "x" * 500])
def test_a_reason_the_holder_cannot_give_is_refused_as_input(client, plan, reason):
    holder_signed_in(client, plan.holder)
    counts = row_counts()

    response = client.post(
        f"/my-plan/plans/{plan.number}/cancel", {"reason": reason, "confirm": "true"}
    )

    assert response.status_code == 422 and row_counts() == counts


def test_a_claim_awaiting_review_refuses_the_cancellation_in_words(client, plan):
    file_claim(plan, ("prong_repair", "1600.00"), filed=today(), incident=today())
    holder_signed_in(client, plan.holder)
    before, counts = snapshot(plan), row_counts()

    shown = client.get(f"/my-plan/plans/{plan.number}/cancel").content.decode()
    refused = client.post(
        f"/my-plan/plans/{plan.number}/cancel", {"reason": "holder_request", "confirm": "true"}
    )

    assert "waiting for an adjuster" in shown and 'name="confirm"' not in shown
    assert refused.status_code == 409 and b"claim_in_review" in refused.content
    assert snapshot(plan) == before and row_counts() == counts


def test_a_cancelled_plan_cannot_be_cancelled_again(client, plan):
    holder_signed_in(client, plan.holder)
    client.post(f"/my-plan/plans/{plan.number}/cancel", {"confirm": "true"})
    counts = row_counts()

    page = client.get(f"/my-plan/plans/{plan.number}/cancel").content.decode()
    again = client.post(f"/my-plan/plans/{plan.number}/cancel", {"confirm": "true"})

    assert "can no longer be cancelled" in page
    assert again.status_code == 409 and b"contract_not_active" in again.content
    assert row_counts() == counts


def test_cancelling_another_holders_plan_is_not_found_and_changes_nothing(client, plan, other):
    holder_signed_in(client, plan.holder)
    before, counts = snapshot(other), row_counts()

    response = client.post(f"/my-plan/plans/{other.number}/cancel", {"confirm": "true"})

    assert response.status_code == 404 and snapshot(other) == before and row_counts() == counts


def test_cancelling_needs_the_csrf_token(plan):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    holder_signed_in(client, plan.holder)

    response = client.post(f"/my-plan/plans/{plan.number}/cancel", {"confirm": "true"})

    assert response.status_code == 403 and not Cancellation.objects.exists()


@pytest.mark.parametrize("number", ["x" * 300, "C1\x00", "'; DROP TABLE x; --", "..", "é"])
@pytest.mark.parametrize("page", ["", "/cancel", "/claim", "/transfer"])
def test_a_number_of_any_shape_is_simply_not_found(client, plan, number, page):
    holder_signed_in(client, plan.holder)

    response = client.get(f"/my-plan/plans/{number}{page}")
    claim = client.get(f"/my-plan/claims/{number}")

    assert response.status_code == 404 and claim.status_code == 404
