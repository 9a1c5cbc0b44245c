"""Quoting and binding a policy (RULEBOOK §6)."""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from gemcare.catalog.selectors import insurance_rating_of
from gemcare.common.audit import audit_record
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, translate_rule_errors
from gemcare.common.inputs import (
    check_state,
    parse_amount,
    parse_day,
    parse_flag,
    parse_optional_day,
    parse_text,
)
from gemcare.insurance.models import NamedInsured, Policy, PolicyEvent, ScheduledItem
from gemcare.insurance.services._common import (
    check_keys,
    money_text,
    parse_email,
    parse_index,
    parse_installments,
    rating_current,
)
from gemcare.rules.insurance import PremiumQuote, check_possession, policy_period_end, quote_policy
from gemcare.rules.money import ZERO

NAMED_INSURED_KEYS = {"name", "email", "date_of_birth"}
ITEM_KEYS = {"ref", "kind", "description", "limit", "possessed_by"}


@dataclass(frozen=True, slots=True)
class _Insured:
    name: str
    email: str
    date_of_birth: str


@dataclass(frozen=True, slots=True)
class _Item:
    ref: str
    kind: str
    description: str
    limit: Decimal
    possessed_by: str


def _parse_limits(limits: object) -> list[Decimal]:
    if not isinstance(limits, list | tuple) or not limits:
        raise InvalidInput("limits", limits, "at least one limit is needed")
    return [
        parse_amount(limit, field=f"limits[{index}]", allow_zero=False)
        for index, limit in enumerate(limits)
    ]


def policy_quote(
    *,
    state: str,
    deductible: str | Decimal,
    limits: Sequence[str | Decimal],
    installments: int | str = 1,
    product_code: str = "personal-jewelry",
) -> PremiumQuote:
    """The premium for a schedule at the rates in force today; writes nothing."""
    state = check_state(state)
    deductible = parse_amount(deductible, field="deductible")
    parsed_limits = _parse_limits(limits)
    installments = parse_installments(installments)
    rating = insurance_rating_of(rating_current(product_code))
    with translate_rule_errors():
        return quote_policy(
            rating,
            state=state,
            deductible=deductible,
            limits=parsed_limits,
            installments=installments,
        )


def _parse_named_insureds(named_insureds: object) -> list[_Insured]:
    if not isinstance(named_insureds, list | tuple) or not named_insureds:
        raise InvalidInput("named_insureds", named_insureds, "at least one named insured is needed")
    insureds = []
    for index, raw in enumerate(named_insureds):
        field = f"named_insureds[{index}]"
        raw = check_keys(raw, field=field, allowed=NAMED_INSURED_KEYS)
        born = parse_optional_day(raw.get("date_of_birth"), field=f"{field}.date_of_birth")
        if born is not None and born > today():
            raise InvalidInput(f"{field}.date_of_birth", born, "is after today")
        insureds.append(
            _Insured(
                name=parse_text(raw.get("name"), field=f"{field}.name", max_length=200),
                email=parse_email(raw.get("email"), field=f"{field}.email"),
                date_of_birth=born.isoformat() if born else "",
            )
        )
    return insureds


def _parse_items(items: object) -> list[_Item]:
    if not isinstance(items, list | tuple) or not items:
        raise InvalidInput("items", items, "at least one scheduled item is needed")
    parsed: list[_Item] = []
    for index, raw in enumerate(items):
        field = f"items[{index}]"
        raw = check_keys(raw, field=field, allowed=ITEM_KEYS)
        ref = parse_text(raw.get("ref"), field=f"{field}.ref", max_length=32)
        if any(item.ref == ref for item in parsed):
            raise InvalidInput(
                f"{field}.ref", ref, "is used by another item", code="duplicate_item_ref"
            )
        parsed.append(
            _Item(
                ref=ref,
                kind=parse_text(raw.get("kind"), field=f"{field}.kind", max_length=32),
                description=parse_text(
                    raw.get("description"),
                    field=f"{field}.description",
                    max_length=300,
                    required=False,
                ),
                limit=parse_amount(raw.get("limit"), field=f"{field}.limit", allow_zero=False),
                possessed_by=parse_text(
                    raw.get("possessed_by"),
                    field=f"{field}.possessed_by",
                    max_length=200,
                    required=False,
                ),
            )
        )
    return parsed


@transaction.atomic
def policy_bind(
    *,
    actor=None,
    named_insureds: list[dict],
    address: str = "",
    state: str,
    start: str | dt.date,
    deductible: str | Decimal,
    items: list[dict],
    installments: int | str = 1,
    value_adjustment: bool = False,
    value_index: str | Decimal | None = None,
    product_code: str = "personal-jewelry",
) -> Policy:
    """Issue a policy for one year from `start` at the rates in force today."""
    state = check_state(state)
    start = parse_day(start, field="start")
    deductible = parse_amount(deductible, field="deductible")
    installments = parse_installments(installments)
    address = parse_text(address, field="address", max_length=300, required=False)
    value_adjustment = parse_flag(value_adjustment, field="value_adjustment")
    value_index = parse_index(value_index, field="value_index")
    insureds = _parse_named_insureds(named_insureds)
    lines = _parse_items(items)
    version = rating_current(product_code)
    rating = insurance_rating_of(version)
    with translate_rule_errors():
        check_possession([i.name for i in insureds], [line.possessed_by for line in lines])
        quote = quote_policy(
            rating,
            state=state,
            deductible=deductible,
            limits=[line.limit for line in lines],
            installments=installments,
        )
        end = policy_period_end(start)

    policy = Policy.objects.create(
        number=f"new-{uuid.uuid4().hex[:16]}",
        rating_version=version,
        state=state,
        address=address,
        inception_on=start,
        period_start=start,
        period_end=end,
        deductible=deductible,
        installments=installments,
        installment=quote.installment,
        value_adjustment=value_adjustment,
        premium=quote.premium,
        minimum_top_up=quote.premium - sum(quote.item_premiums, ZERO),
    )
    # The number follows the row's id, so it is unique without a counter to lock.
    policy.number = f"JP-{policy.pk:06d}"
    policy.save(update_fields=["number"])
    NamedInsured.objects.bulk_create(
        NamedInsured(policy=policy, name=i.name, email=i.email, date_of_birth=i.date_of_birth)
        for i in insureds
    )
    ScheduledItem.objects.bulk_create(
        ScheduledItem(
            policy=policy,
            ref=line.ref,
            kind=line.kind,
            description=line.description,
            limit=line.limit,
            limit_index=value_index,
            premium=premium,
            possessed_by=line.possessed_by,
            scheduled_on=start,
        )
        for line, premium in zip(lines, quote.item_premiums, strict=True)
    )
    PolicyEvent.objects.create(
        policy=policy, kind=PolicyEvent.BOUND, on=start, period_start=start, premium=quote.premium
    )
    audit_record(
        actor=actor,
        action="policy_bound",
        entity=policy,
        data={
            "number": policy.number,
            "rating_version": version.number,
            "premium": money_text(quote.premium),
            "items": {line.ref: money_text(line.limit) for line in lines},
        },
    )
    return policy
