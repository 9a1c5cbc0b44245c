"""The back office's loss pages and the deadlines board: reporting a loss, a loss's file and
its steps, who may open and act on each (the privacy officer reads, administrators and
adjusters act; a jeweler or a policyholder finds nothing)."""

import datetime as dt
import sys
from pathlib import Path

import pytest

# The insurance tests' factories, when this folder runs alone.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "insurance"))

from insurance_factories import bind
from loss_support import agree, demand, loss_counts, loss_state, report, request_proof

from gemcare.insurance.models import Loss
from gemcare.portals.testing import verified_login
from gemcare.portals.web.callers import POLICYHOLDER_SESSION_KEY


@pytest.fixture
def policy(presets):
    return bind()


@pytest.fixture
def loss(policy):
    return report(policy=policy, peril="accidental_damage", description="Chipped <b>stone</b>")


def text_of(response) -> str:
    return response.content.decode()


def urls(policy, loss) -> list[str]:
    return [
        f"/office/insurance/policies/{policy.number}/losses/new",
        f"/office/insurance/losses/{loss.pk}",
        "/office/insurance/deadlines",
    ]


def test_a_logged_out_visitor_goes_to_the_login_page(client, people, policy, loss):
    for url in urls(policy, loss):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("who", ["manager_a", "associate_a1", "nobody"])
def test_a_jeweler_or_anyone_else_finds_nothing(client, people, policy, loss, who):
    client.force_login(getattr(people, who))
    before, state = loss_counts(), loss_state(loss)
    for url in urls(policy, loss):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/office/insurance/losses/{loss.pk}/proof", {"proof.on": "2025-05-10"})
    assert response.status_code == 404
    assert (loss_counts(), loss_state(loss)) == (before, state)


def test_a_policyholder_session_opens_no_office_page(client, people, policy, loss):
    session = client.session
    session[POLICYHOLDER_SESSION_KEY] = policy.named_insureds.get().pk
    session.save()
    for url in urls(policy, loss):
        assert client.get(url).status_code == 302, url  # to the staff login


def test_staff_report_a_loss_and_see_its_file(client, people, policy):
    verified_login(client, people.adjuster)
    page = client.get(f"/office/insurance/policies/{policy.number}/losses/new")
    assert page.status_code == 200 and "Report a loss" in text_of(page)
    response = client.post(
        f"/office/insurance/policies/{policy.number}/losses/new",
        {
            "loss_on": "2025-05-02",
            "item_ref": "r1",
            "peril": "theft",
            "police_report": "MPD-1",
            "reported_on": "2025-05-03",
            "place": "Chicago",
            "description": "Taken from a hotel room",
        },
    )
    loss = Loss.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/office/insurance/losses/{loss.pk}"
    )
    assert (loss.status, loss.police_report, loss.channel) == (Loss.REPORTED, "MPD-1", "staff")
    page = text_of(client.get(response["Location"]))
    assert "Taken from a hotel room" in page and "Suit limitation" in page
    assert f'action="/office/insurance/losses/{loss.pk}/proof"' in page


def test_the_report_form_names_the_bad_field_and_writes_nothing(client, people, policy):
    verified_login(client, people.adjuster)
    before = loss_counts()
    url = f"/office/insurance/policies/{policy.number}/losses/new"
    for values, field in [
        ({"loss_on": "2025-05-02", "item_ref": "r1", "peril": "theft"}, "police_report"),
        ({"loss_on": "2099-01-01", "item_ref": "r1", "peril": "fire"}, "loss_on"),
        ({"loss_on": "2025-05-02", "item_ref": "r1", "peril": "meteor"}, "peril"),
        ({"loss_on": "x" * 5000, "item_ref": "r1", "peril": "fire"}, "loss_on"),
        ({"loss_on": "2025-05-02", "item_ref": "zz", "peril": "fire"}, "item_ref"),
    ]:
        response = client.post(url, values)
        assert response.status_code == 422, values
        assert f'id="f-{field.replace("_", "-")}-error"' in text_of(response), values
    assert loss_counts() == before


def test_the_loss_file_shows_the_settlement_steps(client, people, loss):
    verified_login(client, people.privacy)
    agree(loss, "2025-05-20", "1500", other_insurance_limits="2000")
    page = text_of(client.get(f"/office/insurance/losses/{loss.pk}"))
    # A 1500; B 1500; C 1400; D 1400 x 8000 / 10000 = 1120
    assert "$1,500.00" in page and "$1,400.00" in page and "$1,120.00" in page
    assert "Chipped &lt;b&gt;stone&lt;/b&gt;" in page  # the story is escaped
    assert "Payment of a loss" in page
    assert "<form" not in page.split("Every step")[0].split("Service plan on the item")[1]


def test_an_adjuster_takes_the_steps(client, people, loss):
    verified_login(client, people.adjuster)
    base = f"/office/insurance/losses/{loss.pk}"
    assert client.post(f"{base}/proof", {"proof.on": "2025-05-10"}).status_code == 302
    response = client.post(f"{base}/agree", {"agree.on": "2025-05-20", "agree.cost": "600.00"})
    assert response.status_code == 302
    loss.refresh_from_db()
    assert (loss.status, loss.payout, loss.payment_due) == (
        Loss.AGREED,
        500,
        dt.date(2025, 6, 19),
    )
    assert (
        client.post(
            f"{base}/settle", {"settle.on": "2025-06-01", "settle.by": "payment"}
        ).status_code
        == 302
    )
    loss.refresh_from_db()
    assert loss.status == Loss.SETTLED


