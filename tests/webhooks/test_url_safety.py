"""Server-side request forgery: a webhook goes only to hosts on the public internet, checked
at registration and again before every attempt, and the attempt connects to the addresses
checked. These tests turn GEMCARE_WEBHOOKS_ALLOW_PRIVATE (and, where it matters, _HTTP) off;
names are resolved by a fake resolver, so no test needs the network."""

import ipaddress
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography.fernet import Fernet
from django.db import transaction
from factories import retailer_make
from webhook_factories import endpoint_make, webhook_counts

from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput
from gemcare.common.schemas import validate_input
from gemcare.webhooks import addresses
from gemcare.webhooks.errors import WebhookError
from gemcare.webhooks.models import PENDING, WebhookDelivery, WebhookEndpoint
from gemcare.webhooks.schemas import EndpointIn
from gemcare.webhooks.services import endpoint_create, webhook_emit
from gemcare.webhooks.tasks import RETRY_DELAYS

PUBLIC_V4 = "93.184.216.34"
PUBLIC_V6 = "2606:4700:4700::1111"
REAL_GETADDRINFO = socket.getaddrinfo


def is_numeric(host: str) -> bool:
    """An address, in any form the resolver reads without DNS (127.1, 0x7f.1, 2130706433)."""
    try:
        socket.inet_aton(host)
    except OSError:
        try:
            ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            return False
    return True


def port_of(url: str) -> int:
    return urlsplit(url).port


class FakeDns:
    """Names of our own choosing, resolved as the test says; numeric addresses go to the
    real resolver (they need no network). Every lookup of a name is counted."""

    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {}
        self.lookups: list[str] = []

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        if isinstance(host, bytes):
            host = host.decode()
        if host not in self.names:
            if not is_numeric(host):
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return REAL_GETADDRINFO(host, port, family, type, proto, flags)
        self.lookups.append(host)
        answers = []
        for address in self.names[host]:
            if ":" in address:
                answers.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
            else:
                answers.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return answers


@pytest.fixture
def dns(monkeypatch):
    fake = FakeDns()
    fake.names.update(
        {
            "hooks.example.com": [PUBLIC_V4],
            "hooks6.example.com": [PUBLIC_V6],
            "localhost": ["127.0.0.1", "::1"],
            "intranet.example.com": ["10.20.30.40"],
            "metadata.example.com": ["169.254.169.254"],
            "split.example.com": [PUBLIC_V4, "192.168.1.10"],
            "mapped.example.com": ["::ffff:127.0.0.1"],
            "nothing.example.com": [],
        }
    )
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


@pytest.fixture
def guarded(settings):
    """The production settings: https only, public addresses only."""
    settings.GEMCARE_WEBHOOKS_ALLOW_HTTP = False
    settings.GEMCARE_WEBHOOKS_ALLOW_PRIVATE = False


def register(url: str, *, retailer=None):
    caller = Caller.retailer(retailer or retailer_make(), label="api_key:1")
    endpoint = validate_input(EndpointIn, {"url": url, "events": ["refund.paid"]})
    return endpoint_create(caller=caller, endpoint=endpoint)


# --- which addresses are public ---------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.255.254",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.10",
        "198.18.0.1",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "ff0e::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::7f00:1",
        "2002:7f00:1::1",
        "2001:db8::1",
    ],
)
def test_addresses_off_the_public_internet_are_not_public(address):
    assert not addresses.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", [PUBLIC_V4, "8.8.8.8", "1.1.1.1", PUBLIC_V6, "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses_are_public(address):
    assert addresses.is_public(ipaddress.ip_address(address))


# --- at registration ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://127.1/hooks",
        "https://2130706433/hooks",
        "https://0x7f.1/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]:8443/hooks",
        "https://[fc00::1]/hooks",
        "https://[fe80::1]/hooks",
        "https://224.0.0.1/hooks",
        "https://0.0.0.0/hooks",
        "https://localhost/hooks",
        "https://localhost:5432/",
        "https://intranet.example.com/hooks",
        "https://metadata.example.com/latest/meta-data/",
        "https://split.example.com/hooks",
        "https://mapped.example.com/hooks",
        "https://nothing.example.com/hooks",
        "https://unknown.example.com/hooks",
    ],
)
@pytest.mark.django_db
def test_a_host_that_is_not_public_is_refused_at_registration(url, dns, guarded):
    before = webhook_counts()
    with pytest.raises(InvalidInput) as refused:
        register(url)
    assert refused.value.code == WebhookError.URL_NOT_PUBLIC == "webhook_url_not_public"
    assert refused.value.field == "url"
    # The same words whatever the name resolved to, and never the address itself.
    assert refused.value.message == (
        "must be a public address: its host must resolve, and only to public addresses"
    )
    assert webhook_counts() == before


