"""Who may write a loss on a policy: the lock every policy service takes decides it."""

import pytest
from insurance_factories import bind, other_callers, policy_state, record_loss
from loss_support import loss_counts, report

from gemcare.common.callers import Caller
from gemcare.common.errors import NotFound, Refused
from gemcare.insurance.models import Loss

LOSS = {"loss_on": "2025-05-02", "item_ref": "r1", "peril": "fire", "cost": "50"}


def test_a_policyholder_reports_a_loss_but_does_not_agree_its_amount_at_once(presets):
    policy = bind()
    holder = Caller.policyholder(policy.named_insureds.get())
    reported = report(policy=policy, caller=holder)
    assert (reported.channel, reported.status) == (Loss.CUSTOMER, Loss.REPORTED)
    before, state = loss_counts(), policy_state(policy)
    with pytest.raises(Refused) as error:
        record_loss(policy=policy, caller=holder, **LOSS)
    assert error.value.code == "not_allowed"
    assert (loss_counts(), policy_state(policy)) == (before, state)


def test_a_policyholder_writes_no_loss_on_another_policy(presets):
    mine, theirs = bind(), bind()
    holder = Caller.policyholder(mine.named_insureds.get())
    before, state = loss_counts(), policy_state(theirs)
    with pytest.raises(NotFound) as error:
        record_loss(policy=theirs, caller=holder, **LOSS)
    assert error.value.code == "policy_not_found"
    with pytest.raises(NotFound):
        report(policy=theirs, caller=holder)
    assert (loss_counts(), policy_state(theirs)) == (before, state)


@pytest.mark.parametrize("who", ["retailer", "store", "holder"])
def test_other_callers_are_told_the_policy_does_not_exist(policy, who):
    before, state = loss_counts(), policy_state(policy)
    caller = other_callers()[who]
    with pytest.raises(NotFound) as error:
        record_loss(policy=policy, caller=caller, **LOSS)
    assert error.value.code == "policy_not_found"
    with pytest.raises(NotFound) as error:
        report(policy=policy, caller=caller)
    assert error.value.code == "policy_not_found"
    assert (loss_counts(), policy_state(policy)) == (before, state)


@pytest.mark.parametrize("policy_given", [None, "JP-000001", Loss()])
def test_a_loss_is_written_on_a_saved_policy_only(presets, policy_given):
    before = loss_counts()
    with pytest.raises(TypeError):
        record_loss(policy=policy_given, **LOSS)
    assert loss_counts() == before
