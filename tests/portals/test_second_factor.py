"""The provider's staff sign in with a password and a code from their authenticator app:
enrolment, verification, recovery codes, replays and wrong codes, the admin behind it."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from portal_support import current_code, key_code, password_login

from gemcare.common.models import AuditEntry
from gemcare.portals.accounts.second_factor import SETUP_KEY_SESSION_KEY

VERIFY = "/accounts/second-factor/"
SETUP = "/accounts/second-factor/setup/"


def _signed_in(client, who: str, next_url: str = "/office/") -> str:
    response = password_login(client, who, next_url=next_url)
    assert response.status_code == 302
    return response["Location"]


# --- enrolment -------------------------------------------------------------------------------


def test_a_newcomer_enrols_with_a_code_and_gets_recovery_codes_once(client, people):
    assert _signed_in(client, "newcomer") == f"{SETUP}?next=%2Foffice%2F"
    page = client.get(f"{SETUP}?next=/office/")
    key = client.session[SETUP_KEY_SESSION_KEY]
    assert page.status_code == 200
    assert b"<svg" in page.content  # the QR code, drawn here, not fetched from anywhere
    secret = page.context["pending"].secret
    assert secret.replace(" ", "").encode() in page.content.replace(b" ", b"")
    assert not TOTPDevice.objects.filter(user=people.newcomer).exists()  # nothing written yet
    before = client.session.session_key

    done = client.post(SETUP, {"code": key_code(key), "next": "/office/"})

    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code.encode() in done.content for code in codes)
    device = TOTPDevice.objects.get(user=people.newcomer)
    assert device.confirmed and device.key == key
    assert set(
        StaticToken.objects.filter(device__user=people.newcomer).values_list("token", flat=True)
    ) == set(codes)
    assert client.session.session_key != before  # a new session key once verified
    assert SETUP_KEY_SESSION_KEY not in client.session
    assert client.get("/office/").status_code == 200
    entry = AuditEntry.objects.get(action="second_factor_enrolled")
    assert entry.actor_id == people.newcomer.pk and key not in str(entry.data)
    # Enrolled now: the setup page is gone for them, and shows no secret again.
    again = client.get(SETUP)
    assert again.status_code == 302 and again["Location"].startswith(VERIFY)


def test_a_wrong_code_at_enrolment_writes_nothing_and_keeps_the_same_secret(client, people):
    _signed_in(client, "newcomer")
    client.get(SETUP)
    key = client.session[SETUP_KEY_SESSION_KEY]
    wrong = "000000" if key_code(key) != "000000" else "111111"

    response = client.post(SETUP, {"code": wrong})

    assert response.status_code == 422
    assert b"is not the code your app shows now" in response.content
    assert b'aria-invalid="true"' in response.content
    assert client.session[SETUP_KEY_SESSION_KEY] == key
    assert not TOTPDevice.objects.filter(user=people.newcomer).exists()
    assert not StaticDevice.objects.filter(user=people.newcomer).exists()
    assert client.get("/office/").status_code == 302


@pytest.mark.parametrize("code", ["", " ", "x" * 33, "12345\x00"])
def test_enrolment_refuses_malformed_codes_by_the_field(client, people, code):
    _signed_in(client, "newcomer")
    client.get(SETUP)

    response = client.post(SETUP, {"code": code})

    assert response.status_code == 422
    assert b'id="f-code-error"' in response.content
    assert not TOTPDevice.objects.filter(user=people.newcomer).exists()


def test_enrolment_needs_a_password_sign_in_first(client, people):
    response = client.post(SETUP, {"code": "123456"})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert (
        not TOTPDevice.objects.exists()
        or not TOTPDevice.objects.filter(user=people.newcomer).exists()
    )


def test_a_retailers_staff_have_no_second_factor_to_pass(client, people):
    assert _signed_in(client, "manager-a", next_url="/jeweler/") == "/jeweler/"
    assert client.get(SETUP).status_code == 302
    assert client.get("/jeweler/").status_code == 200
    assert not TOTPDevice.objects.filter(user=people.manager_a).exists()


# --- verification ----------------------------------------------------------------------------


def test_the_current_code_opens_the_back_office(client, people):
    assert _signed_in(client, "adjuster") == f"{VERIFY}?next=%2Foffice%2F"
    device = TOTPDevice.objects.get(user=people.adjuster)
    before = client.session.session_key

    response = client.post(VERIFY, {"code": current_code(device), "next": "/office/"})

    assert response.status_code == 302 and response["Location"] == "/office/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != before
    assert client.get("/office/").status_code == 200


def test_a_code_typed_with_spaces_is_read(client, people):
    _signed_in(client, "adjuster")
    code = current_code(TOTPDevice.objects.get(user=people.adjuster))

    response = client.post(VERIFY, {"code": f"{code[:3]} {code[3:]}"})

    assert response.status_code == 302


def test_a_wrong_code_is_refused_and_further_tries_must_wait(client, people, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after one wrong code: no race in here
    _signed_in(client, "adjuster")
    device = TOTPDevice.objects.get(user=people.adjuster)
    wrong = "000000" if current_code(device) != "000000" else "111111"

    first = client.post(VERIFY, {"code": wrong})
    second = client.post(VERIFY, {"code": current_code(device)})  # even the right one, now

    assert first.status_code == 422
    assert b"nor an unused recovery code" in first.content
    assert second.status_code == 429
    assert re.search(rb"Too many wrong codes: wait (59|60) seconds", second.content)
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/office/").status_code == 302


def test_a_code_once_used_does_not_open_another_session(client, people):
    device = TOTPDevice.objects.get(user=people.adjuster)
    code = current_code(device)
    _signed_in(client, "adjuster")
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post("/accounts/logout/")

    _signed_in(client, "adjuster")
    replay = client.post(VERIFY, {"code": code})

    assert replay.status_code == 422
    assert client.get("/office/").status_code == 302


def test_a_recovery_code_works_once(client, people):
    recovery = StaticDevice.objects.create(user=people.adjuster, name="Recovery codes")
    StaticToken.objects.create(device=recovery, token="abcd2345")
    _signed_in(client, "adjuster")

    assert client.post(VERIFY, {"code": "ABCD-2345"}).status_code == 302
    client.post("/accounts/logout/")
    _signed_in(client, "adjuster")
    assert client.post(VERIFY, {"code": "abcd2345"}).status_code == 422
    assert not StaticToken.objects.filter(device=recovery).exists()


def test_another_persons_code_does_not_verify(client, people):
    privacy_code = current_code(TOTPDevice.objects.get(user=people.privacy))
    adjuster_code = current_code(TOTPDevice.objects.get(user=people.adjuster))
    _signed_in(client, "adjuster")

    response = client.post(VERIFY, {"code": privacy_code})

    if privacy_code != adjuster_code:  # two random secrets: the same code 1 time in 10**6
        assert response.status_code == 422
        assert client.get("/office/").status_code == 302


def test_the_code_page_goes_back_only_to_our_own_pages(client, people):
    _signed_in(client, "adjuster")
    device = TOTPDevice.objects.get(user=people.adjuster)

    response = client.post(VERIFY, {"code": current_code(device), "next": "https://evil.example/"})

    assert response.status_code == 302 and response["Location"] == "/office/"


# --- the admin -------------------------------------------------------------------------------


def test_the_admin_sends_to_the_one_sign_in_page(client, people):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1] == ("/accounts/login/?next=/admin/", 302)


def test_the_admin_opens_only_after_the_second_factor(client, people):
    people.adjuster.is_staff = True
    people.adjuster.save()
    _signed_in(client, "adjuster", next_url="/admin/")

    before = client.get("/admin/", follow=True)
    code = current_code(TOTPDevice.objects.get(user=people.adjuster))
    after = client.post(VERIFY, {"code": code, "next": "/admin/"}, follow=True)

    assert before.redirect_chain[-1][0] == f"{VERIFY}?next=%2Fadmin%2F"
    assert after.redirect_chain == [("/admin/", 302)]
    assert after.status_code == 200 and b"Site administration" in after.content


def test_the_admin_never_shows_an_authenticator_secret(client, people):
    from gemcare.portals.testing import verified_login

    verified_login(client, people.superuser)
    device = TOTPDevice.objects.get(user=people.adjuster)

    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    qr = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")

    assert page.status_code == 200
    assert device.key.encode() not in page.content
    assert qr.status_code == 403


# --- the demo --------------------------------------------------------------------------------


def test_the_demos_provider_staff_sign_in_with_the_code_demo_otp_prints(client, settings, db):
    from gemcare.demo import DEMO_OTP_KEY, demo_load

    settings.DEBUG = True
    demo_load(contracts_count=2)
    assert TOTPDevice.objects.filter(key=DEMO_OTP_KEY, confirmed=True).count() == 3
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_otp", "adjuster", stdout=out, stderr=err)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit() and "valid for" in err.getvalue()

    response = client.post(
        "/accounts/login/", {"username": "adjuster", "password": "gemcare-adjuster"}
    )
    assert response["Location"] == f"{VERIFY}?next=%2Foffice%2F"
    assert client.post(VERIFY, {"code": code}).status_code == 302
    assert client.get("/office/").status_code == 200
    # The demo's manager sees every store of their retailer; the associate only their own.
    assert client.post("/accounts/logout/").status_code == 302
    client.post(
        "/accounts/login/", {"username": "brilliant-manager", "password": "gemcare-jeweler"}
    )
    assert b"All stores" in client.get("/jeweler/").content


def test_demo_otp_runs_only_with_debug_on_and_only_for_the_demo_secret(settings, people):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("demo_otp", "adjuster", stdout=io.StringIO())

    settings.DEBUG = True
    with pytest.raises(CommandError, match="not a demo login"):
        call_command("demo_otp", "adjuster", stdout=io.StringIO())  # a real, random secret
    with pytest.raises(CommandError, match="not a demo login"):
        call_command("demo_otp", "nobody-at-all", stdout=io.StringIO())


def test_demo_logins_names_each_login_with_its_portal(db):
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    lines = out.getvalue()
    for username, portal in [
        ("brilliant-manager", "/jeweler/"),
        ("harbor-sales", "/jeweler/"),
        ("admin", "/office/"),
        ("adjuster", "/office/"),
        ("privacy", "/office/"),
    ]:
        line = next(line for line in lines.splitlines() if line.strip().startswith(username))
        assert portal in line
    assert "gemcare demo-otp" in lines
