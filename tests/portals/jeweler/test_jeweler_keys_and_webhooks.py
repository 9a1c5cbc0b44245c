"""A manager's API keys and webhook endpoints: a key's text and an endpoint's secret are
shown once, on the page that answers the form, and never again; a revoked key stops working
on the API at once; the delivery log shows every attempt and a delivery is sent again on
request. Another retailer's key or endpoint is "not found", an associate finds none of these
pages, and a refused change changes nothing."""

import pytest
from django.utils import timezone
from factories import snapshot
from jeweler_support import api_status, has_h1, sold, text_of

from gemcare.common.callers import Caller
from gemcare.common.models import AuditEntry
from gemcare.partners.models import ApiKey
from gemcare.partners.services import api_key_create
from gemcare.portals.jeweler.pages import FORMS_ONCE_KEY
from gemcare.webhooks.models import PENDING, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from gemcare.webhooks.schemas import EndpointIn
from gemcare.webhooks.services import endpoint_create

KEY = {"name": "Main Street POS", "scopes": ["quotes", "sales"], "store": "", "is_test": "false"}
ENDPOINT = {"url": "https://pos.alpha.example/hooks", "events": ["contract.created"]}


def _once(client, url: str) -> str:
    """The one-time token of the form at `url`."""
    page = text_of(client.get(url))
    return page.split('name="once" value="')[1].split('"')[0]


def _counts() -> dict:
    return {
        "keys": ApiKey.objects.count(),
        "revoked": ApiKey.objects.filter(revoked_at__isnull=False).count(),
        "endpoints": WebhookEndpoint.objects.count(),
        "active": WebhookEndpoint.objects.filter(is_active=True).count(),
        "pending": WebhookDelivery.objects.filter(status=PENDING).count(),
        "audit": AuditEntry.objects.count(),
    }


def _key_for(retailer, **options):
    return api_key_create(
        caller=Caller.system("tests"),
        retailer=retailer,
        name=options.pop("name", "Their POS"),
        scopes=options.pop("scopes", ["quotes"]),
        is_test=options.pop("is_test", False),
        **options,
    )


# --- API keys --------------------------------------------------------------------------------


def test_a_new_keys_text_is_shown_once_and_it_works_on_the_api(client, presets, people):
    client.force_login(people.manager_a)
    once = _once(client, "/jeweler/keys/new")

    made = client.post("/jeweler/keys/new", {**KEY, "once": once})
    again = client.post("/jeweler/keys/new", {**KEY, "once": once})

    page = text_of(made)
    assert made.status_code == 200 and has_h1(page)
    assert "no-store" in made["Cache-Control"]
    text = page.split('id="key-text" class="secret" value="')[1].split('"')[0]
    assert text.startswith("gck_live_") and "shown only this once" in page
    key = ApiKey.objects.get()
    assert (key.retailer, key.scope_set, key.is_test) == (
        people.retailer_a,
        {"quotes", "sales"},
        False,
    )
    # The same form sent again makes no second key, and the list never shows the text.
    assert again.status_code == 302 and ApiKey.objects.count() == 1
    listed = text_of(client.get("/jeweler/keys"))
    assert key.prefix in listed and text not in listed and text.split("_")[-1] not in listed
    assert api_status(text) == 200
    assert "Never" not in text_of(client.get("/jeweler/keys"))  # last used, now


def test_a_test_key_for_one_store(client, presets, people):
    client.force_login(people.manager_a)
    once = _once(client, "/jeweler/keys/new")

    made = client.post(
        "/jeweler/keys/new", {**KEY, "once": once, "is_test": "true", "store": people.store_a2.code}
    )

    key = ApiKey.objects.get()
    assert key.is_test and key.store == people.store_a2
    assert "gck_test_" in text_of(made)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scopes": []}, "scopes"),
        ({"scopes": ["everything"]}, "scopes"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"store": "x" * 40}, "store"),
    ],
)
def test_bad_key_input_is_shown_by_its_field_and_makes_nothing(
    client, presets, people, changes, field
):
    client.force_login(people.manager_a)
    once = _once(client, "/jeweler/keys/new")
    counts = _counts()

    response = client.post("/jeweler/keys/new", {**KEY, **changes, "once": once})

    assert response.status_code == 422 and field in text_of(response)
    assert _counts() == counts


