"""The customer site's policy pages: the public insurance page, buying a policy online, a
policyholder's own policy with its declarations page, cancelling it with the refund shown
first, and how to pay it (a page to read: no payment is taken or recorded there). Another
policy is 404 and nothing changes."""

import datetime as dt
import io
import re

import pytest
from customer_support import filled
from django.core import mail
from factories import snapshot
from pypdf import PdfReader

from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.insurance import schemas, selectors, services
from gemcare.insurance.models import (
    NamedInsured,
    Policy,
    PolicyCancellation,
    PolicyCancellationNotice,
    PolicyEvent,
    PolicyPayment,
    PolicyRenewalOffer,
    ScheduledItem,
)
from gemcare.portals.templatetags.customer_site import day as day_text
from gemcare.portals.web.callers import POLICYHOLDER_SESSION_KEY

SYSTEM = Caller.system("tests")


def bind(*, name="Ann Lee", email="ann@example.com", start=None):
    data = {
        "named_insureds": [{"name": name, "email": email}],
        "state": "WI",
        "address": "1 Main St",
        "start": (start or today()).isoformat(),
        "deductible": "100",
        "items": [{"ref": "r1", "kind": "ring", "description": "Solitaire", "limit": "8000.00"}],
    }
    return services.policy_bind(caller=SYSTEM, data=validate_input(schemas.PolicyBindIn, data))


def counts() -> dict:
    models = (
        Policy,
        NamedInsured,
        ScheduledItem,
        PolicyEvent,
        PolicyCancellation,
        PolicyCancellationNotice,
        PolicyPayment,
        PolicyRenewalOffer,
        AuditEntry,
    )
    return {model.__name__: model.objects.count() for model in models}


def signed_in(client, policy) -> None:
    session = client.session
    session[POLICYHOLDER_SESSION_KEY] = policy.named_insureds.order_by("id").first().pk
    session.save()


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def policy(presets):
    return bind()


def paid_in_full(policy) -> None:
    """The provider received the premium (a refund gives back only what was paid)."""
    data = validate_input(schemas.PolicyPaymentIn, {"paid_on": today(), "amount": policy.premium})
    services.policy_payment_record(caller=SYSTEM, policy=policy, data=data)


@pytest.fixture
def other(presets):
    return bind(name="Cy Other", email="cy@example.com")


def _urls(policy) -> list[str]:
    return [
        f"/my-policy/{policy.number}",
        f"/my-policy/{policy.number}/declarations.pdf",
        f"/my-policy/{policy.number}/cancel",
        f"/my-policy/{policy.number}/pay",
    ]


# --- who opens the pages ---------------------------------------------------------------------


def test_a_visitor_not_signed_in_goes_to_the_policy_sign_in(client, policy):
    for url in _urls(policy):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/my-policy/?next=%2Fmy-policy%2F")


def test_another_policyholders_policy_is_not_found_and_nothing_changes(client, policy, other):
    signed_in(client, policy)
    before, row = counts(), snapshot(other)

    answers = [client.get(url) for url in _urls(other)]
    posted = client.post(
        f"/my-policy/{other.number}/cancel",
        {"cancel_on": today().isoformat(), "confirm": "true"},
    )

    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]
    assert posted.status_code == 404
    assert all("Cy Other" not in text_of(answer) for answer in answers)
    assert counts() == before and snapshot(other) == row


@pytest.mark.parametrize("number", ["%00", "JP-999999", "x" * 300, "JP-000001%0A"])
def test_a_number_that_cannot_be_a_policy_is_not_found(client, policy, number):
    signed_in(client, policy)

    for rest in ["", "/cancel", "/pay", "/declarations.pdf"]:
        assert client.get(f"/my-policy/{number}{rest}").status_code == 404, rest


def test_a_holders_session_or_staff_sign_in_opens_no_policy(client, policy, people):
    client.force_login(people.adjuster)

    response = client.get(f"/my-policy/{policy.number}")

    assert response.status_code == 302 and response["Location"].startswith("/my-policy/?next=")


