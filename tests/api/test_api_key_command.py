import io

import pytest
from api_support import ApiClient
from django.core.management import CommandError, call_command
from factories import row_counts, store_make

from gemcare.partners.models import ApiKey


def run(*args) -> str:
    out = io.StringIO()
    call_command("api_key", *args, stdout=out)
    return out.getvalue()


def test_create_prints_the_key_alone_on_the_last_line(db):
    store = store_make()
    output = run("create", store.retailer.code, "--store", store.code, "--scopes", "quotes")
    text = output.strip().splitlines()[-1]
    assert text.startswith("gck_live_") and " " not in text
    key = ApiKey.objects.get()
    assert key.store == store and key.scope_set == {"quotes"} and not key.is_test
    assert text not in str(list(ApiKey.objects.values()))
    assert ApiClient(text).get("/products").status_code == 200


def test_create_a_test_key(db):
    store = store_make()
    text = run("create", store.retailer.code, "--test", "--name", "Lab").strip().splitlines()[-1]
    assert text.startswith("gck_test_")
    assert ApiKey.objects.get().name == "Lab"


@pytest.mark.parametrize(
    "args",
    [
        ("create", "no-such-retailer"),
        ("create", "{retailer}", "--store", "no-such-store"),
        ("create", "{retailer}", "--scopes", "quotes,everything"),
        ("create", "{retailer}", "--scopes", ""),
        ("revoke", "nosuchprefix"),
    ],
)
def test_bad_arguments_fail_and_change_nothing(db, args):
    store = store_make()
    before = row_counts()
    with pytest.raises(CommandError):
        run(*(arg.format(retailer=store.retailer.code) for arg in args))
    assert row_counts() == before


def test_revoke(db):
    store = store_make()
    text = run("create", store.retailer.code).strip().splitlines()[-1]
    prefix = ApiKey.objects.get().prefix
    assert "Revoked" in run("revoke", prefix)
    assert ApiClient(text).get("/products").status_code == 401
