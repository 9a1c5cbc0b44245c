"""My policy: the policy number and a named insured's email send a one-time code that
opens the policyholder's session. Nothing tells a stranger whether a policy exists; wrong
codes are counted and lock the request; a plan's code never opens a policy, nor a policy's
code a plan."""

import re

import pytest
from customer_support import ask_code, code_from, filled
from django.core import mail
from factories import sell

from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.insurance import schemas, services
from gemcare.portals.customer.insurance.policy_sign_ins import CODES_PER_POLICY_PER_HOUR
from gemcare.portals.customer.models import SignInCode
from gemcare.portals.customer.sign_ins import CODE_ATTEMPTS
from gemcare.portals.web.callers import HOLDER_SESSION_KEY, POLICYHOLDER_SESSION_KEY

SYSTEM = Caller.system("tests")


def bind(*insureds):
    data = {
        "named_insureds": list(insureds)
        or [{"name": "Ann Lee", "email": "ann@example.com"}, {"name": "Bo Lee", "email": ""}],
        "state": "WI",
        "start": today().isoformat(),
        "deductible": "100",
        "items": [{"ref": "r1", "kind": "ring", "limit": "8000.00"}],
    }
    return services.policy_bind(caller=SYSTEM, data=validate_input(schemas.PolicyBindIn, data))


@pytest.fixture
def policy(presets):
    return bind()


def ask(client, capture, *, number, email="ann@example.com", **extra):
    data = filled({"policy_number": number, "email": email, **extra})
    with capture(execute=True):
        return client.post("/my-policy/", data)


