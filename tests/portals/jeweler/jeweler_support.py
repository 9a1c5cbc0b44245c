"""What the jeweler portal's tests share: sales at a store, and reading pages."""

import datetime as dt
import re

from factories import holder_data, sell

from gemcare.common.clock import today


def sold(store, product="care-jewelry-3yr", *, days_ago=0, state=None, **options):
    """A plan sold through the real service at `store`, `days_ago` days before today."""
    return sell(
        product,
        state or store.state,
        purchased=today() - dt.timedelta(days=days_ago),
        store=store,
        **options,
    )


def text_of(response) -> str:
    return response.content.decode()


def has_h1(page: str) -> bool:
    return len(re.findall(r"<h1[ >]", page)) == 1


def holder_with(**extra):
    return holder_data(**extra)


def api_status(key_text: str, path: str = "/products") -> int:
    """The partner API's status for a GET with this key."""
    from django.test import Client

    response = Client().get(f"/api/v1{path}", headers={"Authorization": f"Bearer {key_text}"})
    return response.status_code
