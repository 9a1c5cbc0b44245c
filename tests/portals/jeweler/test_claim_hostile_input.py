"""Whatever the claim pages' addresses and forms hold, the answer is never a server error,
and a refused call files nothing."""

import pytest
from claim_page_support import GOOD_LINES, claim_at, everything, plan_at

from gemcare.common.clock import today

HUGE = "9" * 30


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(
    "url",
    [
        f"/jeweler/claims/K0/photos/{HUGE}",
        "/jeweler/claims/%00",
        "/jeweler/claims?cursor=" + HUGE,
        "/jeweler/claims?status=%00",
        "/jeweler/claims?status=approved&status=denied",
        "/jeweler/plans/%00/claims/new",
        "/jeweler/plans/" + "C" * 4000 + "/claims/new",
    ],
)
def test_an_absurd_address_is_never_a_server_error(client, presets, people, url):
    client.force_login(people.associate_a1)

    assert client.get(url).status_code in {200, 404, 422}


@pytest.mark.parametrize(
    "values",
    [
        {**GOOD_LINES, "lines.0.cost": HUGE},
        {**GOOD_LINES, "lines.499.service": "prong_repair", "lines.499.cost": "1.00"},
        {**GOOD_LINES, "lines.500.service": "prong_repair", "lines.500.cost": "1.00"},
        {**GOOD_LINES, "lines.x.cost": "1.00"},
        {**GOOD_LINES, "lines": "prong_repair"},
        {**GOOD_LINES, "lines.0.sizes": "1e3"},
        {**GOOD_LINES, "repairable": "perhaps"},
        {**GOOD_LINES, "incident": "1900-01-01"},
        {**GOOD_LINES, "channel": "customer"},
        {**GOOD_LINES, "filed": "2001-01-01"},
        {**GOOD_LINES, "contract": "C-OTHER"},
        {"lines.0.service": "prong_repair", "lines.0.cost": ["1.00", "2.00"]},
    ],
)
def test_a_tampered_filing_is_read_or_refused_and_never_a_server_error(
    client, presets, people, values
):
    contract = plan_at(people.store_a1)
    client.force_login(people.associate_a1)
    before = everything()

    response = client.post(
        f"/jeweler/plans/{contract.number}/claims/new",
        {"incident": today().isoformat(), "cause": "wear_and_tear", **values},
    )

    assert response.status_code in {302, 409, 422}
    if response.status_code != 302:
        assert everything() == before


@pytest.mark.parametrize(
    ("action", "values"),
    [
        ("route", {"route": "repair_center", "repair_center": "x" * 5000}),
        ("route", {"route": ["in_store", "repair_center"]}),
        ("complete", {"actual_cost": HUGE, "invoice_number": "I"}),
        ("complete", {"actual_cost": "1.00", "invoice_number": "\x00"}),
        ("review-request", {"reason": ["a", "b"], "extra": "1"}),
    ],
)
def test_a_tampered_action_is_never_a_server_error(client, presets, people, action, values):
    claim = claim_at(people.store_a1)
    client.force_login(people.associate_a1)
    before = everything()

    response = client.post(f"/jeweler/claims/{claim.number}/{action}", values)

    assert response.status_code in {302, 404, 409, 422}
    if response.status_code != 302:
        assert everything() == before
