"""/api/v1/webhooks: registering endpoints (the secret shown once), listing and disabling
them, the delivery log and replays; every refusal changes nothing, and another retailer's,
another store's or the other mode's records answer like none at all."""

import datetime as dt
import json

import pytest
from api_support import ApiClient, key_make
from django.db import transaction
from django.test import Client
from django.utils import timezone
from factories import snapshot
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from webhook_receiver import receiver_running

from gemcare.common.models import AuditEntry
from gemcare.partners.models import ApiKey
from gemcare.webhooks.models import (
    DELIVERED,
    FAILED,
    PENDING,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from gemcare.webhooks.services import webhook_emit
from gemcare.webhooks.tasks import LEASE, attempt_record, delivery_claim

pytestmark = pytest.mark.usefixtures("presets_once")

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
ENDPOINT_KEYS = {"id", "url", "events", "is_active", "is_test", "created_at"}
DELIVERY_KEYS = {
    "webhook_id",
    "endpoint",
    "event",
    "status",
    "attempt_count",
    "next_attempt_at",
    "created_at",
    "payload",
    "attempts",
}


@pytest.fixture(autouse=True)
def tasks_at_once(settings):
    """Deliveries are sent as soon as what queued them commits."""
    settings.TASKS = IMMEDIATE


@pytest.fixture
def receiver():
    with receiver_running() as running:
        yield running


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (WebhookEndpoint, WebhookDelivery, WebhookAttempt, AuditEntry)
    }


def rows() -> list:
    return [
        list(WebhookEndpoint.objects.order_by("id").values()),
        list(WebhookDelivery.objects.order_by("id").values()),
    ]


def register(api, receiver, events=("refund.paid", "claim.decided"), *, path=""):
    """Register the receiver's URL (and `path` under it); the receiver learns the secret."""
    url = receiver.url + path
    response = api.post("/webhooks/endpoints", {"url": url, "events": list(events)})
    assert response.status_code == 201, response.content
    receiver.secret = response.json()["secret"]
    return response.json()


def emit(endpoint_id, capture, *, event="refund.paid", is_test=False, payload=None):
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    with capture(execute=True), transaction.atomic():
        made = webhook_emit(
            retailer_id=endpoint.retailer_id,
            event=event,
            payload=payload or {"contract": "C12345678", "total": "12.50"},
            is_test=is_test,
        )
    return WebhookDelivery.objects.get(pk=made[0].pk)


def same_moment(text: str, moment: dt.datetime) -> bool:
    return abs(dt.datetime.fromisoformat(text) - moment) < dt.timedelta(milliseconds=1)


# --- registering ---------------------------------------------------------------------------


