"""The plan certificate (a PDF the holder keeps) and the code that proves it is real.

The verification code is the contract number and a short keyed MAC of it, so no column
stores it: `/verify/<code>` recomputes the MAC, and a forged or mistyped code finds nothing
without even reaching the database. The MAC key is derived from SECRET_KEY under a salt of
its own, so rotating SECRET_KEY retires every printed code together (docs/decisions).

The PDF is drawn on the page of `gemcare.common.pdf`: fpdf2 and a Unicode TrueType font that
ships in a Python package (Noto Sans), so holder names and state notices print as written; a
character the font has no glyph for is replaced by "?" rather than dropped or drawn as an
empty box.
"""

import base64
import datetime as dt
import io
from dataclasses import dataclass

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from gemcare.catalog.selectors import plan_terms_by_version_id
from gemcare.common.callers import Caller
from gemcare.common.errors import NotFound
from gemcare.common.pdf import FONT, sections_page
from gemcare.contracts.models import Contract
from gemcare.contracts.selectors import contract_get
from gemcare.rules import vocabulary
from gemcare.rules.products import PlanTerms

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
CODE_SALT = "gemcare.contracts.certificates.verification"
# 8 characters of 5 bits: a forged code is accepted with odds of one in 2**40.
CODE_MAC_LENGTH = 8
CODE_SEPARATOR = "-"
# Crockford's base 32, as contract numbers use it: no I, L, O or U to misread.
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TO_CROCKFORD = str.maketrans(_BASE32, _CROCKFORD)
# What a reader may type for a character that looks the same.
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})

# The words a holder reads for each service code (RULEBOOK §2.1).
SERVICE_WORDS = {
    "prong_repair": "Prong repair (retipping and rebuilding)",
    "stone_replacement": "Stone replacement",
    "stone_tightening": "Stone tightening",
    "lost_stone_defective_setting": "Replacement of a stone lost from a defective setting",
    "ring_sizing": "Ring sizing",
    "shank_repair": "Shank repair",
    "rhodium_plating": "Rhodium plating",
    "refinish_polish": "Refinishing and polishing",
    "clasp_repair": "Clasp repair",
    "chain_repair": "Chain repair (soldering)",
    "pearl_restringing": "Pearl restringing",
    "hinge_pin": "Hinge and pin repair",
    "earring_back_post": "Earring back and post repair",
    "spring_ring_replacement": "Spring ring replacement",
    "watch_movement": "Watch movement repair",
    "watch_crystal": "Watch crystal replacement",
    "watch_case_bezel": "Watch case and bezel repair",
    "watch_stem_crown": "Watch stem and crown repair",
    "watch_clasp_band": "Watch clasp and band repair",
    "watch_strap": "Watch strap replacement",
    "watch_battery": "Watch battery replacement",
    "watch_water_damage": "Water damage to the watch",
}
CAUSE_WORDS = {
    "wear_and_tear": "Wear and tear from normal use",
    "accidental_damage": "Accidental damage",
    "manufacturing_defect": "Manufacturing defects",
    "loss": "Loss",
    "theft": "Theft",
    "mysterious_disappearance": "Mysterious disappearance",
    "abuse": "Abuse or misuse",
    "unauthorized_alteration": "Repairs or alterations by anyone not authorized under this plan",
    "act_of_god": "Acts of God (fire, flood, earthquake and other natural events)",
}
# Read in this order, so every certificate lists the exclusions alike.
NEVER_COVERED_ORDER = (
    "loss",
    "theft",
    "mysterious_disappearance",
    "abuse",
    "unauthorized_alteration",
    "act_of_god",
)
assert set(NEVER_COVERED_ORDER) == vocabulary.NEVER_COVERED_CAUSES
assert set(SERVICE_WORDS) == vocabulary.SERVICES


# --- the verification code ------------------------------------------------------------------


def _mac(number: str) -> str:
    digest = salted_hmac(CODE_SALT, number, algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:CODE_MAC_LENGTH].translate(_TO_CROCKFORD)


def verification_code(number: str) -> str:
    """The code printed on a contract's certificate, e.g. `C1A2B3C4D-7KQ2MZX4`."""
    return f"{number}{CODE_SEPARATOR}{_mac(number)}"


def verified_number(code: object) -> str | None:
    """The contract number a code proves, or None for a forged, altered or malformed one."""
    if not isinstance(code, str) or len(code) > 40:
        return None
    number, separator, mac = code.strip().upper().rpartition(CODE_SEPARATOR)
    if not separator or not number or len(mac) != CODE_MAC_LENGTH:
        return None
    number, mac = number.translate(_TYPED), mac.translate(_TYPED)
    if not constant_time_compare(mac, _mac(number)):
        return None
    return number


def verification_url(code: str) -> str:
    base = getattr(settings, "GEMCARE_PUBLIC_URL", DEFAULT_PUBLIC_URL).rstrip("/")
    return base + reverse("contract_verify", args=[code])


def contract_by_verification_code(code: object) -> Contract | None:
    """The contract a public code proves. The code itself is the permission (only the
    platform can make one), so the lookup is the platform's own, not a tenant's."""
    number = verified_number(code)
    if number is None:
        return None
    try:
        return contract_get(caller=Caller.system("certificate_verification"), number=number)
    except NotFound:
        return None


def holder_initials(name: str) -> str:
    """The initials of a name ("Ada M. Holder" gives "A. M. H."): all that the public page
    shows of a holder."""
    return " ".join(f"{word[0].upper()}." for word in name.split() if word[0].isalnum())


def covered_through(contract: Contract) -> dt.date | None:
    """The last day covered; None for the lifetime of the holder."""
    if contract.term_ends_on is None:
        return None
    return contract.term_ends_on - dt.timedelta(days=1)


