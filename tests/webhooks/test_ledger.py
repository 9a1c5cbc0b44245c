"""Deliveries and attempts are a ledger in the database too (webhooks migration 0002)."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from webhook_factories import endpoint_make

from gemcare.webhooks.models import FAILED, WebhookAttempt, WebhookDelivery
from gemcare.webhooks.services import webhook_emit

pytestmark = pytest.mark.django_db


def refused(change) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        change()


def test_attempts_and_the_fixed_columns_of_deliveries_never_change(receiver):
    endpoint, _ = endpoint_make(receiver)
    with transaction.atomic():
        (delivery,) = webhook_emit(
            retailer_id=endpoint.retailer_id, event="refund.paid", payload={}
        )
    attempt = WebhookAttempt.objects.create(delivery=delivery, at=timezone.now(), response_ms=3)
    deliveries = WebhookDelivery.objects.filter(pk=delivery.pk)

    refused(lambda: WebhookAttempt.objects.filter(pk=attempt.pk).update(error="rewritten"))
    refused(lambda: WebhookAttempt.objects.filter(pk=attempt.pk).delete())
    refused(lambda: deliveries.update(payload={"data": "rewritten"}))
    refused(lambda: deliveries.update(webhook_id="msg_other"))
    refused(lambda: deliveries.update(event="claim.decided"))
    refused(lambda: WebhookAttempt.objects.all().delete() or deliveries.delete())

    # What the sending moves on is allowed.
    deliveries.update(status=FAILED, attempts=1, next_attempt_at=None)
    assert deliveries.get().status == FAILED