# --- the public pages ------------------------------------------------------------------------


def test_the_insurance_page_is_public_and_leads_to_the_quote_and_the_sign_in(client, presets):
    response = client.get("/my-policy/insurance")

    page = text_of(response)
    assert response.status_code == 200
    assert 'href="/my-policy/quote"' in page and 'href="/my-policy/"' in page
    assert "30 days" in page and "$250" in page  # from the rating in force
    assert 'aria-current="page">Insurance</a>' in page
    for link in set(re.findall(r'href="(/my-policy/[^"#]*)"', page)):
        assert client.get(link).status_code == 200, link


def test_every_customer_page_links_to_the_insurance_page(client, db):
    assert 'href="/my-policy/insurance"' in text_of(client.get("/"))


# --- my policy -------------------------------------------------------------------------------


def test_my_policy_shows_the_schedule_premium_billing_deadlines_and_history(client, policy):
    signed_in(client, policy)

    response = client.get(f"/my-policy/{policy.number}")

    page = text_of(response)
    assert response.status_code == 200
    assert "Solitaire" in page and "$8,000.00" in page and f"${policy.premium:,.2f}" in page
    assert "Payments" in page and "Deadlines" in page and "History" in page
    assert f"/my-policy/{policy.number}/declarations.pdf" in page
    assert f"/my-policy/{policy.number}/cancel" in page
    assert "private" in response["Cache-Control"]


