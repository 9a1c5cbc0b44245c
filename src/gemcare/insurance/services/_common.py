"""What the insurance services share: reading input, locking a policy, status changes.

Every input may arrive as a string (API, scenario files) or as a Decimal or date (Python
callers). Each is read here before anything is written, and a bad one names its field.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from gemcare.catalog.models import InsuranceRatingVersion
from gemcare.catalog.selectors import insurance_rating_current, insurance_rating_of
from gemcare.common.errors import InvalidInput, NotFound, Refused, translate_rule_errors
from gemcare.common.inputs import parse_text
from gemcare.insurance.models import Policy, PolicyEvent, ScheduledItem
from gemcare.rules.insurance import InsuranceRating
from gemcare.rules.money import parse_decimal

INDEX_PLACES = Decimal("0.0001")
INDEX_CEILING = Decimal("100000000")


def parse_index(value: object, *, field: str) -> Decimal | None:
    """A value index (insurance value adjustment): positive, at most four decimals."""
    if value is None:
        return None
    with translate_rule_errors():
        index = parse_decimal(value, field=field)
    if index != index.quantize(INDEX_PLACES) or index >= INDEX_CEILING:
        raise InvalidInput(field, value, "must have at most four decimals and eight digits")
    return index.quantize(INDEX_PLACES)


def parse_email(value: object, *, field: str) -> str:
    email = parse_text(value, field=field, max_length=254, required=False)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(field, value, "is not an email address") from None
    return email


def parse_installments(value: object) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("installments", value, "must be a whole number")
    return value


def check_keys(raw: object, *, field: str, allowed: set[str]) -> Mapping:
    if not isinstance(raw, Mapping):
        raise InvalidInput(field, raw, "must be an object")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise InvalidInput(f"{field}.{unknown[0]}", raw[unknown[0]], "is not a known field")
    return raw


def rating_current(product_code: object) -> InsuranceRatingVersion:
    if not isinstance(product_code, str) or not product_code:
        raise InvalidInput("product_code", product_code, "is not a product code")
    try:
        return insurance_rating_current(code=product_code)
    except NotFound:
        raise InvalidInput(
            "product_code",
            product_code,
            "is not a published insurance product",
            code="unknown_product",
        ) from None


def rating_of(policy: Policy) -> InsuranceRating:
    return insurance_rating_of(policy.rating_version)


def policy_lock(policy: Policy) -> Policy:
    """Lock the policy's row for the rest of the transaction (one writer per policy), then
    re-read it, so that the caller's instance shows what the service did."""
    if not isinstance(policy, Policy) or policy.pk is None:
        raise InvalidInput("policy", policy, "is not a policy")
    if not Policy.objects.select_for_update().filter(pk=policy.pk).values_list("pk"):
        raise NotFound("policy", policy.number)
    policy.refresh_from_db()
    return policy


def policy_require_active(policy: Policy) -> None:
    if not policy.is_active:
        raise Refused(
            "policy_not_active", f"Policy {policy.number} is {policy.get_status_display().lower()}."
        )


def policy_status_change(policy: Policy, status: str) -> None:
    """Change the policy's status along `Policy.TRANSITIONS`; the caller writes the event."""
    if status not in Policy.TRANSITIONS[policy.status]:
        raise Refused(
            "policy_not_active", f"Policy {policy.number} is {policy.get_status_display().lower()}."
        )
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
        raise Refused("item_not_scheduled", f"Item {item.ref} is no longer on the schedule.")
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


def money_text(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"