@pytest.mark.django_db
def test_no_address_and_a_private_address_answer_alike(dns, guarded):
    answers = []
    for url in ("https://intranet.example.com/x", "https://unknown.example.com/x"):
        with pytest.raises(InvalidInput) as refused:
            register(url)
        answers.append((refused.value.code, refused.value.message))
    assert answers[0] == answers[1]


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/gemcare",
        "https://hooks6.example.com:8443/gemcare?store=main",
        f"https://{PUBLIC_V4}/hooks",
        f"https://[{PUBLIC_V6}]/hooks",
    ],
)
@pytest.mark.django_db
def test_a_public_host_is_accepted(url, dns, guarded):
    created = register(url)
    assert created.endpoint.url == url
    assert WebhookEndpoint.objects.filter(pk=created.endpoint.pk, is_active=True).exists()


@pytest.mark.django_db
def test_plain_http_to_a_public_host_is_refused_first(dns, guarded):
    before = webhook_counts()
    with pytest.raises(InvalidInput) as refused:
        register("http://hooks.example.com/x")
    assert refused.value.code == WebhookError.URL_NOT_ALLOWED
    assert webhook_counts() == before


@pytest.mark.django_db
def test_allowed_private_addresses_need_no_resolver(settings, monkeypatch):
    """With ALLOW_PRIVATE (development, tests, the demo), registering asks no DNS at all."""
    settings.GEMCARE_WEBHOOKS_ALLOW_PRIVATE = True

    def no_dns(*args, **kwargs):
        raise AssertionError("resolved a name")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    created = register("https://receiver.internal/hooks")
    assert created.endpoint.url == "https://receiver.internal/hooks"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com:0/x",
        "https://example.com:99999/x",
        "https://example.com:http/x",
        "https://[::1/x",
        "https://[v1.fe]/x",
        "https://exa mple.com/x",
        "https://a..b/x",
        "https://" + "x" * 70 + ".com/x",
        "https:///x",
        "https://.example.com/x",
    ],
)
def test_a_malformed_url_is_refused_by_the_schema(url):
    with pytest.raises(InvalidInput) as refused:
        validate_input(EndpointIn, {"url": url, "events": ["refund.paid"]})
    assert refused.value.field == "url"
    assert refused.value.code == "webhook_url_malformed"


# --- before each attempt -------------------------------------------------------------------


def emit_one(endpoint, capture) -> WebhookDelivery:
    with capture(execute=True), transaction.atomic():
        (delivery,) = webhook_emit(
            retailer_id=endpoint.retailer_id, event="refund.paid", payload={"total": "5.00"}
        )
    return WebhookDelivery.objects.get(pk=delivery.pk)


@pytest.mark.django_db
def test_a_name_that_turns_private_after_registration_is_not_sent_to(
    receiver, dns, settings, django_capture_on_commit_callbacks
):
    """DNS rebinding: public when registered, 127.0.0.1 when sent. The attempt is refused,
    recorded with its reason, and retried like any failure; nothing reaches 127.0.0.1."""
    settings.GEMCARE_WEBHOOKS_ALLOW_PRIVATE = False
    port = port_of(receiver.url)
    receiver.url = f"http://rebind.example.com:{port}/hooks"
    dns.names["rebind.example.com"] = [PUBLIC_V4]
    endpoint, _ = endpoint_make(receiver)

    dns.names["rebind.example.com"] = ["127.0.0.1"]
    delivery = emit_one(endpoint, django_capture_on_commit_callbacks)

    assert receiver.received == []
    (attempt,) = delivery.attempt_log.all()
    assert attempt.response_status is None
    assert attempt.error == addresses.NOT_PUBLIC
    assert "127.0.0.1" not in attempt.error
    assert (delivery.status, delivery.attempts) == (PENDING, 1)
    assert delivery.next_attempt_at - attempt.at == RETRY_DELAYS[0]


