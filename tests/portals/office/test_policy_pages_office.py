"""The back office's policy pages: the list and its search, a policy's page, the new-policy
quote and bind, and who may open each (the privacy officer reads, only administrators and
adjusters change; a jeweler or a policyholder finds nothing)."""

import datetime as dt

import pytest
from factories import row_counts as contract_counts
from factories import snapshot

from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.insurance import schemas, services
from gemcare.insurance.models import NamedInsured, Policy, PolicyEvent, ScheduledItem
from gemcare.portals.testing import verified_login
from gemcare.portals.web.callers import POLICYHOLDER_SESSION_KEY

SYSTEM = Caller.system("tests")


def bind(*, name="Ann Lee", email="ann@example.com", start=None, items=None, **fields):
    data = {
        "named_insureds": [{"name": name, "email": email}],
        "address": "1 Main St, Madison",
        "state": "WI",
        "start": (start or today()).isoformat(),
        "deductible": "100",
        "items": items
        or [{"ref": "r1", "kind": "ring", "description": "Solitaire", "limit": "8000.00"}],
        **fields,
    }
    return services.policy_bind(caller=SYSTEM, data=validate_input(schemas.PolicyBindIn, data))


def counts() -> dict:
    models = (Policy, NamedInsured, ScheduledItem, PolicyEvent, AuditEntry)
    return {**contract_counts(), **{model.__name__: model.objects.count() for model in models}}


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def policy(presets):
    return bind()


# --- who opens the pages ---------------------------------------------------------------------


def _urls(policy) -> list[str]:
    base = f"/office/insurance/policies/{policy.number}"
    return [
        "/office/insurance/policies",
        "/office/insurance/policies/new",
        base,
        f"{base}/items/new",
        f"{base}/items/r1/remove",
        f"{base}/cancel",
    ]


def test_a_logged_out_visitor_goes_to_the_login_page(client, people, policy):
    for url in _urls(policy):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("who", ["manager_a", "associate_a1", "nobody"])
def test_a_jeweler_or_anyone_else_finds_no_policy_page(client, people, policy, who):
    client.force_login(getattr(people, who))
    before = counts()

    for url in _urls(policy):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/office/insurance/policies/{policy.number}/cancel", {"by": "insured"})

    assert response.status_code == 404
    assert counts() == before


def test_a_policyholder_session_opens_no_back_office_page(client, people, policy):
    session = client.session
    session[POLICYHOLDER_SESSION_KEY] = policy.named_insureds.get().pk
    session.save()

    for url in _urls(policy):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_privacy_officer_reads_policies_but_changes_nothing(client, people, policy):
    verified_login(client, people.privacy)
    before, row = counts(), snapshot(policy)

    listed = client.get("/office/insurance/policies")
    page = client.get(f"/office/insurance/policies/{policy.number}")
    refused = [
        client.get("/office/insurance/policies/new"),
        client.post("/office/insurance/policies/new", {"state": "WI"}),
        client.post("/office/insurance/policies/new/quote", {"state": "WI"}),
        client.get(f"/office/insurance/policies/{policy.number}/cancel"),
        client.post(
            f"/office/insurance/policies/{policy.number}/cancel",
            {"by": "insured", "cancel_on": today().isoformat(), "action": "confirm"},
        ),
        client.post(
            f"/office/insurance/policies/{policy.number}/items/r1/remove",
            {"on": today().isoformat(), "action": "confirm"},
        ),
    ]

    assert listed.status_code == 200 and policy.number in text_of(listed)
    assert page.status_code == 200 and "Solitaire" in text_of(page)
    assert "Cancel the policy" not in text_of(page) and "Add an item" not in text_of(page)
    assert [response.status_code for response in refused] == [404] * len(refused)
    assert counts() == before and snapshot(policy) == row


def test_a_policy_number_that_does_not_exist_is_404(client, people, policy):
    verified_login(client, people.adjuster)

    base = f"/office/insurance/policies/{policy.number}"
    for url in [
        "/office/insurance/policies/JP-999999",
        "/office/insurance/policies/%00x",
        "/office/insurance/policies/" + "9" * 300,
        f"{base}/items/%00/remove",
        f"{base}/items/{'r' * 40}/change",
        f"{base}/files/99999",
        f"{base}/files/{10**30}",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}/items/%00/files", {"kind": "photo"}).status_code == 404


