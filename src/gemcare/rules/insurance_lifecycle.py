"""A policy's year between its bind and its renewal (RULEBOOK §6, §6.2): what an
endorsement charges, the installments due and what pays them, the newly acquired item's
cover, when the renewal is offered (docs/decisions/0022)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from gemcare.rules.dates import days_between
from gemcare.rules.insurance import NEWLY_ACQUIRED_DAYS
from gemcare.rules.money import ZERO, round_cents

# How far ahead of each anniversary the renewal is offered (docs/decisions/0022).
RENEWAL_OFFER_DAYS = 45
# How long before a newly acquired item's cover ends the insured is reminded to schedule it.
NEWLY_ACQUIRED_REMINDER_DAYS = 7


def endorsement_charge(
    previous_premium: Decimal, new_premium: Decimal, start: dt.date, end: dt.date, on: dt.date
) -> Decimal:
    """What an endorsement from `on` charges (positive) or refunds (negative): the change in
    the item's annual premium, pro rata by the days left in the period, rounded once."""
    days_total = days_between(start, end)
    days_left = min(days_total, max(0, days_between(on, end)))
    return round_cents((new_premium - previous_premium) * days_left / days_total)


@dataclass(frozen=True, slots=True)
class InstallmentLine:
    """One amount the insured owes on a date: an installment (with its fee) or, when no
    installment is left to carry it, an endorsement's own charge."""

    number: int
    due_on: dt.date
    premium: Decimal
    fee: Decimal
    paid: Decimal = ZERO
    endorsement: bool = False

    @property
    def amount(self) -> Decimal:
        return self.premium + self.fee

    @property
    def unpaid(self) -> Decimal:
        return max(ZERO, self.amount - self.paid)

    @property
    def is_paid(self) -> bool:
        return self.unpaid == ZERO


def _split(amount: Decimal, parts: int) -> list[Decimal]:
    """`amount` in `parts` cent amounts; the last takes the rounding, so they add up exactly."""
    each = round_cents(amount / parts)
    return [each] * (parts - 1) + [amount - each * (parts - 1)]


def installment_schedule(
    *,
    start: dt.date,
    premium: Decimal,
    installments: int,
    fee: Decimal,
    adjustments: Sequence[tuple[dt.date, Decimal]] = (),
    paid: Decimal = ZERO,
) -> list[InstallmentLine]:
    """The period's amounts due: the premium in `installments` monthly parts from `start`,
    each with the fee when paid by installments (the last part takes the rounding, so the
    parts add up to the premium). Each endorsement's charge or refund (`adjustments`, dated)
    is spread over the installments due on or after its date; with none left (paid in full,
    or after the last one) a charge is due on its own date and a refund lowers what is still
    unpaid. `paid` is allocated to the lines in date order, each line's fee first."""
    fee = fee if installments > 1 else ZERO
    premiums = _split(premium, installments)
    dues = [start + relativedelta(months=n) for n in range(installments)]
    lines = [[due, part, fee, False] for due, part in zip(dues, premiums, strict=True)]
    for on, delta in sorted(adjustments, key=lambda adjustment: adjustment[0]):
        if delta == ZERO:
            continue
        later = [line for line in lines if line[0] >= on and not line[3]]
        if later:
            for line, part in zip(later, _split(delta, len(later)), strict=True):
                line[1] += part
        else:
            lines.append([on, delta, ZERO, True])
    # A refund never makes a line negative: what a line cannot absorb lowers the lines due
    # last, whichever side of the refund's date they fall on.
    credit = -sum((min(ZERO, line[1]) for line in lines), ZERO)
    for line in lines:
        line[1] = max(ZERO, line[1])
    for line in sorted(lines, key=_due, reverse=True):
        taken = min(credit, line[1])
        line[1] -= taken
        credit -= taken
    lines = sorted((line for line in lines if not (line[3] and line[1] == ZERO)), key=_due)
    result, left = [], max(ZERO, paid)
    for number, (due, part, line_fee, own) in enumerate(lines, start=1):
        amount = part + line_fee
        on_line = min(left, amount)
        left -= on_line
        result.append(InstallmentLine(number, due, part, line_fee, on_line, own))
    return result


def _due(line: list) -> dt.date:
    return line[0]


def premium_paid(lines: Sequence[InstallmentLine]) -> Decimal:
    """The premium part of what was paid: each line's payment covers its fee first."""
    return sum((max(ZERO, line.paid - line.fee) for line in lines), ZERO)


def overdue(lines: Sequence[InstallmentLine], on: dt.date) -> Decimal:
    """What was due before `on` and is still unpaid: a payment missed."""
    return sum((line.unpaid for line in lines if line.due_on < on), ZERO)


def newly_acquired_cover_ends(acquired_on: dt.date, period_end: dt.date) -> dt.date:
    """The last day a newly acquired item is covered without being scheduled: 30 days from
    acquisition ("within 30 days", RULEBOOK §0), never past the policy period."""
    return min(
        acquired_on + dt.timedelta(days=NEWLY_ACQUIRED_DAYS), period_end - dt.timedelta(days=1)
    )


def renewal_offer_due(period_end: dt.date, on: dt.date) -> bool:
    """Whether the renewal of a period ending on `period_end` is to be offered by `on`."""
    return days_between(on, period_end) <= RENEWAL_OFFER_DAYS
