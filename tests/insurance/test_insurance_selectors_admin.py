"""Selectors and the back-office pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from insurance_factories import SYSTEM, other_callers, record_loss, renew

from gemcare.common.errors import NotFound
from gemcare.common.models import AuditEntry
from gemcare.insurance.selectors import (
    loss_deadlines_open,
    policies_visible,
    policy_get,
    policy_periods,
)
from gemcare.portals.testing import verified_login


def test_policy_get(policy):
    assert policy_get(caller=SYSTEM, number=policy.number) == policy
    with pytest.raises(NotFound) as error:
        policy_get(caller=SYSTEM, number="JP-999999")
    assert error.value.code == "policy_not_found"


@pytest.mark.parametrize("who", ["retailer", "store", "holder"])
def test_policy_get_as_another_tenant_is_not_found(policy, who):
    with pytest.raises(NotFound) as error:
        policy_get(caller=other_callers()[who], number=policy.number)
    with pytest.raises(NotFound) as missing:
        policy_get(caller=other_callers()[who], number="JP-999999")
    assert error.value.code == missing.value.code == "policy_not_found"
    assert list(policies_visible(caller=other_callers()[who])) == []
    assert list(policies_visible(caller=SYSTEM)) == [policy]


@pytest.mark.parametrize("who", ["retailer", "store", "holder"])
def test_loss_deadlines_as_another_tenant_list_nothing(policy, who):
    record_loss(policy=policy, loss_on="2025-05-02", item_ref="r1", peril="fire", cost="50")
    assert loss_deadlines_open(caller=SYSTEM, on=dt.date(2025, 5, 2)).count() == 1
    assert list(loss_deadlines_open(caller=other_callers()[who], on=dt.date(2025, 5, 2))) == []


def test_selectors_need_a_caller(policy):
    with pytest.raises(TypeError):
        policy_get(number=policy.number)
    with pytest.raises(TypeError):
        policy_get(caller=None, number=policy.number)


def test_policy_periods(policy):
    renew(policy=policy)
    assert [(s.isoformat(), e.isoformat()) for s, e in policy_periods(policy=policy)] == [
        ("2025-01-01", "2026-01-01"),
        ("2026-01-01", "2027-01-01"),
    ]


def test_admin_pages_show_policies_and_losses(policy, client):
    loss = record_loss(policy=policy, loss_on="2025-05-02", item_ref="r1", peril="fire", cost="50")
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "x")
    verified_login(client, user)
    for url in [
        reverse("admin:insurance_policy_changelist"),
        reverse("admin:insurance_policy_change", args=[policy.pk]),
        reverse("admin:insurance_loss_changelist"),
        reverse("admin:insurance_loss_change", args=[loss.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert (
        policy.number.encode() in client.get(reverse("admin:insurance_policy_changelist")).content
    )
    assert client.get(reverse("admin:insurance_policy_add")).status_code == 403


def test_admin_corrections_are_audited_and_amounts_stay_read_only(policy, client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "x")
    verified_login(client, user)
    url = reverse("admin:insurance_policy_change", args=[policy.pk])
    page = client.get(url)
    item = policy.items.get()
    insured = policy.named_insureds.get()
    data = {
        "address": "2 Lake Rd, Madison",
        "premium": "1.00",  # read-only: ignored
        "named_insureds-TOTAL_FORMS": "1",
        "named_insureds-INITIAL_FORMS": "1",
        "named_insureds-0-id": str(insured.pk),
        "named_insureds-0-policy": str(policy.pk),
        "named_insureds-0-email": "ann@example.org",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-0-id": str(item.pk),
        "items-0-policy": str(policy.pk),
        "items-0-description": "Solitaire, platinum",
    }
    for prefix in ("losses", "events"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    assert page.status_code == 200
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    policy.refresh_from_db()
    assert (policy.address, policy.premium) == ("2 Lake Rd, Madison", Decimal("96.00"))
    assert policy.items.get().description == "Solitaire, platinum"
    assert policy.named_insureds.get().email == "ann@example.org"
    actions = set(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))
    assert actions == {"policy_corrected", "scheduleditem_corrected", "namedinsured_corrected"}
