"""Jewelry insurance on the customer site, in a browser: a visitor reads the insurance page,
gets a quote online (the premium appears as the pieces are typed), buys the policy, is signed
in to it with its declarations page emailed, and reports a loss on one of the pieces. A
policyholder signs in later with the code emailed to them; a wrong code opens nothing."""

import datetime as dt
import re
from decimal import Decimal

from browser_support import assert_accessible, checked, page_needed
from django.core import mail

from gemcare.catalog.selectors import insurance_rating_current, insurance_rating_of
from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.schemas import validate_input
from gemcare.insurance import services
from gemcare.insurance.loss_selectors import loss_clocks
from gemcare.insurance.models import Loss, Policy
from gemcare.insurance.schemas import DEFAULT_PRODUCT, PolicyBindIn
from gemcare.rules.insurance import quote_policy

STATE = "FL"
DEDUCTIBLE = Decimal("500.00")
INSTALLMENTS = 12
PIECES = (
    ("necklace", "Gold chain", Decimal("4000.00")),
    ("ring", "Sapphire ring", Decimal("3000.00")),
)


def dollars(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def day_words(day: dt.date) -> str:
    """A day as the customer site writes it: Mar 4, 2026."""
    return f"{day:%b} {day.day}, {day.year}"


def test_a_visitor_buys_a_policy_online_and_reports_a_loss(page, presets):
    page_needed("customer:policy_quote")
    page_needed("customer:policy_loss_new", "JP-000001")
    rating = insurance_rating_of(insurance_rating_current(code=DEFAULT_PRODUCT))
    limits = [limit for _, _, limit in PIECES]
    quoted = quote_policy(
        rating, state=STATE, deductible=DEDUCTIBLE, limits=limits, installments=INSTALLMENTS
    )
    mail.outbox.clear()

    page.goto(page_needed("customer:insurance"))
    assert page.get_by_role("heading", level=1).inner_text() == "Personal jewelry insurance"
    checked(page, "customer-insurance")
    page.locator("main").get_by_role("link", name="Get a quote").click()
    page.wait_for_url("**/my-policy/quote")

    page.locator("#f-named-insureds-0-name").fill("Dee Buyer")
    page.locator("#f-named-insureds-0-email").fill("dee@example.com")
    page.get_by_label("Address").fill("3 Elm St, Miami")
    page.get_by_label("State").select_option(STATE)
    assert page.get_by_label("Starts on").input_value() == today().isoformat()
    page.get_by_label("Deductible").select_option(f"{DEDUCTIBLE:.2f}")
    page.get_by_label("Payment").select_option(str(INSTALLMENTS))
    for row, (kind, description, limit) in enumerate(PIECES):
        page.locator(f"#f-items-{row}-kind").select_option(kind)
        page.locator(f"#f-items-{row}-description").fill(description)
        page.locator(f"#f-items-{row}-limit").fill(f"{limit}")

    quote = page.locator("#policy-quote")
    quote.get_by_text(dollars(quoted.premium)).wait_for()
    assert f"{INSTALLMENTS} monthly installments of {dollars(quoted.installment)}" in (
        quote.inner_text()
    )
    assert Policy.objects.count() == 0 and not mail.outbox
    assert_accessible(page)  # the quote page, with its premium

    page.get_by_role("button", name="Buy the policy").click()
    page.wait_for_url("**/my-policy/JP-*")
    policy = Policy.objects.get()
    assert page.url.endswith(f"/my-policy/{policy.number}")
    assert policy.premium == quoted.premium and policy.installments == INSTALLMENTS
    assert page.get_by_role("heading", level=1).inner_text() == f"Policy {policy.number}"
    assert f"Your policy {policy.number} is issued" in page.locator("#messages").inner_text()
    (sent,) = [message for message in mail.outbox if message.to == ["dee@example.com"]]
    assert [name for name, _, _ in sent.attachments] == [f"declarations-{policy.number}.pdf"]
    jewelry = page.locator("table", has=page.locator("caption", has_text="pieces on the policy"))
    for kind, description, limit in PIECES:
        line = jewelry.locator("tbody tr", has_text=description)
        assert kind.capitalize() in line.inner_text() and dollars(limit) in line.inner_text()
    assert dollars(quoted.premium) in page.locator("main").inner_text()
    checked(page, "customer-policy")

    loss_on = today()  # the policy starts today: a day earlier would be outside its period
    page.locator("main").get_by_role("link", name="Report a loss").click()
    page.wait_for_url(f"**/my-policy/{policy.number}/losses/new")
    page.get_by_label("Which item").select_option(label="Ring, Sapphire ring")
    page.get_by_label("When it happened").fill(loss_on.isoformat())
    page.get_by_label("What happened").select_option("accidental_damage")
    page.get_by_label("Where").fill("At the gym")
    page.get_by_label("Tell us more").fill("The stone came loose when I caught it on a weight.")
    assert Loss.objects.count() == 0
    assert_accessible(page)  # the loss report's form
    page.get_by_role("button", name="Report the loss").click()
    page.wait_for_url(f"**/my-policy/{policy.number}/losses/*")

    loss = Loss.objects.get()
    assert loss.policy == policy and loss.item.description == "Sapphire ring"
    assert loss.loss_on == loss_on and loss.status == Loss.REPORTED
    assert loss.channel == Loss.CUSTOMER
    assert "your loss is reported" in page.locator("#messages").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == f"Your loss of {day_words(loss_on)}"
    title = f"Loss of {day_words(loss_on)} · policy {policy.number} · Jewelry protection"
    assert page.title() == title
    assert page.locator("#loss-status").inner_text() == loss.get_status_display()
    clocks = loss_clocks(loss)
    assert clocks, "a reported loss runs at least the suit limitation"
    shown = page.locator("#loss-clocks li")
    assert shown.count() == len(clocks)
    for clock, line in zip(clocks, shown.all(), strict=True):
        assert day_words(clock.due_on) in line.inner_text()
    checked(page, "customer-loss")

    page.locator("main").get_by_role("link", name="Back to my policy").click()
    page.wait_for_url(f"**/my-policy/{policy.number}")
    losses = page.locator("main ul.losses")
    assert f"Loss of {day_words(loss_on)}" in losses.inner_text()
    assert loss.get_status_display().lower() in losses.inner_text()


def _bound(name: str, email: str) -> Policy:
    data = {
        "named_insureds": [{"name": name, "email": email}],
        "address": "1 Main St, Madison",
        "state": "WI",
        "start": today().isoformat(),
        "deductible": "100",
        "items": [{"ref": "r1", "kind": "ring", "description": "Solitaire", "limit": "8000.00"}],
    }
    bind_in = validate_input(PolicyBindIn, data)
    return services.policy_bind(caller=Caller.system("tests"), data=bind_in)


def _code_from(message) -> str:
    (code,) = re.findall(r"\b(\d{6})\b", message.subject)
    return code


def test_a_policyholder_signs_in_with_the_emailed_code_and_sees_only_their_policy(page, presets):
    sign_in = page_needed("customer:policy_sign_in")
    mine = _bound("Ann Lee", "ann@example.com")
    other = _bound("Bo Ray", "bo@example.com")
    mail.outbox.clear()

    page.goto(sign_in)
    assert page.get_by_role("heading", level=1).inner_text() == "My policy"
    assert_accessible(page)
    page.get_by_label("Policy number").fill(mine.number)
    page.get_by_label("Email of a named insured").fill("ann@example.com")
    page.get_by_role("button", name="Send me a code").click()
    page.wait_for_url("**/my-policy/code*")
    (sent,) = mail.outbox
    assert sent.to == ["ann@example.com"]
    assert_accessible(page)

    right = _code_from(sent)
    page.get_by_label("Code").fill(f"{(int(right) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Open my policy").click()
    page.wait_for_load_state()
    assert "/my-policy/code" in page.url
    assert "is not the code we sent" in page.locator("main").inner_text()
    assert mine.number not in page.locator("main").inner_text()
    assert_accessible(page)  # the page with its error

    page.get_by_label("Code").fill(right)
    page.get_by_role("button", name="Open my policy").click()
    page.wait_for_url(f"**/my-policy/{mine.number}")
    assert page.get_by_role("heading", level=1).inner_text() == f"Policy {mine.number}"
    assert "Solitaire" in page.locator("main").inner_text()

    # Another's policy is "not found", in the same words as a number no policy has.
    answer = page.goto(f"/my-policy/{other.number}")
    said = page.locator("main").inner_text()
    assert answer.status == 404 and "Bo Ray" not in page.content() and "Solitaire" not in said
    assert page.goto("/my-policy/JP-999999").status == 404
    assert page.locator("main").inner_text().replace("JP-999999", other.number) == said
