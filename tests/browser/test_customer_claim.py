"""The customer site in a browser: a holder finds their plan with the code emailed to the
address on file, files a claim (their jeweler moved away) and reads the decision."""

import datetime as dt
import re

from browser_support import checked, page_needed
from django.core import mail
from factories import sell

from gemcare.claims.models import Claim


def _code_from(message) -> str:
    (code,) = re.findall(r"\b(\d{6})\b", message.subject)
    return code


def test_a_holder_finds_the_plan_with_the_emailed_code_and_files_a_claim(page, presets):
    plan = sell("care-jewelry-3yr", purchased=dt.date.today() - dt.timedelta(days=100))
    sign_in = page_needed("customer:sign_in")
    page_needed("customer:claim_new", plan.number)
    mail.outbox.clear()

    page.goto(sign_in)
    checked(page, "customer-find-plan")
    by_number = page.locator("section", has=page.locator("#by-number"))
    by_number.get_by_label("Plan number").fill(plan.number)
    by_number.get_by_label("Email on file").fill("ada@example.com")
    by_number.get_by_role("button", name="Send me a code").click()
    page.wait_for_url("**/my-plan/code*")

    (sent,) = mail.outbox
    assert sent.to == ["ada@example.com"]
    checked(page, "customer-code")
    page.get_by_label("Code").fill(_code_from(sent))
    page.get_by_role("button", name="Open my plans").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "My plans"
    checked(page, "customer-my-plans")

    page.locator("main").get_by_role("link", name=plan.number).click()
    page.wait_for_url(f"**/my-plan/plans/{plan.number}")
    checked(page, "customer-plan")
    page.locator("main").get_by_role("link", name="File a claim").click()
    page.wait_for_url(f"**/my-plan/plans/{plan.number}/claim")

    page.get_by_label("Why do you file the claim here?").select_option("moved_away")
    page.get_by_label("When did it happen?").fill(
        (dt.date.today() - dt.timedelta(days=2)).isoformat()
    )
    page.get_by_label("What caused it?").select_option("wear_and_tear")
    page.get_by_role("checkbox", name=re.compile(r"^Prong repair")).check()
    page.get_by_role("textbox", name=re.compile(r"^Estimate for prong repair")).fill("80.00")
    page.get_by_label("Can it be repaired, as far as you know?").select_option("true")
    checked(page, "customer-claim-new")
    assert Claim.objects.count() == 0
    mail.outbox.clear()

    page.get_by_role("button", name="File the claim").click()
    page.wait_for_url("**/my-plan/claims/*")

    claim = Claim.objects.get()
    assert claim.contract == plan and claim.channel == Claim.CUSTOMER
    assert claim.status == "approved" and str(claim.approved) == "80.00"
    assert page.locator("#decision-heading").inner_text().startswith("Decision: Approved")
    assert "$80.00" in page.locator("main").inner_text()
    checked(page, "customer-claim")
    (decision,) = mail.outbox
    assert decision.to == ["ada@example.com"] and claim.number in decision.body


def test_a_wrong_code_opens_nothing(page, presets):
    plan = sell("care-jewelry-3yr", purchased=dt.date.today() - dt.timedelta(days=100))
    page.goto(page_needed("customer:sign_in"))
    by_number = page.locator("section", has=page.locator("#by-number"))
    by_number.get_by_label("Plan number").fill(plan.number)
    by_number.get_by_label("Email on file").fill("ada@example.com")
    by_number.get_by_role("button", name="Send me a code").click()
    page.wait_for_url("**/my-plan/code*")
    right = int(_code_from(mail.outbox[-1]))

    page.get_by_label("Code").fill(f"{(right + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Open my plans").click()
    page.wait_for_load_state()
    page.goto(f"/my-plan/plans/{plan.number}")

    assert "/my-plan/plans/" not in page.url.split("?")[0]
    assert plan.number not in page.locator("main").inner_text()
    assert Claim.objects.count() == 0
