"""Every back-office page opens on the demo data: the admin is the window onto all of it."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from gemcare.contracts.models import Holder
from gemcare.demo import demo_load
from gemcare.portals.testing import verified_login


@pytest.fixture
def demo(db):
    return demo_load(contracts_count=40, today=dt.date(2026, 11, 1))


def test_demo_has_claims_in_every_status_and_policies(demo):
    from gemcare.claims.models import STATUSES, Claim

    statuses = set(Claim.objects.values_list("status", flat=True))
    assert statuses == {status for status, _ in STATUSES}
    assert demo["policies"] == 5


@pytest.mark.parametrize(("username", "at_least"), [("admin", 15), ("adjuster", 5)])
def test_every_admin_list_and_first_detail_page_opens(demo, client, username, at_least):
    _login(client, username)
    opened = 0
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(_request_for(client, username)):
            continue
        info = model._meta.app_label, model._meta.model_name
        response = client.get(reverse(f"admin:{info[0]}_{info[1]}_changelist"))
        assert response.status_code == 200, info
        first = model.objects.first()
        if first is not None:
            response = client.get(reverse(f"admin:{info[0]}_{info[1]}_change", args=[first.pk]))
            assert response.status_code == 200, info
        opened += 1
    assert opened >= at_least


def test_sensitive_holder_fields_are_masked_for_an_adjuster(demo, client):
    holder = Holder.objects.exclude(date_of_birth="").first()
    url = reverse("admin:contracts_holder_change", args=[holder.pk])
    _login(client, "adjuster")
    masked = client.get(url).content.decode()
    assert holder.date_of_birth not in masked
    assert holder.date_of_birth[:4] not in masked  # nothing of a date of birth shows
    _login(client, "privacy")
    assert holder.date_of_birth in client.get(url).content.decode()


def _login(client, username: str) -> None:
    """Signed in with the second factor passed: the admin opens to nothing less."""
    from django.contrib.auth import get_user_model

    verified_login(client, get_user_model().objects.get(username=username))


def _request_for(client, username):
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(username=username)
    return request