def test_registering_answers_201_with_the_secret_once(api, key, receiver):
    before = AuditEntry.objects.count()
    response = api.post(
        "/webhooks/endpoints",
        {"url": receiver.url, "events": ["refund.paid", "claim.decided", "refund.paid"]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    endpoint = WebhookEndpoint.objects.get()
    assert set(body) == ENDPOINT_KEYS | {"secret"}
    assert body == {
        "id": endpoint.pk,
        "url": receiver.url,
        "events": ["claim.decided", "refund.paid"],
        "is_active": True,
        "is_test": False,
        "created_at": body["created_at"],
        "secret": endpoint.secret,
    }
    assert same_moment(body["created_at"], endpoint.created_at)
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    assert endpoint.retailer_id == key[0].retailer_id
    assert AuditEntry.objects.count() == before + 1
    secret = body["secret"]

    # Never again: not in the list, not in a disable's answer, not in the delivery log.
    listed = api.get("/webhooks/endpoints")
    assert listed.status_code == 200
    assert listed.json() == {
        "endpoints": [{k: v for k, v in body.items() if k != "secret"}],
        "next_cursor": None,
    }
    deliveries = api.get("/webhooks/deliveries")
    disabled = api.post(f"/webhooks/endpoints/{endpoint.pk}/disable")
    for answer in (listed, deliveries, disabled):
        assert secret not in answer.content.decode()
        assert secret.removeprefix("whsec_") not in answer.content.decode()
        assert "secret" not in answer.content.decode()


def test_a_test_key_registers_a_test_endpoint_seen_by_test_keys_only(store, api, receiver):
    test_api = ApiClient(key_make(store.retailer, is_test=True)[1])
    live = register(api, receiver)
    test = register(test_api, receiver)
    assert (live["is_test"], test["is_test"]) == (False, True)
    assert WebhookEndpoint.objects.get(pk=test["id"]).is_test is True
    assert [e["id"] for e in api.get("/webhooks/endpoints").json()["endpoints"]] == [live["id"]]
    assert [e["id"] for e in test_api.get("/webhooks/endpoints").json()["endpoints"]] == [
        test["id"]
    ]


MALFORMED = "webhook_url_malformed"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"url": "ftp://example.com/x", "events": ["refund.paid"]}, "url", MALFORMED),
        ({"url": "https://u:p@example.com/x", "events": ["refund.paid"]}, "url", MALFORMED),
        ({"url": "https://example.com:99999/x", "events": ["refund.paid"]}, "url", MALFORMED),
        ({"url": "https://exa mple.com/x", "events": ["refund.paid"]}, "url", MALFORMED),
        ({"url": "https://e.com/" + "x" * 600, "events": ["refund.paid"]}, "url", "invalid"),
        ({"url": "", "events": ["refund.paid"]}, "url", "invalid"),
        ({"url": 12, "events": ["refund.paid"]}, "url", "invalid"),
        ({"url": ["https://e.com"], "events": ["refund.paid"]}, "url", "invalid"),
        ({"url": "https://e.com/\x00", "events": ["refund.paid"]}, "url", "invalid"),
        ({"url": "https://example.com/x", "events": []}, "events", "invalid"),
        ({"url": "https://example.com/x", "events": "refund.paid"}, "events", "invalid"),
        ({"url": "https://example.com/x", "events": ["order.created"]}, "events[0]", "invalid"),
        ({"url": "https://example.com/x", "events": [None]}, "events[0]", "invalid"),
        ({"url": "https://example.com/x", "events": ["refund.paid"] * 6}, "events", "invalid"),
        ({"url": "https://example.com/x"}, "events", "invalid"),
        (
            {"url": "https://example.com/x", "events": ["refund.paid"], "secret": "whsec_x"},
            "secret",
            "unknown_field",
        ),
        (
            {"url": "https://example.com/x", "events": ["refund.paid"], "is_test": True},
            "is_test",
            "unknown_field",
        ),
    ],
)
def test_bad_input_is_422_naming_the_field_and_changes_nothing(api, body, field, code):
    before = counts()
    response = api.post("/webhooks/endpoints", body)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert (error["field"], error["code"]) == (field, code)
    assert counts() == before


def test_plain_http_and_private_addresses_are_refused_in_production(api, settings):
    settings.GEMCARE_WEBHOOKS_ALLOW_HTTP = False
    settings.GEMCARE_WEBHOOKS_ALLOW_PRIVATE = False
    before = counts()
    answers = {
        url: api.post("/webhooks/endpoints", {"url": url, "events": ["refund.paid"]})
        for url in (
            "http://93.184.216.34/hooks",
            "https://127.0.0.1/hooks",
            "https://10.0.0.8/hooks",
            "https://169.254.169.254/latest/meta-data/",
            "https://[::1]/hooks",
            "https://[fd00::5]:8443/hooks",
        )
    }
    http = answers.pop("http://93.184.216.34/hooks")
    assert http.status_code == 422
    assert (http.json()["error"]["code"], http.json()["error"]["field"]) == (
        "webhook_url_not_allowed",
        "url",
    )
    for url, answer in answers.items():
        assert answer.status_code == 422, url
        error = answer.json()["error"]
        assert (error["code"], error["field"]) == ("webhook_url_not_public", "url"), url
        assert "must be a public address" in error["message"]
    assert counts() == before


# --- who may call -------------------------------------------------------------------------


def every_operation(endpoint_id, webhook_id):
    return [
        (
            "post",
            "/webhooks/endpoints",
            {"url": "https://example.com/x", "events": ["refund.paid"]},
        ),
        ("get", "/webhooks/endpoints", None),
        ("post", f"/webhooks/endpoints/{endpoint_id}/disable", None),
        ("get", "/webhooks/deliveries", None),
        ("get", f"/webhooks/deliveries/{webhook_id}", None),
        ("post", f"/webhooks/deliveries/{webhook_id}/replay", None),
    ]