def test_the_declarations_page_downloads_with_the_policy_on_it(client, policy):
    signed_in(client, policy)

    response = client.get(f"/my-policy/{policy.number}/declarations.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert policy.number in text


# --- cancelling ------------------------------------------------------------------------------


def test_the_refund_is_shown_first_and_nothing_changes_until_confirmed(client, policy):
    paid_in_full(policy)
    signed_in(client, policy)
    before, row = counts(), snapshot(policy)

    shown = client.get(f"/my-policy/{policy.number}/cancel")
    redrawn = client.get(
        f"/my-policy/{policy.number}/cancel",
        {"cancel_on": (today() + dt.timedelta(days=3)).isoformat()},
        headers={"HX-Request": "true"},
    )
    unticked = client.post(
        f"/my-policy/{policy.number}/cancel", {"cancel_on": today().isoformat(), "confirm": "false"}
    )

    # Within 30 days of the start: the whole premium back.
    assert shown.status_code == 200 and f"${policy.premium:,.2f}" in text_of(shown)
    assert redrawn.status_code == 200 and "<html" not in text_of(redrawn)
    assert unticked.status_code == 422 and 'id="f-confirm-error"' in text_of(unticked)
    assert counts() == before and snapshot(policy) == row


def test_confirming_cancels_with_the_refund_shown(client, policy):
    paid_in_full(policy)
    signed_in(client, policy)

    response = client.post(
        f"/my-policy/{policy.number}/cancel",
        {"cancel_on": today().isoformat(), "confirm": "true"},
        follow=True,
    )

    policy.refresh_from_db()
    assert response.redirect_chain == [(f"/my-policy/{policy.number}", 302)]
    assert policy.status == Policy.CANCELLED
    assert policy.cancellation.by == "insured" and policy.cancellation.refund == policy.premium
    assert f"Refund: ${policy.premium:,.2f}" in text_of(response)
    assert "can no longer be cancelled" in text_of(response)


@pytest.mark.parametrize("day", ["yesterday", "2999-01-01", "not-a-date", "2025-02-30", "9" * 40])
def test_a_bad_cancellation_day_names_the_field_and_changes_nothing(client, policy, day):
    signed_in(client, policy)
    if day == "yesterday":
        day = (today() - dt.timedelta(days=1)).isoformat()
    before, row = counts(), snapshot(policy)

    shown = client.get(f"/my-policy/{policy.number}/cancel", {"cancel_on": day})
    posted = client.post(
        f"/my-policy/{policy.number}/cancel", {"cancel_on": day, "confirm": "true"}
    )

    assert shown.status_code == 422 and 'id="f-cancel-on-error"' in text_of(shown)
    assert posted.status_code == 422 and 'id="f-cancel-on-error"' in text_of(posted)
    assert counts() == before and snapshot(policy) == row


def test_a_cancelled_policy_cannot_be_cancelled_again(client, policy):
    signed_in(client, policy)
    client.post(
        f"/my-policy/{policy.number}/cancel", {"cancel_on": today().isoformat(), "confirm": "true"}
    )
    before = counts()

    response = client.post(
        f"/my-policy/{policy.number}/cancel", {"cancel_on": today().isoformat(), "confirm": "true"}
    )

    assert response.status_code == 409 and "is cancelled" in text_of(response)
    assert counts() == before


# --- buying a policy online ------------------------------------------------------------------


def _online(**overrides) -> dict:
    form = {
        "named_insureds.0.name": "Dee Buyer",
        "named_insureds.0.email": "dee@example.com",
        "address": "3 Elm St, Miami",
        "state": "FL",
        "start": today().isoformat(),
        "deductible": "500.00",
        "installments": "12",
        "items.0.kind": "necklace",
        "items.0.limit": "4000.00",
        "action": "bind",
    }
    form.update(overrides)
    return filled(form)


def test_the_quote_page_shows_the_premium_live_and_without_javascript(client, presets):
    before = counts()

    page = client.get("/my-policy/quote")
    live = client.post("/my-policy/quote/premium", _online(), headers={"HX-Request": "true"})
    plain = client.post("/my-policy/quote", _online(action="quote"))

    # FL 1.60 per 100, deductible 500 factor 0.85: 4000 / 100 * 1.60 * 0.85 = 54.40
    assert page.status_code == 200 and 'hx-post="/my-policy/quote/premium"' in text_of(page)
    assert "$54.40" in text_of(live) and "<html" not in text_of(live)
    assert "$54.40" in text_of(plain) and 'value="dee@example.com"' in text_of(plain)
    assert counts() == before


def test_buying_online_issues_the_policy_and_signs_its_first_insured_in(
    client, presets, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/my-policy/quote", _online(), follow=True)

    policy = Policy.objects.get()
    first = policy.named_insureds.get()
    assert response.redirect_chain == [(f"/my-policy/{policy.number}", 302)]
    assert client.session[POLICYHOLDER_SESSION_KEY] == first.pk
    assert policy.state == "FL" and policy.installments == 12
    assert list(policy.items.values_list("ref", flat=True)) == ["item-1"]  # given by the site
    assert f"Your policy {policy.number} is issued" in text_of(response)
    entry = AuditEntry.objects.get(action="policy_bound")
    assert entry.actor_label == "system:customer_site"
    (sent,) = [message for message in mail.outbox if message.to == ["dee@example.com"]]
    assert [name for name, _, _ in sent.attachments] == [f"declarations-{policy.number}.pdf"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"named_insureds.0.email": ""}, "named-insureds"),
        ({"start": "2020-01-01"}, "start"),
        ({"items.0.limit": "0"}, "items-0-limit"),
        ({"items.0.kind": "car"}, "items-0-kind"),
        ({"deductible": "333.00"}, "deductible"),
        ({"items.0.possessed_by": "Someone Else"}, "items-0-possessed-by"),
    ],
)
def test_a_bad_online_bind_names_the_field_and_writes_nothing(client, presets, overrides, field):
    before = counts()

    response = client.post("/my-policy/quote", _online(**overrides))

    assert response.status_code == 422, text_of(response)
    assert f'id="f-{field}' in text_of(response)
    assert counts() == before
    assert POLICYHOLDER_SESSION_KEY not in client.session


