"""Quoting and binding a policy (RULEBOOK §6)."""

import uuid

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from gemcare.catalog.selectors import insurance_rating_of
from gemcare.common.audit import audit_record
from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, translate_rule_errors
from gemcare.insurance import selectors
from gemcare.insurance.errors import InsuranceError
from gemcare.insurance.models import NamedInsured, Policy, PolicyEvent, ScheduledItem
from gemcare.insurance.schemas import PolicyBindIn, PolicyQuoteIn
from gemcare.insurance.services._common import money_text, rating_current, require_provider
from gemcare.insurance.services.notices import declarations_send
from gemcare.rules.insurance import PremiumQuote, check_possession, policy_period_end, quote_policy
from gemcare.rules.money import ZERO


def policy_quote(*, caller: Caller, data: PolicyQuoteIn) -> PremiumQuote:
    """The premium for a schedule at the rates in force today; writes nothing."""
    require_provider(caller)
    rating = insurance_rating_of(rating_current(data.product_code))
    with translate_rule_errors():
        return quote_policy(
            rating,
            state=data.state,
            deductible=data.deductible,
            limits=list(data.limits),
            installments=data.installments,
        )


def _check_refs(data: PolicyBindIn) -> None:
    seen: set[str] = set()
    for index, item in enumerate(data.items):
        if item.ref in seen:
            raise InvalidInput(
                f"items[{index}].ref",
                item.ref,
                "is used by another item",
                code=InsuranceError.DUPLICATE_ITEM_REF,
            )
        seen.add(item.ref)


@sensitive_variables("data", "insured")
@transaction.atomic
def policy_bind(*, caller: Caller, data: PolicyBindIn, billed_here: bool = True) -> Policy:
    """Issue a policy for one year from `start` at the rates in force today. `billed_here`:
    its installments are billed and its payments recorded on the platform (a scenario's
    policy is not: its premium counts as paid, `selectors.payments_tracked`)."""
    require_provider(caller)
    _check_refs(data)
    version = rating_current(data.product_code)
    rating = insurance_rating_of(version)
    index = data.value_index
    if index is None and data.value_adjustment:
        in_force = selectors.value_index_on(data.start)
        index = in_force.value if in_force is not None else None
    with translate_rule_errors():
        check_possession(
            [insured.name for insured in data.named_insureds],
            [item.possessed_by for item in data.items],
        )
        quote = quote_policy(
            rating,
            state=data.state,
            deductible=data.deductible,
            limits=[item.limit for item in data.items],
            installments=data.installments,
        )
        end = policy_period_end(data.start)

    policy = Policy.objects.create(
        number=f"new-{uuid.uuid4().hex[:16]}",
        rating_version=version,
        state=data.state,
        address=data.address,
        inception_on=data.start,
        period_start=data.start,
        period_end=end,
        deductible=data.deductible,
        installments=data.installments,
        installment=quote.installment,
        value_adjustment=data.value_adjustment,
        billed_here=billed_here,
        premium=quote.premium,
        minimum_top_up=quote.premium - sum(quote.item_premiums, ZERO),
    )
    # The number follows the row's id, so it is unique without a counter to lock.
    policy.number = f"JP-{policy.pk:06d}"
    policy.save(update_fields=["number"])
    NamedInsured.objects.bulk_create(
        NamedInsured(
            policy=policy,
            name=insured.name,
            email=insured.email,
            date_of_birth=insured.date_of_birth.isoformat() if insured.date_of_birth else "",
        )
        for insured in data.named_insureds
    )
    ScheduledItem.objects.bulk_create(
        ScheduledItem(
            policy=policy,
            ref=item.ref,
            kind=item.kind,
            description=item.description,
            limit=item.limit,
            limit_index=index,
            premium=premium,
            possessed_by=item.possessed_by,
            appraisal_value=item.appraisal_value,
            appraised_on=item.appraised_on,
            serial_number=item.serial_number,
            grading_report_number=item.grading_report_number,
            scheduled_on=data.start,
        )
        for item, premium in zip(data.items, quote.item_premiums, strict=True)
    )
    PolicyEvent.objects.create(
        policy=policy,
        kind=PolicyEvent.BOUND,
        on=data.start,
        period_start=data.start,
        premium=quote.premium,
    )
    declarations_send(policy, reason="bind")
    audit_record(
        caller=caller,
        action="policy_bound",
        entity=policy,
        data={
            "number": policy.number,
            "rating_version": version.number,
            "premium": money_text(quote.premium),
            "items": {item.ref: money_text(item.limit) for item in data.items},
        },
    )
    return policy
