"""The plan certificate and its public verification page."""

import io
import re

import pytest
from factories import SYSTEM, retailer_make, row_counts, sell, store_make
from PIL import Image
from pypdf import PdfReader

from gemcare.common.callers import Caller
from gemcare.common.errors import NotFound
from gemcare.contracts.certificates import (
    SERVICE_WORDS,
    certificate_pdf,
    certificate_text,
    qr_png,
    render_certificate,
    verification_code,
    verified_number,
)
from gemcare.rules.presets import LJPP_SERVICES, LJPP_STATE_NOTICES, WATCH_SERVICES

pytestmark = pytest.mark.usefixtures("presets")


def pdf_text(data: bytes) -> str:
    """The certificate's text as a reader extracts it, with line breaks and runs of spaces
    made single spaces, so a paragraph wrapped over lines compares word for word."""
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return without_footers(" ".join(page.extract_text() for page in reader.pages))


def without_footers(text: str) -> str:
    """The text with each page's footer taken out, so a paragraph that runs over a page
    break reads as one."""
    text = re.sub(r"Plan certificate C[0-9A-Z]+, page \d+ of \d+", " ", text)
    return " ".join(text.split())


def words(text: str) -> str:
    return " ".join(text.split())


def certificate(contract, caller=SYSTEM) -> str:
    return pdf_text(certificate_pdf(caller=caller, number=contract.number))


def test_the_certificate_prints_the_contract_holder_item_and_services():
    contract = sell(
        "ljpp-lifetime",
        state="OK",
        kind="necklace",
        description="Pearl strand, 18 inch",
        serial="SKU-4471",
        holder={"name": "Ada Holder", "state": "OK", "email": "ada@example.com"},
    )
    text = certificate(contract)
    assert contract.number in text
    assert "Ada Holder" in text
    assert "Pearl strand, 18 inch" in text
    assert "SKU-4471" in text
    assert contract.receipt_number in text
    assert contract.store.name in text and contract.retailer.name in text
    assert "Lifetime Jewelry Protection Plan" in text
    assert "Lifetime of the holder" in text
    assert "Status: Active" in text
    assert "2024-03-01" in text
    for service in LJPP_SERVICES["necklace"]:
        assert words(SERVICE_WORDS[service]) in text
    # Ring sizing is a ring's service only.
    assert "Ring sizing" not in text
    for exclusion in ("Theft", "Mysterious disappearance", "Accidental damage"):
        assert exclusion in text
    assert "before the plan's purchase date" in text
    assert "How to claim" in text
    assert verification_code(contract.number) in text
    assert f"http://127.0.0.1:8000/verify/{verification_code(contract.number)}" in text
    # Oklahoma has a refund variation but no printed notice.
    assert "Notice for residents" not in text
    # Personal data beyond the name and address never prints.
    assert "ada@example.com" not in text


def test_a_ring_certificate_states_the_sizing_limit():
    text = certificate(sell("ljpp-lifetime", kind="ring"))
    assert "Ring sizing, at most 2 sizes up or down" in text


def test_a_watch_certificate_lists_water_damage_only_for_a_water_resistant_watch():
    resistant = certificate(
        sell("care-watch-3yr", kind="watch", price="800.00", water_resistant=True)
    )
    plain = certificate(sell("care-watch-3yr", kind="watch", price="800.00"))
    for service in WATCH_SERVICES:
        if service != "watch_water_damage":
            assert SERVICE_WORDS[service] in resistant and SERVICE_WORDS[service] in plain
    assert SERVICE_WORDS["watch_water_damage"] in resistant
    assert SERVICE_WORDS["watch_water_damage"] not in plain
    assert "Term: 3 years" in plain
    assert "Covered through: 2027-02-28" in plain


@pytest.mark.parametrize("state", ["TX", "NC", "CT", "WI"])
def test_an_ljpp_certificate_prints_the_state_notice_word_for_word(state):
    text = certificate(sell("ljpp-lifetime", state=state))
    assert f"Notice for residents of {state}" in text
    assert words(LJPP_STATE_NOTICES[state]) in text


@pytest.mark.parametrize("state", ["TX", "NC"])
def test_a_care_certificate_prints_no_state_notice(state):
    text = certificate(
        sell("care-jewelry-3yr", state=state, purchased="2024-03-01", sold="2024-03-01")
    )
    assert "Notice for residents" not in text
    for notice in LJPP_STATE_NOTICES.values():
        assert words(notice)[:60] not in text


def test_names_outside_latin_1_print_and_characters_without_a_glyph_are_replaced():
    contract = sell(holder={"name": "Zoë Łukasz 李", "state": "OK"})
    text = certificate(contract)
    assert "Zoë Łukasz" in text
    # The font has no CJK glyphs: the character is replaced, never dropped silently.
    assert "Zoë Łukasz ?" in text