def call(api, method, path, body):
    return api.get(path) if method == "get" else api.post(path, body)


def test_a_key_without_the_scope_is_403_everywhere(
    store, api, receiver, django_capture_on_commit_callbacks
):
    endpoint = register(api, receiver)
    delivery = emit(endpoint["id"], django_capture_on_commit_callbacks)
    no_scope = ApiClient(key_make(store.retailer, scopes=[ApiKey.SALES, ApiKey.QUOTES])[1])
    before, stored = counts(), rows()
    for method, path, body in every_operation(endpoint["id"], delivery.webhook_id):
        response = call(no_scope, method, path, body)
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["code"] == "scope_missing"
    assert (counts(), rows()) == (before, stored)


def test_a_key_limited_to_a_store_is_403_everywhere(
    store, api, receiver, django_capture_on_commit_callbacks
):
    endpoint = register(api, receiver)
    delivery = emit(endpoint["id"], django_capture_on_commit_callbacks)
    store_key = ApiClient(key_make(store=store)[1])
    before, stored, sent = counts(), rows(), len(receiver.received)
    with django_capture_on_commit_callbacks(execute=True):
        for method, path, body in every_operation(endpoint["id"], delivery.webhook_id):
            response = call(store_key, method, path, body)
            assert response.status_code == 403, (method, path)
            assert response.json() == {
                "error": {
                    "code": "webhooks_not_allowed",
                    "message": "Webhook endpoints are managed by the retailer as a whole, "
                    "not by one store.",
                    "field": None,
                }
            }
    assert (counts(), rows(), len(receiver.received)) == (before, stored, sent)


