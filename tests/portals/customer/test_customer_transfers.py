"""Transferring a care plan: the holder's invitation by email, the recipient's acceptance
through a single-use link, refused when the plan no longer transfers."""

import datetime as dt
import re

import pytest
from customer_support import filled, holder_signed_in
from django.core import mail
from django.utils import timezone
from factories import cancel, holder_data, row_counts, sell, snapshot, transfer

from gemcare.common.clock import today
from gemcare.common.models import AuditEntry
from gemcare.contracts.models import Contract, Holder, HolderPeriod
from gemcare.portals.customer.models import TransferInvitation
from gemcare.portals.web.callers import HOLDER_SESSION_KEY

INVITE = {"name": "Ben Recipient", "state": "TX", "email": "ben@example.com", "confirm": "true"}


@pytest.fixture
def plan(presets):
    return sell("care-jewelry-3yr", purchased=today() - dt.timedelta(days=100))


def _invite(client, plan, capture, **change) -> str:
    """Send an invitation as the signed-in holder; the link's path from the email."""
    with capture(execute=True):
        response = client.post(f"/my-plan/plans/{plan.number}/transfer", {**INVITE, **change})
    assert response.status_code == 302, response.content
    return re.search(r"https?://[^/\s]+(/transfer/\S+)", mail.outbox[-1].body).group(1)


def test_the_holder_invites_and_the_recipient_accepts_the_plan(
    client, plan, django_capture_on_commit_callbacks
):
    holder_signed_in(client, plan.holder)
    link = _invite(client, plan, django_capture_on_commit_callbacks)
    sent = mail.outbox[-1]
    invitation = TransferInvitation.objects.get()
    token = link.rsplit("/", 1)[1]
    assert sent.to == ["ben@example.com"] and "Ada Holder offers you" in sent.subject
    assert token not in invitation.token_hash and len(token) >= 40  # hashed at rest
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=14)
    assert Contract.objects.get(pk=plan.pk).holder_id == plan.holder_id  # still Ada's
    client.cookies.clear()

    shown = client.get(link)
    accepted = client.post(
        link, filled({"name": "Ben R. Recipient", "state": "TX", "confirm": "true"})
    )

    assert shown.status_code == 200 and shown["Referrer-Policy"] == "no-referrer"
    assert b"Ada Holder offers you" in shown.content and b"ben@example.com" in shown.content
    assert accepted.status_code == 302 and accepted["Location"] == f"/my-plan/plans/{plan.number}"
    contract = Contract.objects.get(pk=plan.pk)
    ben = Holder.objects.get(pk=contract.holder_id)
    assert (ben.name, ben.state, ben.email) == ("Ben R. Recipient", "TX", "ben@example.com")
    assert HolderPeriod.objects.get(contract=plan, holder=plan.holder).until == today()
    assert client.session[HOLDER_SESSION_KEY] == ben.pk  # the link opens Ben's session
    assert client.get(f"/my-plan/plans/{plan.number}").status_code == 200
    moved = AuditEntry.objects.get(action="contract_transferred")
    taken = AuditEntry.objects.get(action="transfer_invitation_accepted")
    assert moved.actor_label == f"holder:{plan.holder_id}"  # by the inviting holder's consent
    assert taken.actor_label == f"holder:{ben.pk}"
    assert taken.data["invited_by"] == plan.holder_id and taken.data["accepted_by"] == ben.pk


def test_the_former_holder_no_longer_sees_the_plan(
    client, plan, django_capture_on_commit_callbacks
):
    holder_signed_in(client, plan.holder)
    link = _invite(client, plan, django_capture_on_commit_callbacks)
    from django.test import Client

    Client().post(link, filled({"name": "Ben", "state": "TX", "confirm": "true"}))

    assert client.get(f"/my-plan/plans/{plan.number}").status_code == 404


def test_a_link_works_once(client, plan, django_capture_on_commit_callbacks):
    holder_signed_in(client, plan.holder)
    link = _invite(client, plan, django_capture_on_commit_callbacks)
    client.post(link, filled({"name": "Ben", "state": "TX", "confirm": "true"}))
    counts = row_counts()

    again_page = client.get(link)
    again = client.post(link, filled({"name": "Mallory", "state": "TX", "confirm": "true"}))

    assert again_page.status_code == again.status_code == 404
    assert row_counts() == counts


def test_an_expired_withdrawn_or_made_up_link_is_not_found(
    client, plan, django_capture_on_commit_callbacks
):
    holder_signed_in(client, plan.holder)
    first = _invite(client, plan, django_capture_on_commit_callbacks)
    second = _invite(client, plan, django_capture_on_commit_callbacks, name="Cleo")
    TransferInvitation.objects.filter(withdrawn_at__isnull=True).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    counts = row_counts()

    for link in (first, second, "/transfer/" + "A" * 43, "/transfer/" + "x" * 500, "/transfer/%00"):
        assert client.get(link).status_code == 404, link
        assert (
            client.post(link, filled({"name": "Eve", "state": "TX", "confirm": "true"})).status_code
            == 404
        )
    assert row_counts() == counts
    assert TransferInvitation.objects.filter(withdrawn_at__isnull=False).count() == 1