# --- the list --------------------------------------------------------------------------------


def test_the_list_finds_a_policy_by_number_or_insured_name(client, people, presets):
    first = bind(name="Ann Lee")
    second = bind(name="Bo Park", email="bo@example.com")
    verified_login(client, people.adjuster)

    everyone = text_of(client.get("/office/insurance/policies"))
    by_name = text_of(client.get("/office/insurance/policies", {"q": "park"}))
    by_number = text_of(client.get("/office/insurance/policies", {"q": first.number.lower()}))
    nobody = text_of(client.get("/office/insurance/policies", {"q": "Zed"}))

    assert first.number in everyone and second.number in everyone
    assert everyone.index(second.number) < everyone.index(first.number)  # newest first
    assert second.number in by_name and first.number not in by_name
    assert first.number in by_number and second.number not in by_number
    assert "No policy matches" in nobody and first.number not in nobody


def test_the_list_pages_newest_first(client, people, presets):
    made = [bind(name=f"Insured {n}") for n in range(27)]
    verified_login(client, people.adjuster)

    first = text_of(client.get("/office/insurance/policies"))
    second = text_of(client.get("/office/insurance/policies", {"before": made[2].pk}))

    assert made[-1].number in first and made[2].number in first
    assert made[1].number not in first
    assert f"before={made[2].pk}" in first
    assert made[1].number in second and made[0].number in second
    assert made[2].number not in second and "Next page" not in second


@pytest.mark.parametrize(
    ("query", "field"),
    [({"before": "abc"}, "before"), ({"before": "-3"}, "before"), ({"q": "x" * 201}, "q")],
)
def test_a_bad_list_query_names_its_field(client, people, policy, query, field):
    verified_login(client, people.adjuster)

    response = client.get("/office/insurance/policies", query)

    assert response.status_code == 422
    assert f'href="#f-{field}"' in text_of(response)  # the error summary names it
    assert Policy.objects.count() == 1


# --- a policy's page -------------------------------------------------------------------------


def test_the_policy_page_shows_the_period_insureds_schedule_and_history(client, people, policy):
    verified_login(client, people.adjuster)

    response = client.get(f"/office/insurance/policies/{policy.number}")

    page = text_of(response)
    assert response.status_code == 200
    assert policy.number in page and "Ann Lee" in page and "ann@example.com" in page
    assert "Solitaire" in page and "$8,000.00" in page
    assert f"{policy.premium:,.2f}" in page
    assert policy.period_start.isoformat() in page and policy.period_end.isoformat() in page
    assert "Policy issued for the period from" in page  # the history
    assert "Deadlines" in page and "Losses" in page
    assert f"/office/insurance/policies/{policy.number}/cancel" in page
    assert 'aria-current="page"' in page and ">Policies</a>" in page


# --- a new policy ----------------------------------------------------------------------------


def _bind_form(**overrides) -> dict:
    form = {
        "named_insureds.0.name": "Cy Dale",
        "named_insureds.0.email": "cy@example.com",
        "address": "2 Oak St, Austin",
        "state": "TX",
        "start": today().isoformat(),
        "deductible": "250.00",
        "installments": "1",
        "value_adjustment": "false",
        "items.0.ref": "r1",
        "items.0.kind": "ring",
        "items.0.description": "Engagement ring",
        "items.0.limit": "10000.00",
        "items.0.possessed_by": "Cy Dale",
        "items.1.ref": "",
        "items.1.limit": "",
    }
    form.update(overrides)
    return form


def test_the_new_policy_page_draws_the_form_with_the_ratings_choices(client, people, presets):
    verified_login(client, people.adjuster)

    response = client.get("/office/insurance/policies/new")

    page = text_of(response)
    assert response.status_code == 200
    assert 'name="items.0.limit"' in page and 'name="named_insureds.0.name"' in page
    assert '<option value="250.00"' in page and "12 monthly installments" in page
    assert 'hx-post="/office/insurance/policies/new/quote"' in page


