"""A policyholder's loss pages on the customer site: reporting a loss on their own policy,
seeing where it stands with its clocks and, once agreed, how the payout was worked out.
Another policy, or another policy's loss, is 404 and nothing changes."""

import sys
from pathlib import Path

import pytest

# The insurance tests' factories, when this folder runs alone.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "insurance"))

from insurance_factories import bind
from loss_support import agree, loss_counts, loss_state, report, request_proof

from gemcare.common.clock import today
from gemcare.insurance.models import Loss
from gemcare.portals.web.callers import POLICYHOLDER_SESSION_KEY


def signed_in(client, policy) -> None:
    session = client.session
    session[POLICYHOLDER_SESSION_KEY] = policy.named_insureds.order_by("id").first().pk
    session.save()


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def policies(presets):
    return bind(), bind(named_insureds=[{"name": "Bo Ray", "email": "bo@example.com"}])


def test_a_visitor_goes_to_the_policyholder_sign_in(client, policies):
    mine, _ = policies
    loss = report(policy=mine)
    for url in [
        f"/my-policy/{mine.number}/losses/new",
        f"/my-policy/{mine.number}/losses/{loss.pk}",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"], url


def test_a_policyholder_reports_a_loss_and_sees_it(client, policies):
    mine, _ = policies
    signed_in(client, mine)
    form = client.get(f"/my-policy/{mine.number}/losses/new")
    assert form.status_code == 200 and "Report a loss" in text_of(form)
    response = client.post(
        f"/my-policy/{mine.number}/losses/new",
        {
            "item_ref": "r1",
            "loss_on": "2025-05-02",
            "peril": "accidental_damage",
            "place": "At home",
            "description": "The prong broke on the door",
        },
    )
    loss = Loss.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/my-policy/{mine.number}/losses/{loss.pk}"
    assert (loss.channel, loss.status, loss.reported_on) == ("customer", "reported", today())
    page = text_of(client.get(response["Location"]))
    assert "Reported" in page and "Suit limitation" in page
    agree(loss, today(), "600")
    page = text_of(client.get(response["Location"]))
    assert "How we worked out what we pay" in page and "$500.00" in page


def test_the_report_form_names_the_bad_field_and_writes_nothing(client, policies):
    mine, _ = policies
    signed_in(client, mine)
    before = loss_counts()
    for values, field in [
        ({"item_ref": "r1", "loss_on": "2025-05-02", "peril": "theft"}, "police_report"),
        ({"item_ref": "r1", "loss_on": "2999-05-02", "peril": "fire"}, "loss_on"),
        ({"item_ref": "r1", "loss_on": "2025-05-02", "peril": "war!"}, "peril"),
        ({"item_ref": "zz", "loss_on": "2025-05-02", "peril": "fire"}, "item_ref"),
        (
            {
                "item_ref": "r1",
                "loss_on": "2025-05-02",
                "peril": "fire",
                "reported_on": "2025-05-02",
            },
            "reported_on",
        ),
        (
            {"item_ref": "r1", "loss_on": "2025-05-02", "peril": "fire", "place": "p" * 5000},
            "place",
        ),
    ]:
        response = client.post(f"/my-policy/{mine.number}/losses/new", values)
        assert response.status_code == 422, values
        assert (
            f'id="f-{field.replace("_", "-")}-error"' in text_of(response) or field == "reported_on"
        ), values
    assert loss_counts() == before


def test_another_policy_and_its_losses_are_404(client, policies):
    mine, theirs = policies
    their_loss = report(policy=theirs)
    my_loss = report(policy=mine)
    signed_in(client, mine)
    before, state = loss_counts(), loss_state(their_loss)
    assert client.get(f"/my-policy/{theirs.number}/losses/new").status_code == 404
    assert client.get(f"/my-policy/{theirs.number}/losses/{their_loss.pk}").status_code == 404
    # their loss through my policy's address
    assert client.get(f"/my-policy/{mine.number}/losses/{their_loss.pk}").status_code == 404
    response = client.post(
        f"/my-policy/{theirs.number}/losses/new",
        {"item_ref": "r1", "loss_on": "2025-05-02", "peril": "fire"},
    )
    assert response.status_code == 404
    assert (loss_counts(), loss_state(their_loss)) == (before, state)
    assert client.get(f"/my-policy/{mine.number}/losses/{my_loss.pk}").status_code == 200
    assert client.get(f"/my-policy/{mine.number}/losses/{2**70}").status_code == 404


def test_the_policy_page_lists_the_losses_with_a_report_link(client, policies):
    mine, _ = policies
    loss = request_proof(report(policy=mine), "2025-05-10")
    signed_in(client, mine)
    page = text_of(client.get(f"/my-policy/{mine.number}"))
    assert "Signed, sworn proof of loss, asked for on 2025-05-10." in page  # its clock
    assert f'href="/my-policy/{mine.number}/losses/{loss.pk}"' in page
    assert f'href="/my-policy/{mine.number}/losses/new"' in page


def _photo():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (24, 16), "teal").save(out, "PNG")
    return SimpleUploadedFile("damage.png", out.getvalue(), content_type="image/png")


def test_a_policyholder_sends_photos_of_their_own_loss_only(client, policies, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mine, theirs = policies
    my_loss, their_loss = report(policy=mine), report(policy=theirs)
    signed_in(client, mine)
    base = f"/my-policy/{mine.number}/losses/{my_loss.pk}"
    assert client.post(f"{base}/files", {"kind": "photo", "files": _photo()}).status_code == 302
    file = my_loss.files.get()
    assert file.uploaded_by.startswith("named_insured:")
    assert client.get(f"{base}/files/{file.pk}").status_code == 200
    before = loss_counts()
    empty = client.post(f"{base}/files", {"kind": "photo"})
    assert empty.status_code == 422
    theirs_url = f"/my-policy/{theirs.number}/losses/{their_loss.pk}/files"
    assert client.post(theirs_url, {"kind": "photo", "files": _photo()}).status_code == 404
    crossed = f"/my-policy/{mine.number}/losses/{their_loss.pk}/files"
    assert client.post(crossed, {"kind": "photo", "files": _photo()}).status_code == 404
    assert loss_counts() == before and their_loss.files.count() == 0
