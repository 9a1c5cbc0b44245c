"""Filing a claim at the counter in a browser: the jeweler opens the customer's plan, gives
the estimate of the work needed, and reads the decision to the customer."""

import datetime as dt

from browser_support import PASSWORD, checked, page_needed, staff_sign_in
from django.core import mail
from factories import sell

from gemcare.claims.models import Claim


def test_the_jeweler_files_a_claim_for_a_customer_and_sees_the_decision(page, people):
    contract = sell(
        "ljpp-lifetime",
        "OK",
        purchased=dt.date.today() - dt.timedelta(days=90),
        store=people.store,
    )
    plan_path = page_needed("jeweler:plan", contract.number)
    page_needed("jeweler:claim_new", contract.number)
    mail.outbox.clear()
    staff_sign_in(page, "manager", PASSWORD)
    page.goto(plan_path)

    page.locator("main").get_by_role("link", name="File a claim").click()
    page.wait_for_url(f"**/jeweler/plans/{contract.number}/claims/new")
    page.get_by_label("Cause").select_option("wear_and_tear")
    service = page.locator("input[type='hidden'][value='prong_repair']")
    cost_name = service.get_attribute("name").replace(".service", ".cost")
    page.locator(f"input[name='{cost_name}']").fill("85.00")
    checked(page, "jeweler-claim-new")
    assert Claim.objects.count() == 0

    page.get_by_role("button", name="File the claim and see the decision").click()
    page.wait_for_url("**/jeweler/claims/*")

    claim = Claim.objects.get()
    assert claim.contract == contract and claim.channel == "jeweler"
    assert [line.service for line in claim.lines.all()] == ["prong_repair"]
    assert page.url.endswith(f"/jeweler/claims/{claim.number}")
    decision = page.locator("#decision-heading").inner_text()
    assert decision.startswith("Decision: ") and "Approved" in decision
    assert "$85.00" in page.locator("main").inner_text()
    checked(page, "jeweler-claim")
    (sent,) = mail.outbox
    assert sent.to == [contract.holder.email] and claim.number in sent.subject


def test_a_claim_without_any_work_names_the_work_and_files_nothing(page, people):
    contract = sell(
        "ljpp-lifetime",
        "OK",
        purchased=dt.date.today() - dt.timedelta(days=90),
        store=people.store,
    )
    new_path = page_needed("jeweler:claim_new", contract.number)
    staff_sign_in(page, "manager", PASSWORD)
    page.goto(new_path)

    page.get_by_role("button", name="File the claim and see the decision").click()
    page.wait_for_load_state()

    assert page.locator("#f-lines-error").is_visible()
    assert Claim.objects.count() == 0
