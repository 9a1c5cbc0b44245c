"""What the jeweler does on a claim's page: route the work, record it done, ask a person to
review a denial. The right person changes it; bad input names the field; a refusal says why;
the wrong people get 404; and none of those change anything."""

import pytest
from claim_page_support import claim_at, everything
from factories import repair_center_make, snapshot
from jeweler_support import text_of

from gemcare.claims.models import FULFILLED, Claim
from gemcare.common.models import AuditEntry
from gemcare.portals.testing import verified_login


def unchanged(claim):
    return snapshot(claim), everything()


# --- route -----------------------------------------------------------------------------------


def test_the_work_is_routed_to_an_approved_repair_center(client, presets, people):
    claim = claim_at(people.store_a1)
    center = repair_center_make()
    client.force_login(people.associate_a1)
    assert center.name in text_of(client.get(f"/jeweler/claims/{claim.number}"))

    response = client.post(
        f"/jeweler/claims/{claim.number}/route",
        {"route": "repair_center", "repair_center": center.code},
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.route, claim.repair_center) == ("repair_center", center)
    assert f"shipped to {center.name}" in text_of(client.get(response["Location"]))


def test_in_store_ignores_the_picker(client, presets, people):
    claim = claim_at(people.store_a1)
    client.force_login(people.associate_a1)

    response = client.post(
        f"/jeweler/claims/{claim.number}/route",
        {"route": "in_store", "repair_center": repair_center_make().code},
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.route, claim.repair_center) == ("in_store", None)


@pytest.mark.parametrize(
    ("values", "status", "words"),
    [
        ({"route": "repair_center"}, 422, "is required when the item is shipped"),
        ({"route": "by_pigeon"}, 422, "is not a known route"),
        ({}, 422, "is required"),
        ({"route": "repair_center", "repair_center": "unapproved"}, 409, "approved"),
    ],
)
def test_a_bad_route_says_why_and_changes_nothing(client, presets, people, values, status, words):
    claim = claim_at(people.store_a1)
    unapproved = repair_center_make()
    unapproved.code, unapproved.is_approved = "unapproved", False
    unapproved.save()
    client.force_login(people.associate_a1)
    before = unchanged(claim)

    response = client.post(f"/jeweler/claims/{claim.number}/route", values)

    assert response.status_code == status
    assert words in text_of(response)
    assert unchanged(claim) == before


def test_a_denied_claim_is_not_routed(client, presets, people):
    claim = claim_at(people.store_a1, cause="theft")
    client.force_login(people.associate_a1)
    before = unchanged(claim)

    response = client.post(f"/jeweler/claims/{claim.number}/route", {"route": "in_store"})

    page = text_of(response)
    assert response.status_code == 409
    assert "claim_not_approved" in page and "Nothing was changed" in page
    assert unchanged(claim) == before


# --- completion ------------------------------------------------------------------------------


def test_the_work_done_is_reimbursed_at_most_the_approved_amount(client, presets, people):
    claim = claim_at(people.store_a1)
    client.force_login(people.associate_a1)

    response = client.post(
        f"/jeweler/claims/{claim.number}/complete",
        {"actual_cost": "90.00", "invoice_number": "INV-7"},
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == FULFILLED
    assert (claim.reimbursement.amount, claim.reimbursement.invoice_number) == (85, "INV-7")
    page = text_of(client.get(response["Location"]))
    assert "$85.00 will be reimbursed" in page and "INV-7" in page
    assert "The work is done</h2>" not in page  # no form any more


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"invoice_number": "INV-7"}, "actual-cost"),
        ({"actual_cost": "90.00"}, "invoice-number"),
        ({"actual_cost": "ninety", "invoice_number": "INV-7"}, "actual-cost"),
        (
            {"actual_cost": "90.00", "invoice_number": "INV-7", "completed": "2999-01-01"},
            "completed",
        ),
        ({"actual_cost": "90.00", "invoice_number": "I" * 65}, "invoice-number"),
    ],
)
def test_bad_completion_names_the_field_and_changes_nothing(client, presets, people, values, field):
    claim = claim_at(people.store_a1)
    client.force_login(people.associate_a1)
    before = unchanged(claim)

    response = client.post(f"/jeweler/claims/{claim.number}/complete", values)

    page = text_of(response)
    assert response.status_code == 422
    assert f'id="f-{field}-error"' in page and 'aria-invalid="true"' in page
    assert unchanged(claim) == before


