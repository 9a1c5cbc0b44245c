"""Reading losses: one loss, a policy's losses, the clocks still running on them, the plan
contracts that may also cover the item, and the loss a plan claim belongs to.

Losses are the provider's records, like their policies: provider staff and the system see
them all, a verified policyholder the losses of their own policy alone; anyone else is told a
loss does not exist, exactly as for an id never issued.
"""

import datetime as dt

from django.db.models import Q, QuerySet

from gemcare.claims.models import Claim
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import NotFound
from gemcare.contracts.models import Contract
from gemcare.insurance.deadlines import BOTH, INSURED, INSURER, Deadline
from gemcare.insurance.models import Loss, LossEvent, LossFile, Policy

# Row ids are 64-bit: a larger number in an address names no row.
ROW_ID_LIMIT = 2**63

# The statuses in which each clock runs; once the step is taken, the clock stops.
SUIT_RUNS = frozenset(
    {Loss.REPORTED, Loss.PROOF_REQUESTED, Loss.APPRAISAL, Loss.AGREED, Loss.DENIED}
)


def losses_visible(*, caller: Caller) -> QuerySet[Loss]:
    caller_required(caller)
    if caller.is_provider:
        return Loss.objects.all()
    if caller.is_policyholder:
        return Loss.objects.filter(policy_id=caller.policy_id)
    return Loss.objects.none()


def loss_get(*, caller: Caller, loss_id: object, policy: Policy | None = None) -> Loss:
    """The caller's loss by its id (on `policy`, when given); another policy's loss answers
    "not found", exactly like an id that does not exist."""
    if isinstance(loss_id, str) and loss_id.isdigit() and len(loss_id) < 20:
        loss_id = int(loss_id)
    if isinstance(loss_id, bool) or not isinstance(loss_id, int) or not 0 < loss_id < ROW_ID_LIMIT:
        raise NotFound("loss", loss_id)
    losses = losses_visible(caller=caller).select_related(
        "policy", "item", "jeweler", "plan_contract", "plan_claim"
    )
    if policy is not None:
        losses = losses.filter(policy=policy)
    loss = losses.filter(pk=loss_id).first()
    if loss is None:
        raise NotFound("loss", loss_id)
    return loss


def policy_losses(*, caller: Caller, policy: Policy) -> QuerySet[Loss]:
    return (
        losses_visible(caller=caller)
        .filter(policy=policy)
        .select_related("item")
        .order_by("-loss_on", "-id")
    )


def loss_history(loss: Loss) -> list[LossEvent]:
    return list(loss.history.order_by("on", "id"))


def loss_clocks(loss: Loss) -> list[Deadline]:
    """Every clock still running on one loss, by due date: what the board and the loss's
    page show. A clock stops when its step is taken: proof of loss when the amount is
    established, each appraiser when named, the umpire when chosen, payment when settled; the
    suit limitation runs until the loss is settled or closed."""
    deadlines = []

    def add(kind: str, due_on: dt.date | None, who: str, what: str) -> None:
        if due_on is not None:
            deadlines.append(
                Deadline(
                    kind=kind,
                    due_on=due_on,
                    policy_number=loss.policy.number,
                    what=what,
                    loss_id=loss.pk,
                    item_ref=loss.item.ref if loss.item_id else None,
                    who=who,
                )
            )

    if loss.status == Loss.PROOF_REQUESTED:
        add(
            "proof_of_loss",
            loss.proof_of_loss_due,
            INSURED,
            f"Signed, sworn proof of loss, asked for on {loss.proof_requested_on}.",
        )
    if loss.status == Loss.APPRAISAL:
        if loss.insured_appraiser_named_on is None:
            add(
                "appraiser_insured",
                loss.appraiser_named_by,
                INSURED,
                f"The insured names an appraiser (demanded {loss.appraisal_demanded_on}).",
            )
        if loss.insurer_appraiser_named_on is None:
            add(
                "appraiser_insurer",
                loss.appraiser_named_by,
                INSURER,
                f"The insurer names an appraiser (demanded {loss.appraisal_demanded_on}).",
            )
        if loss.umpire_named_on is None:
            add(
                "umpire",
                loss.umpire_chosen_by,
                BOTH,
                f"The appraisers {loss.insured_appraiser} and {loss.insurer_appraiser} "
                "choose an umpire.",
            )
    if loss.status == Loss.AGREED:
        add(
            "loss_payment",
            loss.payment_due,
            INSURER,
            f"Settle the agreed ${loss.payout:,.2f} (agreed {loss.amount_agreed_on}).",
        )
    if loss.status in SUIT_RUNS:
        add(
            "suit_limitation",
            loss.suit_by,
            INSURED,
            f"Last day to sue over the loss of {loss.loss_on} (one year after the insured "
            "knew of it).",
        )
    deadlines.sort(key=lambda deadline: deadline.due_on)
    return deadlines


def loss_deadlines(*, caller: Caller, on: dt.date, policy: Policy | None = None) -> list[Deadline]:
    """The clocks running on the caller's losses, overdue ones included (they stay until the
    step is taken), by due date. `on` is the day the board is read: nothing here hides by it,
    the board marks what is past it as overdue."""
    losses = losses_visible(caller=caller).filter(status__in=SUIT_RUNS)
    if policy is not None:
        losses = losses.filter(policy=policy)
    found = []
    for loss in losses.select_related("policy", "item"):
        found.extend(loss_clocks(loss))
    found.sort(key=lambda deadline: (deadline.due_on, deadline.policy_number))
    return found


def loss_plan_matches(*, caller: Caller, loss: Loss) -> list[Contract]:
    """Plan contracts that may cover the same item: the same serial number or grading-report
    number as the loss (or its scheduled item) records. Staff confirm by linking one."""
    caller_required(caller)
    if not caller.is_provider:
        return []
    serials = {loss.item_serial}
    reports = {loss.item_grading_report}
    if loss.item_id is not None:
        serials.add(getattr(loss.item, "serial_number", "") or "")
        reports.add(getattr(loss.item, "grading_report_number", "") or "")
    serials.discard("")
    reports.discard("")
    match = Q(item_serial__in=serials) if serials else Q(pk__in=[])
    if reports and any(f.name == "item_grading_report" for f in Contract._meta.get_fields()):
        match |= Q(item_grading_report__in=reports)
    if not serials and not reports:
        return []
    return list(
        Contract.objects.filter(match).select_related("holder").order_by("-purchased_on")[:10]
    )


def loss_for_claim(*, caller: Caller, claim: Claim) -> Loss | None:
    """The insurance loss that points at this plan claim, for the claim's office page, if
    the caller may see it."""
    return losses_visible(caller=caller).filter(plan_claim=claim).select_related("policy").first()


def loss_file_get(*, caller: Caller, loss: Loss, file_id: object) -> LossFile:
    """One file of a loss the caller already fetched through `loss_get`; another loss's
    file answers "not found"."""
    if isinstance(file_id, bool) or not isinstance(file_id, int) or not 0 < file_id < ROW_ID_LIMIT:
        raise NotFound("loss_file", file_id)
    found = losses_visible(caller=caller).filter(pk=loss.pk).exists() and (
        LossFile.objects.filter(loss=loss, pk=file_id).first()
    )
    if not found:
        raise NotFound("loss_file", file_id)
    return found