def test_no_key_is_401(db):
    client = Client()
    for path in ("/api/v1/webhooks/endpoints", "/api/v1/webhooks/deliveries"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"


def not_found_body(response, key):
    """The answer with the id it quotes taken out: a record not yours and one that does not
    exist must answer alike."""
    assert response.status_code == 404, response.content
    return json.loads(response.content.decode().replace(str(key), "<id>"))


def test_another_retailer_s_records_answer_like_none_at_all(
    api, other_api, receiver, django_capture_on_commit_callbacks
):
    endpoint = register(api, receiver)
    delivery = emit(endpoint["id"], django_capture_on_commit_callbacks)
    before, stored, sent = counts(), rows(), len(receiver.received)
    made_up_endpoint, made_up_delivery = endpoint["id"] + 1000, "msg_" + "A" * 24

    with django_capture_on_commit_callbacks(execute=True):
        theirs = other_api.post(f"/webhooks/endpoints/{endpoint['id']}/disable")
        none = other_api.post(f"/webhooks/endpoints/{made_up_endpoint}/disable")
        assert not_found_body(theirs, endpoint["id"]) == not_found_body(none, made_up_endpoint)
        assert theirs.json()["error"]["code"] == "webhook_endpoint_not_found"
        for suffix in ("", "/replay"):
            method = other_api.get if not suffix else other_api.post
            theirs = method(f"/webhooks/deliveries/{delivery.webhook_id}{suffix}")
            none = method(f"/webhooks/deliveries/{made_up_delivery}{suffix}")
            assert not_found_body(theirs, delivery.webhook_id) == not_found_body(
                none, made_up_delivery
            )
            assert theirs.json()["error"]["code"] == "webhook_delivery_not_found"
    assert other_api.get("/webhooks/endpoints").json() == {"endpoints": [], "next_cursor": None}
    assert other_api.get("/webhooks/deliveries").json()["deliveries"] == []
    filtered = other_api.get("/webhooks/deliveries", {"endpoint": endpoint["id"]})
    assert filtered.json()["deliveries"] == []
    assert (counts(), rows(), len(receiver.received)) == (before, stored, sent)


def test_the_other_mode_s_records_answer_like_none_at_all(
    store, api, receiver, django_capture_on_commit_callbacks
):
    test_api = ApiClient(key_make(store.retailer, is_test=True)[1])
    live = register(api, receiver)
    delivery = emit(live["id"], django_capture_on_commit_callbacks)
    before, stored = counts(), rows()
    with django_capture_on_commit_callbacks(execute=True):
        assert test_api.post(f"/webhooks/endpoints/{live['id']}/disable").status_code == 404
        assert test_api.get(f"/webhooks/deliveries/{delivery.webhook_id}").status_code == 404
        replay = test_api.post(f"/webhooks/deliveries/{delivery.webhook_id}/replay")
        assert replay.status_code == 404
    assert test_api.get("/webhooks/deliveries").json()["deliveries"] == []
    assert (counts(), rows()) == (before, stored)
    assert len(receiver.received) == 1


# --- listing and disabling ----------------------------------------------------------------


def test_endpoints_page_newest_first_by_cursor(api, receiver):
    made = [register(api, receiver, path=f"/{n}")["id"] for n in range(5)]
    first = api.get("/webhooks/endpoints", {"limit": 2}).json()
    assert [e["id"] for e in first["endpoints"]] == made[::-1][:2]
    seen, cursor = [e["id"] for e in first["endpoints"]], first["next_cursor"]
    while cursor:
        page = api.get("/webhooks/endpoints", {"limit": 2, "cursor": cursor}).json()
        seen += [e["id"] for e in page["endpoints"]]
        cursor = page["next_cursor"]
    assert seen == made[::-1]
    exact = api.get("/webhooks/endpoints", {"limit": 5}).json()
    assert len(exact["endpoints"]) == 5 and exact["next_cursor"] is None


def test_disabling_stops_deliveries_and_is_harmless_twice(
    api, receiver, django_capture_on_commit_callbacks
):
    endpoint = register(api, receiver)
    response = api.post(f"/webhooks/endpoints/{endpoint['id']}/disable")
    assert response.status_code == 200
    assert response.json() == {**{k: endpoint[k] for k in ENDPOINT_KEYS}, "is_active": False}
    audited = AuditEntry.objects.filter(action="webhook_endpoint_disabled").count()
    row = snapshot(WebhookEndpoint.objects.get(pk=endpoint["id"]))

    again = api.post(f"/webhooks/endpoints/{endpoint['id']}/disable")
    assert again.status_code == 200 and again.json() == response.json()
    assert AuditEntry.objects.filter(action="webhook_endpoint_disabled").count() == audited == 1
    assert snapshot(WebhookEndpoint.objects.get(pk=endpoint["id"])) == row

    listed = api.get("/webhooks/endpoints").json()["endpoints"]
    assert [(e["id"], e["is_active"]) for e in listed] == [(endpoint["id"], False)]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        made = webhook_emit(
            retailer_id=WebhookEndpoint.objects.get().retailer_id, event="refund.paid", payload={}
        )
    assert made == [] and receiver.received == []


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/endpoints/0/disable",
        "/webhooks/endpoints/-3/disable",
        "/webhooks/endpoints/abc/disable",
        "/webhooks/endpoints/1.5/disable",
        "/webhooks/endpoints/99999999999999999999999/disable",
    ],
)
def test_a_malformed_endpoint_id_is_422(api, path):
    before = counts()
    response = api.post(path)
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "invalid",
        "message": response.json()["error"]["message"],
        "field": "endpoint_id",
    }
    assert counts() == before


# --- the delivery log ---------------------------------------------------------------------


