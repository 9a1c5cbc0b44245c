import pytest
from api_support import ApiClient
from django.contrib.auth import get_user_model
from django.urls import reverse
from factories import store_make

from gemcare.partners.models import ApiKey
from gemcare.portals.testing import verified_login


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("keys-admin", "a@example.com", "pw-12345")
    verified_login(client, user)
    return client


def test_the_admin_makes_a_key_and_shows_it_once(admin_client):
    store = store_make()
    response = admin_client.post(
        reverse("admin:partners_apikey_add"),
        {
            "retailer": store.retailer.pk,
            "store": store.pk,
            "name": "Counter POS",
            "scope_choices": ["quotes", "sales"],
        },
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    text = next(m.split(": ")[-1] for m in shown if "shown this once" in m)
    key = ApiKey.objects.get()
    assert key.scope_set == {"quotes", "sales"} and key.store == store
    assert text.startswith("gck_live_") and ApiClient(text).get("/products").status_code == 200
    page = admin_client.get(reverse("admin:partners_apikey_change", args=[key.pk]))
    assert page.status_code == 200 and text.encode() not in page.content


def test_the_admin_refuses_another_retailers_store(admin_client):
    store = store_make()
    response = admin_client.post(
        reverse("admin:partners_apikey_add"),
        {
            "retailer": store_make().retailer.pk,
            "store": store.pk,
            "name": "POS",
            "scope_choices": ["quotes"],
        },
    )
    assert response.status_code == 200 and not ApiKey.objects.exists()


def test_the_admin_revokes(admin_client):
    store = store_make()
    admin_client.post(
        reverse("admin:partners_apikey_add"),
        {"retailer": store.retailer.pk, "name": "POS", "scope_choices": ["quotes"]},
    )
    key = ApiKey.objects.get()
    response = admin_client.post(
        reverse("admin:partners_apikey_changelist"),
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
