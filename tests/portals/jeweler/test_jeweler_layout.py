"""Every page of the jeweler portal: one <h1>, a <title>, every input labelled, ids unique,
tables with headers, forms that post carrying the CSRF token; and its links lead somewhere."""

import re
from html.parser import HTMLParser

import pytest
from factories import file_claim
from jeweler_support import sold, text_of

from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.schemas import validate_input
from gemcare.webhooks.schemas import EndpointIn
from gemcare.webhooks.services import endpoint_create


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.labels: set[str] = set()
        self.inputs: list[str] = []
        self.h1 = 0
        self.tables = 0
        self.headers = 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and "for" in attrs:
            self.labels.add(attrs["for"])
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            self.inputs.append(attrs.get("id", ""))
        self.h1 += tag == "h1"
        self.tables += tag == "table"
        self.headers += tag == "th"
        if tag == "a" and attrs.get("href", "").startswith("/"):
            self.links.append(attrs["href"])


def _urls(people, contract):
    endpoint = endpoint_create(
        caller=Caller.retailer(people.retailer_a),
        endpoint=validate_input(
            EndpointIn, {"url": "https://pos.example/h", "events": ["contract.created"]}
        ),
    ).endpoint
    plan = f"/jeweler/plans/{contract.number}"
    return [
        "/jeweler/",
        "/jeweler/sell",
        "/jeweler/sell?item.kind=ring&item.price=1200",
        "/jeweler/plans",
        f"/jeweler/plans?q={contract.number}",
        plan,
        f"{plan}/return",
        f"{plan}/cancel",
        f"{plan}/cancel?date={today().isoformat()}",
        f"{plan}/transfer",
        f"{plan}/pickup",
        "/jeweler/staff",
        "/jeweler/staff/new",
        "/jeweler/keys",
        "/jeweler/keys/new",
        "/jeweler/webhooks",
        "/jeweler/webhooks/new",
        f"/jeweler/webhooks/{endpoint.pk}",
    ]


@pytest.fixture
def pages(client, presets, people):
    contract = sold(people.store_a1, "ljpp-lifetime")
    file_claim(contract, ("prong_repair", "85.00"), filed=today(), incident=today())
    client.force_login(people.manager_a)
    return [(url, client.get(url)) for url in _urls(people, contract)]


def test_every_page_is_well_formed_for_a_screen_reader(pages):
    for url, response in pages:
        assert response.status_code == 200, url
        page = text_of(response)
        parsed = Page()
        parsed.feed(page)
        assert parsed.h1 == 1, url
        assert re.search(r"<title>[^<]+ · Jeweler portal</title>", page), url
        assert len(parsed.ids) == len(set(parsed.ids)), (url, sorted(parsed.ids))
        for ident in parsed.inputs:
            assert ident and ident in parsed.labels, (url, ident)
        assert parsed.headers >= parsed.tables, url
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", page, flags=re.S):
            assert "csrfmiddlewaretoken" in form, url


def test_every_link_of_the_pages_leads_somewhere(client, pages):
    seen = set()
    for _, response in pages:
        parsed = Page()
        parsed.feed(text_of(response))
        seen.update(link.split("#")[0] for link in parsed.links)
    for link in sorted(seen):
        if link.startswith("/static/") or not link:
            continue
        assert client.get(link).status_code in (200, 302), link