def _masked(response) -> str:
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    page = re.sub(r'name="form_started" value="[^"]+"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)


def test_the_number_and_a_named_insureds_email_send_a_code_that_opens_the_policy(
    client, policy, django_capture_on_commit_callbacks
):
    response = ask(client, django_capture_on_commit_callbacks, number=policy.number)

    assert response.status_code == 302 and response["Location"] == "/my-policy/code"
    (sent,) = mail.outbox
    assert sent.to == ["ann@example.com"]
    code = code_from(sent)
    row = SignInCode.objects.get()
    ann = policy.named_insureds.get(name="Ann Lee")
    assert row.named_insured_id == ann.pk and row.holder_id is None and code not in row.code_hash
    before = client.session.session_key

    opened = client.post("/my-policy/code", filled({"code": code}))

    assert opened.status_code == 302 and opened["Location"] == f"/my-policy/{policy.number}"
    assert client.session.session_key != before
    assert client.session[POLICYHOLDER_SESSION_KEY] == ann.pk
    assert HOLDER_SESSION_KEY not in client.session
    page = client.get(opened["Location"])
    assert page.status_code == 200 and policy.number in page.content.decode()
    assert AuditEntry.objects.filter(action="policyholder_signed_in").count() == 1
    # The code works once.
    again = client.post("/my-policy/code", filled({"code": code}))
    assert again.status_code in {302, 422}
    assert SignInCode.objects.get().used_at is not None


@pytest.mark.parametrize("typed", ["ANN@example.com", "  ann@example.com  "])
def test_the_email_is_matched_without_regard_to_case_or_spaces(
    client, policy, django_capture_on_commit_callbacks, typed
):
    ask(client, django_capture_on_commit_callbacks, number=policy.number.lower(), email=typed)

    assert [message.to for message in mail.outbox] == [["ann@example.com"]]


def test_nothing_tells_a_stranger_whether_the_policy_exists(
    client, policy, django_capture_on_commit_callbacks
):
    answers = [
        ask(client, django_capture_on_commit_callbacks, number=policy.number),
        ask(
            client, django_capture_on_commit_callbacks, number=policy.number, email="x@example.com"
        ),
        ask(client, django_capture_on_commit_callbacks, number="JP-999999"),
    ]
    pages = [client.get(answer["Location"]) for answer in answers]

    assert {answer.status_code for answer in answers} == {302}
    assert {answer["Location"] for answer in answers} == {"/my-policy/code"}
    assert len({_masked(page) for page in pages}) == 1
    assert len(mail.outbox) == 1  # only the real match got a code
    assert SignInCode.objects.count() == 3  # every request is kept alike
    assert SignInCode.objects.filter(named_insured__isnull=True).count() == 2


def test_wrong_codes_are_counted_and_the_last_try_locks_even_the_right_code(
    client, policy, django_capture_on_commit_callbacks
):
    ask(client, django_capture_on_commit_callbacks, number=policy.number)
    code = code_from(mail.outbox[0])
    wrong = "000000" if code != "000000" else "111111"

    answers = [
        client.post("/my-policy/code", filled({"code": wrong})) for _ in range(CODE_ATTEMPTS)
    ]
    last = client.post("/my-policy/code", filled({"code": code}))

    assert [answer.status_code for answer in answers[:-1]] == [422] * (CODE_ATTEMPTS - 1)
    assert "tries left" in answers[0].content.decode()
    assert answers[-1].status_code == 429 and last.status_code == 429
    assert POLICYHOLDER_SESSION_KEY not in client.session
    assert SignInCode.objects.get().attempts == CODE_ATTEMPTS


def test_a_stranger_trying_codes_against_no_policy_is_locked_out_alike(
    client, policy, django_capture_on_commit_callbacks
):
    ask(client, django_capture_on_commit_callbacks, number="JP-999999")

    answers = [
        client.post("/my-policy/code", filled({"code": f"{n:06d}"})) for n in range(CODE_ATTEMPTS)
    ]

    assert [answer.status_code for answer in answers] == [422] * (CODE_ATTEMPTS - 1) + [429]


def test_a_policy_gets_only_so_many_codes_an_hour(
    client, policy, django_capture_on_commit_callbacks
):
    for _ in range(CODES_PER_POLICY_PER_HOUR + 2):
        ask(client, django_capture_on_commit_callbacks, number=policy.number)

    assert len(mail.outbox) == CODES_PER_POLICY_PER_HOUR


def test_a_named_insured_without_an_email_never_matches(
    client, policy, django_capture_on_commit_callbacks
):
    ask(client, django_capture_on_commit_callbacks, number=policy.number, email="")
    blank = client.post("/my-policy/", filled({"policy_number": policy.number, "email": ""}))

    assert blank.status_code == 422 and 'id="f-email-error"' in blank.content.decode()
    assert mail.outbox == []


def test_a_plans_code_does_not_open_a_policy_nor_a_policys_code_a_plan(
    client, policy, presets, django_capture_on_commit_callbacks
):
    contract = sell()
    ask_code(client, contract, capture=django_capture_on_commit_callbacks)
    plan_code = code_from(mail.outbox[-1])

    on_policy_page = client.post("/my-policy/code", filled({"code": plan_code}))

    assert on_policy_page.status_code == 302  # no policy request in this browser yet
    assert on_policy_page["Location"] == "/my-policy/"
    ask(client, django_capture_on_commit_callbacks, number=policy.number)
    policy_code = code_from(mail.outbox[-1])
    session = client.session  # the policy request's token, offered to the plan's code page
    session["gemcare_sign_in_request"] = session["gemcare_policy_sign_in_request"]
    session.save()

    on_plan_page = client.post("/my-plan/code", filled({"code": policy_code}))

    assert on_plan_page.status_code == 422
    assert HOLDER_SESSION_KEY not in client.session
    assert POLICYHOLDER_SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"policy_number": "", "email": "ann@example.com"}, "policy_number"),
        ({"policy_number": "x" * 500, "email": "ann@example.com"}, "policy_number"),
        ({"policy_number": "JP-1", "email": "not an email"}, "email"),
        ({"policy_number": "JP-1\x00", "email": "ann@example.com"}, "policy_number"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(client, policy, data, field):
    response = client.post("/my-policy/", filled(data))

    page = response.content.decode()
    assert response.status_code == 422
    assert f'id="f-{field.replace("_", "-")}-error"' in page
    assert SignInCode.objects.count() == 0


def test_a_robot_is_refused_before_anything_is_read(client, policy):
    honeypot = client.post(
        "/my-policy/",
        filled({"policy_number": policy.number, "email": "ann@example.com", "website": "spam"}),
    )
    hurried = client.post(
        "/my-policy/",
        filled({"policy_number": policy.number, "email": "ann@example.com"}, seconds_ago=0),
    )

    assert honeypot.status_code == 429 and hurried.status_code == 429
    assert SignInCode.objects.count() == 0


def test_the_code_page_without_a_request_goes_back_to_the_sign_in(client, db):
    response = client.get("/my-policy/code")

    assert response.status_code == 302 and response["Location"] == "/my-policy/"


def test_a_signed_in_policyholder_goes_straight_to_their_policy(client, policy):
    session = client.session
    session[POLICYHOLDER_SESSION_KEY] = policy.named_insureds.first().pk
    session.save()

    response = client.get("/my-policy/")

    assert response.status_code == 302 and response["Location"] == f"/my-policy/{policy.number}"


def test_next_goes_only_to_a_policy_page(client, policy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/my-policy/?next=https://evil.example/",
            filled({"policy_number": policy.number, "email": "ann@example.com"}),
        )
    response = client.post(
        "/my-policy/code?next=/my-plan/plans", filled({"code": code_from(mail.outbox[0])})
    )

    assert response["Location"] == f"/my-policy/{policy.number}"
