"""The API tests' keys and client."""

from django.test import Client
from factories import retailer_make
from hypothesis import strategies as st

from gemcare.common.callers import Caller
from gemcare.partners.models import ApiKey
from gemcare.partners.services import api_key_create

ALL_SCOPES = list(ApiKey.SCOPES)


def key_make(retailer=None, *, store=None, scopes=None, is_test=False, name="POS"):
    retailer = retailer or (store.retailer if store is not None else retailer_make())
    return api_key_create(
        caller=Caller.system("tests"),
        retailer=retailer,
        store=store,
        name=name,
        scopes=scopes or ALL_SCOPES,
        is_test=is_test,
    )


class ApiClient:
    """Django's test client with a key in every request."""

    def __init__(self, key_text: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key_text}"} if key_text else {}

    def get(self, path, data=None, **headers):
        return self.client.get(f"/api/v1{path}", data, headers={**self.headers, **headers})

    def post(self, path, body=None, *, content_type="application/json", **headers):
        return self.client.post(
            f"/api/v1{path}",
            body if body is not None else {},
            content_type=content_type,
            headers={**self.headers, **headers},
        )


# What a hostile client may send: any JSON value, and amounts in every wrong form.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
amounts = st.one_of(
    st.text(max_size=14),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
)