@pytest.mark.django_db
def test_an_address_registered_while_allowed_is_refused_once_it_is_not(
    receiver, settings, django_capture_on_commit_callbacks
):
    endpoint, _ = endpoint_make(receiver)  # http://127.0.0.1:<port>/hooks, allowed then
    settings.GEMCARE_WEBHOOKS_ALLOW_PRIVATE = False
    delivery = emit_one(endpoint, django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert [a.error for a in delivery.attempt_log.all()] == [addresses.NOT_PUBLIC]


@pytest.mark.django_db
def test_plain_http_is_refused_at_send_once_it_is_not_allowed(
    receiver, settings, django_capture_on_commit_callbacks
):
    endpoint, _ = endpoint_make(receiver)
    settings.GEMCARE_WEBHOOKS_ALLOW_HTTP = False
    delivery = emit_one(endpoint, django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert [a.error for a in delivery.attempt_log.all()] == ["refused: plain http is not allowed"]
    assert delivery.status == PENDING


@pytest.mark.django_db
def test_the_attempt_connects_to_the_address_checked(
    receiver, dns, monkeypatch, django_capture_on_commit_callbacks
):
    """One lookup per attempt, and the connection goes to its answer: the request reaches
    the receiver on 127.0.0.1 under the name registered (Host header), and no second lookup
    (which a rebinding resolver could answer otherwise) is made."""
    port = port_of(receiver.url)
    receiver.url = f"http://pinned.example.com:{port}/hooks?store=main"
    dns.names["pinned.example.com"] = ["127.0.0.1"]
    endpoint, _ = endpoint_make(receiver)
    connected = []
    real_connection = socket.create_connection

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        return real_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    delivery = emit_one(endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == "delivered"
    assert dns.lookups == ["pinned.example.com"]
    assert connected == [("127.0.0.1", port)]
    (request,) = receiver.received
    assert request.headers["host"] == f"pinned.example.com:{port}"
    assert not isinstance(request.verified, Exception)


@pytest.mark.django_db
def test_the_next_address_is_tried_when_the_first_does_not_answer(
    receiver, dns, django_capture_on_commit_callbacks
):
    port = port_of(receiver.url)
    receiver.url = f"http://twice.example.com:{port}/hooks"
    # Nothing listens on ::1 at the receiver's port (it listens on 127.0.0.1 only).
    dns.names["twice.example.com"] = ["::1", "127.0.0.1"]
    endpoint, _ = endpoint_make(receiver)
    delivery = emit_one(endpoint, django_capture_on_commit_callbacks)
    assert delivery.status == "delivered"
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_a_name_that_does_not_resolve_is_a_failed_attempt(
    receiver, dns, django_capture_on_commit_callbacks
):
    receiver.url = "http://gone.example.com/hooks"
    endpoint, _ = endpoint_make(receiver)
    delivery = emit_one(endpoint, django_capture_on_commit_callbacks)
    assert [a.error for a in delivery.attempt_log.all()] == [addresses.NO_ADDRESS]
    assert delivery.status == PENDING


# --- settings ------------------------------------------------------------------------------


def test_both_settings_are_off_in_production(tmp_path):
    """Read from the environment by config/settings.py: off unless DEBUG or the operator
    turns them on."""
    root = Path(__file__).resolve().parents[2]
    code = (
        "import config.settings as s;"
        "print(s.GEMCARE_WEBHOOKS_ALLOW_HTTP, s.GEMCARE_WEBHOOKS_ALLOW_PRIVATE)"
    )
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GEMCARE_WEBHOOKS_") and key != "DJANGO_SETTINGS_MODULE"
    }
    base["GEMCARE_VAR_DIR"] = str(tmp_path)
    production = {
        **base,
        "DEBUG": "0",
        "SECRET_KEY": "k" + Fernet.generate_key().decode() + "Zq9!x",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }

    def read(environment) -> str:
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert read(production) == "False False"
    assert read({**production, "GEMCARE_WEBHOOKS_ALLOW_PRIVATE": "1"}) == "False True"
    assert read({**base, "DEBUG": "1"}) == "True True"
