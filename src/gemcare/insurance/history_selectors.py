"""A policy's story in words: its endorsements (for the declarations page) and its whole
history in date order (for its page in the back office): every change, payment, notice,
newly acquired item and loss, each with the words a person reads."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from gemcare.insurance.models import (
    Loss,
    NewlyAcquiredItem,
    Policy,
    PolicyCancellationNotice,
    PolicyEvent,
    PolicyPayment,
    PolicyRenewalOffer,
)
from gemcare.insurance.selectors import money_words


@dataclass(frozen=True, slots=True)
class Endorsement:
    number: int
    on: dt.date
    kind: str
    item_ref: str
    words: str
    premium: Decimal  # charged
    refund: Decimal  # returned
    period_start: dt.date


def _endorsement_words(event: PolicyEvent) -> str:
    ref = event.item.ref if event.item is not None else ""
    if event.kind == PolicyEvent.ITEM_ADDED:
        return f"Item {ref} scheduled with a limit of {money_words(event.limit)}."
    if event.kind == PolicyEvent.ITEM_REMOVED:
        return f"Item {ref} taken off the schedule."
    if event.previous_limit is not None and event.previous_limit != event.limit:
        return (
            f"Item {ref}: limit changed from {money_words(event.previous_limit)} to "
            f"{money_words(event.limit)}."
        )
    return f"Item {ref}: description changed."


def policy_endorsements(policy: Policy) -> list[Endorsement]:
    """The changes to the schedule during a period, numbered in the order they were made
    (an item taken off by a total loss is the loss's doing, not an endorsement)."""
    events = (
        PolicyEvent.objects.filter(
            policy=policy, kind__in=PolicyEvent.ENDORSEMENTS, loss__isnull=True
        )
        .select_related("item")
        .order_by("id")
    )
    return [
        Endorsement(
            number=number,
            on=event.on,
            kind=event.kind,
            item_ref=event.item.ref if event.item is not None else "",
            words=_endorsement_words(event),
            premium=event.premium,
            refund=event.refund,
            period_start=event.period_start,
        )
        for number, event in enumerate(events, start=1)
    ]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    on: dt.date
    kind: str
    words: str
    amount: Decimal | None = None


_EVENT_WORDS = {
    PolicyEvent.BOUND: "Policy issued for the period from {period_start}; premium {premium}.",
    PolicyEvent.RENEWED: "Renewed for the period from {period_start}; premium {premium}.",
    PolicyEvent.CANCELLED: "Cancelled as of {on}; premium refunded {refund}.",
    PolicyEvent.EXPIRED: "Expired at the end of the period, not renewed.",
}


def policy_history(policy: Policy) -> list[HistoryEntry]:
    """Everything that happened to the policy, in date order, in words."""
    entries: list[tuple[dt.date, int, HistoryEntry]] = []

    def add(on: dt.date, order: int, kind: str, words: str, amount=None) -> None:
        entries.append((on, order, HistoryEntry(on, kind, words, amount)))

    for event in PolicyEvent.objects.filter(policy=policy).select_related("item").order_by("id"):
        if event.kind == PolicyEvent.ITEM_RENEWED:
            continue
        if event.kind in PolicyEvent.ENDORSEMENTS:
            words = _endorsement_words(event)
            if event.loss_id is not None:
                words = f"Item {event.item.ref} taken off the schedule by a total loss."
            if event.premium:
                words += f" Premium charged {money_words(event.premium)}."
            if event.refund:
                words += f" Premium refunded {money_words(event.refund)}."
        else:
            words = _EVENT_WORDS[event.kind].format(
                period_start=event.period_start,
                on=event.on,
                premium=money_words(event.premium),
                refund=money_words(event.refund),
            )
        add(event.on, 1, event.kind, words, event.premium - event.refund)
    for payment in PolicyPayment.objects.filter(policy=policy).order_by("id"):
        add(
            payment.paid_on,
            2,
            "payment",
            f"Payment of {money_words(payment.amount)} received for the period from "
            f"{payment.period_start}.",
            payment.amount,
        )
    for notice in PolicyCancellationNotice.objects.filter(policy=policy).order_by("id"):
        add(
            notice.notice_on,
            3,
            "cancellation_notice",
            f"Written notice of cancellation for non-payment ({money_words(notice.amount_due)} "
            f"overdue), taking effect on {notice.cancel_on}.",
        )
        if notice.status == PolicyCancellationNotice.WITHDRAWN:
            add(notice.closed_on, 3, "notice_withdrawn", "Overdue premium paid: notice withdrawn.")
    for offer in PolicyRenewalOffer.objects.filter(policy=policy).order_by("id"):
        add(
            offer.offered_on,
            4,
            "renewal_offered",
            f"Renewal offered for the period from {offer.period_start}; premium "
            f"{money_words(offer.premium)}.",
        )
        if offer.accepted_on is not None:
            add(offer.accepted_on, 4, "renewal_accepted", "Renewal accepted by payment.")
    for acquired in NewlyAcquiredItem.objects.filter(policy=policy).order_by("id"):
        add(
            acquired.reported_on,
            5,
            "newly_acquired",
            f"Newly acquired {acquired.kind} reported (acquired {acquired.acquired_on}); "
            f"covered until {acquired.cover_ends_on} unless scheduled.",
        )
    for loss in Loss.objects.filter(policy=policy).order_by("id"):
        add(
            loss.loss_on,
            6,
            "loss",
            f"Loss ({loss.peril.replace('_', ' ')}): " + _loss_outcome_words(loss),
            loss.payout,
        )
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return [entry for _, _, entry in entries]


def _loss_outcome_words(loss: Loss) -> str:
    if loss.status == Loss.DENIED:
        return "not covered."
    if loss.status in Loss.OPEN_FOR_AMOUNT:
        return f"{loss.get_status_display().lower()}, no amount yet."
    return f"payout {money_words(loss.payout)}."