def test_a_key_for_another_retailers_store_is_not_made(client, presets, people):
    client.force_login(people.manager_a)
    once = _once(client, "/jeweler/keys/new")
    counts = _counts()

    response = client.post(
        "/jeweler/keys/new", {**KEY, "once": once, "store": people.store_b1.code}
    )

    assert response.status_code == 404 and _counts() == counts


def test_a_form_without_its_token_makes_no_key(client, presets, people):
    client.force_login(people.manager_a)
    counts = _counts()

    for once in ("", "forged", "x" * 5000):
        response = client.post("/jeweler/keys/new", {**KEY, "once": once})
        assert response.status_code == 302
    assert _counts() == counts


def test_revoking_a_key_stops_it_on_the_api_at_once(client, presets, people):
    key, text = _key_for(people.retailer_a)
    client.force_login(people.manager_a)
    assert api_status(text) == 200

    done = client.post(f"/jeweler/keys/{key.pk}/revoke", follow=True)

    assert "is revoked" in text_of(done) and "Revoked" in text_of(done)
    assert api_status(text) == 401
    assert AuditEntry.objects.filter(action="api_key_revoked", retailer=people.retailer_a).exists()


def test_another_retailers_key_is_not_found_and_keeps_working(client, presets, people):
    key, text = _key_for(people.retailer_b)
    client.force_login(people.manager_a)
    before, counts = snapshot(key), _counts()

    response = client.post(f"/jeweler/keys/{key.pk}/revoke")

    assert response.status_code == 404
    assert snapshot(key) == before and _counts() == counts
    assert key.prefix not in text_of(client.get("/jeweler/keys"))
    assert api_status(text) == 200


def test_a_manager_with_a_store_on_record_manages_the_retailers_keys(client, presets, people):
    staff = people.manager_a.retailer_staff
    staff.store = people.store_a1
    staff.save()
    key, _ = _key_for(people.retailer_a, store=people.store_a2)
    client.force_login(people.manager_a)

    assert key.prefix in text_of(client.get("/jeweler/keys"))


@pytest.mark.parametrize("who", ["associate_a1", "associate_a2"])
def test_an_associate_can_neither_see_nor_revoke_keys(client, presets, people, who):
    key, text = _key_for(people.retailer_a)
    client.force_login(getattr(people, who))
    before = snapshot(key)

    assert client.get("/jeweler/keys").status_code == 404
    assert client.post(f"/jeweler/keys/{key.pk}/revoke").status_code == 404
    assert client.post("/jeweler/keys/new", {**KEY, "once": "x"}).status_code == 404
    assert snapshot(key) == before and api_status(text) == 200


def test_the_forms_tokens_kept_in_a_session_are_bounded(client, presets, people):
    client.force_login(people.manager_a)

    for _ in range(40):
        client.get("/jeweler/keys/new")

    assert len(client.session[FORMS_ONCE_KEY]) == 20


# --- webhook endpoints -----------------------------------------------------------------------


def test_an_endpoints_secret_is_shown_once(client, presets, people):
    client.force_login(people.manager_a)
    once = _once(client, "/jeweler/webhooks/new")

    made = client.post("/jeweler/webhooks/new", {**ENDPOINT, "once": once})
    again = client.post("/jeweler/webhooks/new", {**ENDPOINT, "once": once})

    endpoint = WebhookEndpoint.objects.get()
    page = text_of(made)
    assert made.status_code == 200 and "shown only this once" in page
    assert endpoint.secret in page and endpoint.retailer == people.retailer_a
    assert endpoint.events == ["contract.created"] and not endpoint.is_test
    assert again.status_code == 302 and WebhookEndpoint.objects.count() == 1
    assert endpoint.secret not in text_of(client.get("/jeweler/webhooks"))
    assert endpoint.secret not in text_of(client.get(f"/jeweler/webhooks/{endpoint.pk}"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"url": "ftp://x.example/"}, "url"),
        ({"url": ""}, "url"),
        ({"url": "https://user:pw@x.example/"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["contract.exploded"]}, "events"),
    ],
)
def test_bad_endpoint_input_is_shown_by_its_field(client, presets, people, changes, field):
    client.force_login(people.manager_a)
    once = _once(client, "/jeweler/webhooks/new")
    counts = _counts()

    response = client.post("/jeweler/webhooks/new", {**ENDPOINT, **changes, "once": once})

    assert response.status_code == 422 and field in text_of(response)
    assert _counts() == counts


