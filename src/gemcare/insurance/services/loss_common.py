"""What the loss services share: who may act on a loss, locking, the status table, the
append-only log, and the settlement in the period of the loss's own date. A loss on a policy
is written under the policy's lock, taken as every policy service takes it
(`_common.policy_locked`).

A loss is settled in the policy period that contains its date (a loss reported after a
renewal belongs to the year it happened in), with the item's limit and premium of that year.
On a cancelled policy the current period ends on the cancellation date.
"""

import datetime as dt
from decimal import Decimal

from gemcare.common import locking
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import CommonError, ErrorCode, NotFound, Refused, translate_rule_errors
from gemcare.insurance import selectors
from gemcare.insurance.models import Loss, LossEvent, Policy, PolicyEvent, ScheduledItem
from gemcare.insurance.services._common import item_remove
from gemcare.rules.insurance import (
    LossFacts,
    LossSettlement,
    PolicyFacts,
    ScheduledItemFacts,
    appraisers_named_on,
    loss_deadlines,
    settle_loss,
    unearned_premium,
)
from gemcare.rules.money import ZERO


class LossError(ErrorCode):
    OUT_OF_ORDER = (
        "out_of_order",
        "A step of a loss may not be dated before the step before it.",
    )
    NOT_ALLOWED = "not_allowed", "The caller may not take this step on a loss."
    APPRAISER_ALREADY_NAMED = (
        "appraiser_already_named",
        "That side has already named its appraiser.",
    )
    APPRAISERS_NOT_NAMED = (
        "appraisers_not_named",
        "The umpire is chosen by the two appraisers, once both are named.",
    )
    NOT_IN_APPRAISAL = "not_in_appraisal", "The loss is not in appraisal."
    IN_APPRAISAL = (
        "in_appraisal",
        "The loss is in appraisal: the award sets its amount.",
    )
    UMPIRE_ALREADY_NAMED = "umpire_already_named", "The umpire is already chosen."
    NOT_AN_APPROVED_JEWELER = (
        "not_an_approved_jeweler",
        "Repair or replacement goes through a jeweler approved by the insurer.",
    )
    CLAIM_NOT_ON_CONTRACT = "claim_not_on_contract", "The claim is on another plan contract."
    PLAN_ALREADY_LINKED = "plan_already_linked", "The loss already points at a plan claim."
    AMOUNT_ESTABLISHED = (
        "amount_established",
        "The amount of the loss is already established: the plan is linked before that.",
    )
    NOTHING_TO_RECOVER = (
        "nothing_to_recover",
        "Only property the insurer has paid for or replaced becomes the insurer's.",
    )
    ALREADY_RECOVERED = "already_recovered", "The property was already recovered."


def loss_locked(caller: Caller, loss: Loss) -> Loss:
    """Lock the loss's policy, then re-read the loss: only the provider takes its steps."""
    caller_required(caller)
    if not isinstance(loss, Loss) or loss.pk is None:
        raise TypeError("a loss service needs a saved Loss")
    if not caller.is_provider:
        raise NotFound("loss", loss.pk)
    locking.policy_lock(loss.policy_id)
    loss.refresh_from_db()
    return loss


def status_change(loss: Loss, status: str) -> None:
    """Move the loss along `Loss.TRANSITIONS`; anything else is refused before a write."""
    if status not in Loss.TRANSITIONS[loss.status]:
        raise Refused(
            CommonError.ILLEGAL_TRANSITION,
            f"A loss that is {loss.get_status_display().lower()} cannot become "
            f"{dict(Loss.STATUSES)[status].lower()}.",
        )
    loss.status = status


def last_step_on(loss: Loss) -> dt.date:
    last = loss.history.order_by("-on", "-id").values_list("on", flat=True).first()
    return last or loss.reported_on or loss.known_on


def in_order(loss: Loss, on: dt.date) -> None:
    """A step is dated on or after the step before it (the report, at the earliest)."""
    last = last_step_on(loss)
    if on < last:
        raise Refused(
            LossError.OUT_OF_ORDER,
            f"The step is dated {on}, before the loss's last step on {last}.",
        )


def event_write(caller: Caller, loss: Loss, kind: str, on: dt.date, **fields) -> LossEvent:
    return LossEvent.objects.create(
        loss=loss, kind=kind, on=on, status=loss.status, actor=caller.label, **fields
    )


