"""The public pages in a browser: the home page, and a certificate checked from its code
typed into the home page's box, as the customer holding the paper does."""

from browser_support import checked, page_needed
from factories import sell

from gemcare.contracts.certificates import verification_code


def test_the_home_page_verifies_a_real_certificate_from_its_code(page, presets):
    contract = sell("ljpp-lifetime", price="1200.00")
    code = verification_code(contract.number)
    home = page_needed("customer:home")

    response = page.goto(home)

    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Gemcare jewelry protection"
    checked(page, "home")

    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"**/verify/{code}")

    text = page.locator("main").inner_text()
    assert contract.number in text
    assert "A. H." in text or "AH" in text.replace(".", "").replace(" ", "")  # initials only
    assert "Ada Holder" not in text  # the holder's name is not shown to whoever has the code
    checked(page, "verify")


def test_a_forged_code_finds_nothing(page, presets):
    contract = sell("ljpp-lifetime", price="1200.00")
    forged = verification_code(contract.number)[:-1] + "0"
    if forged == verification_code(contract.number):
        forged = forged[:-1] + "1"

    response = page.goto(f"/verify/{forged}")

    assert response.status == 404
    assert contract.number not in page.locator("body").inner_text()
    assert page.locator("h1").count() == 1