def test_a_claim_awaiting_review_cannot_be_completed(client, presets, people):
    claim = claim_at(
        people.store_a1, ("stone_replacement", "1800.00"), product="care-jewelry-lifetime"
    )
    client.force_login(people.associate_a1)
    before = unchanged(claim)

    response = client.post(
        f"/jeweler/claims/{claim.number}/complete",
        {"actual_cost": "90.00", "invoice_number": "INV-7"},
    )

    assert response.status_code == 409 and "claim_needs_review" in text_of(response)
    assert unchanged(claim) == before


# --- asking for a person ---------------------------------------------------------------------


def test_the_jeweler_asks_a_person_to_review_a_denial(client, presets, people):
    claim = claim_at(people.store_a1, cause="theft")
    client.force_login(people.associate_a1)
    assert "Ask for a person to review this denial" in text_of(
        client.get(f"/jeweler/claims/{claim.number}")
    )

    response = client.post(
        f"/jeweler/claims/{claim.number}/review-request", {"reason": "It was not stolen."}
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.review_open and claim.review_request_reason == "It was not stolen."
    assert claim.review_requested_by == f"user:{people.associate_a1.pk}"
    page = text_of(client.get(response["Location"]))
    assert "An adjuster will decide." in page and "Ask for a person" not in page
    assert AuditEntry.objects.filter(action="claim_review_requested").count() == 1


@pytest.mark.parametrize(
    ("reason", "words"), [("", "is required"), ("x" * 1001, "at most 1000 characters")]
)
def test_a_request_without_a_reason_names_it_and_changes_nothing(
    client, presets, people, reason, words
):
    claim = claim_at(people.store_a1, cause="theft")
    client.force_login(people.associate_a1)
    before = unchanged(claim)

    response = client.post(f"/jeweler/claims/{claim.number}/review-request", {"reason": reason})

    page = text_of(response)
    assert response.status_code == 422 and 'id="f-reason-error"' in page and words in page
    assert unchanged(claim) == before


@pytest.mark.parametrize(
    ("how", "code"), [("asked", "review_already_requested"), ("approved", "review_not_requestable")]
)
def test_a_request_refused_says_why_and_changes_nothing(client, presets, people, how, code):
    claim = claim_at(people.store_a1, cause="theft" if how == "asked" else "wear_and_tear")
    client.force_login(people.associate_a1)
    if how == "asked":
        client.post(f"/jeweler/claims/{claim.number}/review-request", {"reason": "first"})
    claim = Claim.objects.get(pk=claim.pk)
    before = unchanged(claim)

    response = client.post(f"/jeweler/claims/{claim.number}/review-request", {"reason": "again"})

    assert response.status_code == 409 and code in text_of(response)
    assert unchanged(claim) == before


# --- the wrong people ------------------------------------------------------------------------

ACTIONS = [
    ("route", {"route": "in_store"}),
    ("complete", {"actual_cost": "80.00", "invoice_number": "INV-1"}),
    ("review-request", {"reason": "please"}),
]


@pytest.mark.parametrize(("action", "values"), ACTIONS)
@pytest.mark.parametrize("who", ["manager_b", "associate_a2", "adjuster", "nobody"])
def test_the_wrong_people_get_404_and_nothing_changes(client, presets, people, action, values, who):
    claim = claim_at(
        people.store_a1, cause="theft" if action == "review-request" else "wear_and_tear"
    )
    user = getattr(people, who)
    verified_login(client, user) if who == "adjuster" else client.force_login(user)
    before = unchanged(claim)

    response = client.post(f"/jeweler/claims/{claim.number}/{action}", values)

    assert response.status_code == 404
    assert unchanged(claim) == before


@pytest.mark.parametrize(("action", "values"), ACTIONS)
def test_logged_out_goes_to_the_sign_in_and_gets_is_not_allowed(
    client, presets, people, action, values
):
    claim = claim_at(people.store_a1)
    before = unchanged(claim)

    posted = client.post(f"/jeweler/claims/{claim.number}/{action}", values)
    client.force_login(people.associate_a1)
    got = client.get(f"/jeweler/claims/{claim.number}/{action}")

    assert posted.status_code == 302 and posted["Location"].startswith("/accounts/login/")
    assert got.status_code == 405
    assert unchanged(claim) == before


def test_a_post_without_the_csrf_token_is_refused(presets, people):
    from django.test import Client

    claim = claim_at(people.store_a1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.associate_a1)
    before = unchanged(claim)

    response = client.post(f"/jeweler/claims/{claim.number}/route", {"route": "in_store"})

    assert response.status_code == 403
    assert unchanged(claim) == before