def test_the_wrong_retailers_caller_gets_not_found():
    contract = sell()
    other = Caller.retailer(retailer_make(name="Other Jewelers"))
    other_store = Caller.retailer(contract.retailer, store=store_make(retailer=contract.retailer))
    for caller in (other, other_store):
        with pytest.raises(NotFound):
            certificate_pdf(caller=caller, number=contract.number)
    with pytest.raises(NotFound):
        certificate_pdf(caller=SYSTEM, number="C00000000")
    own = Caller.retailer(contract.retailer)
    assert contract.number in pdf_text(certificate_pdf(caller=own, number=contract.number))


def test_a_verification_code_is_short_and_proves_only_its_own_number():
    code = verification_code("C1A2B3C4D")
    assert re.fullmatch(r"C1A2B3C4D-[0-9A-HJKMNP-TV-Z]{8}", code)
    assert verified_number(code) == "C1A2B3C4D"
    assert verified_number(code.lower()) == "C1A2B3C4D"
    assert verified_number(f"  {code} ") == "C1A2B3C4D"
    assert verified_number(code.replace("C1A2B3C4D", "C1A2B3C4E")) is None
    for bad in ("", "-", "C1A2B3C4D", "C1A2B3C4D-", "C1A2B3C4D-AAAAAAAA", "x" * 100, None, 7):
        assert verified_number(bad) is None


def altered(code: str, position: int) -> str:
    character = code[position]
    replacement = "2" if character != "2" else "3"
    return code[:position] + replacement + code[position + 1 :]


def test_the_verify_page_confirms_a_real_plan_with_initials_only(client):
    contract = sell(holder={"name": "Ada Maria Quigley", "state": "OK", "email": "ada@example.com"})
    before = row_counts()
    response = client.get(f"/verify/{verification_code(contract.number)}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "This plan is real" in page
    assert contract.number in page
    assert "Lifetime Jewelry Protection Plan" in page
    assert "Active" in page
    assert "2024-03-01" in page
    assert "the lifetime of the holder" in page
    assert "A. M. Q." in page
    for personal in ("Ada", "Maria", "Quigley", "ada@example.com", contract.receipt_number):
        assert personal not in page
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert row_counts() == before


def test_the_verify_page_shows_a_term_end_and_a_status_change(client):
    from factories import cancel

    contract = sell("care-jewelry-3yr", purchased="2024-03-01", sold="2024-03-01")
    cancel(contract, date="2024-09-01", by="holder")
    page = client.get(f"/verify/{verification_code(contract.number)}").content.decode()
    assert "Cancelled (no longer in force)" in page
    assert "2027-02-28" in page


def test_a_forged_or_altered_code_is_not_found_with_the_same_page(client):
    contract, other = sell(), sell()
    real = client.get(f"/verify/{verification_code(contract.number)}")
    other_code = verification_code(other.number)
    codes = [
        f"{contract.number}-AAAAAAAA",
        f"{contract.number}-{verification_code(other.number).split('-')[1]}",
        "C00000000-00000000",
        "nonsense",
        "x" * 200,
        *(altered(other_code, position) for position in (1, len(other_code) - 1)),
    ]
    for code in codes:
        response = client.get(f"/verify/{code}")
        assert response.status_code == 404, code
        page = response.content.decode()
        assert "Plan not found" in page
        assert other.number not in page and contract.number not in page
        assert "no-store" in response["Cache-Control"]
        # The same page around a different result: one heading, one result section.
        for shape in ("<h1>Plan certificate verification</h1>", '<section class="result'):
            assert page.count(shape) == 1 and real.content.decode().count(shape) == 1


def test_the_verify_page_takes_reads_only(client):
    contract = sell()
    before = row_counts()
    response = client.post(f"/verify/{verification_code(contract.number)}")
    assert response.status_code == 405
    assert row_counts() == before


def test_the_qr_code_and_the_printed_link_use_the_public_url(settings):
    settings.GEMCARE_PUBLIC_URL = "https://plans.example.com/"
    contract = sell()
    text = certificate(contract)
    assert f"https://plans.example.com/verify/{verification_code(contract.number)}" in text


def test_a_long_certificate_flows_onto_further_pages_with_every_part():
    notice = "A long notice paragraph for this test. " * 120
    contract = sell(description="A very long description " * 12)
    text = certificate_text(contract)
    longer = type(text)(
        title=text.title,
        sections=(*text.sections, ("Notice for residents of OK", (notice,))),
        code=text.code,
        url=text.url,
    )
    reader = PdfReader(io.BytesIO(render_certificate(longer)))
    assert len(reader.pages) >= 3
    extracted = " ".join(page.extract_text() for page in reader.pages)
    assert f"page {len(reader.pages)} of {len(reader.pages)}" in extracted
    assert words(notice) in without_footers(extracted)
    assert text.code in extracted


def test_the_qr_code_encodes_the_verify_url():
    contract = sell()
    reader = PdfReader(io.BytesIO(certificate_pdf(caller=SYSTEM, number=contract.number)))
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    url = f"http://127.0.0.1:8000/verify/{verification_code(contract.number)}"
    expected = Image.open(qr_png(url)).convert("L")
    printed = images[0].image.convert("L")
    assert printed.size == expected.size
    assert printed.tobytes() == expected.tobytes()
