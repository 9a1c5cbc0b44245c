"""Failed sign-ins are throttled per username and address (django-axes): past the limit the
sign-in page says how long to wait, and even the right password waits."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from portal_support import PASSWORD


def _try(client, username: str, password: str, *, address: str = "10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _fail_until_locked(client, username: str, address: str = "10.0.0.1") -> list[int]:
    return [
        _try(client, username, "wrong-password", address=address).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]


def test_a_wrong_password_shows_the_form_again_with_the_username(client, people):
    response = _try(client, "manager-a", "wrong-password")

    page = response.content.decode()
    assert response.status_code == 422
    assert "Please enter a correct username and password" in page
    assert 'value="manager-a"' in page
    assert "wrong-password" not in page  # a password is never shown again
    assert SESSION_KEY not in client.session


def test_the_limit_locks_the_username_from_that_address_and_says_for_how_long(client, people):
    statuses = _fail_until_locked(client, "manager-a")

    locked = _try(client, "manager-a", PASSWORD)  # the right password, too late

    assert statuses[:-1] == [422] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert "try again in 15 minutes" in page
    assert '<form method="post"' in page  # the sign-in page, not a bare 403
    assert locked["Retry-After"] == str(15 * 60)
    assert SESSION_KEY not in client.session
    assert client.get("/jeweler/").status_code == 302


def test_another_address_or_another_username_is_not_locked(client, people):
    _fail_until_locked(client, "manager-a", address="10.0.0.1")

    other_user = _try(client, "associate-a1", PASSWORD, address="10.0.0.1")
    client.post("/accounts/logout/")
    other_address = _try(client, "manager-a", PASSWORD, address="10.0.0.2")

    assert other_user.status_code == 302
    assert other_address.status_code == 302
    assert client.get("/jeweler/").status_code == 200


def test_the_lock_ends_after_the_cool_off(client, people):
    _fail_until_locked(client, "manager-a")
    AccessAttempt.objects.update(
        attempt_time=dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )

    response = _try(client, "manager-a", PASSWORD)

    assert response.status_code == 302 and response["Location"] == "/jeweler/"


def test_a_success_before_the_limit_starts_the_count_again(client, people):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _try(client, "manager-a", "wrong-password")
    assert _try(client, "manager-a", PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    statuses = [
        _try(client, "manager-a", "wrong-password").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT - 1)
    ]

    assert statuses == [422] * (settings.AXES_FAILURE_LIMIT - 1)


@pytest.mark.parametrize(
    "data",
    [
        {"username": "x" * 5000, "password": "y"},
        {"username": "manager-a", "password": "p" * 100_000},
        {"username": "a\x00b", "password": "y"},
        {"username": "manager-a", "password": "a\x00b"},
        {"username": "tab\there", "password": "y"},
        {"username": ["a", "b"], "password": ["c", "d"]},
        {"username": "", "password": ""},
        {},
    ],
)
def test_hostile_sign_in_input_is_refused_without_an_error_page(client, people, data):
    response = client.post("/accounts/login/", data, REMOTE_ADDR="10.9.9.9")

    assert response.status_code == 422
    assert SESSION_KEY not in client.session
    assert all(
        len(name) <= 150 for name in AccessAttempt.objects.values_list("username", flat=True)
    )


def test_the_limit_and_the_cool_off_come_from_the_environment(tmp_path):
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"},
        "DEBUG": "1",
        "GEMCARE_VAR_DIR": str(tmp_path),
        "GEMCARE_LOGIN_FAILURE_LIMIT": "3",
        "GEMCARE_LOGIN_COOLOFF_MINUTES": "40",
    }
    code = "import config.settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"

    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3 0:40:00"
