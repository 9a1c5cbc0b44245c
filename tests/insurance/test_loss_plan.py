"""One item, two covers: a Gemcare plan contract on the same item pays first for what it
covers, and the policy pays the excess (RULEBOOK 6.1 step 2; the policy's "Coverage Under A
Service Plan")."""

from decimal import Decimal

import pytest
from factories import file_claim, review, sell
from insurance_factories import SYSTEM, bind
from loss_support import agree, link_plan, loss_counts, loss_state, report

from gemcare.claims.models import Claim
from gemcare.common.errors import InvalidInput, Refused
from gemcare.insurance.loss_selectors import loss_for_claim, loss_plan_matches
from gemcare.insurance.models import LossEvent


@pytest.fixture
def plan(presets):
    contract = sell("care-jewelry-lifetime", serial="SN-778", purchased="2024-03-01")
    claim = file_claim(
        contract,
        ("prong_repair", "150.00"),
        cause="accidental_damage",
        filed="2025-05-03",
        incident="2025-05-02",
    )
    if claim.needs_review:
        claim = review(claim)
    return contract, claim


def test_the_plan_pays_first_and_the_policy_the_excess(policy, plan):
    contract, claim = plan
    assert claim.approved == Decimal("150.00")
    loss = report(policy=policy, peril="accidental_damage", item_serial="SN-778")
    assert loss_plan_matches(caller=SYSTEM, loss=loss) == [contract]
    loss = link_plan(loss, contract.number, claim.number)
    assert (loss.plan_contract_id, loss.plan_claim_id) == (contract.pk, claim.pk)
    assert loss_for_claim(caller=SYSTEM, claim=claim) == loss  # the claim points back
    loss = agree(loss, "2025-05-20", "900")
    # A 900; B 900 - 150 the plan owes = 750; C 650 after the deductible
    assert loss.service_plan_due == Decimal("150.00")
    assert loss.steps == {"A": "900.00", "B": "750.00", "C": "650.00", "D": "650.00"}
    assert loss.payout == Decimal("650.00")
    assert LossEvent.objects.filter(loss=loss, kind="plan_linked").count() == 1


def test_no_match_without_a_serial_or_report(policy, plan):
    loss = report(policy=policy)
    assert loss_plan_matches(caller=SYSTEM, loss=loss) == []
    other = report(policy=policy, item_serial="SN-000")
    assert loss_plan_matches(caller=SYSTEM, loss=other) == []


def test_a_service_plan_amount_other_than_the_claims_is_refused(policy, plan):
    contract, claim = plan
    loss = link_plan(report(policy=policy), contract.number, claim.number)
    before, state = loss_counts(), loss_state(loss)
    with pytest.raises(InvalidInput) as error:
        agree(loss, "2025-05-20", "900", service_plan_due="10")
    assert error.value.field == "service_plan_due"
    assert (loss_counts(), loss_state(loss)) == (before, state)
    assert agree(loss, "2025-05-20", "900", service_plan_due="150").payout == Decimal("650.00")


def test_linking_refusals_change_nothing(policy, plan, presets):
    contract, claim = plan
    elsewhere = sell("care-jewelry-lifetime", serial="SN-9", purchased="2024-03-01")
    loss = report(policy=policy)
    before, state = loss_counts(), loss_state(loss)
    with pytest.raises(Refused) as error:
        link_plan(loss, elsewhere.number, claim.number)
    assert error.value.code == "claim_not_on_contract"
    for args, field in [
        (("C-NOPE",), "contract_number"),
        ((contract.number, "K-NOPE"), "claim_number"),
    ]:
        with pytest.raises(InvalidInput) as error:
            link_plan(loss, *args)
        assert error.value.field == field
    assert (loss_counts(), loss_state(loss)) == (before, state)
    loss = link_plan(loss, contract.number, claim.number)
    with pytest.raises(Refused) as error:
        link_plan(loss, contract.number, claim.number)
    assert error.value.code == "plan_already_linked"
    agreed = agree(link_plan(report(policy=policy), contract.number), "2025-05-20", "300")
    with pytest.raises(Refused) as error:
        link_plan(agreed, contract.number, claim.number)
    assert error.value.code == "amount_established"
    assert Claim.objects.get(pk=claim.pk).approved == Decimal("150.00")  # untouched


def test_the_scheduled_items_own_serial_finds_the_plan(presets, plan):
    from insurance_factories import RING

    contract, _ = plan
    policy = bind(items=[RING | {"serial_number": "SN-778"}])
    loss = report(policy=policy)  # nothing typed on the report itself
    assert loss_plan_matches(caller=SYSTEM, loss=loss) == [contract]


def test_only_the_provider_is_shown_matches(policy, plan):
    from gemcare.common.callers import Caller

    loss = report(policy=policy, item_serial="SN-778")
    holder = Caller.policyholder(policy.named_insureds.get())
    assert loss_plan_matches(caller=holder, loss=loss) == []
