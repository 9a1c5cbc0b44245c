"""Who may change a policy: provider staff and the system; no retailer or holder yet."""

import pytest
from django.contrib.auth import get_user_model
from insurance_factories import (
    SYSTEM,
    add_item,
    bind,
    cancel,
    other_callers,
    policy_state,
    quote,
    record_loss,
    remove_item,
    renew,
    row_counts,
)

from gemcare.common.callers import Caller
from gemcare.common.errors import NotFound, Refused
from gemcare.common.models import AuditEntry
from gemcare.insurance import services
from gemcare.insurance.schemas import PolicyRenewIn

CHANGES = {
    "add": (add_item, {"ref": "n1", "kind": "necklace", "limit": "5000", "on": "2025-07-02"}),
    "remove": (remove_item, {"ref": "r1", "on": "2025-03-01"}),
    "loss": (
        record_loss,
        {"loss_on": "2025-05-02", "item_ref": "r1", "peril": "fire", "cost": "50"},
    ),
    "cancel": (cancel, {"cancel_on": "2025-07-01", "by": "insured"}),
    "renew": (renew, {}),
}


@pytest.mark.parametrize("who", ["retailer", "store", "holder"])
@pytest.mark.parametrize("change", CHANGES)
def test_another_tenant_cannot_change_a_policy(policy, who, change):
    service, fields = CHANGES[change]
    before, state = row_counts(), policy_state(policy)
    with pytest.raises(NotFound) as error:
        service(policy=policy, caller=other_callers()[who], **fields)
    assert error.value.code == "policy_not_found"
    assert (row_counts(), policy_state(policy)) == (before, state)


@pytest.mark.parametrize("who", ["retailer", "store", "holder"])
def test_another_tenant_cannot_quote_or_bind(presets, who):
    before = row_counts()
    with pytest.raises(Refused) as error:
        bind(caller=other_callers()[who])
    assert error.value.code == "not_allowed"
    with pytest.raises(Refused) as error:
        quote(caller=other_callers()[who], state="WI", deductible="100", limits=["8000"])
    assert error.value.code == "not_allowed"
    assert row_counts() == before


def test_a_service_needs_a_caller(policy):
    before = row_counts()
    with pytest.raises(TypeError):
        services.policy_renew(policy=policy, data=PolicyRenewIn())
    with pytest.raises(TypeError):
        services.policy_renew(caller=None, policy=policy, data=PolicyRenewIn())
    assert row_counts() == before


def test_the_audit_entry_names_the_caller_and_no_tenant(presets):
    policy = bind()
    entry = AuditEntry.objects.get(action="policy_bound", entity_id=str(policy.pk))
    assert (entry.actor_label, entry.actor_id, entry.retailer_id) == (SYSTEM.label, None, None)

    user = get_user_model().objects.create_user("adjuster", "adj@example.com", "x")
    staff = Caller.provider(user, role="adjuster")
    record_loss(
        policy=policy,
        caller=staff,
        loss_on="2025-05-02",
        item_ref="r1",
        peril="fire",
        cost="50",
    )
    entry = AuditEntry.objects.get(action="loss_recorded")
    assert (entry.actor_label, entry.actor_id, entry.retailer_id) == (
        f"user:{user.pk}",
        user.pk,
        None,
    )


@pytest.mark.parametrize("number", ["JP-\x00001", "", "x" * 5000, 12, None])
def test_a_number_no_policy_can_have_is_not_found(policy, number):
    from gemcare.insurance.selectors import policy_get

    with pytest.raises(NotFound):
        policy_get(caller=SYSTEM, number=number)