def test_the_plan_cancelled_since_the_invitation_refuses_the_acceptance(
    client, plan, django_capture_on_commit_callbacks
):
    holder_signed_in(client, plan.holder)
    link = _invite(client, plan, django_capture_on_commit_callbacks)
    cancel(plan, date=today())  # at the counter: the invitation is still open
    before, counts = snapshot(Contract.objects.get(pk=plan.pk)), row_counts()

    response = client.post(link, filled({"name": "Ben", "state": "TX", "confirm": "true"}))

    assert response.status_code == 409 and b"contract_not_active" in response.content
    assert snapshot(Contract.objects.get(pk=plan.pk)) == before and row_counts() == counts
    assert TransferInvitation.objects.get().accepted_at is None


def test_a_plan_that_changed_hands_since_the_invitation_refuses_it(
    client, plan, django_capture_on_commit_callbacks
):
    holder_signed_in(client, plan.holder)
    link = _invite(client, plan, django_capture_on_commit_callbacks)
    transfer(plan, today(), to=holder_data(name="Cleo Counter", email="cleo@example.com"))
    counts = row_counts()

    response = client.post(link, filled({"name": "Ben", "state": "TX", "confirm": "true"}))

    assert response.status_code == 409 and b"plan_changed_hands" in response.content
    assert row_counts() == counts


def test_a_lifetime_jewelry_plan_does_not_transfer(client, presets):
    ljpp = sell("ljpp-lifetime")
    holder_signed_in(client, ljpp.holder)
    counts = row_counts()

    page = client.get(f"/my-plan/plans/{ljpp.number}/transfer").content.decode()
    refused = client.post(f"/my-plan/plans/{ljpp.number}/transfer", INVITE)

    assert "cannot be transferred" in page and 'name="email"' not in page
    assert refused.status_code == 409 and b"transfer_not_offered" in refused.content
    assert row_counts() == counts and not TransferInvitation.objects.exists()


def test_a_gift_names_its_recipient_once(client, presets, django_capture_on_commit_callbacks):
    gift = sell("ljpp-lifetime", gift=True)
    holder_signed_in(client, gift.holder)

    page = client.get(f"/my-plan/plans/{gift.number}/transfer").content.decode()
    link = _invite(client, gift, django_capture_on_commit_callbacks)
    client.post(link, filled({"name": "Ben", "state": "TX", "confirm": "true"}))

    assert "recipient of an item sold as a gift" in page
    period = HolderPeriod.objects.get(contract=gift, until__isnull=True)
    assert period.reason == HolderPeriod.GIFT_RECIPIENT
    refused = client.post(f"/my-plan/plans/{gift.number}/transfer", INVITE)
    assert refused.status_code == 409  # named once: no further transfer


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"state": "ZZ"}, "state"),
        ({"email": "ben"}, "email"),
        ({"email": ""}, "email"),
        ({"confirm": "false"}, "confirm"),
        ({"name": "B\x00en"}, "name"),
    ],
)
def test_a_bad_invitation_names_the_field_and_sends_nothing(client, plan, change, field):
    holder_signed_in(client, plan.holder)
    counts = row_counts()

    response = client.post(f"/my-plan/plans/{plan.number}/transfer", {**INVITE, **change})

    assert response.status_code == 422 and f'id="f-{field}-error"'.encode() in response.content
    assert row_counts() == counts and not TransferInvitation.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("change", "field"),
    [({"name": ""}, "name"), ({"state": "XX"}, "state"), ({"confirm": "false"}, "confirm")],
)
def test_a_bad_acceptance_names_the_field_and_transfers_nothing(
    client, plan, django_capture_on_commit_callbacks, change, field
):
    holder_signed_in(client, plan.holder)
    link = _invite(client, plan, django_capture_on_commit_callbacks)
    counts = row_counts()

    response = client.post(
        link, filled({"name": "Ben", "state": "TX", "confirm": "true", **change})
    )

    assert response.status_code == 422 and f'id="f-{field}-error"'.encode() in response.content
    assert row_counts() == counts and TransferInvitation.objects.get().accepted_at is None


def test_another_holder_cannot_invite_for_a_plan_not_theirs(client, plan):
    other = sell("care-jewelry-3yr", holder=holder_data(name="Eve", email="eve@example.com"))
    holder_signed_in(client, other.holder)
    counts = row_counts()

    response = client.post(f"/my-plan/plans/{plan.number}/transfer", INVITE)

    assert response.status_code == 404 and row_counts() == counts
    assert not TransferInvitation.objects.exists()


def test_the_plans_page_shows_the_invitation_waiting(
    client, plan, django_capture_on_commit_callbacks
):
    holder_signed_in(client, plan.holder)
    _invite(client, plan, django_capture_on_commit_callbacks)

    page = client.get(f"/my-plan/plans/{plan.number}").content.decode()

    assert "was sent to Ben Recipient" in page and "Send a new invitation" in page