# --- what the certificate says ----------------------------------------------------------------


@dataclass(frozen=True)
class CertificateText:
    """Everything the certificate prints, as plain text, in the order it is printed."""

    title: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]
    code: str
    url: str


def _term_words(terms: PlanTerms) -> str:
    if terms.is_lifetime:
        return "Lifetime of the holder"
    return f"{terms.term_years} year" + ("s" if terms.term_years != 1 else "")


def _services(contract: Contract, terms: PlanTerms) -> tuple[str, ...]:
    lines = []
    for (kind, code), service in terms.services.items():
        if kind != contract.item_kind:
            continue
        if service.requires_water_resistant and not contract.item_water_resistant:
            continue
        words = SERVICE_WORDS[code]
        if service.max_sizes is not None:
            words += f", at most {service.max_sizes} sizes up or down"
        if service.requires_water_resistant:
            words += " (the watch is recorded as water resistant)"
        lines.append(words)
    return tuple(lines)


def _exclusions(terms: PlanTerms) -> tuple[str, ...]:
    lines = [CAUSE_WORDS[cause] for cause in NEVER_COVERED_ORDER]
    lines += [
        CAUSE_WORDS[cause]
        for cause in sorted(vocabulary.COVERABLE_CAUSES - terms.causes)
        if cause in CAUSE_WORDS
    ]
    if not terms.sold_with_item:
        lines.append("Damage that happened before the plan's purchase date")
    return tuple(lines)


def _item_identity(contract: Contract) -> tuple[str, ...]:
    """The item as it can be recognised. A grading-report number and a laser inscription are
    not recorded on contracts yet: their lines print once the contract carries them."""
    lines = [
        f"Item: {contract.item_kind}"
        + (f", {contract.item_description}" if contract.item_description else ""),
        f"Serial / SKU: {contract.item_serial or 'not recorded'}",
    ]
    grading_report = getattr(contract, "item_grading_report", "")
    laser_inscription = getattr(contract, "item_laser_inscription", "")
    if grading_report:
        lines.append(f"Grading report: {grading_report}")
    if laser_inscription:
        lines.append(f"Laser inscription: {laser_inscription}")
    lines.append(f"Item price: {contract.item_price:.2f} USD")
    if contract.item_water_resistant:
        lines.append("Recorded as water resistant")
    return tuple(lines)


def certificate_text(contract: Contract) -> CertificateText:
    terms = plan_terms_by_version_id(contract.product_version_id)
    holder, store = contract.holder, contract.store
    ends = covered_through(contract)
    code = verification_code(contract.number)
    plan = (
        f"Product: {contract.product_version.name} "
        f"({contract.product_version.product.code}, version {contract.product_version.number})",
        f"Status: {contract.get_status_display()}",
        f"Term: {_term_words(terms)}",
        f"Plan purchase date: {contract.purchased_on.isoformat()}",
        "Covered through: "
        + (ends.isoformat() if ends is not None else "the lifetime of the holder"),
        f"Plan price: {contract.plan_price:.2f} USD",
        "Covered causes: "
        + ", ".join(CAUSE_WORDS[cause].lower() for cause in sorted(terms.causes)),
    )
    how_to_claim = (
        f"Bring the item to {store.name} or any store of {store.retailer.name}, with this "
        f"certificate or the contract number {contract.number}. The store files the claim on "
        "the day you bring it, describes what happened and when, and tells you the decision "
        "for each service with its reason.",
        "File the claim while the plan is in force. Keep the item as it is: repairs made "
        "elsewhere first are not covered.",
        f"Replacement, where a repair is not possible: {terms.replacement}.",
    )
    sections = [
        (
            "Holder",
            tuple(
                line
                for line in (
                    holder.name,
                    holder.address,
                    f"State at sale: {contract.state_at_sale}",
                )
                if line
            ),
        ),
        ("Item", _item_identity(contract)),
        (
            "Sold by",
            (
                store.retailer.name,
                store.name + (f", {store.address}" if store.address else ""),
                f"Receipt number: {contract.receipt_number}",
            ),
        ),
        ("Plan", plan),
        (f"Covered services for this {contract.item_kind}", _services(contract, terms)),
        ("Never covered", _exclusions(terms)),
        ("How to claim", how_to_claim),
    ]
    notice = terms.state_notices.get(contract.state_at_sale)
    if notice:
        sections.append((f"Notice for residents of {contract.state_at_sale}", (notice,)))
    return CertificateText(
        title=f"Plan certificate {contract.number}",
        sections=tuple(sections),
        code=code,
        url=verification_url(code),
    )


# --- the PDF ----------------------------------------------------------------------------------


def qr_png(url: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=6, border=2)
    out.seek(0)
    return out


def render_certificate(text: CertificateText) -> bytes:
    pdf = sections_page(text.title, text.sections)
    pdf.heading("Verify this certificate")
    pdf.keep_together(36)
    top = pdf.get_y()
    pdf.image(qr_png(text.url), x=pdf.l_margin, y=top, w=32, h=32)
    pdf.set_xy(pdf.l_margin + 36, top)
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(
        0,
        5,
        pdf.printable(
            f"Verification code: {text.code}\nScan the code or visit {text.url} to confirm "
            "that this plan is real and see its status."
        ),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_y(max(pdf.get_y(), top + 34))
    return bytes(pdf.output())


def certificate_pdf(*, caller: Caller, number: str, is_test: bool | None = None) -> bytes:
    """The certificate of the caller's contract `number`; another tenant's is NotFound.
    `is_test` keeps test-mode and live records apart as the contract selectors do."""
    scope = {} if is_test is None else {"is_test": is_test}
    contract = contract_get(caller=caller, number=number, **scope)
    return render_certificate(certificate_text(contract))
