"""Find my plan: a code sent to the email on file opens the holder's session. Nothing tells
a stranger whether a plan exists; wrong codes are counted and lock the request."""

import datetime as dt
import re

import pytest
from customer_support import ask_code, code_from, filled, sign_in
from django.core import mail
from django.utils import timezone
from factories import holder_data, row_counts, sale_in, sell, transfer

from gemcare.common.callers import Caller
from gemcare.common.models import AuditEntry
from gemcare.contracts.services import contract_sell
from gemcare.portals.customer.models import SignInCode
from gemcare.portals.customer.sign_ins import CODE_ATTEMPTS, CODES_PER_PLAN_PER_HOUR
from gemcare.portals.web.callers import HOLDER_SESSION_KEY


@pytest.fixture
def contract(presets):
    return sell("care-jewelry-3yr", purchased=dt.date(2025, 3, 1))


def _masked(response) -> str:
    """A page with what changes at every answer (CSRF tokens, form stamps) taken out."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    page = re.sub(r'name="form_started" value="[^"]+"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)


def _shape(response) -> tuple:
    headers = sorted((name, value) for name, value in response.headers.items())
    return (
        response.status_code,
        [(name, value) for name, value in headers if name not in {"Set-Cookie", "Expires"}],
        sorted(response.cookies),
        _masked(response),
    )


def test_the_plan_number_and_the_email_on_file_send_a_code_that_opens_the_holders_plans(
    client, contract, django_capture_on_commit_callbacks
):
    response = ask_code(client, contract, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"] == "/my-plan/code"
    (sent,) = mail.outbox
    assert sent.to == ["ada@example.com"]
    code = code_from(sent)
    assert code in sent.body and "10 minutes" in sent.body
    row = SignInCode.objects.get()
    assert code not in row.code_hash and row.holder_id == contract.holder_id  # hashed at rest
    assert row.expires_at - row.created_at == dt.timedelta(minutes=10)
    before = client.session.session_key

    opened = client.post("/my-plan/code", filled({"code": code}))

    assert opened.status_code == 302 and opened["Location"] == "/my-plan/plans"
    assert client.session.session_key != before  # no session fixation
    assert client.session[HOLDER_SESSION_KEY] == contract.holder_id
    page = client.get("/my-plan/plans").content.decode()
    assert contract.number in page
    assert AuditEntry.objects.filter(action="holder_signed_in").count() == 1


def test_the_receipt_number_and_the_last_name_find_the_plan_too(
    client, presets, django_capture_on_commit_callbacks
):
    contract = sell(holder=holder_data(name="Ada de la Cruz"))
    for typed in ("cruz", "De La Cruz", "  CRUZ "):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/my-plan/",
                filled(
                    {
                        "way": "receipt",
                        "receipt_number": contract.receipt_number,
                        "last_name": typed,
                    }
                ),
            )

    assert len(mail.outbox) == 3
    assert SignInCode.objects.filter(holder=contract.holder).count() == 3


def test_a_code_once_used_opens_nothing_again(client, contract, django_capture_on_commit_callbacks):
    code = sign_in(client, contract, capture=django_capture_on_commit_callbacks)
    session = client.session
    session["gemcare_sign_in_request"] = "replayed"
    session.save()

    again = client.post("/my-plan/code", filled({"code": code}))

    assert again.status_code == 422 and b"expired or was already used" in again.content


def test_wrong_codes_are_counted_and_the_last_try_locks_the_request_against_the_right_code(
    client, contract, django_capture_on_commit_callbacks
):
    ask_code(client, contract, capture=django_capture_on_commit_callbacks)
    right = code_from(mail.outbox[0])
    wrong = "000000" if right != "000000" else "111111"

    answers = [client.post("/my-plan/code", filled({"code": wrong})) for _ in range(CODE_ATTEMPTS)]
    locked = client.post("/my-plan/code", filled({"code": right}))

    assert [a.status_code for a in answers] == [422] * (CODE_ATTEMPTS - 1) + [429]
    assert b"4 tries left" in answers[0].content and b"1 try left" in answers[-2].content
    assert b"was wrong too many times" in answers[-1].content
    assert locked.status_code == 429 and HOLDER_SESSION_KEY not in client.session
    assert SignInCode.objects.get().attempts == CODE_ATTEMPTS


def test_an_expired_code_opens_nothing(client, contract, django_capture_on_commit_callbacks):
    ask_code(client, contract, capture=django_capture_on_commit_callbacks)
    SignInCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = client.post("/my-plan/code", filled({"code": code_from(mail.outbox[0])}))

    assert response.status_code == 422 and b"has expired" in response.content
    assert HOLDER_SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "typed", ["12345", "abcdef", "1234567", "", "\uff11\uff12\uff13\uff14\uff15\uff16", "12\x0034"]
)
def test_a_code_that_is_not_six_digits_names_the_field_and_counts_nothing(
    client, contract, django_capture_on_commit_callbacks, typed
):
    ask_code(client, contract, capture=django_capture_on_commit_callbacks)

    response = client.post("/my-plan/code", filled({"code": typed}))

    assert response.status_code == 422 and b'aria-invalid="true"' in response.content
    assert SignInCode.objects.get().attempts == 0


def test_nothing_tells_a_stranger_whether_a_plan_exists(
    client, contract, django_capture_on_commit_callbacks
):
    """A matching plan, a wrong email, a plan that does not exist, a receipt with the wrong
    name: the same status, headers, cookies and page, then the same code page."""
    shapes, pages = [], []
    for data in (
        {"way": "plan", "plan_number": contract.number, "email": "ada@example.com"},
        {"way": "plan", "plan_number": contract.number, "email": "eve@example.com"},
        {"way": "plan", "plan_number": "C00000000", "email": "ada@example.com"},
        {"way": "receipt", "receipt_number": contract.receipt_number, "last_name": "Nobody"},
    ):
        client.cookies.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/my-plan/", filled(data))
        shapes.append(_shape(response))
        pages.append(_shape(client.get(response["Location"])))
        wrong = client.post("/my-plan/code", filled({"code": "999999"}))
        pages.append((wrong.status_code, _masked(wrong)))

    assert all(shape == shapes[0] for shape in shapes)
    assert shapes[0][0] == 302 and "sessionid" in shapes[0][2]
    assert pages[0] == pages[2] == pages[4] == pages[6]
    assert pages[1] == pages[3] == pages[5] == pages[7]
    assert len(mail.outbox) == 1  # the matching plan's holder only
    assert SignInCode.objects.count() == 4  # every request is counted alike


def test_a_plan_whose_holder_has_no_email_gets_the_same_answer_and_no_email(
    client, presets, django_capture_on_commit_callbacks
):
    contract = sell(holder={"name": "Nomail Holder", "state": "OK"})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/my-plan/",
            filled(
                {"way": "receipt", "receipt_number": contract.receipt_number, "last_name": "holder"}
            ),
        )

    assert response.status_code == 302 and response["Location"] == "/my-plan/code"
    assert mail.outbox == []
    assert SignInCode.objects.get().holder_id is None


def test_a_plan_gets_at_most_a_few_codes_an_hour(
    client, contract, django_capture_on_commit_callbacks
):
    for _ in range(CODES_PER_PLAN_PER_HOUR + 2):
        response = ask_code(client, contract, capture=django_capture_on_commit_callbacks)
        assert response.status_code == 302

    assert len(mail.outbox) == CODES_PER_PLAN_PER_HOUR


def test_a_former_holder_and_a_test_mode_plan_are_not_found(
    client, presets, django_capture_on_commit_callbacks, people
):
    contract = sell("care-jewelry-3yr", purchased=dt.date(2025, 3, 1))
    transfer(contract, dt.date(2025, 4, 1), to=holder_data(name="Ben New", email="ben@example.com"))

    test_mode = contract_sell(
        caller=Caller.retailer(people.retailer_a),
        store=people.store_a1,
        sale=sale_in("care-jewelry-3yr", purchased=dt.date(2025, 3, 1)),
        is_test=True,
    )
    for found in (contract, test_mode):
        ask_code(client, found, capture=django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_the_find_my_plan_form_names_a_field_it_cannot_read_and_writes_nothing(client, contract):
    counts, codes = row_counts(), SignInCode.objects.count()

    response = client.post(
        "/my-plan/",
        filled({"way": "plan", "plan_number": contract.number, "email": "not-an-email"}),
    )

    assert response.status_code == 422
    assert (
        'id="f-email"' in response.content.decode() and b'aria-invalid="true"' in response.content
    )
    assert contract.number.encode() in response.content  # what was typed is kept
    assert row_counts() == counts and SignInCode.objects.count() == codes


@pytest.mark.parametrize(
    "data",
    [
        {"way": "plan", "plan_number": "C" * 5000, "email": "a@example.com"},
        {"way": "plan", "plan_number": "C1\x00", "email": "a@example.com"},
        {"way": "receipt", "receipt_number": "R1", "last_name": "x" * 300},
        {"way": "nonsense", "plan_number": "C1", "email": "a@example.com", "extra": "1"},
        {"way": "receipt"},
    ],
)
def test_hostile_input_gets_a_form_again_never_a_server_error(client, presets, data):
    response = client.post("/my-plan/", filled(data))

    assert response.status_code == 422
    assert SignInCode.objects.count() == 0


def test_the_code_page_without_a_request_sends_back_to_find_my_plan(client, db):
    assert client.get("/my-plan/code")["Location"] == "/my-plan/"
    assert client.post("/my-plan/code", filled({"code": "123456"}))["Location"] == "/my-plan/"


def test_a_logged_out_visitor_goes_to_find_my_plan_and_comes_back_after_the_code(
    client, contract, django_capture_on_commit_callbacks
):
    target = f"/my-plan/plans/{contract.number}"
    sent_away = client.get(target)
    assert sent_away.status_code == 302
    assert sent_away["Location"] == f"/my-plan/?next={target.replace('/', '%2F')}"
    assert f'name="next" value="{target}"' in client.get(sent_away["Location"]).content.decode()

    asked = ask_code(client, contract, capture=django_capture_on_commit_callbacks, next=target)
    assert asked["Location"] == f"/my-plan/code?next={target.replace('/', '%2F')}"
    code = code_from(mail.outbox[0])
    opened = client.post("/my-plan/code", filled({"code": code, "next": target}))

    assert opened["Location"] == target
    assert client.get(target).status_code == 200


def test_the_next_page_is_only_ever_one_of_the_holders_pages(
    client, contract, django_capture_on_commit_callbacks
):
    ask_code(
        client, contract, capture=django_capture_on_commit_callbacks, next="https://evil.example/"
    )
    code = code_from(mail.outbox[0])

    opened = client.post("/my-plan/code", filled({"code": code, "next": "/jeweler/"}))

    assert opened["Location"] == "/my-plan/plans"


def test_signing_out_ends_the_holders_session(client, contract, django_capture_on_commit_callbacks):
    sign_in(client, contract, capture=django_capture_on_commit_callbacks)

    assert client.get("/my-plan/sign-out").status_code == 405
    response = client.post("/my-plan/sign-out", follow=True)

    assert response.redirect_chain == [("/", 302)] and b"You are signed out." in response.content
    assert HOLDER_SESSION_KEY not in client.session
    assert client.get("/my-plan/plans").status_code == 302


def test_found_or_not_the_answer_takes_about_the_same_time(client, contract, settings):
    import time

    settings.GEMCARE_CUSTOMER_SIGN_IN_SECONDS = 0.3
    client.post("/my-plan/", filled({"way": "plan", "plan_number": "C1", "email": "a@b.co"}))
    took = []
    for email in ("ada@example.com", "nobody@example.com", "ada@example.com"):
        started = time.monotonic()
        client.post(
            "/my-plan/", filled({"way": "plan", "plan_number": contract.number, "email": email})
        )
        took.append(time.monotonic() - started)

    assert min(took) >= 0.3
    assert max(took) - min(took) < 0.15


def test_spent_codes_and_stale_invitations_are_pruned(client, contract):
    from django.core.management import call_command

    from gemcare.portals.customer.models import TransferInvitation

    now = timezone.now()
    old = SignInCode.objects.create(
        token_hash="a" * 64,
        code_hash="x",
        created_at=now - dt.timedelta(days=3),
        expires_at=now - dt.timedelta(days=2),
    )
    fresh = SignInCode.objects.create(
        token_hash="b" * 64, code_hash="x", created_at=now, expires_at=now + dt.timedelta(minutes=9)
    )
    stale = TransferInvitation.objects.create(
        contract=contract,
        invited_by=contract.holder,
        name="Ben",
        email="ben@example.com",
        state="TX",
        token_hash="c" * 64,
        created_at=now - dt.timedelta(days=60),
        expires_at=now - dt.timedelta(days=46),
    )

    call_command("prune_sign_in_codes", stdout=__import__("io").StringIO())

    assert list(SignInCode.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not SignInCode.objects.filter(pk=old.pk).exists()
    assert not TransferInvitation.objects.filter(pk=stale.pk).exists()
