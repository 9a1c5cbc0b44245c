"""The declarations page of a policy: the PDF the policyholder keeps (RULEBOOK §6).

It says who and what is insured, for which period, for how much and at what price: the policy
number and period, the named insureds and their address, each scheduled item with its limit,
the deductible, the premium with its installment schedule, whether the insurance value
adjustment applies, and every endorsement of the period. A new page is issued at the bind,
at each endorsement and at each renewal; the one made now always shows the policy as it is.

Drawn like the plan certificate, on the same page (`gemcare.common.pdf`, docs/decisions/0014):
fpdf2 with the bundled Noto Sans, so names print as written, and the text stays extractable.
"""

import datetime as dt
from dataclasses import dataclass

from gemcare.common.pdf import sections_page
from gemcare.insurance import history_selectors, selectors
from gemcare.insurance.models import Policy
from gemcare.rules.insurance import NEWLY_ACQUIRED_CAP, NEWLY_ACQUIRED_DAYS


def _money(amount) -> str:
    return f"{amount:,.2f} USD"


@dataclass(frozen=True)
class DeclarationsText:
    """Everything the page prints, as plain text, in the order it is printed."""

    title: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]


def _item_lines(policy: Policy) -> tuple[str, ...]:
    lines = []
    for item in selectors.policy_items(policy=policy):
        words = f"{item.ref}: {item.kind}"
        if item.description:
            words += f", {item.description}"
        words += f". Limit {_money(item.limit)}; annual premium {_money(item.premium)}."
        details = []
        if item.serial_number:
            details.append(f"serial {item.serial_number}")
        if item.grading_report_number:
            details.append(f"grading report {item.grading_report_number}")
        if item.appraisal_value is not None:
            appraisal = f"appraised at {_money(item.appraisal_value)}"
            if item.appraised_on is not None:
                appraisal += f" on {item.appraised_on.isoformat()}"
            details.append(appraisal)
        if item.possessed_by:
            details.append(f"in the possession of {item.possessed_by}")
        if details:
            joined = "; ".join(details)
            words += f" {joined[0].upper()}{joined[1:]}."
        lines.append(words)
    return tuple(lines) or ("No item is scheduled.",)


def _premium_lines(policy: Policy) -> tuple[str, ...]:
    lines = [f"Premium for the period: {_money(policy.premium)}"]
    if policy.minimum_top_up:
        lines.append(f"Includes {_money(policy.minimum_top_up)} to reach the minimum premium.")
    installments = selectors.policy_installments(policy, on=policy.period_start)
    if policy.installments > 1:
        lines.append(
            f"Paid in {policy.installments} monthly installments; each carries the "
            "installment fee, which is not refunded."
        )
    else:
        lines.append("Paid in full.")
    for line in installments:
        words = f"{line.number}. due {line.due_on.isoformat()}: {_money(line.amount)}"
        if line.fee:
            words += f" (fee {_money(line.fee)} included)"
        if line.endorsement:
            words += ", for an endorsement"
        lines.append(words)
    return tuple(lines)


def declarations_text(policy: Policy) -> DeclarationsText:
    insureds = tuple(insured.name for insured in policy.named_insureds.all())
    last_day = policy.period_end - dt.timedelta(days=1)
    period = (
        f"Policy number: {policy.number}",
        f"Status: {policy.get_status_display()}",
        f"Policy period: {policy.period_start.isoformat()} to "
        f"{policy.period_end.isoformat()} (losses from the first day through "
        f"{last_day.isoformat()})",
        f"First issued: {policy.inception_on.isoformat()}",
        f"Rating: {policy.rating_version.product.code}, version {policy.rating_version.number}",
    )
    address = (*insureds, policy.address, f"State: {policy.state}")
    endorsements = tuple(
        f"{endorsement.number}. {endorsement.on.isoformat()}: {endorsement.words}"
        + (f" Premium charged {_money(endorsement.premium)}." if endorsement.premium else "")
        + (f" Premium returned {_money(endorsement.refund)}." if endorsement.refund else "")
        for endorsement in history_selectors.policy_endorsements(policy)
        if endorsement.period_start == policy.period_start
    ) or ("None in this period.",)
    adjustment = (
        "The insurance value adjustment applies: at each renewal every limit follows the "
        "value index, rounded to the nearest dollar, and is never lowered without your "
        "consent."
        if policy.value_adjustment
        else "The insurance value adjustment does not apply."
    )
    sections = (
        ("Policy", period),
        ("Named insureds and address", tuple(line for line in address if line)),
        ("Scheduled jewelry", _item_lines(policy)),
        (
            "Deductible",
            (f"{_money(policy.deductible)} per item, per occurrence.",),
        ),
        ("Premium and installments", _premium_lines(policy)),
        ("Insurance value adjustment", (adjustment,)),
        ("Endorsements", endorsements),
        (
            "Newly acquired jewelry",
            (
                f"Jewelry you acquire during the period is covered for {NEWLY_ACQUIRED_DAYS} "
                "days from acquisition, up to the least of 25% of the scheduled limits and "
                f"{_money(NEWLY_ACQUIRED_CAP)}: report it and have it scheduled before then.",
            ),
        ),
    )
    return DeclarationsText(title=f"Declarations, policy {policy.number}", sections=sections)


def render_declarations(text: DeclarationsText) -> bytes:
    return bytes(sections_page(text.title, text.sections).output())


def declarations_pdf(policy: Policy) -> bytes:
    """The declarations page of `policy` as it stands now. The caller has already fetched the
    policy through a selector that checks who may see it."""
    if not isinstance(policy, Policy) or policy.pk is None:
        raise TypeError("declarations are printed for a saved Policy")
    return render_declarations(declarations_text(policy))
