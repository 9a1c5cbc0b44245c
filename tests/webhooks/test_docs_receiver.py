"""The receiver example of docs/partner-api.md verifies a real delivery, drops a repeat and
refuses an altered body."""

import re
from pathlib import Path

import pytest
from django.db import transaction
from webhook_factories import endpoint_make

from gemcare.webhooks.services import webhook_emit

pytestmark = pytest.mark.django_db

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "partner-api.md"


def receiver_example(secret: str) -> dict:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)
    (code,) = [block for block in blocks if "def receive(" in block]
    namespace: dict = {}
    exec(compile(code, str(GUIDE), "exec"), namespace)
    namespace["SECRET"] = secret
    return namespace


def test_the_guide_s_receiver_checks_a_real_delivery(receiver, django_capture_on_commit_callbacks):
    endpoint, _ = endpoint_make(receiver)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (delivery,) = webhook_emit(
            retailer_id=endpoint.retailer_id, event="refund.paid", payload={"total": "12.50"}
        )
    (request,) = receiver.received
    example = receiver_example(receiver.secret)
    body = request.body.encode()

    status, event = example["receive"](body, request.headers)
    assert status == 200
    assert event["type"] == "refund.paid"
    assert event["data"] == {"total": "12.50"}
    assert example["receive"](body, request.headers) == (200, None)  # the same webhook-id
    altered = body.replace(b"12.50", b"99.50")
    assert example["receive"](altered, request.headers) == (400, None)
    assert request.headers["webhook-id"] == delivery.webhook_id
