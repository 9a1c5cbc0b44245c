"""The jeweler portal in a browser: a manager signs in, sells a plan at the counter (the
plans offered appear as the price is typed), prints its certificate, and makes an API key."""

import json
import urllib.request

from browser_support import PASSWORD, checked, page_needed, screenshot, staff_sign_in
from django.core import mail

from gemcare.contracts.models import Contract
from gemcare.partners.models import ApiKey


def test_a_manager_sells_a_plan_at_the_counter_and_prints_its_certificate(page, people):
    sell_path = page_needed("jeweler:sell")
    staff_sign_in(page, "manager", PASSWORD)
    page.goto(page_needed("jeweler:dashboard"))
    assert page.get_by_role("heading", level=1).inner_text() == "Alpha Jewelers"
    checked(page, "jeweler-dashboard")

    page.locator("main").get_by_role("link", name="Sell a plan").click()
    page.wait_for_url(f"**{sell_path}")
    page.get_by_label("Item", exact=True).select_option("ring")
    # The offers come from the server as the price is typed (htmx), without the button.
    with page.expect_response(lambda answer: "item.price=1200.00" in answer.url) as offers:
        page.get_by_label("Item price (required)").press_sequentially("1200.00", delay=20)
    assert offers.value.status == 200
    lifetime = page.locator("input[name='product'][value='ljpp-lifetime']")
    lifetime.wait_for()
    lifetime.check()
    page.get_by_label("Description").fill("Platinum solitaire, 1 ct")
    page.get_by_label("Name (required)").fill("Ada Holder")
    page.get_by_label("State of residence").select_option("OK")
    page.get_by_label("Email", exact=True).fill("ada@example.com")
    page.get_by_label("Store", exact=True).select_option(people.store.code)
    page.get_by_label("Receipt number (required)").fill("R-1001")
    checked(page, "jeweler-sell", at=".field:has(#f-item-price)")
    screenshot(page, "jeweler-sell-phone", phone=True)
    assert Contract.objects.count() == 0

    page.get_by_role("button", name="Register the plan").click()
    page.wait_for_url("**/jeweler/plans/*")

    contract = Contract.objects.get()
    assert contract.store == people.store and contract.receipt_number == "R-1001"
    assert contract.product_version.product.code == "ljpp-lifetime"
    assert str(contract.item_price) == "1200.00" and contract.holder.email == "ada@example.com"
    assert page.url.endswith(f"/jeweler/plans/{contract.number}")
    assert f"Plan {contract.number} registered." in page.locator("#messages").inner_text()
    text = page.locator("main").inner_text()
    assert f"${contract.plan_price}" in text and "$1,200.00" in text
    checked(page, "jeweler-plan")
    (sent,) = mail.outbox
    assert sent.to == ["ada@example.com"] and any(
        name.endswith(".pdf") for name, _, _ in sent.attachments
    )

    href = page.locator("main").get_by_role("link", name="Print certificate").get_attribute("href")
    certificate = page.request.get(href)  # with the manager's session cookie
    assert certificate.status == 200
    assert certificate.headers["content-type"] == "application/pdf"
    assert certificate.body().startswith(b"%PDF")


def test_a_bad_price_names_the_field_and_sells_nothing(page, people):
    page_needed("jeweler:sell")
    staff_sign_in(page, "manager", PASSWORD)
    page.goto(page_needed("jeweler:sell"))
    page.get_by_label("Item", exact=True).select_option("ring")
    with page.expect_response(lambda answer: "item.price=-5" in answer.url) as offers:
        page.get_by_label("Item price (required)").fill("-5")

    assert offers.value.status == 422
    assert "price" in page.locator("#offers").inner_text()
    page.get_by_label("Name (required)").fill("Ada Holder")
    page.get_by_label("Receipt number (required)").fill("R-1002")
    page.get_by_role("button", name="Register the plan").click()
    page.wait_for_load_state()

    assert page.locator("#f-item-price").get_attribute("aria-invalid") == "true"
    assert page.locator("#f-item-price").input_value() == "-5"  # what was typed stays
    assert Contract.objects.count() == 0 and mail.outbox == []


def test_a_manager_makes_an_api_key_shown_once(page, people, live_server):
    keys_path = page_needed("jeweler:keys")
    staff_sign_in(page, "manager", PASSWORD)
    page.goto(keys_path)
    checked(page, "jeweler-keys")

    page.locator("main").get_by_role("link", name="Make a key").click()
    page.wait_for_url("**/jeweler/keys/new")
    page.get_by_label("Name (required)").fill("Main Street POS")
    page.get_by_label("Test key", exact=False).check()
    checked(page, "jeweler-key-new")
    page.get_by_role("button", name="Make the key").click()
    page.wait_for_load_state()

    key = ApiKey.objects.get()
    text = page.locator("#key-text").input_value()
    assert key.name == "Main Street POS" and key.is_test and key.retailer == people.retailer
    assert key.prefix in text and key.secret_hash not in text
    assert "shown only this once" in page.locator("main").inner_text()
    checked(page, "jeweler-key-created")

    # The key opens the partner API, and the list of keys never shows it again.
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/products", headers={"Authorization": f"Bearer {text}"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200 and json.loads(answer.read())
    page.goto(keys_path)
    assert "Main Street POS" in page.locator("main").inner_text()
    assert text not in page.content()
