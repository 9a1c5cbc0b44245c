"""Production settings: DEBUG is off unless turned on, weak secrets are refused at start, and
`gemcare check --deploy` is clean with the settings docs/operations.md documents.

The settings are read in a fresh process each time (they are read once per process).
"""

import ast
import io
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

STRONG_SECRET = "x7#Kp2!vQ9@mZ4$wL8^nR3&tY6*bH1(cF5)gJ0_dS-aE+uI=oP" * 2
# Fixed, so that every test process collects the same parametrized ids.
FIELD_KEY = "dGVzdC1vbmx5LXByb2R1Y3Rpb24tZmllbGQta2V5ISE="
DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LWRvLW5vdC11c2UtISE="

# As docs/operations.md lists them for a deployment behind a TLS-terminating proxy.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": STRONG_SECRET,
    "FIELD_ENCRYPTION_KEYS": FIELD_KEY,
    "ALLOWED_HOSTS": "gemcare.example.com",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_PROXY_SSL_HEADER_TRUSTED": "true",
}


def _run(code: str, environment: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL"}
        and not key.startswith("SECURE_")
    }
    env.update(environment)
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "GEMCARE_VAR_DIR": str(tmp_path)})
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def _settings(environment: dict, tmp_path, *names: str) -> subprocess.CompletedProcess:
    """The named settings as config.settings reads them in that environment (a repr)."""
    code = f"import config.settings as s; print([getattr(s, n, None) for n in {list(names)!r}])"
    return _run(code, environment, tmp_path)


def _values(result: subprocess.CompletedProcess) -> list:
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip())


def _check_deploy(environment: dict, tmp_path) -> subprocess.CompletedProcess:
    code = "import sys; from gemcare.cli import main; sys.argv = ['gemcare', 'check', '--deploy', '--fail-level', 'WARNING']; main()"  # noqa: E501
    return _run(code, environment, tmp_path)


def test_debug_is_off_unless_the_environment_turns_it_on(tmp_path):
    unset = {key: value for key, value in PRODUCTION.items() if key != "DEBUG"}

    assert _values(_settings(unset, tmp_path, "DEBUG")) == [False]
    assert _values(_settings({"DEBUG": "1"}, tmp_path, "DEBUG")) == [True]


def test_with_debug_off_secrets_must_be_given(tmp_path):
    result = _settings({"DEBUG": "false"}, tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        ("dev-only-insecure-key-do-not-use-in-production", "development key"),
        ("short-but-varied-KEY-123", "too weak"),
        ("a" * 30 + "b" * 30, "too weak"),  # long, but only 2 different characters
        ("django-insecure-" + STRONG_SECRET, "too weak"),
    ],
)
def test_with_debug_off_a_weak_secret_key_is_refused_at_start(tmp_path, secret, why):
    result = _settings({**PRODUCTION, "SECRET_KEY": secret}, tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert why in result.stderr
    assert secret not in result.stderr  # a secret is never printed, not even a weak one


@pytest.mark.parametrize("keys", [DEV_FIELD_KEY, f"{FIELD_KEY},{DEV_FIELD_KEY}"])
def test_with_debug_off_the_development_encryption_key_is_refused_at_start(tmp_path, keys):
    result = _settings({**PRODUCTION, "FIELD_ENCRYPTION_KEYS": keys}, tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "development key" in result.stderr


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    result = _check_deploy(PRODUCTION, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_documented_production_settings_turn_on_https(tmp_path):
    result = _settings(
        PRODUCTION,
        tmp_path,
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
    )

    assert _values(result) == [
        True,
        31536000,
        True,
        True,
        True,
        ("HTTP_X_FORWARDED_PROTO", "https"),
    ]


def test_the_proxy_header_is_trusted_only_when_told(tmp_path):
    untrusted = {k: v for k, v in PRODUCTION.items() if k != "SECURE_PROXY_SSL_HEADER_TRUSTED"}

    result = _settings(untrusted, tmp_path, "SECURE_PROXY_SSL_HEADER")

    assert _values(result) == [None]


def test_hsts_max_age_is_configurable(tmp_path):
    result = _settings(
        {**PRODUCTION, "SECURE_HSTS_SECONDS": "3600"}, tmp_path, "SECURE_HSTS_SECONDS"
    )

    assert _values(result) == [3600]


def test_a_malformed_encryption_key_fails_check_deploy(tmp_path):
    malformed = "not-a-fernet-key-at-all"

    result = _check_deploy({**PRODUCTION, "FIELD_ENCRYPTION_KEYS": malformed}, tmp_path)

    assert result.returncode != 0
    assert "gemcare.E001" in result.stderr + result.stdout
    assert malformed not in result.stderr + result.stdout


def test_the_encryption_key_check_in_process(settings):
    from gemcare.common.checks import field_encryption_keys_check

    settings.FIELD_ENCRYPTION_KEYS = [FIELD_KEY, "short"]
    errors = field_encryption_keys_check()
    assert [(error.id, error.msg) for error in errors] == [
        ("gemcare.E001", "FIELD_ENCRYPTION_KEYS key number 2 is not a Fernet key.")
    ]

    settings.FIELD_ENCRYPTION_KEYS = [FIELD_KEY]
    assert field_encryption_keys_check() == []


@pytest.mark.django_db
def test_load_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    users = get_user_model().objects.count()

    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("load_demo", stdout=io.StringIO())

    assert get_user_model().objects.count() == users
    assert not get_user_model().objects.filter(is_superuser=True).exists()