def test_a_delivery_is_shown_with_its_payload_and_every_attempt(
    api, receiver, django_capture_on_commit_callbacks
):
    receiver.script = [500]
    endpoint = register(api, receiver)
    delivery = emit(endpoint["id"], django_capture_on_commit_callbacks)
    (attempt,) = delivery.attempt_log.all()

    response = api.get(f"/webhooks/deliveries/{delivery.webhook_id}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == DELIVERY_KEYS
    assert body == {
        "webhook_id": delivery.webhook_id,
        "endpoint": endpoint["id"],
        "event": "refund.paid",
        "status": "pending",
        "attempt_count": 1,
        "next_attempt_at": body["next_attempt_at"],
        "created_at": body["created_at"],
        "payload": {
            "type": "refund.paid",
            "timestamp": delivery.payload["timestamp"],
            "data": {"contract": "C12345678", "total": "12.50"},
        },
        "attempts": [
            {
                "at": body["attempts"][0]["at"],
                "response_status": 500,
                "response_ms": attempt.response_ms,
                "error": "HTTP 500",
            }
        ],
    }
    assert same_moment(body["next_attempt_at"], delivery.next_attempt_at)
    assert same_moment(body["created_at"], delivery.created_at)
    assert same_moment(body["attempts"][0]["at"], attempt.at)
    # What the receiver got is what the log shows.
    assert json.loads(receiver.received[0].body) == body["payload"]
    assert receiver.received[0].headers["webhook-id"] == delivery.webhook_id

    listed = api.get("/webhooks/deliveries").json()
    assert listed == {"deliveries": [body], "next_cursor": None}


def test_the_log_filters_and_pages(store, api, receiver, django_capture_on_commit_callbacks):
    receiver.script = [503]  # the first delivery stays pending; the others are delivered
    refunds = register(api, receiver, events=["refund.paid", "claim.decided"])
    first = emit(refunds["id"], django_capture_on_commit_callbacks)
    second = emit(refunds["id"], django_capture_on_commit_callbacks)
    with receiver_running() as other_receiver:
        claims = register(api, other_receiver, events=["claim.decided"])
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            decided = webhook_emit(retailer_id=store.retailer_id, event="claim.decided", payload={})
    by_endpoint = {d.endpoint_id: d.webhook_id for d in decided}

    def ids(**query):
        response = api.get("/webhooks/deliveries", query)
        assert response.status_code == 200, response.content
        return [d["webhook_id"] for d in response.json()["deliveries"]]

    newest_first = sorted(by_endpoint.values(), key=_pk, reverse=True)
    assert ids() == [*newest_first, second.webhook_id, first.webhook_id]
    assert ids(status="pending") == [first.webhook_id]
    assert ids(status="failed") == []
    assert set(ids(status="delivered")) == {second.webhook_id, *by_endpoint.values()}
    assert ids(event="refund.paid") == [second.webhook_id, first.webhook_id]
    assert ids(endpoint=claims["id"]) == [by_endpoint[claims["id"]]]
    assert ids(endpoint=refunds["id"], event="claim.decided") == [by_endpoint[refunds["id"]]]
    assert ids(endpoint=refunds["id"] + 1000) == []

    seen, cursor = [], ""
    while True:
        page = api.get("/webhooks/deliveries", {"limit": 1, "cursor": cursor}).json()
        assert len(page["deliveries"]) <= 1
        seen += [d["webhook_id"] for d in page["deliveries"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids()


def _pk(webhook_id: str) -> int:
    return WebhookDelivery.objects.get(webhook_id=webhook_id).pk


@pytest.mark.parametrize(
    "query",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": "ten"},
        {"limit": "1" * 40},
        {"cursor": "abc"},
        {"cursor": "-1"},
        {"cursor": "9" * 19},
        {"status": "lost"},
        {"status": ""},
        {"event": "order.created"},
        {"endpoint": "x"},
        {"endpoint": "0"},
        {"endpoint": "9" * 30},
    ],
)
def test_a_bad_query_is_422_naming_it(api, query):
    response = api.get("/webhooks/deliveries", query)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == next(iter(query))


@pytest.mark.parametrize(
    "webhook_id",
    ["msg_", "nope", "msg_" + "a" * 300, "msg_%00", "msg_a%0Ab", "%F0%9F%92%8E", "msg_'or'1'='1"],
)
def test_an_unknown_webhook_id_is_404_not_5xx(api, webhook_id):
    before = counts()
    for answer in (
        api.get(f"/webhooks/deliveries/{webhook_id}"),
        api.post(f"/webhooks/deliveries/{webhook_id}/replay"),
    ):
        assert answer.status_code == 404, answer.content
        assert answer.json()["error"]["code"] == "webhook_delivery_not_found"
    assert counts() == before


def test_a_sale_s_delivery_carries_no_personal_data(
    api, store, receiver, django_capture_on_commit_callbacks
):
    register(api, receiver, events=["contract.created"])
    sale = {
        "store": store.code,
        "receipt_number": "R-20240301-0042",
        "receipt_line": 1,
        "purchased": "2024-03-01",
        "product": "care-jewelry-3yr",
        "plan_price": "69.00",
        "item": {"kind": "ring", "price": "600.00", "description": "Gold ring", "serial": "S-1"},
        "holder": {
            "name": "Ada Holder",
            "state": "TX",
            "email": "ada@example.com",
            "phone": "5125550100",
        },
    }
    with django_capture_on_commit_callbacks(execute=True):
        sold = api.post("/contracts", sale, **{"Idempotency-Key": "sale-1"})
    assert sold.status_code == 201, sold.content
    (delivery,) = api.get("/webhooks/deliveries").json()["deliveries"]
    assert delivery["event"] == "contract.created"
    assert delivery["status"] == "delivered"
    assert delivery["payload"]["data"]["contract"] == sold.json()["number"]
    assert delivery["attempts"][0]["response_status"] == 200
    text = json.dumps(delivery)
    for personal in ("Ada Holder", "ada@example.com", "5125550100"):
        assert personal not in text


# --- replay ---------------------------------------------------------------------------------


def test_replay_is_202_and_makes_one_more_attempt_under_the_same_id(
    api, receiver, django_capture_on_commit_callbacks
):
    endpoint = register(api, receiver)
    delivery = emit(endpoint["id"], django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == (DELIVERED, 1)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/webhooks/deliveries/{delivery.webhook_id}/replay")
        assert response.status_code == 202, response.content
        body = response.json()
        # Queued: the answer shows it pending, with the attempts made so far.
        assert set(body) == DELIVERY_KEYS
        assert (body["webhook_id"], body["status"], body["attempt_count"]) == (
            delivery.webhook_id,
            "pending",
            1,
        )
        assert len(body["attempts"]) == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DELIVERED, 2)
    assert receiver.ids == [delivery.webhook_id, delivery.webhook_id]
    assert all(not isinstance(r.verified, Exception) for r in receiver.received)
    assert list(receiver.processed) == [delivery.webhook_id]  # the receiver dropped the repeat
    shown = api.get(f"/webhooks/deliveries/{delivery.webhook_id}").json()
    assert (shown["status"], shown["attempt_count"], len(shown["attempts"])) == (
        "delivered",
        2,
        2,
    )
    assert AuditEntry.objects.filter(action="webhook_delivery_replayed").count() == 1


def test_replaying_a_failed_delivery_sends_it_again(
    api, receiver, django_capture_on_commit_callbacks
):
    receiver.script = [500]
    endpoint = register(api, receiver)
    delivery = emit(endpoint["id"], django_capture_on_commit_callbacks)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=FAILED, next_attempt_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/webhooks/deliveries/{delivery.webhook_id}/replay").status_code == 202
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DELIVERED, 2)
    shown = api.get(f"/webhooks/deliveries/{delivery.webhook_id}").json()
    assert [a["response_status"] for a in shown["attempts"]] == [500, 200]
    assert [a["error"] for a in shown["attempts"]] == ["HTTP 500", None]


def test_replay_to_a_disabled_endpoint_is_409_and_changes_nothing(
    api, receiver, django_capture_on_commit_callbacks
):
    receiver.script = [500]
    endpoint = register(api, receiver)
    delivery = emit(endpoint["id"], django_capture_on_commit_callbacks)
    api.post(f"/webhooks/endpoints/{endpoint['id']}/disable")
    before, row, sent = counts(), snapshot(delivery), len(receiver.received)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api.post(f"/webhooks/deliveries/{delivery.webhook_id}/replay")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "webhook_endpoint_disabled"
    assert callbacks == []
    assert (counts(), snapshot(delivery), len(receiver.received)) == (before, row, sent)
    assert snapshot(delivery)["status"] == PENDING


def test_replay_while_an_attempt_is_being_sent_is_409_and_changes_nothing(
    api, receiver, django_capture_on_commit_callbacks
):
    """A worker has taken the delivery and is sending it: a replay now would make the
    receiver get two at once. Once that attempt is in the log, the replay goes through."""
    receiver.script = [500]
    endpoint = register(api, receiver)
    delivery = emit(endpoint["id"], django_capture_on_commit_callbacks)
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now)
    assert delivery_claim(delivery.pk, now=now) is not None  # the worker's, mid-send
    before, row, sent = counts(), snapshot(delivery), len(receiver.received)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api.post(f"/webhooks/deliveries/{delivery.webhook_id}/replay")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "webhook_delivery_in_flight" and "log" in error["message"]
    assert callbacks == []
    assert (counts(), snapshot(delivery), len(receiver.received)) == (before, row, sent)

    attempt_record(delivery.pk, at=now, response_status=200, response_ms=5, error="")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/webhooks/deliveries/{delivery.webhook_id}/replay").status_code == 202
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.attempting_until) == (DELIVERED, 3, None)


