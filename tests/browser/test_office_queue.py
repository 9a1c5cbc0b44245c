"""The back office in a browser: an adjuster signs in with a password and the code of their
authenticator app, opens the claims queue and approves a claim from it."""

import datetime as dt

from browser_support import (
    PASSWORD,
    checked,
    page_needed,
    provider_sign_in,
    staff_sign_in,
    totp_code,
)
from django_otp.plugins.otp_totp.models import TOTPDevice
from factories import file_claim, sell

from gemcare.claims.models import Claim, ClaimDecision


def awaiting_review(store):
    """A 1,800.00 claim on a care plan: above 1,500.00, so it waits for an adjuster."""
    contract = sell(
        "care-jewelry-lifetime",
        state="TX",
        price="5000.00",
        store=store,
        purchased=dt.date.today() - dt.timedelta(days=120),
    )
    return file_claim(
        contract,
        ("stone_replacement", "1800.00"),
        cause="accidental_damage",
        incident=(dt.date.today() - dt.timedelta(days=5)).isoformat(),
        filed=(dt.date.today() - dt.timedelta(days=2)).isoformat(),
    )


def test_an_adjuster_approves_a_claim_from_the_queue(page, people):
    queue = page_needed("office:claim_queue")
    claim = awaiting_review(people.store)
    decisions = ClaimDecision.objects.filter(claim=claim).count()
    assert claim.status == "awaiting_review"

    provider_sign_in(page, people.adjuster, PASSWORD)
    page.goto(page_needed("office:home"))
    checked(page, "office-home")
    page.goto(queue)
    row = page.locator("tbody tr", has_text=claim.number)
    assert "Review of the rules' decision" in row.inner_text() and "$1,800.00" in row.inner_text()
    checked(page, "office-queue")

    row.get_by_role("link", name=claim.number).click()
    page.wait_for_url(f"**/office/claims/{claim.number}")
    checked(page, "office-claim")
    page.get_by_role("button", name="Confirm the rules' decision").click()
    page.wait_for_url(f"**/office/claims/{claim.number}")

    claim.refresh_from_db()
    assert claim.status != "awaiting_review" and str(claim.approved) == "1800.00"
    assert ClaimDecision.objects.filter(claim=claim).count() == decisions + 1
    assert ClaimDecision.objects.filter(claim=claim).latest("pk").decided_by == people.adjuster
    assert "$1,800.00 approved" in page.locator("#messages").inner_text()
    page.goto(queue)
    assert claim.number not in page.locator("main").inner_text()


def test_a_wrong_code_keeps_the_adjuster_out_of_the_queue(page, people):
    queue = page_needed("office:claim_queue")
    claim = awaiting_review(people.store)
    staff_sign_in(page, "adjuster", PASSWORD)
    assert "/accounts/second-factor/" in page.url

    right = int(totp_code(TOTPDevice.objects.get(user=people.adjuster)))
    page.get_by_label("Code").fill(f"{(right + 500_000) % 1_000_000:06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    page.goto(queue)

    assert "/office/" not in page.url.split("?")[0]
    assert claim.number not in page.content()
    assert Claim.objects.get(pk=claim.pk).status == "awaiting_review"
