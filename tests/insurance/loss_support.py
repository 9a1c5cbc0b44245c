"""Helpers for the loss tests: each step through the real service, its input read first
(`validate_input`), exactly as the pages and the scenario suite call them."""

from insurance_factories import INSURANCE_MODELS, SYSTEM

from gemcare.common.callers import Caller
from gemcare.common.schemas import validate_input
from gemcare.insurance import loss_schemas, services
from gemcare.insurance.models import Loss, LossEvent, LossFile

LOSS_MODELS = (*INSURANCE_MODELS, LossEvent, LossFile)


def report(*, policy, caller: Caller = SYSTEM, **fields):
    values = {"loss_on": "2025-05-02", "item_ref": "r1", "peril": "fire"} | fields
    # Reported the day the insured knew, unless a test says otherwise (else: today).
    if isinstance(values["loss_on"], str) and values["loss_on"][:2] == "20":
        values.setdefault("reported_on", values.get("known_on") or values["loss_on"])
    data = validate_input(loss_schemas.LossReportIn, values)
    return services.loss_report(caller=caller, policy=policy, data=data)


def request_proof(loss, on, *, caller: Caller = SYSTEM):
    data = validate_input(loss_schemas.LossStepIn, {"on": on})
    return services.loss_proof_request(caller=caller, loss=loss, data=data)


def agree(loss, on, cost, *, caller: Caller = SYSTEM, **fields):
    data = validate_input(loss_schemas.LossAgreeIn, {"on": on, "cost": cost, **fields})
    return services.loss_agree(caller=caller, loss=loss, data=data)


def demand(loss, on, by="insured", *, caller: Caller = SYSTEM):
    data = validate_input(loss_schemas.AppraisalDemandIn, {"on": on, "by": by})
    return services.loss_appraisal_demand(caller=caller, loss=loss, data=data)


def name_appraiser(loss, on, side, name, *, caller: Caller = SYSTEM):
    data = validate_input(loss_schemas.AppraiserNameIn, {"on": on, "side": side, "name": name})
    return services.loss_appraiser_name(caller=caller, loss=loss, data=data)


def name_umpire(loss, on, name, *, caller: Caller = SYSTEM):
    data = validate_input(loss_schemas.UmpireNameIn, {"on": on, "name": name})
    return services.loss_umpire_name(caller=caller, loss=loss, data=data)


def award(loss, on, cost, *, caller: Caller = SYSTEM, **fields):
    data = validate_input(loss_schemas.LossAgreeIn, {"on": on, "cost": cost, **fields})
    return services.loss_appraisal_award(caller=caller, loss=loss, data=data)


def settle(loss, on, by="payment", *, caller: Caller = SYSTEM, **fields):
    data = validate_input(loss_schemas.LossSettleIn, {"on": on, "by": by, **fields})
    return services.loss_settle(caller=caller, loss=loss, data=data)


def recover(loss, on, note="Found by the police", *, caller: Caller = SYSTEM):
    data = validate_input(loss_schemas.LossRecoveryIn, {"on": on, "note": note})
    return services.loss_recovery_record(caller=caller, loss=loss, data=data)


def close(loss, on, *, caller: Caller = SYSTEM):
    data = validate_input(loss_schemas.LossStepIn, {"on": on})
    return services.loss_close(caller=caller, loss=loss, data=data)


def link_plan(loss, contract_number, claim_number=None, *, caller: Caller = SYSTEM):
    values = {"contract_number": contract_number}
    if claim_number is not None:
        values["claim_number"] = claim_number
    data = validate_input(loss_schemas.LossPlanLinkIn, values)
    return services.loss_plan_link(caller=caller, loss=loss, data=data)


def loss_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in LOSS_MODELS}


def loss_state(loss) -> dict:
    """Every column of the loss, to show a refusal changed none."""
    fresh = Loss.objects.get(pk=loss.pk)
    return {field.attname: getattr(fresh, field.attname) for field in Loss._meta.concrete_fields}


def kinds(loss) -> list[str]:
    return list(loss.history.order_by("id").values_list("kind", flat=True))