def test_a_refused_or_bad_step_changes_nothing(client, people, loss):
    verified_login(client, people.adjuster)
    base = f"/office/insurance/losses/{loss.pk}"
    before, state = loss_counts(), loss_state(loss)
    bad = client.post(f"{base}/agree", {"agree.on": "2025-05-20", "agree.cost": "-5"})
    assert bad.status_code == 422 and 'id="f-agree-cost-error"' in text_of(bad)
    refused = client.post(f"{base}/settle", {"settle.on": "2025-05-20", "settle.by": "payment"})
    assert refused.status_code == 409 and "illegal_transition" in text_of(refused)
    early = client.post(f"{base}/proof", {"proof.on": "2025-04-01"})
    assert early.status_code == 409 and "out_of_order" in text_of(early)
    unknown = client.post(f"{base}/explode", {})
    assert unknown.status_code == 404
    extra = client.post(f"{base}/proof", {"proof.on": "2025-05-10", "proof.colour": "red"})
    assert extra.status_code == 422
    assert (loss_counts(), loss_state(loss)) == (before, state)


def test_the_privacy_officer_reads_but_takes_no_step(client, people, policy, loss):
    verified_login(client, people.privacy)
    assert client.get(f"/office/insurance/losses/{loss.pk}").status_code == 200
    assert client.get(f"/office/insurance/policies/{policy.number}/losses/new").status_code == 404
    before, state = loss_counts(), loss_state(loss)
    response = client.post(f"/office/insurance/losses/{loss.pk}/proof", {"proof.on": "2025-05-10"})
    assert response.status_code == 404
    assert (loss_counts(), loss_state(loss)) == (before, state)


def test_a_loss_that_does_not_exist_is_404(client, people):
    verified_login(client, people.adjuster)
    for url in ["/office/insurance/losses/999999", f"/office/insurance/losses/{2**70}"]:
        assert client.get(url).status_code == 404
    assert client.get("/office/insurance/policies/JP-NOPE/losses/new").status_code == 404


def test_the_board_lists_overdue_first_and_filters(client, people, policy, loss):
    verified_login(client, people.privacy)
    demand(loss, "2025-06-01")
    other = bind()
    agree(report(policy=other, loss_on="2025-05-03"), "2025-05-04", "600")
    page = text_of(client.get("/office/insurance/deadlines"))
    assert page.index("Insured&#x27;s appraiser") < page.index("Suit limitation")
    assert "Overdue" in page and "The insurer" in page
    only = text_of(client.get("/office/insurance/deadlines", {"kind": "loss_payment"}))
    assert other.number in only and "Insured&#x27;s appraiser" not in only.split("<table")[-1]
    mine = text_of(client.get("/office/insurance/deadlines", {"policy": policy.number}))
    assert f"Loss {loss.pk}" in mine and "Payment of a loss" not in mine.split("<table")[-1]
    for query, field in [
        ({"kind": "nap"}, "kind"),
        ({"policy": "JP-NOPE"}, "policy"),
        ({"policy": "x" * 500}, "policy"),
    ]:
        response = client.get("/office/insurance/deadlines", query)
        assert response.status_code == 422 and f'id="f-{field}-error"' in text_of(response)


def test_the_policy_page_lists_its_losses(client, people, policy, loss):
    verified_login(client, people.adjuster)
    request_proof(loss, "2025-05-10")
    page = text_of(client.get(f"/office/insurance/policies/{policy.number}"))
    assert "Signed, sworn proof of loss, asked for on 2025-05-10." in page  # its clock
    assert f'href="/office/insurance/losses/{loss.pk}"' in page
    assert f'href="/office/insurance/policies/{policy.number}/losses/new"' in page


def _photo():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (24, 16), "purple").save(out, "JPEG")
    return SimpleUploadedFile("IMG.jpg", out.getvalue(), content_type="image/jpeg")


def test_photos_of_the_damage_are_kept_and_read_through_the_page(
    client, people, loss, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    verified_login(client, people.adjuster)
    response = client.post(
        f"/office/insurance/losses/{loss.pk}/files", {"kind": "photo", "files": _photo()}
    )
    assert response.status_code == 302
    file = loss.files.get()
    shown = client.get(f"/office/insurance/losses/{loss.pk}/files/{file.pk}")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert shown["X-Content-Type-Options"] == "nosniff"
    before = loss_counts()
    from django.core.files.uploadedfile import SimpleUploadedFile

    not_a_pdf = SimpleUploadedFile("report.pdf", b"hello", content_type="application/pdf")
    bad = client.post(
        f"/office/insurance/losses/{loss.pk}/files", {"kind": "police_report", "files": not_a_pdf}
    )
    assert bad.status_code == 422 and 'id="f-files-error"' in text_of(bad)
    wrong_kind = client.post(
        f"/office/insurance/losses/{loss.pk}/files", {"kind": "selfie", "files": _photo()}
    )
    assert wrong_kind.status_code == 422
    assert loss_counts() == before and loss.files.count() == 1
    other = report(policy=bind())
    assert client.get(f"/office/insurance/losses/{other.pk}/files/{file.pk}").status_code == 404
    verified_login(client, people.privacy)
    assert (
        client.post(
            f"/office/insurance/losses/{loss.pk}/files", {"kind": "photo", "files": _photo()}
        ).status_code
        == 404
    )
