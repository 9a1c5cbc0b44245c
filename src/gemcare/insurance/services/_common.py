"""What the insurance services share: who may change a policy, locking it, status changes,
the checks every endorsement of an item makes.

Input arrives already read into the typed models of `gemcare.insurance.schemas`; what is
checked here needs the database: the policy itself, its rating, its period.
"""

import datetime as dt
from decimal import Decimal

from gemcare.catalog.models import InsuranceRatingVersion
from gemcare.catalog.selectors import insurance_rating_current, insurance_rating_of
from gemcare.common import locking
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.insurance import selectors
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.models import Policy, PolicyEvent, ScheduledItem
from gemcare.insurance.services.notices import declarations_send
from gemcare.rules.errors import RuleInputError
from gemcare.rules.insurance import InsuranceRating, check_possession
from gemcare.rules.money import ZERO


def _check_caller(caller: Caller) -> None:
    caller_required(caller)


def require_provider(caller: Caller) -> None:
    """Policies are the provider's own business: retailers and holders do not quote or bind
    them (yet)."""
    _check_caller(caller)
    if not caller.is_provider:
        raise Refused(InsuranceError.NOT_ALLOWED, "Only the provider quotes and binds policies.")


def policy_locked(caller: Caller, policy: Policy, *, policyholder_allowed: bool = False) -> Policy:
    """Lock the policy's row for the rest of the transaction (one writer per policy), then
    re-read it, so that the caller's instance shows what the service did.

    A caller who may not see the policy is told it does not exist, as the selectors do. A
    policyholder sees their own policy; where `policyholder_allowed` they may also make the
    change (report a newly acquired item, cancel), and are refused otherwise.
    """
    _check_caller(caller)
    if not isinstance(policy, Policy) or policy.pk is None:
        raise TypeError("an insurance service needs a saved Policy")
    if caller.is_policyholder and caller.policy_id == policy.pk:
        if not policyholder_allowed:
            raise Refused(InsuranceError.NOT_ALLOWED, "Only the provider's staff make this change.")
    elif not caller.is_provider:
        raise NotFound("policy", policy.number)
    locking.policy_lock(policy.pk)
    policy.refresh_from_db()
    return policy


def rating_current(product_code: str) -> InsuranceRatingVersion:
    try:
        return insurance_rating_current(code=product_code)
    except NotFound:
        raise InvalidInput(
            "product_code",
            product_code,
            "is not a published insurance product",
            code=InsuranceError.UNKNOWN_PRODUCT,
        ) from None


def rating_of(policy: Policy) -> InsuranceRating:
    return insurance_rating_of(policy.rating_version)


def _not_active(policy: Policy) -> Refused:
    return Refused(
        InsuranceError.POLICY_NOT_ACTIVE,
        f"Policy {policy.number} is {policy.get_status_display().lower()}.",
    )


def policy_require_active(policy: Policy) -> None:
    if not policy.is_active:
        raise _not_active(policy)


def policy_status_change(policy: Policy, status: str) -> None:
    """Change the policy's status along `Policy.TRANSITIONS`; the caller writes the event."""
    if status not in Policy.TRANSITIONS[policy.status]:
        raise _not_active(policy)
    policy.status = status
    policy.save(update_fields=["status"])


def item_remove(
    *,
    policy: Policy,
    item: ScheduledItem,
    on: dt.date,
    refund: Decimal,
    period_start: dt.date,
    loss=None,
) -> PolicyEvent:
    """Take an item off the schedule and record the premium it gives back."""
    if ScheduledItem.REMOVED not in ScheduledItem.TRANSITIONS[item.status]:
        raise Refused(
            InsuranceError.ITEM_NOT_SCHEDULED, f"Item {item.ref} is no longer on the schedule."
        )
    item.status = ScheduledItem.REMOVED
    item.removed_on = on
    item.save(update_fields=["status", "removed_on"])
    return PolicyEvent.objects.create(
        policy=policy,
        kind=PolicyEvent.ITEM_REMOVED,
        on=on,
        period_start=period_start,
        item=item,
        loss=loss,
        refund=refund,
        limit=item.limit,
        item_premium=item.premium,
    )


def period_day_check(policy: Policy, on: dt.date, *, earliest: dt.date | None = None) -> None:
    """An endorsement takes effect within the policy's current period (and not before
    `earliest`, the day its item was scheduled)."""
    first = max(policy.period_start, earliest or policy.period_start)
    if not first <= on < policy.period_end:
        raise InvalidInput(
            "on",
            on,
            f"must fall from {first} to before {policy.period_end}",
            code=InsuranceError.NOT_IN_PERIOD,
        )


def policy_item(policy: Policy, ref: str) -> ScheduledItem:
    """The policy's item `ref`, on the schedule or not; another policy's is not found."""
    item = policy.items.filter(ref=ref).first()
    if item is None:
        raise InvalidInput("ref", ref, "is not an item of this policy")
    return item


def possession_check(policy: Policy, possessed_by: str) -> None:
    """An item is in the possession of one of the policy's named insureds (RULEBOOK §6)."""
    names = list(policy.named_insureds.values_list("name", flat=True))
    try:
        check_possession(names, [possessed_by])
    except RuleInputError as error:
        raise InvalidInput("possessed_by", possessed_by, error.message) from error


def limit_index_on(policy: Policy, given: Decimal | None, on: dt.date) -> Decimal | None:
    """The value index an item's limit is set at: the one given, or, where the insurance
    value adjustment applies, the index in force on `on` (none published: none)."""
    if given is None and policy.value_adjustment:
        in_force = selectors.value_index_on(on)
        return in_force.value if in_force is not None else None
    return given


def endorsement_close(
    *,
    caller: Caller,
    policy: Policy,
    item: ScheduledItem,
    on: dt.date,
    action: str,
    data: dict,
    charge: Decimal = ZERO,
) -> None:
    """What every endorsement of an item ends with: the premium it charges added to the
    period's, a new declarations page for the policyholder, and its audit entry (naming the
    policy, the item and the day, then `data`)."""
    if charge > ZERO:
        policy.premium += charge
        policy.save(update_fields=["premium"])
    declarations_send(policy, reason="endorsement")
    audit_record(
        caller=caller,
        action=action,
        entity=item,
        data={"policy": policy.number, "ref": item.ref, "on": on.isoformat(), **data},
    )


def money_text(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"
