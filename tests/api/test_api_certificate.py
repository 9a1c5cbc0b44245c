"""GET /api/v1/contracts/{number}/certificate.pdf: the certificate through the API."""

import io

import pytest
from factories import sell
from pypdf import PdfReader

from gemcare.contracts.certificates import verification_code

pytestmark = pytest.mark.usefixtures("presets_once")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_certificate_is_a_pdf_of_the_keys_contract(api, store):
    contract = sell("ljpp-lifetime", "TX", store=store)
    response = api.get(f"/contracts/{contract.number}/certificate.pdf")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    text = pdf_text(response.content)
    assert contract.number in text
    assert contract.holder.name in text
    assert verification_code(contract.number) in text


def test_another_retailers_certificate_is_not_found_like_an_unknown_one(other_api, store):
    contract = sell("ljpp-lifetime", "TX", store=store)
    theirs = other_api.get(f"/contracts/{contract.number}/certificate.pdf")
    unknown = other_api.get("/contracts/C00000000/certificate.pdf")
    assert theirs.status_code == unknown.status_code == 404
    assert (
        theirs.json()["error"]["code"] == unknown.json()["error"]["code"] == ("contract_not_found")
    )


def test_the_endpoint_is_in_the_openapi_document_as_a_pdf(api):
    document = api.get("/openapi.json").json()
    operation = document["paths"]["/api/v1/contracts/{number}/certificate.pdf"]["get"]
    assert "application/pdf" in operation["responses"]["200"]["content"]
    assert "contract_not_found" in operation["responses"]["404"]["description"]
