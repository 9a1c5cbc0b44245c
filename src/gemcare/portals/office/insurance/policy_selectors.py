"""What the policy pages read that the insurance selectors do not give: the list of
policies with its search, one keyset page at a time, and an item's stored file."""

import re

from django.db.models import Q

from gemcare.common.callers import Caller
from gemcare.common.errors import NotFound
from gemcare.insurance.models import Policy, ScheduledItem, ScheduledItemFile
from gemcare.insurance.selectors import policies_visible, policy_get

PAGE_MAX = 200
FILE_ID_LIMIT = 2**62
_NUMBER = re.compile(r"[A-Za-z]{2}-\d{1,12}")


def _looks_like_a_key(value: object, max_length: int) -> bool:
    """Whether a number or reference from an address could be one at all: text of the
    column's length with no control characters (which some databases refuse outright)."""
    return isinstance(value, str) and 0 < len(value) <= max_length and value.isprintable()


def policy_of(*, caller: Caller, number: object) -> Policy:
    """The policy an address names, as `policy_get` finds it for the caller; "not found"
    for any number that cannot be one, before the database is asked."""
    if not _looks_like_a_key(number, Policy._meta.get_field("number").max_length):
        raise NotFound("policy", None)
    return policy_get(caller=caller, number=number)


def scheduled_item_of(*, policy: Policy, ref: object) -> ScheduledItem:
    """An item still on the policy's schedule, by the reference in the address."""
    found = None
    if _looks_like_a_key(ref, ScheduledItem._meta.get_field("ref").max_length):
        found = policy.items.filter(ref=ref, status=ScheduledItem.SCHEDULED).first()
    if found is None:
        raise NotFound("item", None)
    return found


def policies_search(
    *, caller: Caller, text: str = "", before: int | None = None, limit: int = 25
) -> list[Policy]:
    """Policies the caller may see, newest first, by a policy number (the whole of it) or
    any part of a named insured's name; `before` is the id the page before ended at."""
    if not 1 <= limit <= PAGE_MAX:
        raise ValueError(f"a page holds 1 to {PAGE_MAX} policies")
    query = policies_visible(caller=caller)
    text = text.strip()
    if text:
        match = Q(named_insureds__name__icontains=text)
        if _NUMBER.fullmatch(text):
            match |= Q(number=text.upper())
        query = query.filter(pk__in=query.filter(match).values("pk"))
    if before is not None:
        query = query.filter(pk__lt=before)
    return list(query.prefetch_related("named_insureds").order_by("-pk")[:limit])


def policy_item_file_get(*, caller: Caller, number: str, file_id: int) -> ScheduledItemFile:
    """A photo or appraisal document of an item of a policy the caller may see; "not found"
    for any other (another policy's file reads like one that does not exist)."""
    policy = policy_of(caller=caller, number=number)
    found = (
        ScheduledItemFile.objects.select_related("item")
        .filter(pk=file_id, item__policy=policy)
        .first()
        if isinstance(file_id, int) and 0 < file_id < FILE_ID_LIMIT
        else None
    )
    if found is None:
        raise NotFound("file", file_id)
    return found
