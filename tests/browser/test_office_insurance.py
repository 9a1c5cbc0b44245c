"""Jewelry insurance in the back office, in a browser: an adjuster quotes a new policy (the
premium appears as the items are typed) and binds it, adds a third item with its prorated
premium shown before confirming, reports a loss on an item, reads the loss's file with its
status and clocks, and finds the loss's deadline on the deadlines board."""

import datetime as dt
import re
from decimal import Decimal

from browser_support import PASSWORD, assert_accessible, checked, page_needed, provider_sign_in
from dateutil.relativedelta import relativedelta

from gemcare.catalog.selectors import insurance_rating_current, insurance_rating_of
from gemcare.common.clock import today
from gemcare.insurance.loss_selectors import loss_clocks
from gemcare.insurance.models import Loss, Policy, PolicyEvent, ScheduledItem
from gemcare.insurance.schemas import DEFAULT_PRODUCT
from gemcare.rules.insurance import item_premium, quote_policy, unearned_premium

STATE = "TX"
DEDUCTIBLE = Decimal("250.00")
LIMITS = (Decimal("8000.00"), Decimal("2500.00"))
ADDED_LIMIT = Decimal("1200.00")


def dollars(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def rating():
    """The rating in force, as the bind reads it."""
    return insurance_rating_of(insurance_rating_current(code=DEFAULT_PRODUCT))


def test_an_adjuster_binds_a_policy_adds_an_item_and_reports_a_loss(page, people):
    page_needed("office:policy_new")
    page_needed("office:deadlines")
    # Started 60 days ago: an item added today is charged for the days left, not the year.
    start = today() - relativedelta(days=60)
    quoted = quote_policy(rating(), state=STATE, deductible=DEDUCTIBLE, limits=list(LIMITS))

    provider_sign_in(page, people.adjuster, PASSWORD)
    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Policies").click()
    page.wait_for_url("**/office/insurance/policies")
    page.get_by_role("link", name="Quote and bind a new policy").click()
    page.wait_for_url("**/office/insurance/policies/new")

    page.locator("#f-named-insureds-0-name").fill("Cy Dale")
    page.locator("#f-named-insureds-0-email").fill("cy@example.com")
    page.get_by_label("Address").fill("2 Oak St, Austin")
    page.get_by_label("State").select_option(STATE)
    page.get_by_label("Starts on").fill(start.isoformat())
    page.get_by_label("Deductible").select_option(f"{DEDUCTIBLE:.2f}")
    for row, (ref, kind, description, limit) in enumerate(
        [("r1", "ring", "Solitaire", LIMITS[0]), ("r2", "necklace", "Pearl strand", LIMITS[1])]
    ):
        page.locator(f"#f-items-{row}-ref").fill(ref)
        page.locator(f"#f-items-{row}-kind").select_option(kind)
        page.locator(f"#f-items-{row}-description").fill(description)
        page.locator(f"#f-items-{row}-limit").fill(f"{limit}")

    # htmx asks for the premium as the form changes; nothing is written yet.
    quote = page.locator("#policy-quote")
    quote.get_by_text(dollars(quoted.premium)).wait_for()
    assert "Premium for the year" in quote.inner_text()
    for premium in quoted.item_premiums:
        assert dollars(premium) in quote.inner_text()
    assert Policy.objects.count() == 0
    checked(page, "office-policy-new", at="section:has(#quote-heading)")

    page.get_by_role("button", name="Bind the policy").click()
    page.wait_for_url(re.compile(r".*/office/insurance/policies/(?!new)[^/]+$"))
    policy = Policy.objects.get()
    assert policy.premium == quoted.premium and policy.state == STATE
    assert policy.period_start == start
    assert page.get_by_role("heading", level=1).inner_text() == f"Policy {policy.number}"
    messages = page.locator("#messages").inner_text()
    assert f"Policy {policy.number} is bound" in messages and dollars(quoted.premium) in messages
    schedule = page.locator("section", has=page.locator("#schedule-heading"))
    assert "Solitaire" in schedule.inner_text() and "Pearl strand" in schedule.inner_text()
    checked(page, "office-policy")

    # A third item, today: its annual premium for the days left in the period.
    annual = item_premium(rating(), state=STATE, deductible=DEDUCTIBLE, limit=ADDED_LIMIT)
    charge = unearned_premium(annual, policy.period_start, policy.period_end, today())
    assert Decimal("0") < charge < annual
    events = PolicyEvent.objects.filter(policy=policy).count()
    page.get_by_role("link", name="Add an item").click()
    page.wait_for_url(f"**/office/insurance/policies/{policy.number}/items/new")
    page.get_by_label("Reference").fill("r3")
    page.get_by_label("Kind").select_option("bracelet")
    page.get_by_label("Description").fill("Tennis bracelet")
    page.get_by_label("Limit").fill(f"{ADDED_LIMIT}")
    page.get_by_role("button", name="Review the premium").click()
    preview = page.locator("section", has=page.locator("#preview-heading"))
    preview.wait_for()
    assert "Premium charged for the rest of the period" in preview.inner_text()
    assert dollars(charge) in preview.inner_text()
    assert ScheduledItem.objects.filter(policy=policy).count() == 2  # nothing written yet
    assert_accessible(page)  # the change page, with what it charges
    assert PolicyEvent.objects.filter(policy=policy).count() == events

    preview.get_by_role("button", name="Confirm the change").click()
    page.wait_for_url(f"**/office/insurance/policies/{policy.number}")
    added = ScheduledItem.objects.get(policy=policy, ref="r3")
    assert added.premium == annual and added.limit == ADDED_LIMIT
    assert (
        f"Item r3 is on the schedule of policy {policy.number}"
        in page.locator("#messages").inner_text()
    )
    row = schedule.locator("tbody tr", has_text="Tennis bracelet")
    assert dollars(ADDED_LIMIT) in row.inner_text() and dollars(annual) in row.inner_text()
    assert schedule.locator("tbody tr").count() == 3

    # A loss on the necklace, five days ago.
    loss_on = today() - relativedelta(days=5)
    losses = page.locator("section", has=page.locator("#losses-heading"))
    losses.get_by_role("link", name="Report a loss").click()
    page.wait_for_url(f"**/office/insurance/policies/{policy.number}/losses/new")
    page.get_by_label("Date of the loss").fill(loss_on.isoformat())
    page.get_by_label("Scheduled item").select_option("r2")
    page.get_by_label("What caused it").select_option("accidental_damage")
    page.get_by_label("Where", exact=True).fill("At home")
    page.get_by_label("What happened").fill("The clasp broke and the strand fell.")
    assert_accessible(page)  # the loss report's form
    page.get_by_role("button", name="Report the loss").click()
    page.wait_for_url("**/office/insurance/losses/*")

    loss = Loss.objects.get()
    assert loss.policy == policy and loss.item.ref == "r2" and loss.loss_on == loss_on
    assert loss.status == Loss.REPORTED
    assert page.locator("#loss-status").inner_text() == loss.get_status_display()
    assert (
        f"Loss {loss.pk} reported on policy {policy.number}"
        in page.locator("#messages").inner_text()
    )
    clocks = loss_clocks(loss)
    assert clocks, "a reported loss runs at least the suit limitation"
    shown = page.locator("#loss-clocks tbody tr")
    assert shown.count() == len(clocks)
    for clock, line in zip(clocks, shown.all(), strict=True):
        assert clock.due_on.isoformat() in line.inner_text()
        assert clock.kind_name in line.inner_text()
    checked(page, "office-loss")

    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Deadlines").click()
    page.wait_for_url("**/office/insurance/deadlines")
    board_row = page.locator(
        "#deadlines tbody tr", has=page.get_by_role("link", name=f"Loss {loss.pk}", exact=True)
    )
    assert board_row.count() == len(clocks)
    for clock, line in zip(clocks, board_row.all(), strict=True):
        assert clock.due_on.isoformat() in line.inner_text()
        assert policy.number in line.inner_text() and "item r2" in line.inner_text()
    checked(page, "office-deadlines")

    board_row.first.get_by_role("link", name=f"Loss {loss.pk}").click()
    page.wait_for_url(f"**/office/insurance/losses/{loss.pk}")
    assert (
        dt.date.fromisoformat(page.locator("#loss-clocks time").first.get_attribute("datetime"))
        == clocks[0].due_on
    )