def test_a_robot_cannot_buy_a_policy(client, presets):
    before = counts()

    response = client.post("/my-policy/quote", _online(website="filled by a robot"))

    assert response.status_code == 429 and counts() == before


# --- paying ----------------------------------------------------------------------------------


def _monthly(start):
    data = {
        "named_insureds": [{"name": "Ann Lee", "email": "ann@example.com"}],
        "state": "WI",
        "start": start.isoformat(),
        "deductible": "100",
        "installments": 12,
        "items": [{"ref": "r1", "kind": "ring", "limit": "8000.00"}],
    }
    return services.policy_bind(caller=SYSTEM, data=validate_input(schemas.PolicyBindIn, data))


def _received(policy, amount, *, paid_on=None):
    """Money the provider's staff record as received: the only way a payment is written."""
    data = {"paid_on": (paid_on or today()).isoformat(), "amount": f"{amount}"}
    return services.policy_payment_record(
        caller=SYSTEM, policy=policy, data=validate_input(schemas.PolicyPaymentIn, data)
    )


def _pay_states(policy) -> tuple:
    """The policy, its offers and notices as stored: a refused payment changes none."""
    return (
        snapshot(policy),
        [snapshot(offer) for offer in PolicyRenewalOffer.objects.filter(policy=policy)],
        [snapshot(notice) for notice in PolicyCancellationNotice.objects.filter(policy=policy)],
    )


def test_how_to_pay_shows_what_is_due_the_schedule_and_the_instructions(client, presets, settings):
    settings.GEMCARE_PROVIDER_PAYMENT_INSTRUCTIONS = "Call 1-800-555-0100 or mail PO Box 7."
    policy = _monthly(today())
    signed_in(client, policy)
    before = counts()

    response = client.get(f"/my-policy/{policy.number}/pay")
    policy_page = text_of(client.get(f"/my-policy/{policy.number}"))

    page = text_of(response)
    lines = selectors.policy_installments(policy, on=today())
    assert response.status_code == 200 and "Paying your policy" in page
    # The first installment is due today; the eleven after it are ahead, each with its date.
    due_now = page[page.index("<h2>Due now</h2>") : page.index("<h2>Still ahead")]
    ahead = page[page.index("<h2>Still ahead") : page.index("<h2>How to pay")]
    assert day_text(lines[0].due_on) in due_now and day_text(lines[1].due_on) not in due_now
    assert f"{lines[0].amount:,.2f}" in due_now
    assert all(day_text(line.due_on) in ahead for line in lines[1:])
    assert "Call 1-800-555-0100 or mail PO Box 7." in page and policy.number in page
    assert "once we have received it" in page and "No payment received yet" in page
    assert 'method="post"' not in page.replace('action="/my-policy/sign-out"', "")
    assert f'href="/my-policy/{policy.number}/pay">How to pay</a>' in policy_page
    assert ">Pay</a>" not in policy_page
    assert counts() == before


def test_a_payment_the_provider_received_shows_and_nothing_is_due(client, presets):
    policy = _monthly(today())
    _received(policy, policy.installment)
    signed_in(client, policy)

    page = text_of(client.get(f"/my-policy/{policy.number}/pay"))

    received = page[page.index("<h2>Received</h2>") :]
    assert "Nothing is due now." in page
    assert f"{day_text(today())}: ${policy.installment:,.2f}" in received


