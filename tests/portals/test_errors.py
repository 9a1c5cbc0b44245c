"""An application error raised by a portal page becomes its page, once, in one place."""

import pytest

from gemcare.common.errors import Refused

pytestmark = [pytest.mark.urls("probe_urls"), pytest.mark.django_db]


@pytest.mark.parametrize(
    ("url", "status", "shown"),
    [
        ("/probe/not-found/", 404, "No claim C-404."),
        ("/probe/refused/", 409, "A claim on this plan is waiting for its review."),
        ("/probe/invalid/", 422, "has more than two decimals"),
    ],
)
def test_each_error_has_its_page_and_status(client, url, status, shown):
    response = client.get(url)

    page = response.content.decode()
    assert response.status_code == status
    assert shown in page
    assert '<main id="main"' in page  # the whole page, in the site's layout
    if status == 409:
        assert "claim_in_review" in page
    if status == 422:
        assert "item.price" in page
        assert "12.345" not in page  # the page names the field, never echoes the value


def test_for_htmx_the_message_goes_to_the_message_area(client):
    response = client.get("/probe/refused/", headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#messages" and response["HX-Reswap"] == "innerHTML"
    assert "<main" not in page and "waiting for its review" in page


def test_a_page_outside_the_portals_is_left_to_its_own_handling(client):
    with pytest.raises(Refused):
        client.get("/elsewhere/refused/")


def test_the_partner_api_keeps_its_json_errors(client):
    response = client.get("/api/v1/contracts")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
