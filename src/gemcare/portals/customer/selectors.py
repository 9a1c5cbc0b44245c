"""Reads for the customer site's pages.

The public pages are made from the catalog: the published version of each plan product,
its terms as the rules core reads them (`plan_terms_of`), its price bands. Nothing about
coverage is written by hand.

A holder's pages read through the contract and claim selectors with the holder's caller
(another holder's plan is "not found"); these add what only the site shows: the plan a
"find my plan" request names, whether a plan takes a transfer, and where a holder takes an
item once a claim is decided. The customer site is live only: test-mode records (made with
a test API key) are never found here.
"""

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from gemcare.catalog.models import PlanPriceBand
from gemcare.catalog.selectors import (
    plan_terms_by_version_id,
    plan_terms_of,
    plan_version_current,
    plan_versions_on_sale,
)
from gemcare.claims.models import APPROVED, AWAITING_REVIEW, DENIED, RETURNED_TO_JEWELER, Claim
from gemcare.common.callers import Caller, caller_required
from gemcare.common.errors import InvalidInput, NotFound
from gemcare.contracts.certificates import CAUSE_WORDS, NEVER_COVERED_ORDER, SERVICE_WORDS
from gemcare.contracts.models import ACTIVE, Contract, Holder, HolderPeriod
from gemcare.contracts.selectors import contracts_visible, holder_get
from gemcare.partners.models import RepairCenter, Store
from gemcare.portals.customer.models import TransferInvitation
from gemcare.portals.customer.schemas import PlanNumberFindIn, ReceiptFindIn
from gemcare.rules import refunds
from gemcare.rules.products import TRANSFER_ANY, TRANSFER_GIFT_RECIPIENT_ONCE, PlanTerms

# The platform's own look-up for a sign-in request: no one is signed in yet.
SIGN_IN_LOOKUP = Caller.system("customer_sign_in")
# A receipt number is unique per retailer only: a few plans may share one.
RECEIPT_MATCHES_MAX = 20
KIND_ORDER = ("ring", "bracelet", "necklace", "earrings", "watch")


def term_words(terms: PlanTerms) -> str:
    if terms.is_lifetime:
        return "For the lifetime of the holder"
    return f"{terms.term_years} year" + ("s" if terms.term_years != 1 else "")


# --- the public pages ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServiceOffer:
    code: str
    words: str
    max_sizes: int | None
    requires_water_resistant: bool


@dataclass(frozen=True, slots=True)
class PlanPage:
    code: str
    name: str
    version: int
    term: str
    terms: PlanTerms
    coverage: tuple[tuple[str, tuple[ServiceOffer, ...]], ...]  # (item kind, services)
    bands: tuple[PlanPriceBand, ...]
    causes: tuple[str, ...]
    never_covered: tuple[str, ...]
    transfers: bool  # to anyone, any time while active
    gift_recipient_only: bool
    limited_to_item_price: bool
    free_look_days: int | None
    return_to_jeweler_days: int | None
    proration_years: int
    state_variations: tuple  # StateVariation rows, by state


def _services_of(terms: PlanTerms, kind: str) -> tuple[ServiceOffer, ...]:
    return tuple(
        ServiceOffer(
            code,
            SERVICE_WORDS[code],
            service.max_sizes,
            service.requires_water_resistant,
        )
        for (service_kind, code), service in terms.services.items()
        if service_kind == kind
    )


