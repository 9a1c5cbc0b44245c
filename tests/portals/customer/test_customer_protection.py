"""Every public POST of the customer site: a rate limit per address, a honeypot and a
minimum fill time, refused with a page in words (429) and nothing written."""

import datetime as dt
import re
import time

import pytest
from customer_support import filled
from django.core import mail, signing
from django.core.cache import cache
from factories import row_counts, sell

from gemcare.common.callers import Caller
from gemcare.common.schemas import validate_input
from gemcare.portals.customer.models import SignInCode, TransferInvitation
from gemcare.portals.customer.protection import (
    HONEYPOT_FIELD,
    RATE_LIMITS,
    STARTED_FIELD,
    STARTED_SALT,
    form_started,
    rate_limit_hit,
)
from gemcare.portals.customer.schemas import TransferInviteIn
from gemcare.portals.customer.services import transfer_invitation_send

FORMS = {
    "find_plan": (
        "/my-plan/",
        {"way": "plan", "plan_number": "C12345678", "email": "a@example.com"},
    ),
    "sign_in_code": ("/my-plan/code", {"code": "123456"}),
    "transfer_accept": ("/transfer/{token}", {"name": "Ben", "state": "TX", "confirm": "true"}),
}


@pytest.fixture
def forms(client, presets):
    """Each public form's address and input, with a request pending for the code page."""
    session = client.session
    session["gemcare_sign_in_request"] = "pending"
    session.save()
    return {name: (url.format(token="t" * 43), data) for name, (url, data) in FORMS.items()}


def _written() -> tuple:
    return row_counts(), SignInCode.objects.count(), TransferInvitation.objects.count()


@pytest.mark.parametrize("name", FORMS)
def test_too_many_requests_from_one_address_are_refused_in_words(client, forms, name):
    url, data = forms[name]
    limit = RATE_LIMITS[name].requests
    for _ in range(limit):
        assert client.post(url, filled(data), REMOTE_ADDR="203.0.113.9").status_code != 429
    written = _written()

    refused = client.post(url, filled(data), REMOTE_ADDR="203.0.113.9")
    refused_written = _written()
    elsewhere = client.post(url, filled(data), REMOTE_ADDR="198.51.100.7")

    assert refused.status_code == 429
    assert b"Too many requests from your connection" in refused.content
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert refused.content.count(b"<h1>") == 1 and b"Traceback" not in refused.content
    assert refused_written == written
    assert elsewhere.status_code != 429  # the limit is the address's, not everyone's


@pytest.mark.parametrize("name", FORMS)
def test_a_filled_honeypot_is_refused(client, forms, name):
    url, data = forms[name]
    written = _written()

    response = client.post(url, filled({**data, HONEYPOT_FIELD: "http://spam.example"}))

    assert (
        response.status_code == 429 and b"looked like it was sent by a program" in response.content
    )
    assert _written() == written


@pytest.mark.parametrize("name", FORMS)
def test_a_form_sent_back_too_fast_is_refused(client, forms, name):
    url, data = forms[name]
    written = _written()

    response = client.post(url, filled(data, seconds_ago=0.2))

    assert response.status_code == 429 and b"faster than a person" in response.content
    assert _written() == written


@pytest.mark.parametrize(
    "stamp",
    [
        None,
        "",
        "forged",
        signing.Signer(salt="another.salt").sign(str(int(time.time() * 1000) - 60_000)),
        signing.Signer(salt=STARTED_SALT).sign("not a time"),
        signing.Signer(salt=STARTED_SALT).sign("1e400"),
        signing.dumps(int(time.time() * 1000) - 60_000, salt=STARTED_SALT),
        "x" * 5000,
    ],
    # Named, not shown: a stamp holds the time, and parallel workers must collect alike.
    ids=["none", "empty", "forged", "other_salt", "not_a_time", "huge", "unsigned_dump", "long"],
)
def test_a_missing_or_forged_stamp_is_refused(client, forms, stamp):
    url, data = forms["find_plan"]
    sent = {**data, HONEYPOT_FIELD: ""}
    if stamp is not None:
        sent[STARTED_FIELD] = stamp

    response = client.post(url, sent)

    assert response.status_code == 429 and b"not sent from our page" in response.content
    assert SignInCode.objects.count() == 0


def test_a_page_left_open_for_a_day_asks_to_be_opened_again(client, forms):
    url, data = forms["find_plan"]

    response = client.post(url, {**data, STARTED_FIELD: form_started(at=time.time() - 90_000)})

    assert response.status_code == 429 and b"open for too long" in response.content


def test_the_counter_starts_again_in_the_next_window(db):
    limit = RATE_LIMITS["find_plan"]
    now = 1_000_000 * limit.seconds + 10
    for _ in range(limit.requests):
        assert rate_limit_hit("find_plan", "192.0.2.1", now=now) is None

    assert rate_limit_hit("find_plan", "192.0.2.1", now=now) == limit.seconds - 10
    assert rate_limit_hit("find_plan", "192.0.2.1", now=now + limit.seconds) is None
    assert not any("192.0.2.1" in str(key) for key in getattr(cache, "_cache", {}))


def test_the_limits_can_be_set(settings, db):
    settings.GEMCARE_CUSTOMER_RATE_LIMITS = {"find_plan": (1, 60)}

    assert rate_limit_hit("find_plan", "192.0.2.2") is None
    assert rate_limit_hit("find_plan", "192.0.2.2") is not None


def test_a_failing_cache_lets_the_form_through_and_says_so(settings, db, monkeypatch, caplog):
    """The shared cache's server is gone: the honeypot and the fill time still guard the
    form; the count is left out, with a warning that names no server."""

    def gone(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to cache.internal:6379")

    settings.GEMCARE_CUSTOMER_RATE_LIMITS = {"find_plan": (1, 60)}
    monkeypatch.setattr(cache, "add", gone)
    with caplog.at_level("WARNING", logger="gemcare.cache"):
        assert rate_limit_hit("find_plan", "192.0.2.3") is None
        assert rate_limit_hit("find_plan", "192.0.2.3") is None
    words = [record.getMessage() for record in caplog.records if record.name == "gemcare.cache"]
    assert len(words) == 2 and "ConnectionError" in words[0] and "cache.internal" not in words[0]


def test_every_public_form_carries_the_protection(
    client, presets, django_capture_on_commit_callbacks
):
    contract = sell("care-jewelry-3yr", purchased=dt.date(2025, 3, 1))
    invite = validate_input(
        TransferInviteIn,
        {"name": "Ben", "state": "TX", "email": "ben@example.com", "confirm": True},
    )
    with django_capture_on_commit_callbacks(execute=True):
        transfer_invitation_send(
            caller=Caller.holder(contract.holder), contract=contract, invite=invite
        )
    link = re.search(r"https?://[^/\s]+(/transfer/\S+)", mail.outbox[-1].body).group(1)
    session = client.session
    session["gemcare_sign_in_request"] = "pending"
    session.save()

    for url in ("/my-plan/", "/my-plan/code", link):
        page = client.get(url).content.decode()
        assert f'name="{HONEYPOT_FIELD}"' in page and f'name="{STARTED_FIELD}"' in page, url
        assert 'tabindex="-1"' in page and 'aria-hidden="true"' in page
