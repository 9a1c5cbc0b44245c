"""Appraisal, when the insured and the insurer do not agree on the amount of a loss (the
policy's Conditions, Appraisal; RULEBOOK 6.1's deadlines).

Either side makes a written demand; each names an appraiser within 20 days of it; once both
are named the two appraisers pick an umpire within 15 days; the award (agreed by any two of
the three) sets the amount of the loss, which the rules then settle like an agreed amount.
Every clock is kept on the loss, so the deadlines board and the loss's page show them.
"""

from django.db import transaction

from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.errors import Refused
from gemcare.insurance.loss_schemas import (
    AppraisalDemandIn,
    AppraiserNameIn,
    LossAgreeIn,
    UmpireNameIn,
)
from gemcare.insurance.models import Loss, LossEvent
from gemcare.insurance.services.loss_common import (
    LossError,
    clocks_refresh,
    event_write,
    in_order,
    loss_locked,
    status_change,
)
from gemcare.insurance.services.losses import amount_establish, settled_data
from gemcare.rules.insurance import INSURED


def _in_appraisal(loss: Loss) -> None:
    if loss.status != Loss.APPRAISAL:
        raise Refused(
            LossError.NOT_IN_APPRAISAL,
            f"The loss is {loss.get_status_display().lower()}, not in appraisal.",
        )


@transaction.atomic
def loss_appraisal_demand(*, caller: Caller, loss: Loss, data: AppraisalDemandIn) -> Loss:
    """A written demand for appraisal, by either side: each names an appraiser within 20
    days of it."""
    loss = loss_locked(caller, loss)
    in_order(loss, data.on)
    status_change(loss, Loss.APPRAISAL)
    loss.appraisal_demanded_on, loss.appraisal_demanded_by = data.on, data.by
    clocks_refresh(loss)
    loss.save()
    event_write(caller, loss, LossEvent.APPRAISAL_DEMANDED, data.on, by=data.by)
    audit_record(
        caller=caller,
        action="loss_appraisal_demanded",
        entity=loss,
        data={"by": data.by, "appraisers_by": loss.appraiser_named_by.isoformat()},
    )
    return loss


@transaction.atomic
def loss_appraiser_name(*, caller: Caller, loss: Loss, data: AppraiserNameIn) -> Loss:
    """One side names its appraiser; when both have, the umpire's 15 days start."""
    loss = loss_locked(caller, loss)
    _in_appraisal(loss)
    in_order(loss, data.on)
    prefix = "insured" if data.side == INSURED else "insurer"
    if getattr(loss, f"{prefix}_appraiser_named_on") is not None:
        raise Refused(
            LossError.APPRAISER_ALREADY_NAMED,
            f"The {prefix} named {getattr(loss, f'{prefix}_appraiser')} already.",
        )
    setattr(loss, f"{prefix}_appraiser", data.name)
    setattr(loss, f"{prefix}_appraiser_named_on", data.on)
    clocks_refresh(loss)
    loss.save()
    event_write(caller, loss, LossEvent.APPRAISER_NAMED, data.on, by=data.side, name=data.name)
    audit_record(
        caller=caller,
        action="loss_appraiser_named",
        entity=loss,
        data={
            "side": data.side,
            "late": data.on > loss.appraiser_named_by,
            "umpire_by": loss.umpire_chosen_by.isoformat() if loss.umpire_chosen_by else None,
        },
    )
    return loss


@transaction.atomic
def loss_umpire_name(*, caller: Caller, loss: Loss, data: UmpireNameIn) -> Loss:
    """The umpire the two appraisers chose (or, past their 15 days, a judge did)."""
    loss = loss_locked(caller, loss)
    _in_appraisal(loss)
    if loss.umpire_chosen_by is None:
        raise Refused(LossError.APPRAISERS_NOT_NAMED, LossError.APPRAISERS_NOT_NAMED.words)
    if loss.umpire_named_on is not None:
        raise Refused(LossError.UMPIRE_ALREADY_NAMED, LossError.UMPIRE_ALREADY_NAMED.words)
    in_order(loss, data.on)
    loss.umpire, loss.umpire_named_on = data.name, data.on
    loss.save(update_fields=["umpire", "umpire_named_on"])
    event_write(caller, loss, LossEvent.UMPIRE_NAMED, data.on, name=data.name)
    audit_record(
        caller=caller,
        action="loss_umpire_named",
        entity=loss,
        data={"late": data.on > loss.umpire_chosen_by},
    )
    return loss


@transaction.atomic
def loss_appraisal_award(*, caller: Caller, loss: Loss, data: LossAgreeIn) -> Loss:
    """The award sets the amount of the loss: the rules settle it as an agreed amount, and
    payment is due 30 days after the award is filed."""
    loss = loss_locked(caller, loss)
    _in_appraisal(loss)
    loss = amount_establish(caller, loss.policy, loss, data, kind=LossEvent.APPRAISAL_AWARD)
    audit_record(caller=caller, action="loss_appraisal_award", entity=loss, data=settled_data(loss))
    return loss
