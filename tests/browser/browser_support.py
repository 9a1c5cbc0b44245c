"""What the browser tests share: signing in through the real pages, axe-core's check, the
README's screenshots, and skipping a flow whose pages are not there yet."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
PHONE = {"width": 390, "height": 844}
# axe-core's impacts that fail a page; "minor" and "moderate" are printed, not failed.
FAILING_IMPACTS = frozenset({"serious", "critical"})
# Which rules axe runs: WCAG 2.1 A and AA, and axe's best practices.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}

_axe = Axe()


def page_needed(name: str, *args) -> str:
    """The path of a named page; the test is skipped while that page is not built yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        pytest.skip(f"{name}: page not built yet")


def violations_words(violations: list[dict]) -> str:
    """axe-core's violations as lines a person reads: rule, impact, help, where."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html'][:160]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    results = _axe.run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    if violations:
        print(f"\naxe-core on {page.url}:\n{violations_words(violations)}")
    assert not failing, f"axe-core on {page.url}:\n{violations_words(failing)}"


def screenshot(page, name: str, *, phone: bool = False, at: str = "") -> Path:
    """The page's screenshot for the docs, at the test's fixed size (or phone-sized): its top,
    or from the element `at` down. Written to docs/screens/<name>.png when that file is not
    there yet or GEMCARE_SCREENS_UPDATE=1 (so that a test run leaves the docs alone: the
    numbers and dates on the pages change with every run)."""
    size = page.viewport_size
    if phone:
        page.set_viewport_size(PHONE)
    try:
        page.evaluate("document.activeElement && document.activeElement.blur()")
        if at:
            page.locator(at).evaluate("element => element.scrollIntoView({block: 'start'})")
        else:
            page.evaluate("window.scrollTo(0, 0)")
        image = page.screenshot(animations="disabled", caret="hide")
    finally:
        if phone:
            page.set_viewport_size(size)
    assert image.startswith(b"\x89PNG") and len(image) < 300_000, f"{name}: {len(image)} bytes"
    path = SCREENS / f"{name}.png"
    if os.environ.get("GEMCARE_SCREENS_UPDATE") == "1" or not path.exists():
        SCREENS.mkdir(parents=True, exist_ok=True)
        path.write_bytes(image)
    return path


def checked(page, name: str, *, phone: bool = False, at: str = "") -> None:
    """The page's one <h1> and its <title>, axe-core's check, and its screenshot."""
    assert page.locator("h1").count() == 1, f"{page.url} has not exactly one <h1>"
    assert page.title().strip(), f"{page.url} has no <title>"
    assert_accessible(page)
    screenshot(page, name, phone=phone, at=at)


def staff_sign_in(page, username: str, password: str) -> None:
    """The sign-in page with a password (jewelers' staff go straight on)."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def totp_code(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows now."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def provider_sign_in(page, user, password: str) -> None:
    """The provider's staff: password, then the code of their authenticator app."""
    staff_sign_in(page, user.get_username(), password)
    assert "/accounts/second-factor/" in page.url, page.url
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


PASSWORD = "a-long-browser-password"


class People:
    """A retailer with one store, its manager, and the provider's adjuster (enrolled)."""

    def __init__(self) -> None:
        from django.contrib.auth import get_user_model
        from factories import retailer_make, store_make

        from gemcare.partners.models import ProviderStaff, RetailerStaff

        users = get_user_model().objects
        self.retailer = retailer_make(name="Alpha Jewelers")
        self.store = store_make(retailer=self.retailer, state="OK")
        self.manager = users.create_user("manager", password=PASSWORD)
        RetailerStaff.objects.create(
            user=self.manager, retailer=self.retailer, role=RetailerStaff.MANAGER
        )
        self.adjuster = users.create_user("adjuster", password=PASSWORD)
        ProviderStaff.objects.create(user=self.adjuster, role=ProviderStaff.ADJUSTER)
        TOTPDevice.objects.create(user=self.adjuster, name="Phone", confirmed=True)