def _plan_page(version) -> PlanPage:
    terms = plan_terms_of(version)
    kinds = sorted(terms.item_kinds, key=lambda kind: KIND_ORDER.index(kind))
    return PlanPage(
        code=terms.code,
        name=version.name,
        version=terms.version,
        term=term_words(terms),
        terms=terms,
        coverage=tuple((kind, _services_of(terms, kind)) for kind in kinds),
        bands=tuple(version.bands.all()),
        causes=tuple(CAUSE_WORDS[cause] for cause in sorted(terms.causes)),
        never_covered=tuple(CAUSE_WORDS[cause] for cause in NEVER_COVERED_ORDER),
        transfers=terms.transfer == TRANSFER_ANY,
        gift_recipient_only=terms.transfer == TRANSFER_GIFT_RECIPIENT_ONCE,
        limited_to_item_price=terms.aggregate_limit is not None,
        free_look_days=terms.free_look_days,
        return_to_jeweler_days=terms.return_to_jeweler_days,
        proration_years=terms.proration_years,
        state_variations=tuple(terms.state_variations[s] for s in sorted(terms.state_variations)),
    )


def plans_published() -> list[PlanPage]:
    """Every plan product on sale today (its latest published version), by code."""
    return [_plan_page(version) for version in plan_versions_on_sale()]


def plan_published(*, code: str) -> PlanPage:
    """One plan product on sale today; "not found" for any other code."""
    try:
        version = plan_version_current(code=code)
    except InvalidInput:
        raise NotFound("plan", code) from None
    return _plan_page(version)


@dataclass(frozen=True, slots=True)
class SiteNumbers:
    """The numbers the explanatory pages quote, from the rules core and the catalog."""

    plans: tuple[PlanPage, ...]
    refund_due_days: int
    penalty_percent: int
    penalty_period_days: int
    provider_notice_days: int

    @property
    def free_look_days(self) -> tuple[int, ...]:
        return tuple(sorted({p.free_look_days for p in self.plans if p.free_look_days}))

    @property
    def return_to_jeweler_days(self) -> tuple[int, ...]:
        return tuple(
            sorted({p.return_to_jeweler_days for p in self.plans if p.return_to_jeweler_days})
        )


def site_numbers() -> SiteNumbers:
    return SiteNumbers(
        plans=tuple(plans_published()),
        refund_due_days=refunds.REFUND_DUE_DAYS,
        penalty_percent=int(refunds.PENALTY_RATE * 100),
        penalty_period_days=refunds.PENALTY_PERIOD_DAYS,
        provider_notice_days=refunds.PROVIDER_NOTICE_DAYS,
    )


# --- finding a plan to sign in -----------------------------------------------------------------


def _words(name: str) -> list[str]:
    """A name as comparable words: case, accents and punctuation ignored."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    cleaned = "".join(char if char.isalnum() else " " for char in plain)
    return cleaned.split()


def last_name_matches(holder_name: str, typed: str) -> bool:
    """The typed last name is the end of the holder's name ("Cruz" or "de la Cruz" for
    "Ada de la Cruz")."""
    typed_words, name_words = _words(typed), _words(holder_name)
    if not typed_words or len(typed_words) > len(name_words):
        return False
    return name_words[-len(typed_words) :] == typed_words


def sign_in_match(*, found: PlanNumberFindIn | ReceiptFindIn) -> tuple[Holder, Contract] | None:
    """The holder (and plan) a "find my plan" request names, or None. The plan's current
    holder only, and live plans only. Of several plans on one receipt number (at different
    retailers), the most recently sold one whose holder's last name matches."""
    live = contracts_visible(caller=SIGN_IN_LOOKUP, is_test=False).select_related("holder")
    if isinstance(found, PlanNumberFindIn):
        number = found.plan_number.strip().upper()
        contract = live.filter(number=number).first()
        if contract is None or contract.holder.email.casefold() != found.email.casefold():
            return None
        return contract.holder, contract
    candidates = live.filter(receipt_number=found.receipt_number).order_by("-sold_at", "-id")
    for contract in candidates[:RECEIPT_MATCHES_MAX]:
        if last_name_matches(contract.holder.name, found.last_name):
            return contract.holder, contract
    return None


# --- a holder's plans --------------------------------------------------------------------------


