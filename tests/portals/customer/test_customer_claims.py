"""The claim form of a holder whose jeweler is unavailable or who moved away: the decision
and the next steps at once, claim tracking, photos, and asking for a person's review."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from customer_support import holder_signed_in
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from factories import holder_data, repair_center_make, row_counts, sell, snapshot, store_make
from PIL import Image

from gemcare.claims.models import Claim, ClaimLine, ClaimPhoto
from gemcare.common.clock import today
from gemcare.common.models import AuditEntry
from gemcare.contracts.models import Holder
from gemcare.partners.models import RepairCenter, Store
from gemcare.portals.customer.services import claim_lines_costed
from gemcare.portals.templatetags.portal_forms import field_id


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def plan(presets):
    """A care plan on a 1,200.00 ring, bought 100 days ago in OK, its holder signed in."""
    return sell("care-jewelry-3yr", purchased=today() - dt.timedelta(days=100))


def _claim(**extra) -> dict:
    data = {
        "email": "ada@example.com",
        "phone": "",
        "why": "moved_away",
        "incident": (today() - dt.timedelta(days=2)).isoformat(),
        "cause": "wear_and_tear",
        "repairable": "true",
        "lines.0.service": "prong_repair",
        "lines.0.cost": "80.00",
    }
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


def _photo(kind="PNG"):
    out = io.BytesIO()
    Image.new("RGB", (24, 16), "red").save(out, kind)
    return SimpleUploadedFile("IMG_1.png", out.getvalue(), content_type="image/png")


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_form_offers_the_services_the_plan_covers_for_the_item(client, plan):
    holder_signed_in(client, plan.holder)

    page = _text(client.get(f"/my-plan/plans/{plan.number}/claim"))

    for words in ("Prong repair", "Ring sizing", "Shank repair", "Stone replacement"):
        assert words in page
    assert "Clasp repair" not in page and "Watch" not in page  # not a ring's services
    assert 'name="email" value="ada@example.com"' in page
    assert "About you" in page and "About the damage" in page
    assert 'enctype="multipart/form-data"' in page and 'name="photos"' in page
    assert "maintenance_done" not in page  # a watch plan's question


def test_a_watch_plan_asks_about_the_manufacturers_maintenance(client, presets):
    watch = sell("care-watch-3yr", kind="watch", purchased=today() - dt.timedelta(days=100))
    holder_signed_in(client, watch.holder)

    page = client.get(f"/my-plan/plans/{watch.number}/claim").content.decode()

    assert 'name="maintenance_done"' in page and "Watch crystal replacement" in page
    assert "Water damage" not in page  # the watch is not recorded as water resistant


def test_a_claim_is_filed_decided_and_its_next_steps_shown_at_once(
    client, plan, django_capture_on_commit_callbacks
):
    nearby = Store.objects.create(
        retailer=plan.retailer, code="tulsa", name="Tulsa Store", state="OK", address="1 Main St"
    )
    far = store_make(retailer=plan.retailer, state="TX")
    center = repair_center_make()
    holder_signed_in(client, plan.holder)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/my-plan/plans/{plan.number}/claim", _claim(), follow=True)

    claim = Claim.objects.get(contract=plan)
    assert response.redirect_chain == [(f"/my-plan/claims/{claim.number}", 302)]
    assert claim.channel == Claim.CUSTOMER and claim.status == "approved"
    assert claim.approved == Decimal("80.00")
    page = _text(response)
    assert "Decision: Approved" in page and "up to <strong>$80.00</strong>" in page
    assert plan.store.name in page and "where the plan was sold" in page
    assert nearby.name in page and far.name not in page
    assert center.name in page and "How to ship the item" in page and claim.number in page
    (sent,) = mail.outbox  # the decision, by email too
    assert sent.to == ["ada@example.com"] and claim.number in sent.body
    audit = AuditEntry.objects.get(action="claim_filed_by_holder")
    assert audit.actor_label == f"holder:{plan.holder_id}" and audit.data["why"] == "moved_away"


def test_a_line_without_an_estimate_is_filed_at_what_the_plan_pays_for_the_item(client, plan):
    holder_signed_in(client, plan.holder)

    client.post(
        f"/my-plan/plans/{plan.number}/claim",
        _claim(**{"lines.0.cost": None, "lines.3.service": "stone_tightening"}),
    )

    claim = Claim.objects.get(contract=plan)
    costs = list(ClaimLine.objects.filter(claim=claim).values_list("estimated_cost", flat=True))
    assert costs == [Decimal("600.00"), Decimal("600.00")]
    assert claim.approved == Decimal("1200.00") and claim.holder_share == Decimal("0.00")
    assert claim.fulfilment == "repair"


def test_the_rule_for_lines_without_an_estimate(presets):
    from gemcare.portals.customer.schemas import ClaimLineFormIn

    contract = sell("care-jewelry-3yr", price="1000.00")

    services = ("prong_repair", "stone_tightening", "shank_repair")

    def lines(*costs):
        rows = [ClaimLineFormIn(service=services[n], cost=cost) for n, cost in enumerate(costs)]
        return [row["cost"] for row in claim_lines_costed(contract, rows)]

    assert lines(None) == [Decimal("1000.00")]
    assert lines(Decimal("100.00"), None) == [Decimal("100.00"), Decimal("900.00")]
    assert lines(None, None, None) == [Decimal("333.34"), Decimal("333.33"), Decimal("333.33")]
    assert lines(Decimal("1500.00"), None) == [Decimal("1500.00"), Decimal("0.00")]
    assert sum(lines(None, None, None)) == Decimal("1000.00")


def test_on_a_limited_plan_the_share_is_of_what_is_left_of_the_limit(presets):
    from gemcare.portals.customer.schemas import ClaimLineFormIn

    contract = sell("ljpp-lifetime", price="1000.00")
    contract.approved_total = Decimal("700.00")

    (row,) = claim_lines_costed(contract, [ClaimLineFormIn(service="prong_repair")])

    assert row["cost"] == Decimal("300.00")


def test_the_contact_details_corrected_on_the_form_are_saved(client, plan):
    holder_signed_in(client, plan.holder)

    client.post(
        f"/my-plan/plans/{plan.number}/claim", _claim(email="ada@new.example", phone="555-0100")
    )

    holder = Holder.objects.get(pk=plan.holder_id)
    assert (holder.email, holder.phone) == ("ada@new.example", "555-0100")
    assert AuditEntry.objects.get(action="holder_updated").data == {"fields": ["email", "phone"]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines.0.service": None, "lines.0.cost": None}, "lines"),
        ({"lines.0.cost": "abc"}, "lines.0.cost"),
        ({"lines.0.cost": "-5"}, "lines.0.cost"),
        ({"lines.0.cost": "99999999999999"}, "lines.0.cost"),
        ({"lines.0.service": None}, "lines.0.service"),
        ({"lines.0.service": "teleportation"}, "lines.0.service"),
        ({"incident": (today() + dt.timedelta(days=3)).isoformat()}, "incident"),
        ({"incident": "1900-01-01"}, "incident"),
        ({"incident": "31/12/2025"}, "incident"),
        ({"why": "bored"}, "why"),
        ({"cause": "dragons"}, "cause"),
        ({"email": ""}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"phone": "x" * 41}, "phone"),
        ({"lines.2.service": "ring_sizing", "lines.2.sizes": "0"}, "lines.2.sizes"),
        ({"lines.9999.service": "prong_repair"}, "lines"),
        ({"unknown": "1"}, "unknown"),
    ],
)
def test_bad_input_names_the_field_and_files_nothing(client, plan, change, field):
    holder_signed_in(client, plan.holder)
    counts, before = row_counts(), snapshot(plan.holder)

    response = client.post(f"/my-plan/plans/{plan.number}/claim", _claim(**change))

    assert response.status_code == 422, field
    page = response.content.decode()
    assert 'class="error-summary"' in page and f'href="#{field_id(field)}"' in page
    if re.search(rf'<(input|select)[^>]* id="{field_id(field)}"', page):
        assert f'id="{field_id(field)}-error"' in page  # the message beside the input
        assert re.search(rf'<(input|select)[^>]* id="{field_id(field)}"[^>]*aria-invalid', page)
    assert row_counts() == counts and snapshot(plan.holder) == before


def test_a_second_claim_while_one_is_open_is_refused_in_words(client, plan):
    holder_signed_in(client, plan.holder)
    client.post(f"/my-plan/plans/{plan.number}/claim", _claim())
    counts, before = row_counts(), snapshot(plan)

    response = client.post(
        f"/my-plan/plans/{plan.number}/claim", _claim(email="changed@example.com")
    )

    assert response.status_code == 409 and b"claim_open" in response.content
    assert row_counts() == counts and snapshot(plan) == before
    assert Holder.objects.get(pk=plan.holder_id).email == "ada@example.com"


def test_a_claim_within_the_first_days_goes_back_to_the_jeweler(client, presets):
    recent = sell("care-jewelry-3yr", purchased=today() - dt.timedelta(days=10))
    holder_signed_in(client, recent.holder)

    page = _text(
        client.post(
            f"/my-plan/plans/{recent.number}/claim",
            _claim(incident=(today() - dt.timedelta(days=1)).isoformat()),
            follow=True,
        )
    )

    assert "Returned to jeweler" in page and f"take the item back to {recent.store.name}" in page


def test_a_denied_claim_may_go_to_a_person_once(client, plan):
    holder_signed_in(client, plan.holder)
    shown = _text(
        client.post(f"/my-plan/plans/{plan.number}/claim", _claim(cause="theft"), follow=True)
    )
    claim = Claim.objects.get(contract=plan)
    assert claim.status == "denied" and "Ask for a person to review it" in shown
    assert "theft is not covered" in shown.lower()

    empty = client.post(f"/my-plan/claims/{claim.number}/review", {"reason": ""})
    asked = client.post(
        f"/my-plan/claims/{claim.number}/review", {"reason": "It was not stolen."}, follow=True
    )
    counts = row_counts()
    again = client.post(f"/my-plan/claims/{claim.number}/review", {"reason": "Again."})

    assert empty.status_code == 422 and b'id="f-reason"' in empty.content
    claim.refresh_from_db()
    assert claim.review_requested_on == today() and claim.review_open
    assert claim.review_requested_by == f"holder:{plan.holder_id}"
    assert b"We asked an adjuster" in asked.content and b"Ask for a review" not in asked.content
    assert again.status_code == 409 and b"review_already_requested" in again.content
    assert row_counts() == counts


def test_an_approved_claim_offers_no_review(client, plan):
    holder_signed_in(client, plan.holder)
    client.post(f"/my-plan/plans/{plan.number}/claim", _claim())
    claim = Claim.objects.get(contract=plan)

    page = client.get(f"/my-plan/claims/{claim.number}").content.decode()
    refused = client.post(f"/my-plan/claims/{claim.number}/review", {"reason": "More."})

    assert "Ask for a review" not in page
    assert refused.status_code == 409 and b"review_not_requestable" in refused.content


def test_photos_come_with_the_claim_and_only_its_holder_sees_them(client, plan, presets):
    holder_signed_in(client, plan.holder)
    client.post(
        f"/my-plan/plans/{plan.number}/claim", {**_claim(), "photos": [_photo(), _photo("JPEG")]}
    )
    claim = Claim.objects.get(contract=plan)
    first, second = ClaimPhoto.objects.filter(claim=claim)

    page = client.get(f"/my-plan/claims/{claim.number}").content.decode()
    shown = client.get(f"/my-plan/claims/{claim.number}/photos/{first.pk}")
    other = sell("care-jewelry-3yr", holder=holder_data(name="Eve", email="eve@example.com"))
    holder_signed_in(client, other.holder)
    theirs = client.get(f"/my-plan/claims/{claim.number}/photos/{first.pk}")

    assert f"/my-plan/claims/{claim.number}/photos/{second.pk}" in page
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert "sandbox" in shown["Content-Security-Policy"]
    assert theirs.status_code == 404


def test_a_file_that_is_not_a_photo_leaves_nothing_filed(client, plan, media):
    holder_signed_in(client, plan.holder)
    counts = row_counts()
    fake = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")

    response = client.post(f"/my-plan/plans/{plan.number}/claim", {**_claim(), "photos": [fake]})

    assert response.status_code == 422 and b'id="f-photos-error"' in response.content
    assert row_counts() == counts and not ClaimPhoto.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_photos_may_be_added_after_the_filing(client, plan):
    holder_signed_in(client, plan.holder)
    client.post(f"/my-plan/plans/{plan.number}/claim", _claim())
    claim = Claim.objects.get(contract=plan)

    none = client.post(f"/my-plan/claims/{claim.number}/photos", {})
    added = client.post(
        f"/my-plan/claims/{claim.number}/photos", {"photos": [_photo()]}, follow=True
    )

    assert none.status_code == 422 and b"Choose at least one photo" in none.content
    assert (
        b"1 photo added." in added.content and ClaimPhoto.objects.filter(claim=claim).count() == 1
    )


def test_another_holders_claim_and_plan_are_not_found_and_nothing_changes(client, plan):
    holder_signed_in(client, plan.holder)
    client.post(f"/my-plan/plans/{plan.number}/claim", _claim())
    claim = Claim.objects.get(contract=plan)
    other = sell("care-jewelry-3yr", holder=holder_data(name="Eve", email="eve@example.com"))
    holder_signed_in(client, other.holder)
    counts = row_counts()

    assert client.get(f"/my-plan/claims/{claim.number}").status_code == 404
    assert client.post(f"/my-plan/claims/{claim.number}/review", {"reason": "x"}).status_code == 404
    assert (
        client.post(f"/my-plan/claims/{claim.number}/photos", {"photos": [_photo()]}).status_code
        == 404
    )
    assert client.post(f"/my-plan/plans/{plan.number}/claim", _claim()).status_code == 404
    assert row_counts() == counts and not ClaimPhoto.objects.exists()


def test_a_logged_out_visitor_files_nothing(client, plan):
    counts = row_counts()

    response = client.post(f"/my-plan/plans/{plan.number}/claim", _claim())

    assert response.status_code == 302 and response["Location"].startswith("/my-plan/?next=")
    assert row_counts() == counts


def test_the_repair_centers_are_the_approved_ones_nearby_first(client, plan):
    far = repair_center_make()  # in TX
    near = RepairCenter.objects.create(code="okc", name="OKC Bench", address="2 Elm", state="OK")
    RepairCenter.objects.create(
        code="gone", name="Closed Bench", address="3 Oak", state="OK", is_approved=False
    )
    holder_signed_in(client, plan.holder)

    page = _text(client.post(f"/my-plan/plans/{plan.number}/claim", _claim(), follow=True))

    assert page.index(near.name) < page.index(far.name) and "Closed Bench" not in page
