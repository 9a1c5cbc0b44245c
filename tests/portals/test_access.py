"""Who opens which page: logged out, the wrong kind of user, the wrong retailer or store,
the provider's staff without the second factor. Nothing is written by any of them."""

import datetime as dt

import pytest
from factories import file_claim, row_counts, sale_in, sell
from portal_support import password_login

from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.contracts.models import Holder
from gemcare.contracts.services import contract_sell
from gemcare.partners.models import ProviderStaff, RetailerStaff
from gemcare.portals.testing import verified_login
from gemcare.portals.web import holder_session_open

PAGES = ["/jeweler/", "/office/"]


@pytest.mark.parametrize("url", [*PAGES, "/accounts/password/"])
def test_a_logged_out_visitor_gets_the_login_page_and_comes_back_after_it(client, people, url):
    counts = row_counts()

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert client.get(response["Location"]).status_code == 200
    assert row_counts() == counts


def test_an_htmx_request_logged_out_sends_the_whole_page_to_the_login(client, people):
    response = client.get(
        "/jeweler/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/jeweler/?page=2"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/jeweler/%3Fpage%3D2"


def test_an_htmx_current_url_of_another_site_is_not_where_the_login_goes_back_to(client, people):
    response = client.get(
        "/jeweler/",
        headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/steal"},
    )

    assert response["HX-Redirect"] == "/accounts/login/?next=/jeweler/"


@pytest.mark.parametrize("who", ["adjuster", "superuser", "nobody"])
def test_the_jeweler_portal_is_not_there_for_anyone_but_a_retailers_staff(client, people, who):
    user = getattr(people, who)
    verified_login(client, user) if who != "nobody" else client.force_login(user)
    counts = row_counts()

    response = client.get("/jeweler/")

    assert response.status_code == 404
    assert b"Alpha Jewelers" not in response.content
    assert row_counts() == counts


@pytest.mark.parametrize("who", ["manager_a", "associate_a1", "nobody"])
def test_the_back_office_is_not_there_for_anyone_but_the_providers_staff(client, people, who):
    client.force_login(getattr(people, who))
    counts = row_counts()

    response = client.get("/office/")

    assert response.status_code == 404
    assert b"awaiting review" not in response.content
    assert row_counts() == counts


def test_a_holders_session_opens_no_staff_page(client, people, rf):
    holder = Holder.objects.create(name="Ada Holder", state="OK", email="ada@example.com")
    request = rf.get("/")
    request.session = client.session
    holder_session_open(request, holder)
    request.session.save()
    client.cookies["sessionid"] = request.session.session_key

    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["adjuster", "newcomer"])
def test_the_providers_staff_without_the_second_factor_go_to_it(client, people, who):
    response = password_login(client, who, next_url="/office/")
    assert response.status_code == 302
    counts = row_counts()

    response = client.get("/office/")

    page = "second-factor/" if who == "adjuster" else "second-factor/setup/"
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{page}?next=%2Foffice%2F"
    assert row_counts() == counts


def test_a_superuser_without_a_staff_record_needs_the_second_factor_too(client, people):
    client.force_login(people.superuser)

    response = client.get("/office/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/second-factor/setup/")


@pytest.mark.parametrize("who", ["adjuster", "privacy", "superuser"])
def test_the_providers_staff_with_the_second_factor_open_the_back_office(client, people, who):
    verified_login(client, getattr(people, who))

    response = client.get("/office/")

    assert response.status_code == 200
    assert b"awaiting review" in response.content
    assert response["Cache-Control"].startswith("max-age=0")
    assert "private" in response["Cache-Control"]


def test_an_inactive_retailers_staff_find_no_portal(client, people):
    people.retailer_a.is_active = False
    people.retailer_a.save()
    client.force_login(people.manager_a)

    assert client.get("/jeweler/").status_code == 404


# --- what each one sees ----------------------------------------------------------------------


