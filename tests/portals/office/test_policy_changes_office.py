"""Changes to a policy in the back office: endorsements (the premium shown before
confirming, then written exactly), cancelling with the refund shown first, payments,
newly acquired items, and the items' photos and appraisals. Refused or bad input shows the
error by its field and writes nothing; only administrators and adjusters change anything."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from factories import snapshot
from PIL import Image

from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.insurance import schemas, services
from gemcare.insurance.models import (
    NewlyAcquiredItem,
    Policy,
    PolicyCancellation,
    PolicyEvent,
    PolicyPayment,
    ScheduledItem,
    ScheduledItemFile,
)
from gemcare.portals.testing import verified_login

SYSTEM = Caller.system("tests")


def bind(*, start=None, installments=1, name="Ann Lee"):
    data = {
        "named_insureds": [{"name": name, "email": "ann@example.com"}],
        "state": "WI",
        "start": (start or today() - dt.timedelta(days=40)).isoformat(),
        "deductible": "100",
        "installments": installments,
        "items": [{"ref": "r1", "kind": "ring", "description": "Solitaire", "limit": "8000.00"}],
    }
    return services.policy_bind(caller=SYSTEM, data=validate_input(schemas.PolicyBindIn, data))


def counts() -> dict:
    models = (
        Policy,
        ScheduledItem,
        PolicyEvent,
        PolicyCancellation,
        PolicyPayment,
        NewlyAcquiredItem,
        ScheduledItemFile,
        AuditEntry,
    )
    return {model.__name__: model.objects.count() for model in models}


def unchanged(policy) -> tuple:
    return counts(), snapshot(policy), [snapshot(item) for item in policy.items.order_by("id")]


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def policy(presets):
    return bind()


@pytest.fixture
def adjuster(client, people):
    verified_login(client, people.adjuster)
    return people.adjuster


def url(policy, rest: str = "") -> str:
    return f"/office/insurance/policies/{policy.number}{rest}"


# --- endorsements ----------------------------------------------------------------------------


def test_adding_an_item_shows_the_prorated_premium_then_writes_exactly_that(
    client, adjuster, policy, django_capture_on_commit_callbacks
):
    form = {"on": today().isoformat(), "ref": "r2", "kind": "bracelet", "limit": "1000.00"}
    before = unchanged(policy)

    with django_capture_on_commit_callbacks(execute=True):
        reviewed = client.post(url(policy, "/items/new"), {**form, "action": "review"})
    assert mail.outbox == []  # a review sends nothing

    page = text_of(reviewed)
    assert reviewed.status_code == 200 and "Premium charged for the rest of the period" in page
    assert 'name="action" value="confirm"' in page and 'name="ref" value="r2"' in page
    assert unchanged(policy) == before  # the review wrote nothing
    shown = page.split('<span class="number">')[1].split("</span>")[0]

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(
            url(policy, "/items/new"), {**form, "action": "confirm"}, follow=True
        )

    event = PolicyEvent.objects.get(kind=PolicyEvent.ITEM_ADDED)
    assert confirmed.redirect_chain == [(url(policy), 302)]
    assert shown == f"${event.premium:,.2f}"
    # 1000 / 100 * 1.20 = 12.00 a year, for the days left of the period.
    assert 0 < event.premium < 12
    assert [message.to for message in mail.outbox] == [["ann@example.com"]]  # declarations
    assert "Item r2 is on the schedule" in text_of(confirmed)


def test_removing_an_item_shows_its_refund_then_writes_it(client, adjuster, policy):
    form = {"on": today().isoformat()}
    before = unchanged(policy)

    reviewed = client.post(url(policy, "/items/r1/remove"), {**form, "action": "review"})

    assert "Premium refunded for the rest of the period" in text_of(reviewed)
    assert unchanged(policy) == before
    shown = text_of(reviewed).split('<span class="number">')[1].split("</span>")[0]
    client.post(url(policy, "/items/r1/remove"), {**form, "action": "confirm"})

    event = PolicyEvent.objects.get(kind=PolicyEvent.ITEM_REMOVED)
    assert shown == f"${event.refund:,.2f}" and event.refund > 0
    assert policy.items.get().status == ScheduledItem.REMOVED


def test_changing_a_limit_shows_the_premium_then_writes_it(client, adjuster, policy):
    form = {"on": today().isoformat(), "limit": "9000.00"}
    before = unchanged(policy)

    reviewed = client.post(url(policy, "/items/r1/change"), {**form, "action": "review"})

    assert reviewed.status_code == 200 and "Premium charged" in text_of(reviewed)
    assert unchanged(policy) == before
    client.post(url(policy, "/items/r1/change"), {**form, "action": "confirm"})
    assert str(policy.items.get().limit) == "9000.00"


@pytest.mark.parametrize(
    ("path", "form", "field"),
    [
        ("/items/new", {"ref": "r2", "kind": "ring", "limit": "-1", "on": "today"}, "limit"),
        ("/items/new", {"ref": "r1", "kind": "ring", "limit": "10", "on": "today"}, "ref"),
        ("/items/new", {"ref": "r2", "kind": "yacht", "limit": "10", "on": "today"}, "kind"),
        ("/items/new", {"ref": "r2", "kind": "ring", "limit": "10", "on": "1800-01-01"}, "on"),
        ("/items/new", {"ref": "r2", "kind": "ring", "limit": "10", "on": "2999-01-01"}, "on"),
        ("/items/r1/remove", {"on": "not a date"}, "on"),
        ("/items/r1/change", {"on": "today", "limit": "0"}, "limit"),
        ("/cancel", {"by": "nobody", "cancel_on": "today"}, "by"),
        ("/cancel", {"by": "insured", "cancel_on": "2999-01-01"}, "cancel-on"),
        ("/payments", {"paid_on": "today", "amount": "1e5"}, "amount"),
        ("/payments", {"paid_on": "2999-01-01", "amount": "10.00"}, "paid-on"),
        ("/newly-acquired", {"kind": "ring", "acquired_on": "2999-01-01"}, "acquired-on"),
    ],
)
@pytest.mark.parametrize("action", ["review", "confirm"])
def test_bad_input_shows_the_error_by_its_field_and_writes_nothing(
    client, adjuster, policy, path, form, field, action
):
    form = {
        name: today().isoformat() if value == "today" else value for name, value in form.items()
    }
    before = unchanged(policy)

    response = client.post(url(policy, path), {**form, "action": action})

    assert response.status_code == 422, text_of(response)
    assert f'id="f-{field}-error"' in text_of(response)
    assert unchanged(policy) == before


def test_an_item_that_is_not_on_the_schedule_has_no_change_page(client, adjuster, policy):
    assert client.get(url(policy, "/items/zz/remove")).status_code == 404
    assert client.get(url(policy, "/items/zz/change")).status_code == 404


# --- cancelling ------------------------------------------------------------------------------


def test_cancelling_shows_the_refund_first_then_cancels(client, adjuster, policy):
    form = {"by": "insured", "cancel_on": today().isoformat()}
    before = unchanged(policy)

    reviewed = client.post(url(policy, "/cancel"), {**form, "action": "review"})

    page = text_of(reviewed)
    assert reviewed.status_code == 200 and "Refund" in page and "days left" in page
    assert unchanged(policy) == before
    shown = page.split('<span class="number">')[1].split("</span>")[0]

    done = client.post(url(policy, "/cancel"), {**form, "action": "confirm"}, follow=True)

    cancellation = PolicyCancellation.objects.get()
    assert shown == f"${cancellation.refund:,.2f}"
    assert f"refund ${cancellation.refund:,.2f}" in text_of(done)
    assert Policy.objects.get().status == Policy.CANCELLED
    # A cancelled policy offers no change any more.
    assert "Change the policy" not in text_of(done)


def test_the_insurers_cancellation_needs_ten_days_notice(client, adjuster, policy):
    form = {
        "by": "insurer",
        "cancel_on": (today() + dt.timedelta(days=5)).isoformat(),
        "notice_on": today().isoformat(),
        "action": "review",
    }
    before = unchanged(policy)

    response = client.post(url(policy, "/cancel"), form)

    assert response.status_code in {409, 422}
    assert "10" in text_of(response)
    assert unchanged(policy) == before


# --- billing ---------------------------------------------------------------------------------


def test_the_installments_show_and_a_payment_is_recorded(client, adjuster, presets):
    policy = bind(installments=12)
    page = text_of(client.get(url(policy)))
    assert page.count('<td data-label="#">') == 12 and "Overdue" in page

    response = client.post(
        url(policy, "/payments"),
        {"paid_on": today().isoformat(), "amount": f"{policy.installment}", "reference": "CHK 12"},
        follow=True,
    )

    assert response.redirect_chain == [(url(policy), 302)]
    assert f"Payment of ${policy.installment:,.2f} recorded" in text_of(response)
    assert PolicyPayment.objects.get().reference == "CHK 12"


# --- newly acquired items --------------------------------------------------------------------


def test_a_newly_acquired_item_is_reported_and_shown_with_its_cover(client, adjuster, policy):
    acquired_on = today() - dt.timedelta(days=2)

    response = client.post(
        url(policy, "/newly-acquired"),
        {"kind": "earrings", "acquired_on": acquired_on.isoformat(), "description": "Studs"},
        follow=True,
    )

    acquired = NewlyAcquiredItem.objects.get()
    assert response.status_code == 200
    assert acquired.cover_ends_on.isoformat() in text_of(response)
    assert "Studs" in text_of(response)


# --- photos and appraisals -------------------------------------------------------------------


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), "purple").save(out, "JPEG")
    return SimpleUploadedFile("IMG.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_photo_is_uploaded_and_shown_only_through_the_policy(client, adjuster, policy, media):
    response = client.post(
        url(policy, "/items/r1/files"), {"kind": "photo", "upload": _photo()}, follow=True
    )

    stored = ScheduledItemFile.objects.get()
    shown = client.get(url(policy, f"/files/{stored.pk}"))
    other = bind(name="Bo Other")
    elsewhere = client.get(url(other, f"/files/{stored.pk}"))
    assert response.status_code == 200 and f"/files/{stored.pk}" in text_of(response)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert elsewhere.status_code == 404


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"kind": "photo"}, 422),
        ({"kind": "photo", "upload": SimpleUploadedFile("x.jpg", b"not a photo")}, 422),
        ({"kind": "selfie", "upload": "photo"}, 422),
    ],
)
def test_a_bad_upload_names_the_field_and_keeps_nothing(
    client, adjuster, policy, media, data, status
):
    if data.get("upload") == "photo":
        data["upload"] = _photo()
    before = unchanged(policy)

    response = client.post(url(policy, "/items/r1/files"), data)

    assert response.status_code == status
    assert 'class="error-summary"' in text_of(response)
    assert unchanged(policy) == before


# --- who changes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/items/new", {"ref": "r2", "kind": "ring", "limit": "10", "action": "confirm"}),
        ("/items/r1/remove", {"action": "confirm"}),
        ("/items/r1/change", {"limit": "10", "action": "confirm"}),
        ("/cancel", {"by": "insured", "action": "confirm"}),
        ("/payments", {"amount": "10.00"}),
        ("/newly-acquired", {"kind": "ring"}),
        ("/items/r1/files", {"kind": "photo"}),
    ],
)
def test_the_privacy_officer_changes_nothing(client, people, policy, path, form):
    verified_login(client, people.privacy)
    day = today().isoformat()
    form = {**form, "on": day, "cancel_on": day, "paid_on": day, "acquired_on": day}
    before = unchanged(policy)

    response = client.post(url(policy, path), form)

    assert response.status_code == 404
    assert unchanged(policy) == before