def test_the_default_instructions_give_a_payment_line_and_a_mailing_address(client, presets):
    policy = _monthly(today())
    signed_in(client, policy)

    page = text_of(client.get(f"/my-policy/{policy.number}/pay"))

    assert "payment line" in page and "P.O. Box" in page


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "10.50", "reference": "TR-1"},
        {"for": "renewal", "amount": "96.00"},
        {"amount": "9" * 40, "paid_on": "1900-01-01"},
        {},
    ],
)
def test_a_post_records_nothing_and_answers_405(client, presets, data):
    policy = _monthly(today() - dt.timedelta(days=40))
    services.policy_insurer_cancel_for_nonpayment(caller=SYSTEM, policy=policy, on=today())
    signed_in(client, policy)
    before, states = counts(), _pay_states(policy)

    response = client.post(f"/my-policy/{policy.number}/pay", data)
    shown = client.get(f"/my-policy/{policy.number}/pay")

    assert response.status_code == 405
    assert counts() == before and _pay_states(policy) == states
    assert PolicyPayment.objects.count() == 0
    # The notice still stands, with what is overdue shown.
    owed = sum(
        line.unpaid for line in selectors.policy_installments(policy) if line.due_on <= today()
    )
    notice = PolicyCancellationNotice.objects.get(policy=policy)
    assert notice.is_pending
    assert day_text(notice.cancel_on) in text_of(shown) and f"${owed:,.2f}" in text_of(shown)


def test_another_policyholders_pay_page_is_not_found(client, policy, other):
    _received(other, "10.00")
    signed_in(client, policy)
    before, states = counts(), _pay_states(other)

    shown = client.get(f"/my-policy/{other.number}/pay")
    posted = client.post(f"/my-policy/{other.number}/pay", {"amount": "10.00"})

    assert shown.status_code == 404 and "Cy Other" not in text_of(shown)
    assert "$10.00" not in text_of(shown)
    assert posted.status_code == 405
    assert counts() == before and _pay_states(other) == states


def test_a_renewal_offer_shows_its_first_payment_and_the_day_it_is_due_by(client, presets):
    policy = _monthly(today() - dt.timedelta(days=350))
    _received(policy, policy.premium + 30)
    offer = services.policy_renewal_offer(caller=SYSTEM, policy=policy, on=today())
    signed_in(client, policy)
    before, states = counts(), _pay_states(policy)

    policy_page = text_of(client.get(f"/my-policy/{policy.number}"))
    page = text_of(client.get(f"/my-policy/{policy.number}/pay"))
    posted = client.post(
        f"/my-policy/{policy.number}/pay", {"for": "renewal", "amount": f"{offer.first_payment}"}
    )

    renewal = page[page.index('id="renewal"') : page.index("<h2>How to pay")]
    assert f"${offer.first_payment:,.2f}" in renewal
    assert f"before <strong>{day_text(offer.period_start)}</strong>" in renewal
    assert "?for=renewal" not in policy_page
    assert f'href="/my-policy/{policy.number}/pay#renewal"' in policy_page
    assert posted.status_code == 405
    assert counts() == before and _pay_states(policy) == states
    offer.refresh_from_db()
    assert offer.status == "open"


def test_with_installments_overdue_the_renewal_needs_them_paid_first(client, presets):
    policy = _monthly(today() - dt.timedelta(days=350))
    _received(policy, policy.installment * 10)
    offer = services.policy_renewal_offer(caller=SYSTEM, policy=policy, on=today())
    signed_in(client, policy)
    overdue = sum(
        line.unpaid for line in selectors.policy_installments(policy) if line.due_on <= today()
    )

    page = text_of(client.get(f"/my-policy/{policy.number}/pay"))

    renewal = page[page.index('id="renewal"') : page.index("<h2>How to pay")]
    assert overdue > 0
    assert f'id="due-now">${overdue:,.2f}<' in page
    assert f"received today, ${overdue + offer.first_payment:,.2f} pays that" in renewal


def test_pieces_typed_in_any_rows_get_their_references_by_row(client, presets):
    form = _online(**{"items.2.kind": "watch", "items.2.limit": "1500.00"})

    response = client.post("/my-policy/quote", form)

    policy = Policy.objects.get()
    assert response.status_code == 302
    assert list(policy.items.order_by("id").values_list("ref", "kind")) == [
        ("item-1", "necklace"),
        ("item-3", "watch"),
    ]
