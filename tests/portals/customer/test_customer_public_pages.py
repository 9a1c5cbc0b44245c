"""The public pages: the plans from the catalog, how it works and the questions with the
rules core's numbers, every link leading somewhere."""

import re

import pytest
from factories import row_counts

from gemcare.catalog.selectors import plan_terms_of, plan_version_current
from gemcare.contracts.certificates import SERVICE_WORDS
from gemcare.rules import refunds

PRESETS = ("care-jewelry-lifetime", "care-jewelry-3yr", "care-watch-3yr", "ljpp-lifetime")


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_plans_page_lists_every_published_plan_with_its_prices(client, presets):
    page = _text(client.get("/plans/"))

    for code in PRESETS:
        version = plan_version_current(code=code)
        assert f'href="/plans/{code}"' in page and version.name in page
        bands = list(version.bands.all())
        assert f"${bands[0].price:,.2f} to ${bands[-1].price:,.2f}" in page
    assert page.count("<h1>") == 1 and "<title>Plans" in page


@pytest.mark.parametrize("code", PRESETS)
def test_a_plans_page_shows_what_its_published_terms_cover_by_item_kind(client, presets, code):
    terms = plan_terms_of(plan_version_current(code=code))

    response = client.get(f"/plans/{code}")
    page = _text(response)

    assert response.status_code == 200
    for kind in terms.item_kinds:
        section = page.split(f'id="kind-{kind}">')[1].split("</section>")[0]
        listed = {service for (k, service) in terms.services if k == kind}
        for service in listed:
            assert SERVICE_WORDS[service] in section, (kind, service)
        for other in set(SERVICE_WORDS) - listed:
            assert f"<li>{SERVICE_WORDS[other]}<" not in section, (kind, other)
    if terms.free_look_days:
        assert f"Cancel within {terms.free_look_days} days of purchase" in page
    for band in plan_version_current(code=code).bands.all():
        assert f"${band.low:,.2f} to ${band.high:,.2f}</td><td>${band.price:,.2f}" in page


def test_the_state_variations_of_a_plan_come_from_its_terms(client, presets):
    terms = plan_terms_of(plan_version_current(code="ljpp-lifetime"))

    page = _text(client.get("/plans/ljpp-lifetime"))

    for state, variation in terms.state_variations.items():
        assert f"<td>{state}</td>" in page
        if variation.free_look_days:
            assert f"{variation.free_look_days} days" in page
    assert "<td>GA</td><td>none</td><td>no</td><td>90%</td>" in page  # RULEBOOK 5.1


@pytest.mark.parametrize("code", ["no-such-plan", "CARE-JEWELRY-3YR", "x" * 80])
def test_an_unknown_plan_is_not_found(client, presets, code):
    response = client.get(f"/plans/{code}")

    assert response.status_code == 404


def test_how_it_works_and_the_questions_quote_the_rules_cores_numbers(client, presets):
    how = _text(client.get("/how-it-works"))
    questions = _text(client.get("/questions"))

    due = f"due {refunds.REFUND_DUE_DAYS} days after the cancellation"
    penalty = (
        f"{int(refunds.PENALTY_RATE * 100)}% for each started {refunds.PENALTY_PERIOD_DAYS} days"
    )
    assert due in how and due in questions
    assert penalty in how
    assert f"{int(refunds.PENALTY_RATE * 100)}% is added for each started" in questions
    for code in PRESETS:
        terms = plan_terms_of(plan_version_current(code=code))
        name = plan_version_current(code=code).name
        assert f"{terms.proration_years} years for the {name}" in questions
        days = f"{terms.free_look_days} days from the purchase" if terms.free_look_days else "no"
        assert f"{name}: {days}" in questions
        transfer = "yes, at any time" if terms.transfer == "any" else "no, except"
        assert f"{name}: {transfer}" in questions
    assert "not renewable" in questions
    for words in ("jeweler is closed", "moving away", "no email"):
        assert words in questions


def test_every_link_on_the_public_pages_leads_somewhere(client, presets):
    counts = row_counts()
    seen = set()
    for url in ("/", "/plans/", "/plans/care-jewelry-3yr", "/how-it-works", "/questions"):
        page = client.get(url).content.decode()
        assert page.count("<h1") == 1, url
        seen |= set(re.findall(r'href="(/[^"#]*)"', page))
    for link in seen - {"/static/portals/app.css"}:
        assert client.get(link).status_code == 200, link
    assert row_counts() == counts