def clocks_refresh(loss: Loss) -> None:
    """Every deadline kept on the loss, from the dates of its steps (the rules' clocks)."""
    with translate_rule_errors():
        deadlines = loss_deadlines(
            known_on=loss.known_on,
            proof_requested_on=loss.proof_requested_on,
            amount_agreed_on=loss.amount_agreed_on,
            appraisal_demanded_on=loss.appraisal_demanded_on,
            appraisers_named_on=appraisers_named_on(
                loss.insured_appraiser_named_on, loss.insurer_appraiser_named_on
            ),
        )
    loss.proof_of_loss_due = deadlines.proof_of_loss_due
    loss.payment_due = deadlines.payment_due
    loss.appraiser_named_by = deadlines.appraiser_named_by
    loss.umpire_chosen_by = deadlines.umpire_chosen_by
    loss.suit_by = deadlines.suit_by


# --- the period and terms of the loss's date ---------------------------------------------------


def period_of(policy: Policy, day: dt.date) -> tuple[dt.date, dt.date, dt.date | None]:
    """The period containing `day` (else the current one), and the cancellation date when the
    policy was cancelled in that period."""
    periods = selectors.policy_periods(policy=policy)
    start, end = next(((s, e) for s, e in periods if s <= day < e), periods[-1])
    covered_until = None
    if start == policy.period_start and policy.status == Policy.CANCELLED:
        covered_until = min(end, policy.cancellation.cancel_on)
    return start, end, covered_until


def item_terms_on(item: ScheduledItem, day: dt.date) -> tuple[Decimal, Decimal]:
    """The item's limit and annual premium on `day`: the first change after `day` (a
    renewal, or an endorsement that took effect later) kept what held until then. A loss
    may be reported after a change that is dated later than the loss."""
    later = (
        item.events.filter(
            kind__in=[PolicyEvent.ITEM_RENEWED, PolicyEvent.ITEM_CHANGED], on__gt=day
        )
        .order_by("on", "id")
        .first()
    )
    if later is None:
        return item.limit, item.premium
    return later.previous_limit, later.previous_item_premium


def scheduled_limits_on(policy: Policy, day: dt.date) -> Decimal:
    items = policy.items.filter(scheduled_on__lte=day).exclude(removed_on__lte=day)
    return sum((item_terms_on(item, day)[0] for item in items), ZERO)


def policy_facts(policy: Policy, loss_on: dt.date) -> PolicyFacts:
    start, end, covered_until = period_of(policy, loss_on)
    return PolicyFacts(
        start=start,
        end=end,
        deductible=policy.deductible,
        total_scheduled_limits=scheduled_limits_on(policy, loss_on),
        covered_until=covered_until,
    )


def loss_facts(loss: Loss, *, cost: Decimal = ZERO) -> LossFacts:
    return LossFacts(
        loss_on=loss.loss_on,
        peril=loss.peril,
        cost=cost,
        repair=loss.repair or None,
        service_plan_due=loss.service_plan_due,
        paid_by_others=loss.paid_by_others,
        other_insurance_limits=loss.other_insurance_limits,
        pair_set_amount=loss.pair_set_amount,
        newly_acquired_on=loss.newly_acquired_on,
    )


def settlement_apply(loss: Loss, policy: Policy, cost: Decimal) -> LossSettlement:
    """Settle the loss by the rules and keep the result on it; a total loss takes the item
    off the schedule and refunds its unearned premium (RULEBOOK 6.1). The caller saves the
    loss and writes the event."""
    facts = policy_facts(policy, loss.loss_on)
    item_facts = None
    if loss.item_id is not None:
        limit, premium = item_terms_on(loss.item, loss.loss_on)
        item_facts = ScheduledItemFacts(limit=limit, premium=premium)
    with translate_rule_errors():
        settlement = settle_loss(facts, loss_facts(loss, cost=cost), item_facts)
        # A total loss in a past period also ends the item's cover in the current one.
        later_refund = ZERO
        if settlement.item_removed and facts.start != policy.period_start and policy.is_active:
            later_refund = unearned_premium(
                loss.item.premium, policy.period_start, policy.period_end, policy.period_start
            )
    loss.cost = cost
    loss.period_start, loss.period_end = facts.start, facts.end
    loss.covered = settlement.covered
    loss.reason_code = settlement.reason.code
    loss.reason_words = settlement.reason.words
    loss.payout = settlement.payout
    loss.item_removed = settlement.item_removed
    loss.refund = settlement.refund + later_refund
    loss.steps = {step: str(amount) for step, amount in settlement.steps.items()}
    loss.save()
    if settlement.item_removed:
        item = loss.item
        item_remove(
            policy=policy,
            item=item,
            on=loss.loss_on,
            refund=settlement.refund,
            period_start=facts.start,
            loss=loss,
        )
        if later_refund:
            PolicyEvent.objects.create(
                policy=policy,
                kind=PolicyEvent.ITEM_REMOVED,
                on=policy.period_start,
                period_start=policy.period_start,
                item=item,
                loss=loss,
                refund=later_refund,
                limit=item.limit,
                item_premium=item.premium,
            )
    return settlement
