"""A manager's staff pages: the retailer's accounts only, a new account whose person
chooses their own password through an emailed link, deactivation (never one's own, never
the last manager). An associate finds no such page; another retailer's account is "not
found"; each change is audited and a refused one changes nothing."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from factories import row_counts, snapshot
from jeweler_support import has_h1, text_of
from portal_support import retailer_staff_make

from gemcare.common.models import AuditEntry
from gemcare.partners.models import RetailerStaff

User = get_user_model()
NEW = {
    "username": "carla.counter",
    "name": "Carla Counter",
    "email": "carla@alpha.example",
    "role": "sales",
    "store": "",
}


def _counts():
    return {**row_counts(), "User": User.objects.count(), "Staff": RetailerStaff.objects.count()}


def test_the_list_shows_the_retailers_own_accounts(client, people):
    client.force_login(people.manager_a)

    page = text_of(client.get("/jeweler/staff"))

    assert has_h1(page)
    for name in ("manager-a", "associate-a1", "associate-a2"):
        assert name in page
    assert "manager-b" not in page
    assert "Deactivate manager-a" not in page  # not one's own


@pytest.mark.parametrize(
    "url", ["/jeweler/staff", "/jeweler/staff/new", "/jeweler/keys", "/jeweler/webhooks"]
)
def test_an_associate_finds_no_managers_page(client, people, url):
    client.force_login(people.associate_a1)
    counts = _counts()

    assert client.get(url).status_code == 404
    assert client.post(url, NEW).status_code in (404, 405)
    assert _counts() == counts


def test_a_new_account_gets_a_link_to_choose_its_own_password(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people.manager_a)

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/jeweler/staff/new", {**NEW, "store": people.store_a2.code}, follow=True
        )

    user = User.objects.get(username="carla.counter")
    assert done.redirect_chain == [("/jeweler/staff", 302)]
    assert "was sent a link to choose a password" in text_of(done)
    assert not user.has_usable_password() and user.is_active and not user.is_staff
    staff = user.retailer_staff
    assert (staff.retailer, staff.store, staff.role) == (
        people.retailer_a,
        people.store_a2,
        "sales",
    )
    entry = AuditEntry.objects.get(action="retailer_staff_created")
    assert entry.retailer_id == people.retailer_a.pk and entry.actor_id == people.manager_a.pk
    assert entry.data == {"role": "sales", "store": people.store_a2.code}
    (sent,) = mail.outbox
    assert sent.to == ["carla@alpha.example"] and "carla.counter" in sent.body
    link = re.search(r"https?://\S+/jeweler/welcome/\S+/", sent.body).group(0)
    assert link.startswith(settings.GEMCARE_PUBLIC_URL)

    # The person chooses a password with the link; then signs in; the link works once.
    client.logout()
    path = link.removeprefix(settings.GEMCARE_PUBLIC_URL)
    shown = client.get(path, follow=True)
    assert shown.status_code == 200 and "Choose your password" in text_of(shown)
    form_url = shown.redirect_chain[-1][0]
    password = "a-brand-new-passphrase-42"
    chosen = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert chosen.status_code == 302
    signed_in = client.post("/accounts/login/", {"username": "carla.counter", "password": password})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/jeweler/"
    client.logout()
    again = client.get(path, follow=True)
    assert "This link does not work" in text_of(again)


def test_a_weak_password_on_the_link_page_is_refused_by_its_field(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people.manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/jeweler/staff/new", NEW)
    link = re.search(r"/jeweler/welcome/\S+/", mail.outbox[0].body).group(0)
    client.logout()
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    refused = client.post(form_url, {"new_password1": "123", "new_password2": "123"})

    assert refused.status_code == 422 and 'aria-invalid="true"' in text_of(refused)
    assert not User.objects.get(username="carla.counter").has_usable_password()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "manager-a"}, "username"),
        ({"username": "MANAGER-A"}, "username"),
        ({"username": "has space"}, "username"),
        ({"username": "x" * 151}, "username"),
        ({"email": ""}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"role": "admin"}, "role"),
        ({"name": ""}, "name"),
        ({"is_staff": "true"}, "is_staff"),
    ],
)
def test_bad_input_names_its_field_and_adds_nobody(client, people, changes, field):
    client.force_login(people.manager_a)
    counts = _counts()

    response = client.post("/jeweler/staff/new", {**NEW, **changes})

    assert response.status_code == 422 and f"f-{field.replace('_', '-')}" in text_of(response)
    assert _counts() == counts and mail.outbox == []


def test_another_retailers_store_is_not_found(client, people):
    client.force_login(people.manager_a)
    counts = _counts()

    response = client.post("/jeweler/staff/new", {**NEW, "store": people.store_b1.code})

    assert response.status_code == 404 and _counts() == counts


def test_deactivating_an_account_stops_it_at_once(client, people):
    client.force_login(people.manager_a)
    staff = people.associate_a1.retailer_staff

    done = client.post(f"/jeweler/staff/{staff.pk}/deactivate", follow=True)

    assert "Account associate-a1 deactivated" in text_of(done)
    assert not User.objects.get(pk=people.associate_a1.pk).is_active
    assert AuditEntry.objects.filter(action="retailer_staff_deactivated").count() == 1
    client.force_login(people.associate_a1)
    assert client.get("/jeweler/").status_code in (302, 404)


def test_a_manager_does_not_deactivate_themselves_nor_the_last_manager(client, people):
    client.force_login(people.manager_a)
    me = people.manager_a.retailer_staff
    counts, before = _counts(), snapshot(people.manager_a)

    refused = client.post(f"/jeweler/staff/{me.pk}/deactivate")

    assert refused.status_code == 409 and "cannot_deactivate_self" in text_of(refused)
    assert _counts() == counts and snapshot(people.manager_a) == before


def test_the_last_active_manager_stays(client, people):
    other = retailer_staff_make("manager-a2", people.retailer_a, role=RetailerStaff.MANAGER)
    client.force_login(other)
    client.post(f"/jeweler/staff/{people.manager_a.retailer_staff.pk}/deactivate")
    assert not User.objects.get(pk=people.manager_a.pk).is_active
    # manager-a2 is now the last active manager: another manager could not remove them, and
    # they do not remove themselves.
    before = snapshot(other)

    refused = client.post(f"/jeweler/staff/{other.retailer_staff.pk}/deactivate")

    assert refused.status_code == 409 and snapshot(other) == before


@pytest.mark.parametrize("action", ["deactivate", "invite"])
def test_another_retailers_account_is_not_found(client, people, action):
    client.force_login(people.manager_a)
    target = people.manager_b.retailer_staff
    counts, before = _counts(), snapshot(people.manager_b)

    response = client.post(f"/jeweler/staff/{target.pk}/{action}")

    assert response.status_code == 404
    assert _counts() == counts and snapshot(people.manager_b) == before and mail.outbox == []


def test_the_link_can_be_sent_again(client, people, django_capture_on_commit_callbacks):
    people.associate_a2.email = "a2@alpha.example"
    people.associate_a2.save()
    client.force_login(people.manager_a)

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/jeweler/staff/{people.associate_a2.retailer_staff.pk}/invite")
        refused = client.post(f"/jeweler/staff/{people.associate_a1.retailer_staff.pk}/invite")

    assert sent.status_code == 302 and [m.to for m in mail.outbox] == [["a2@alpha.example"]]
    assert refused.status_code == 409 and "invitation_not_sent" in text_of(refused)


def test_a_link_for_a_deactivated_account_does_not_work(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people.manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/jeweler/staff/new", NEW)
    link = re.search(r"/jeweler/welcome/\S+/", mail.outbox[0].body).group(0)
    staff = User.objects.get(username="carla.counter").retailer_staff
    client.post(f"/jeweler/staff/{staff.pk}/deactivate")
    client.logout()

    page = text_of(client.get(link, follow=True))

    assert "This link does not work" in page