def test_replay_of_an_attempt_given_up_for_lost_goes_through(
    api, receiver, django_capture_on_commit_callbacks
):
    """The worker sending it died: once its lease is over, a replay sends again."""
    receiver.script = [500]
    endpoint = register(api, receiver)
    delivery = emit(endpoint["id"], django_capture_on_commit_callbacks)
    long_ago = timezone.now() - LEASE - dt.timedelta(seconds=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=long_ago)
    assert delivery_claim(delivery.pk, now=long_ago) is not None  # and never recorded
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/webhooks/deliveries/{delivery.webhook_id}/replay").status_code == 202
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DELIVERED, 2)


# --- the document -------------------------------------------------------------------------


def test_the_openapi_document_lists_the_webhook_codes(db):
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    operations = {
        ("post", "/api/v1/webhooks/endpoints"): {
            "201": [],
            "403": ["scope_missing", "webhooks_not_allowed"],
            "422": ["webhook_url_not_allowed", "webhook_url_not_public", "unknown_field"],
        },
        ("get", "/api/v1/webhooks/endpoints"): {"200": [], "403": ["webhooks_not_allowed"]},
        ("post", "/api/v1/webhooks/endpoints/{endpoint_id}/disable"): {
            "200": [],
            "404": ["webhook_endpoint_not_found"],
        },
        ("get", "/api/v1/webhooks/deliveries"): {"200": [], "422": ["invalid"]},
        ("get", "/api/v1/webhooks/deliveries/{webhook_id}"): {
            "200": [],
            "404": ["webhook_delivery_not_found"],
        },
        ("post", "/api/v1/webhooks/deliveries/{webhook_id}/replay"): {
            "202": [],
            "404": ["webhook_delivery_not_found"],
            "409": ["webhook_endpoint_disabled"],
        },
    }
    for (method, path), answers in operations.items():
        responses = paths[path][method]["responses"]
        assert "401" in responses and "429" in responses, path
        for status, codes in answers.items():
            assert status in responses, (path, status)
            for code in codes:
                assert f"`{code}`" in responses[status]["description"], (path, status, code)
    created = schema["components"]["schemas"]["EndpointCreatedOut"]
    assert "secret" in created["properties"]
    assert "secret" not in schema["components"]["schemas"]["EndpointOut"]["properties"]
    create = paths["/api/v1/webhooks/endpoints"]["post"]
    assert create["requestBody"]["content"]["application/json"]["example"]["events"]


# --- whatever is sent ---------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=10,
)
urls = st.one_of(
    st.text(max_size=40),
    st.builds(
        "{}://{}{}/{}".format,
        st.sampled_from(["http", "https", "ftp", "HTTPS", ""]),
        st.text(max_size=20),
        st.sampled_from(["", ":0", ":443", ":65536", ":-1", ":x"]),
        st.text(max_size=20),
    ),
)
bodies = st.one_of(
    st.fixed_dictionaries(
        {"url": urls, "events": st.lists(st.sampled_from(["refund.paid", "x", ""]), max_size=7)},
        optional={"extra": json_values},
    ),
    json_values,
)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies)
def test_registering_never_answers_5xx(api, body):
    response = api.post("/webhooks/endpoints", json.dumps(body))
    assert response.status_code in {201, 400, 422}, response.content[:300]
    if response.status_code != 201:
        assert set(response.json()["error"]) == {"code", "message", "field"}