def _endpoint(retailer, **options):
    return endpoint_create(
        caller=Caller.retailer(retailer),
        endpoint=EndpointIn(url="https://pos.example/hooks", events=["contract.created"]),
        **options,
    ).endpoint


def test_the_delivery_log_shows_every_attempt_and_a_delivery_is_sent_again(client, presets, people):
    endpoint = _endpoint(people.retailer_a)
    contract = sold(people.store_a1)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=1)
    WebhookAttempt.objects.create(
        delivery=delivery, at=timezone.now(), response_status=503, response_ms=120, error=""
    )
    client.force_login(people.manager_a)

    log = text_of(client.get(f"/jeweler/webhooks/{endpoint.pk}"))
    replayed = client.post(
        f"/jeweler/webhooks/deliveries/{delivery.webhook_id}/replay", follow=True
    )

    assert delivery.webhook_id in log and "HTTP 503" in log and "120 ms" in log
    assert contract.number not in log  # the payload is not shown
    assert "is being sent again" in text_of(replayed)
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == PENDING
    assert AuditEntry.objects.filter(action="webhook_delivery_replayed").count() == 1


def test_disabling_an_endpoint_stops_its_replays(client, presets, people):
    endpoint = _endpoint(people.retailer_a)
    sold(people.store_a1)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    client.force_login(people.manager_a)

    client.post(f"/jeweler/webhooks/{endpoint.pk}/disable")
    counts = _counts()
    refused = client.post(f"/jeweler/webhooks/deliveries/{delivery.webhook_id}/replay")

    assert not WebhookEndpoint.objects.get(pk=endpoint.pk).is_active
    assert refused.status_code == 409 and "webhook_endpoint_disabled" in text_of(refused)
    assert _counts() == counts


def test_another_retailers_endpoint_and_deliveries_are_not_found(client, presets, people):
    endpoint = _endpoint(people.retailer_b)
    sold(people.store_b1)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    client.force_login(people.manager_a)
    counts, before = _counts(), snapshot(endpoint)

    assert client.get(f"/jeweler/webhooks/{endpoint.pk}").status_code == 404
    assert client.post(f"/jeweler/webhooks/{endpoint.pk}/disable").status_code == 404
    replay = client.post(f"/jeweler/webhooks/deliveries/{delivery.webhook_id}/replay")
    assert replay.status_code == 404
    assert endpoint.url not in text_of(client.get("/jeweler/webhooks"))
    assert _counts() == counts and snapshot(endpoint) == before


@pytest.mark.parametrize("webhook_id", ["msg_nope", "x" * 300, "msg_%00", "'; drop"])
def test_a_delivery_that_does_not_exist_is_not_found(client, presets, people, webhook_id):
    client.force_login(people.manager_a)

    response = client.post(f"/jeweler/webhooks/deliveries/{webhook_id}/replay")

    assert response.status_code == 404


def test_a_test_endpoint_is_marked_and_the_log_pages(client, presets, people):
    live = _endpoint(people.retailer_a)
    for _ in range(27):
        sold(people.store_a1)
    test_endpoint = _endpoint(people.retailer_a, is_test=True)
    client.force_login(people.manager_a)

    listed = text_of(client.get("/jeweler/webhooks"))
    first = text_of(client.get(f"/jeweler/webhooks/{live.pk}"))
    before = first.split("?before=")[1].split('"')[0]
    second = text_of(client.get(f"/jeweler/webhooks/{live.pk}", {"before": before}))
    bad = client.get(f"/jeweler/webhooks/{live.pk}", {"before": "-1"})

    assert "Test" in listed and f"/jeweler/webhooks/{test_endpoint.pk}" in listed
    rows = 'data-label="Delivery"'
    assert first.count(rows) == 25 and second.count(rows) == 2
    assert bad.status_code == 422
