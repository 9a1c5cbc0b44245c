"""The public home page, the layout every page shares, signing out, changing a password,
and holder sessions."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.staticfiles import finders
from django.test import Client
from factories import row_counts, sell
from portal_support import PASSWORD, password_login

import gemcare.portals
from gemcare.common.callers import HOLDER
from gemcare.contracts.certificates import verification_code
from gemcare.contracts.models import Holder
from gemcare.portals.web import customer_caller, holder_session_close, holder_session_open
from gemcare.portals.web.callers import HOLDER_SESSION_KEY

PORTALS = Path(gemcare.portals.__file__).parent


def test_the_home_page_is_public_and_verifies_a_certificate_without_javascript(client, presets, db):
    contract = sell()
    home = client.get("/")
    page = home.content.decode()
    assert home.status_code == 200
    assert '<form method="get" action="/verify/"' in page and 'name="code"' in page

    found = client.get("/verify/", {"code": verification_code(contract.number)}, follow=True)

    assert found.status_code == 200
    assert b"This plan is real" in found.content


def test_every_link_on_the_home_page_leads_somewhere(client, db):
    page = client.get("/").content.decode()

    links = set(re.findall(r'href="([^"#]+)"', page))
    assert links  # the stylesheet and the home link at least
    for link in links:
        assert link.startswith("/"), link  # nothing from another site: no CDN, no fonts
        if link.startswith("/static/"):
            assert finders.find(link.removeprefix("/static/")), link
        else:
            assert client.get(link).status_code == 200, link


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("", "Enter the verification code"),
        ("   ", "Enter the verification code"),
        ("a/b", "This is not a verification code"),
        ("x" * 41, "This is not a verification code"),
        ("bad\x01code", "This is not a verification code"),
    ],
)
def test_a_code_box_left_empty_or_absurd_shows_the_form_again(client, db, code, problem):
    response = client.get("/verify/", {"code": code})

    assert response.status_code == 422
    assert problem in response.content.decode()
    assert b'aria-invalid="true"' in response.content


def test_a_mistyped_code_reaches_the_verification_page_which_finds_nothing(client, db):
    response = client.get("/verify/", {"code": "C0000-ABCDEFGH"}, follow=True)

    assert response.redirect_chain == [("/verify/C0000-ABCDEFGH", 302)]
    assert response.status_code == 404 and b"Plan not found" in response.content


def test_the_layout_is_accessible_and_needs_nothing_from_elsewhere(client, people):
    client.force_login(people.manager_a)

    page = client.get("/jeweler/").content.decode()

    assert '<html lang="en">' in page
    assert '<a class="skip-link" href="#main">' in page and '<main id="main"' in page
    assert '<nav class="site-nav" aria-label="Jeweler portal">' in page
    assert 'aria-current="page"' in page
    assert 'name="viewport"' in page
    assert '<script src="/static/portals/htmx.min.js" defer>' in page
    assert "csrfmiddlewaretoken" in page  # the sign-out form
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_the_static_files_are_ours_with_htmxs_licence_beside_it():
    static = PORTALS / "static" / "portals"

    htmx = (static / "htmx.min.js").read_text()
    assert htmx.startswith("var htmx=function()") and 'version:"2.' in htmx
    assert "Zero-Clause BSD" in (static / "htmx.LICENSE.txt").read_text()
    css = (static / "app.css").read_text()
    assert ":focus-visible" in css and "@media (min-width" in css
    assert "@import" not in css and "url(" not in css


def test_no_template_loads_anything_from_another_site():
    for template in (PORTALS / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r'(src|href)="(https?:)?//', text), template


def test_every_form_of_the_portals_carries_the_csrf_token():
    for template in (PORTALS / "templates" / "portals").rglob("*.html"):
        text = template.read_text()
        for form in re.findall(r"<form[^>]*>.*?</form>", text, flags=re.S):
            if 'method="post"' in form:
                assert "{% csrf_token %}" in form, template


def test_signing_out_takes_a_post_and_ends_the_session(client, people):
    client.force_login(people.manager_a)

    assert client.get("/accounts/logout/").status_code == 405
    assert SESSION_KEY in client.session
    response = client.post("/accounts/logout/")

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert SESSION_KEY not in client.session
    assert client.get("/jeweler/").status_code == 302


def test_signing_out_needs_the_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.manager_a)

    assert client.post("/accounts/logout/").status_code == 403
    assert SESSION_KEY in client.session


def test_a_retailers_staff_member_changes_their_password(client, people):
    client.force_login(people.associate_a1)
    new = "another-long-passphrase-9"

    refused = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": new, "new_password2": new},
    )
    done = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )

    assert refused.status_code == 422 and b'aria-invalid="true"' in refused.content
    assert done.redirect_chain[-1] == ("/jeweler/", 302)
    assert b"Your password has been changed." in done.content
    people.associate_a1.refresh_from_db()
    assert people.associate_a1.check_password(new)


def test_the_providers_staff_change_a_password_only_after_the_second_factor(client, people):
    password_login(client, "adjuster")

    response = client.get("/accounts/password/")

    assert response.status_code == 302 and response["Location"].startswith(
        "/accounts/second-factor/"
    )


def test_the_login_page_goes_on_only_to_our_own_pages(client, people):
    response = password_login(client, "manager-a", next_url="https://evil.example/")

    assert response["Location"] == "/jeweler/"


# --- holder sessions -------------------------------------------------------------------------


def _request(rf, session=None):
    request = rf.get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    if session is not None:
        request.session = session
    return request


def test_a_holder_session_keeps_only_the_holders_id_under_a_new_key(rf, db):
    holder = Holder.objects.create(name="Ada Holder", state="OK", ssn="123-45-6789")
    request = _request(rf)
    request.session["something"] = "from before"
    request.session.save()
    before = request.session.session_key

    holder_session_open(request, holder)

    assert request.session.session_key != before
    kept = {key: value for key, value in request.session.items() if key != "_session_expiry"}
    assert kept == {HOLDER_SESSION_KEY: holder.pk}
    assert request.session.get_expiry_age() == 60 * 60
    caller = customer_caller(request)
    assert caller.kind == HOLDER and caller.holder_id == holder.pk
    holder_session_close(request)
    assert customer_caller(request) is None


def test_a_holder_session_ends_any_staff_sign_in_and_a_staff_sign_in_ends_it(client, people, rf):
    request = _request(rf)
    request.user = people.manager_a
    from django.contrib.auth import login

    login(request, people.manager_a, backend="django.contrib.auth.backends.ModelBackend")
    holder = Holder.objects.create(name="Ada Holder", state="OK")

    holder_session_open(request, holder)

    assert SESSION_KEY not in request.session and not request.user.is_authenticated
    session = client.session
    session[HOLDER_SESSION_KEY] = holder.pk
    session.save()
    password_login(client, "manager-a")
    assert HOLDER_SESSION_KEY not in client.session and SESSION_KEY in client.session


def test_a_holder_since_removed_ends_the_session(rf, db):
    holder = Holder.objects.create(name="Ada Holder", state="OK")
    request = _request(rf)
    holder_session_open(request, holder)
    Holder.objects.filter(pk=holder.pk).delete()
    counts = row_counts()

    assert customer_caller(request) is None
    assert HOLDER_SESSION_KEY not in request.session
    assert row_counts() == counts


@pytest.mark.parametrize("stored", ["12", 12.5, None, [1], {"id": 1}])
def test_a_tampered_holder_id_opens_nothing(rf, db, stored):
    request = _request(rf)
    request.session[HOLDER_SESSION_KEY] = stored

    assert customer_caller(request) is None


def test_a_customer_page_opens_only_in_a_holders_session(rf, db):
    from django.http import HttpResponse

    from gemcare.portals.web import customer_required

    @customer_required
    def my_plans(request):
        return HttpResponse(request.caller.label)

    holder = Holder.objects.create(name="Ada Holder", state="OK")
    request = _request(rf)
    request.path = request.path_info = "/my-plans/"

    refused = my_plans(request)
    holder_session_open(request, holder)
    opened = my_plans(request)

    assert refused.status_code == 302 and refused["Location"] == "/my-plan/?next=%2Fmy-plans%2F"
    assert opened.status_code == 200 and opened.content == f"holder:{holder.pk}".encode()
    assert "private" in opened["Cache-Control"]
