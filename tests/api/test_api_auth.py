import datetime as dt

import pytest
from api_support import ApiClient, key_make
from django.utils import timezone
from factories import retailer_make, row_counts

from gemcare.common.callers import Caller
from gemcare.common.errors import Refused
from gemcare.partners.models import ApiKey
from gemcare.partners.services import api_key_create, api_key_revoke, key_parts

UNAUTHORIZED = {
    "error": {
        "code": "unauthorized",
        "message": "The request has no valid API key (Authorization: Bearer).",
        "field": None,
    }
}


def test_key_text_is_shown_once_and_only_its_hash_is_kept(db):
    key, text = key_make(scopes=["quotes"])
    is_test, prefix, secret = key_parts(text)
    assert text.startswith("gck_live_") and not is_test
    assert key.prefix == prefix and secret not in key.secret_hash and len(key.secret_hash) == 64
    assert key.scope_set == {"quotes"}
    assert text not in str(ApiKey.objects.values().get(pk=key.pk))


def test_test_keys_read_gck_test(db):
    key, text = key_make(is_test=True)
    assert text.startswith("gck_test_") and key.is_test


def test_unknown_scope_is_refused(db):
    from gemcare.common.errors import InvalidInput

    before = row_counts()
    with pytest.raises(InvalidInput) as error:
        key_make(scopes=["quotes", "everything"])
    assert error.value.code == "unknown_scope"
    assert row_counts() == before


def test_only_the_provider_makes_keys(db):
    retailer = retailer_make()
    before = row_counts()
    with pytest.raises(Refused) as error:
        api_key_create(
            caller=Caller.retailer(retailer),
            retailer=retailer,
            name="mine",
            scopes=["quotes"],
            is_test=False,
        )
    assert error.value.code == "not_allowed"
    assert row_counts() == before


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer gck_live_nope",
        "Bearer gck_live_aaaaaaaaaaaa_" + "a" * 40,
        "Bearer " + "x" * 5000,
        "Token gck_live_aaaaaaaaaaaa_" + "a" * 40,
    ],
)
def test_missing_malformed_or_unknown_key_is_401(db, header):
    client = ApiClient(None)
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/products", **headers)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_key_with_the_wrong_secret_is_401(key):
    _, text = key
    wrong = text[:-1] + ("A" if text[-1] != "A" else "B")
    assert ApiClient(wrong).get("/products").status_code == 401


def test_a_live_key_read_as_test_is_401(key):
    _, text = key
    assert ApiClient(text.replace("gck_live_", "gck_test_")).get("/products").status_code == 401


def test_a_revoked_key_is_401_with_the_same_body(key):
    api_key, text = key
    assert ApiClient(text).get("/products").status_code == 200
    api_key_revoke(caller=Caller.system("tests"), key=api_key)
    response = ApiClient(text).get("/products")
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_an_inactive_retailers_key_is_401(key):
    api_key, text = key
    api_key.retailer.is_active = False
    api_key.retailer.save()
    assert ApiClient(text).get("/products").status_code == 401


def test_last_used_is_written_at_most_once_a_minute(key, django_assert_max_num_queries):
    api_key, text = key
    client = ApiClient(text)
    client.get("/products")
    api_key.refresh_from_db()
    first = api_key.last_used_at
    assert first is not None
    client.get("/products")
    api_key.refresh_from_db()
    assert api_key.last_used_at == first
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get("/products")
    api_key.refresh_from_db()
    assert api_key.last_used_at > first - dt.timedelta(minutes=1)
    assert api_key.last_used_at <= timezone.now()


def test_a_key_without_the_scope_is_403(db):
    _, text = key_make(scopes=["sales"])
    before = row_counts()
    response = ApiClient(text).post("/quotes", {"holder_state": "TX", "items": []})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "scope_missing"
    assert row_counts() == before


def test_every_api_response_has_a_request_id(api):
    response = api.get("/products")
    assert len(response["X-Request-Id"]) == 32
    assert api.get("/products", **{"X-Request-Id": "pos-42.abc"})["X-Request-Id"] == "pos-42.abc"
    insane = api.get("/products", **{"X-Request-Id": "a b\tc" * 30})["X-Request-Id"]
    assert insane != "a b\tc" * 30 and len(insane) == 32
    assert len(ApiClient(None).get("/products")["X-Request-Id"]) == 32


def test_the_request_log_names_the_key_and_no_query(api, key, caplog):
    caplog.set_level("INFO", logger="gemcare.api")
    api.get("/products", {"holder_email": "ann@example.com"}, **{"X-Request-Id": "r-1"})
    line = next(r.getMessage() for r in caplog.records if r.name == "gemcare.api")
    assert f"key={key[0].pk}" in line and "request_id=r-1" in line
    assert "ann@example.com" not in line
