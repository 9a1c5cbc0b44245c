"""The jeweler's work on a claim: POST .../fulfilment (where) then POST .../completion."""

import pytest
from api_support import ApiClient, key_make
from claim_support import (
    CLAIM_KEYS,
    claim_state,
    error_of,
    everything,
    file_ok,
    live_contract,
)
from factories import cancel, repair_center_make, review

from gemcare.claims.models import Claim, Reimbursement
from gemcare.common.models import AuditEntry
from gemcare.contracts.models import Contract

pytestmark = pytest.mark.usefixtures("presets_once")

COMPLETION = {"actual_cost": "80.00", "invoice_number": "INV-2024-0042", "completed": "2024-06-20"}
STONE = {"service": "stone_replacement", "cost": "1800.00"}
NO_CENTER = "repair_center_not_found"


def awaiting_review(api, store) -> str:
    """A care claim of 1,800.00: above 1,500.00, so an adjuster confirms it first."""
    contract = live_contract(store, "care-jewelry-lifetime", "5000.00")
    return file_ok(api, contract, STONE, cause="accidental_damage")["number"]


@pytest.fixture
def approved(api, store) -> str:
    """An approved claim of 85.00 on an ljpp ring of 1,200.00, filed 2024-06-10."""
    return file_ok(api, live_contract(store))["number"]


@pytest.fixture
def center():
    return repair_center_make()


def route(api, number, **body):
    return api.post(f"/claims/{number}/fulfilment", body)


def complete(api, number, **changes):
    return api.post(f"/claims/{number}/completion", {**COMPLETION, **changes})


def routings(number) -> int:
    claim = Claim.objects.get(number=number)
    return AuditEntry.objects.filter(action="claim_routed", entity_id=str(claim.pk)).count()


# --- fulfilment: the route -------------------------------------------------------------------


def test_the_route_is_recorded_changed_and_repeated_safely(api, approved, center):
    in_store = route(api, approved, route="in_store")

    assert in_store.status_code == 200, in_store.content
    body = in_store.json()
    assert set(body) == CLAIM_KEYS
    assert (body["number"], body["status"], body["route"], body["repair_center"]) == (
        approved,
        "approved",
        "in_store",
        None,
    )
    assert routings(approved) == 1

    shipped = route(api, approved, route="repair_center", repair_center=center.code)
    assert shipped.status_code == 200, shipped.content
    assert (shipped.json()["route"], shipped.json()["repair_center"]) == (
        "repair_center",
        center.code,
    )
    assert routings(approved) == 2
    entry = AuditEntry.objects.filter(action="claim_routed").order_by("-id").first()
    assert entry.data == {
        "route": "repair_center",
        "repair_center": center.code,
        "previous_route": "in_store",
    }

    before = claim_state(approved)
    again = route(api, approved, route="repair_center", repair_center=center.code)
    assert again.status_code == 200 and again.json() == shipped.json()
    assert claim_state(approved) == before  # the same route again writes nothing


def test_the_route_is_not_a_dated_event(api, approved):
    claim = Claim.objects.get(number=approved)
    before = Contract.objects.get(pk=claim.contract_id).last_event_on

    route(api, approved, route="in_store")

    assert Contract.objects.get(pk=claim.contract_id).last_event_on == before


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"route": "repair_center"}, 422, "repair_center_required", "repair_center"),
        ({"route": "by_drone"}, 422, "invalid", "route"),
        ({"route": None}, 422, "invalid", "route"),
        ({}, 422, "invalid", "route"),
        (
            {"route": "in_store", "repair_center": "CENTER"},
            422,
            "repair_center_not_shipped",
            "repair_center",
        ),
        ({"route": "repair_center", "repair_center": "c" * 33}, 422, "invalid", "repair_center"),
        ({"route": "repair_center", "repair_center": ""}, 422, "invalid", "repair_center"),
        ({"route": "repair_center", "repair_center": 7}, 422, "invalid", "repair_center"),
        ({"route": "in_store", "date": "2024-06-12"}, 422, "unknown_field", "date"),
        (
            {"route": "repair_center", "repair_center": "nowhere"},
            404,
            "repair_center_not_found",
            None,
        ),
    ],
)
def test_a_bad_route_is_refused_and_changes_nothing(
    api, approved, center, body, status, code, field
):
    body = {key: (center.code if value == "CENTER" else value) for key, value in body.items()}
    before = claim_state(approved)

    error = error_of(route(api, approved, **body), status)

    assert (error["code"], error["field"]) == (code, field)
    assert claim_state(approved) == before


def test_a_repair_center_the_provider_has_not_approved_is_refused(api, approved, center):
    center.is_approved = False
    center.save()
    before = claim_state(approved)

    response = route(api, approved, route="repair_center", repair_center=center.code)

    assert error_of(response, 409)["code"] == "repair_center_not_approved"
    assert claim_state(approved) == before


def test_only_an_approved_claim_not_yet_completed_takes_a_route(api, store, approved):
    awaiting = file_ok(
        api,
        live_contract(store, "care-jewelry-lifetime", "5000.00"),
        STONE,
        cause="accidental_damage",
    )["number"]
    denied = file_ok(api, live_contract(store), cause="theft")["number"]
    assert complete(api, approved).status_code == 201

    for number, code in [
        (awaiting, "claim_needs_review"),
        (denied, "claim_not_approved"),
        (approved, "claim_completed"),
    ]:
        before = claim_state(number)
        assert error_of(route(api, number, route="in_store"), 409)["code"] == code
        assert claim_state(number) == before