def test_the_live_quote_prices_what_is_typed_and_writes_nothing(client, people, presets):
    verified_login(client, people.adjuster)
    before = counts()

    response = client.post(
        "/office/insurance/policies/new/quote", _bind_form(), headers={"HX-Request": "true"}
    )
    monthly = client.post("/office/insurance/policies/new/quote", _bind_form(installments="12"))

    # TX 1.40 per 100 of limit, deductible 250 factor 0.92: 10000 / 100 * 1.40 * 0.92 = 128.80
    assert response.status_code == 200
    assert "$128.80" in text_of(response) and "<html" not in text_of(response)
    # 12 installments of 128.80 / 12 + 2.50 fee
    assert "12 monthly installments" in text_of(monthly)
    assert counts() == before


def test_the_live_quote_says_what_is_missing(client, people, presets):
    verified_login(client, people.adjuster)

    response = client.post(
        "/office/insurance/policies/new/quote", _bind_form(**{"items.0.limit": "12.345"})
    )

    assert response.status_code == 200
    assert "The premium shows once" in text_of(response)
    assert "has more than two decimals" in text_of(response)


def test_show_the_premium_works_without_javascript(client, people, presets):
    verified_login(client, people.adjuster)
    before = counts()

    response = client.post("/office/insurance/policies/new", _bind_form(action="quote"))

    assert response.status_code == 200
    assert "$128.80" in text_of(response) and 'value="Engagement ring"' in text_of(response)
    assert counts() == before


def test_binding_writes_the_policy_and_goes_to_its_page(client, people, presets):
    verified_login(client, people.adjuster)

    response = client.post("/office/insurance/policies/new", _bind_form(action="bind"), follow=True)

    policy = Policy.objects.get()
    assert response.redirect_chain == [(f"/office/insurance/policies/{policy.number}", 302)]
    assert f"Policy {policy.number} is bound" in text_of(response)
    assert policy.state == "TX" and policy.premium == policy.items.get().premium
    assert str(policy.items.get().limit) == "10000.00"
    assert list(policy.named_insureds.values_list("name", flat=True)) == ["Cy Dale"]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"items.0.limit": "-5"}, "items-0-limit", ""),
        ({"items.0.limit": "1e9999"}, "items-0-limit", ""),
        ({"items.0.kind": "spaceship"}, "items-0-kind", "is not a known insurance item kind"),
        ({"state": "ZZ"}, "state", "is not a known US state"),
        ({"start": "9999-12-31"}, "start", ""),
        ({"named_insureds.0.name": "x" * 201}, "named-insureds-0-name", "at most 200"),
        ({"named_insureds.0.email": "not-an-email"}, "named-insureds-0-email", "email"),
        ({"installments": "7.5"}, "installments", ""),
        ({"items.0.possessed_by": "A Stranger"}, "items-0-possessed-by", ""),
    ],
)
def test_a_bad_bind_shows_the_error_by_its_field_and_writes_nothing(
    client, people, presets, overrides, field, words
):
    verified_login(client, people.adjuster)
    before = counts()

    response = client.post("/office/insurance/policies/new", _bind_form(action="bind", **overrides))

    page = text_of(response)
    assert response.status_code == 422, page
    assert f'id="f-{field}-error"' in page, page
    assert words in page
    assert counts() == before


def test_an_unknown_or_malformed_field_is_refused(client, people, presets):
    verified_login(client, people.adjuster)
    before = counts()

    unknown = client.post("/office/insurance/policies/new", _bind_form(action="bind", admin="1"))
    malformed = client.post(
        "/office/insurance/policies/new", _bind_form(**{"action": "bind", "items.x9.ref": "r"})
    )

    assert unknown.status_code == 422 and malformed.status_code == 422
    assert counts() == before


def test_a_start_long_ago_is_refused_by_the_field(client, people, presets):
    verified_login(client, people.adjuster)
    before = counts()

    response = client.post(
        "/office/insurance/policies/new", _bind_form(action="bind", start="1900-01-01")
    )

    assert response.status_code == 422 and 'id="f-start-error"' in text_of(response)
    assert counts() == before


def test_dates_are_today_or_the_form_default(client, people, presets):
    verified_login(client, people.adjuster)

    page = text_of(client.get("/office/insurance/policies/new"))

    assert f'value="{today().isoformat()}"' in page
    assert dt.date.fromisoformat(today().isoformat()) == today()