def plan_coverage(contract: Contract) -> tuple[ServiceOffer, ...]:
    """What the plan covers for its item (a watch's water damage only when it is recorded as
    water resistant)."""
    terms = plan_terms_by_version_id(contract.product_version_id)
    return tuple(
        offer
        for offer in _services_of(terms, contract.item_kind)
        if not offer.requires_water_resistant or contract.item_water_resistant
    )


def plan_terms_for(contract: Contract) -> PlanTerms:
    return plan_terms_by_version_id(contract.product_version_id)


TRANSFER_TO_ANYONE = "transfer"
TRANSFER_TO_GIFT_RECIPIENT = "gift_recipient"


def transfer_offered(contract: Contract) -> str | None:
    """How the plan may change hands today, as `contract_transfer` allows it: to anyone
    while active (care plans), to the recipient of an item sold as a gift once, or not at
    all (None). The service decides again at the acceptance."""
    if contract.status != ACTIVE:
        return None
    terms = plan_terms_for(contract)
    if terms.transfer == TRANSFER_ANY:
        return TRANSFER_TO_ANYONE
    if terms.transfer == TRANSFER_GIFT_RECIPIENT_ONCE and contract.item_is_gift:
        given = HolderPeriod.objects.filter(
            contract=contract, reason=HolderPeriod.GIFT_RECIPIENT
        ).exists()
        return None if given else TRANSFER_TO_GIFT_RECIPIENT
    return None


def invitation_open(*, caller: Caller, contract: Contract) -> TransferInvitation | None:
    """The holder's invitation still waiting on their plan, if any (not expired)."""
    caller = caller_required(caller)
    if not caller.is_holder or contract.holder_id != caller.holder_id:
        return None
    return (
        TransferInvitation.objects.filter(
            contract=contract,
            invited_by_id=caller.holder_id,
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )


def invitation_by_token(token_hash: str, *, lock: bool = False) -> TransferInvitation:
    """The open invitation a link's token names; "not found" for one unknown, used,
    withdrawn or expired: a link that no longer works says nothing more."""
    rows = TransferInvitation.objects.select_related("contract", "invited_by")
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(
        token_hash=token_hash,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=timezone.now(),
        contract__is_test=False,
    ).first()
    if invitation is None:
        raise NotFound("transfer_invitation", "")
    return invitation


# --- after a claim: what the holder does next --------------------------------------------------


@dataclass(frozen=True, slots=True)
class NextSteps:
    claim: Claim
    kind: str  # "repair", "replacement", "review", "return_to_jeweler", "denied", "done"
    selling_store: Store
    stores: tuple[Store, ...]  # other stores of the retailer in the holder's state
    repair_centers: tuple[RepairCenter, ...]
    holder_state: str
    amount: Decimal


def claim_next_steps(*, caller: Caller, claim: Claim) -> NextSteps:
    """Where the holder takes the item: the store that sold the plan and the retailer's
    other stores in the holder's state, or an approved repair center (those in the holder's
    state first) to ship it to."""
    holder = holder_get(caller=caller, holder_id=claim.contract.holder_id)
    contract = claim.contract
    stores = tuple(
        Store.objects.filter(retailer_id=contract.retailer_id, state=holder.state)
        .exclude(pk=contract.store_id)
        .order_by("name", "pk")
    )
    centers = tuple(
        RepairCenter.objects.filter(is_approved=True)
        .annotate(
            nearby=Case(
                When(state=holder.state, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("nearby", "name", "pk")[:10]
    )
    if claim.status == AWAITING_REVIEW:
        kind = "review"
    elif claim.status == RETURNED_TO_JEWELER:
        kind = "return_to_jeweler"
    elif claim.status == DENIED:
        kind = "denied"
    elif claim.status == APPROVED:
        kind = claim.fulfilment or "repair"
    else:
        kind = "done"
    return NextSteps(
        claim=claim,
        kind=kind,
        selling_store=contract.store,
        stores=stores,
        repair_centers=centers,
        holder_state=holder.state,
        amount=claim.approved,
    )
