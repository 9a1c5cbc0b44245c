"""The admin pages of webhooks open and never show a secret; the sweep command runs; a
test-mode sale reaches only test endpoints."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from factories import sale_in, store_make
from webhook_factories import endpoint_make

from gemcare.common.callers import Caller
from gemcare.contracts.models import Contract
from gemcare.contracts.services import contract_sell
from gemcare.portals.testing import verified_login
from gemcare.webhooks.models import WebhookDelivery
from gemcare.webhooks.services import webhook_emit

pytestmark = pytest.mark.django_db


def test_admin_pages_open_without_the_secret(receiver, client):
    endpoint, _ = endpoint_make(receiver)
    with transaction.atomic():
        (delivery,) = webhook_emit(
            retailer_id=endpoint.retailer_id, event="refund.paid", payload={}
        )
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-1")
    verified_login(client, admin)
    pages = [
        reverse("admin:webhooks_webhookendpoint_changelist"),
        reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
        reverse("admin:webhooks_webhookdelivery_changelist"),
        reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert receiver.secret not in response.content.decode()
        assert receiver.secret.removeprefix("whsec_") not in response.content.decode()


def test_the_sweep_command_queues_what_is_overdue(receiver):
    out = io.StringIO()
    call_command("webhooks_sweep", stdout=out)
    assert out.getvalue().strip() == "0 webhook deliveries queued."


def test_a_test_mode_sale_reaches_only_test_endpoints(presets, receiver):
    if "is_test" not in {field.name for field in Contract._meta.fields}:
        pytest.skip("contracts have no test mode yet")
    live, _ = endpoint_make(receiver)
    test, _ = endpoint_make(receiver, retailer=live.retailer, is_test=True)
    store = store_make(retailer=live.retailer)
    caller = Caller.retailer(live.retailer, label="api_key:2")
    with transaction.atomic():
        contract_sell(caller=caller, store=store, sale=sale_in(), is_test=True)
        contract_sell(caller=caller, store=store, sale=sale_in())
    sent = list(WebhookDelivery.objects.order_by("id").values_list("endpoint_id", "event"))
    assert sent == [(test.pk, "contract.created"), (live.pk, "contract.created")]