def _sales(people):
    """This month: two sales at store A1 (one with an approved claim), three at A2, one at B;
    a sale last month at A1, an older one at A2 with a claim awaiting review and a test-mode
    sale at A1, none of which counts as sold this month."""
    on = today()
    a1 = [sell(store=people.store_a1, purchased=on) for _ in range(2)]
    for _ in range(3):
        sell(store=people.store_a2, purchased=on)
    older_a2 = sell(
        "care-jewelry-lifetime",
        price="5000.00",
        store=people.store_a2,
        purchased=on - dt.timedelta(days=100),
    )
    sell(store=people.store_b1, purchased=on)
    sell(store=people.store_a1, purchased=on.replace(day=1) - dt.timedelta(days=1))
    contract_sell(
        caller=Caller.system("tests"),
        store=people.store_a1,
        sale=sale_in(purchased=on),
        is_test=True,
    )
    file_claim(a1[0], ("prong_repair", "85.00"), filed=on, incident=on)
    waiting = file_claim(older_a2, ("shank_repair", "1700.00"), filed=on, incident=on)
    assert waiting.status == "awaiting_review"


def _figures(page: str) -> tuple[str, str]:
    numbers = [chunk.split("</span>")[0] for chunk in page.split('<span class="number">')[1:]]
    return numbers[0], numbers[1]


@pytest.mark.parametrize(
    ("who", "sold", "open_claims", "store_words"),
    [
        ("manager_a", "5", "2", "All stores"),
        ("associate_a1", "2", "1", "store"),
        ("associate_a2", "3", "1", "store"),
        ("manager_b", "1", "0", "All stores"),
    ],
)
def test_the_dashboard_counts_only_what_the_caller_may_see(
    client, presets, people, who, sold, open_claims, store_words
):
    _sales(people)
    client.force_login(getattr(people, who))
    counts = row_counts()

    response = client.get("/jeweler/")

    page = response.content.decode()
    assert response.status_code == 200
    assert _figures(page) == (sold, open_claims)
    assert store_words in page
    retailer = people.retailer_b if who == "manager_b" else people.retailer_a
    other = people.retailer_a if who == "manager_b" else people.retailer_b
    assert retailer.name in page and other.name not in page
    if who == "associate_a1":
        assert people.store_a1.name in page and people.store_a2.name not in page
    assert row_counts() == counts


def test_the_office_home_lists_the_claims_awaiting_review_oldest_first(client, presets, people):
    _sales(people)
    verified_login(client, people.adjuster)

    page = client.get("/office/").content.decode()

    assert _figures(page + '<span class="number">x</span>')[0] == "1"
    assert "Waiting longest" in page and "0 days" in page
    assert page.count("<tr>") == 2  # the heading and the one claim


def test_a_manager_with_a_store_on_record_sees_only_that_store(client, presets, people):
    """The store on a staff record narrows what they see, whatever their role."""
    _sales(people)
    staff = people.manager_a.retailer_staff
    staff.store = people.store_a2
    staff.save()
    client.force_login(people.manager_a)

    assert _figures(client.get("/jeweler/").content.decode()) == ("3", "1")


def test_a_page_may_take_only_some_roles(rf, people):
    from django.http import HttpResponse

    from gemcare.portals.web import jeweler_required, office_required

    @jeweler_required(roles=[RetailerStaff.MANAGER])
    def managers(request):
        return HttpResponse(request.caller.label)

    @office_required(roles=[ProviderStaff.ADJUSTER])
    def adjusters(request):
        return HttpResponse(request.caller.role)

    def call(view, user, *, verified=False):
        request = rf.get("/")
        request.user = user
        request.session = {}
        user.is_verified = lambda: verified
        return view(request)

    from django.http import Http404

    assert call(managers, people.manager_a).content == f"user:{people.manager_a.pk}".encode()
    with pytest.raises(Http404):
        call(managers, people.associate_a1)
    assert call(adjusters, people.adjuster, verified=True).content == b"adjuster"
    with pytest.raises(Http404):
        call(adjusters, people.privacy, verified=True)
