"""The value index in the Django admin: staff add values, checked and audited, never edit
them; and the policy's page shows what the lifecycle wrote."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from policy_lifecycle_factories import lifecycle_counts, monthly_policy, pay

from gemcare.common.models import AuditEntry
from gemcare.insurance.models import ValueIndex
from gemcare.portals.testing import verified_login


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "x")
    verified_login(client, user)
    return client


def test_staff_add_an_index_value_and_it_is_audited(admin_client):
    url = reverse("admin:insurance_valueindex_add")
    response = admin_client.post(
        url, {"effective_on": "2025-10-01", "value": "104.25", "note": "October"}
    )
    assert response.status_code == 302
    index = ValueIndex.objects.get()
    assert (index.value, index.note) == (Decimal("104.25"), "October")
    assert AuditEntry.objects.filter(action="value_index_recorded").count() == 1
    change = admin_client.post(
        reverse("admin:insurance_valueindex_change", args=[index.pk]),
        {"effective_on": "2025-10-01", "value": "1.00"},
    )
    assert change.status_code == 403
    assert ValueIndex.objects.get().value == Decimal("104.25")


@pytest.mark.parametrize(
    ("value", "effective_on"),
    [("-3", "2025-10-01"), ("1.23456", "2025-10-01"), ("abc", "2025-10-01"), ("5", "1800-01-01")],
)
def test_a_bad_index_value_is_a_form_error_and_nothing_is_written(
    admin_client, value, effective_on
):
    before = lifecycle_counts()
    response = admin_client.post(
        reverse("admin:insurance_valueindex_add"), {"effective_on": effective_on, "value": value}
    )
    assert response.status_code == 200
    assert b"errornote" in response.content or b"errorlist" in response.content
    assert lifecycle_counts() == before


def test_the_policy_page_shows_payments(admin_client, presets):
    policy = monthly_policy()
    pay(policy=policy, paid_on="2025-01-01", amount="10.50", reference="chk 7")
    page = admin_client.get(reverse("admin:insurance_policy_change", args=[policy.pk]))
    assert page.status_code == 200
    assert b"chk 7" in page.content