def test_a_claim_on_a_cancelled_contract_takes_no_route_and_no_completion(api, approved):
    contract = Claim.objects.get(number=approved).contract
    cancel(contract, date="2024-07-01")
    before = claim_state(approved)

    assert error_of(route(api, approved, route="in_store"), 409)["code"] == "contract_not_active"
    assert error_of(complete(api, approved, completed="2024-07-02"), 409)["code"] == (
        "contract_not_active"
    )
    assert claim_state(approved) == before


# --- completion ------------------------------------------------------------------------------


def test_completion_reimburses_at_most_the_approved_amount(api, approved):
    response = complete(api, approved, actual_cost="95.00")

    assert response.status_code == 201, response.content
    assert response.json() == {
        "claim": approved,
        "status": "fulfilled",
        "contract_status": "active",
        "reimbursement": {
            "actual_cost": "95.00",
            "reimbursed": "85.00",
            "completed_on": "2024-06-20",
            "invoice_number": "INV-2024-0042",
        },
    }
    claim = Claim.objects.get(number=approved)
    stored = Reimbursement.objects.get(claim=claim)
    assert (stored.invoice_number, str(stored.amount), claim.route) == (
        "INV-2024-0042",
        "85.00",
        "in_store",
    )
    assert Contract.objects.get(pk=claim.contract_id).last_event_on.isoformat() == "2024-06-20"


def test_completion_keeps_the_recorded_route(api, approved, center):
    route(api, approved, route="repair_center", repair_center=center.code)

    assert complete(api, approved).status_code == 201

    claim = Claim.objects.get(number=approved)
    assert (claim.status, claim.route, claim.repair_center_id) == (
        "fulfilled",
        "repair_center",
        center.pk,
    )


def test_a_replacement_completed_replaces_the_contract(api, store):
    contract = live_contract(store)
    filed = file_ok(api, contract, repairable=False)
    assert (filed["fulfilment"], filed["status"]) == ("replacement", "awaiting_review")
    review(Claim.objects.get(number=filed["number"]))

    response = complete(api, filed["number"], actual_cost="1100.00")

    assert response.status_code == 201, response.content
    assert response.json()["contract_status"] == "replaced"
    assert response.json()["reimbursement"]["reimbursed"] == "1100.00"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"invoice_number": None}, "invoice_number"),
        ({"invoice_number": "   "}, "invoice_number"),
        ({"invoice_number": "i" * 65}, "invoice_number"),
        ({"invoice_number": "INV\x001"}, "invoice_number"),
        ({"invoice_number": 42}, "invoice_number"),
        ({"actual_cost": "80.001"}, "actual_cost"),
        ({"actual_cost": "-1.00"}, "actual_cost"),
        ({"actual_cost": "NaN"}, "actual_cost"),
        ({"actual_cost": 80}, "actual_cost"),
        ({"actual_cost": "1" * 40}, "actual_cost"),
        ({"completed": "2999-01-01"}, "completed"),
        ({"completed": "1900-01-01"}, "completed"),
        ({"completed": "not a date"}, "completed"),
        ({"route": "in_store"}, "route"),
        ({"reimbursed": "80.00"}, "reimbursed"),
    ],
)
def test_bad_completion_input_is_422_naming_the_field(api, approved, changes, field):
    before = claim_state(approved)

    error = error_of(complete(api, approved, **changes), 422)

    assert error["field"] == field, error
    assert claim_state(approved) == before


def test_completion_without_an_invoice_number_is_422(api, approved):
    before = claim_state(approved)
    body = {"actual_cost": "80.00", "completed": "2024-06-20"}

    error = error_of(api.post(f"/claims/{approved}/completion", body), 422)

    assert (error["code"], error["field"]) == ("invalid", "invoice_number")
    assert claim_state(approved) == before


def test_completion_before_the_filing_is_out_of_order(api, approved):
    before = claim_state(approved)

    error = error_of(complete(api, approved, completed="2024-06-09"), 409)

    assert error["code"] == "out_of_order" and "2024-06-10" in error["message"]
    assert claim_state(approved) == before


def test_a_claim_is_completed_once_and_only_when_approved(api, store, approved):
    awaiting = file_ok(
        api,
        live_contract(store, "care-jewelry-lifetime", "5000.00"),
        STONE,
        cause="accidental_damage",
    )["number"]
    denied = file_ok(api, live_contract(store), cause="theft")["number"]
    assert complete(api, approved).status_code == 201

    for number, code in [
        (approved, "claim_not_approved"),
        (awaiting, "claim_needs_review"),
        (denied, "claim_not_approved"),
    ]:
        before = claim_state(number)
        assert error_of(complete(api, number, invoice_number="INV-2"), 409)["code"] == code
        assert claim_state(number) == before


def test_the_work_endpoints_need_the_claims_scope(store, approved):
    api = ApiClient(key_make(store.retailer, scopes=["sales", "quotes"])[1])
    before = claim_state(approved)

    assert error_of(route(api, approved, route="in_store"), 403)["code"] == "scope_missing"
    assert error_of(complete(api, approved), 403)["code"] == "scope_missing"
    assert claim_state(approved) == before


def test_nothing_about_the_work_changes_other_tables(api, approved):
    before = everything()

    route(api, approved, route="in_store")
    complete(api, approved)

    after = everything()
    assert after["Reimbursement"] == before["Reimbursement"] + 1
    assert after["AuditEntry"] == before["AuditEntry"] + 2  # routed, fulfilled
    assert {key: after[key] for key in ("Claim", "ClaimLine", "Contract")} == {
        key: before[key] for key in ("Claim", "ClaimLine", "Contract")
    }
