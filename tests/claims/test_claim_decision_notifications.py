"""The jeweler is told each claim decision it did not make itself: the rules' decision on a
claim the holder filed on the customer site, and every adjuster's decision. Sent to the
store's email, else the retailer's, after the commit; never to a jeweler without an email,
never for a decision refused or rolled back, and never with the holder's contact details."""

import datetime as dt

import pytest
from claim_review_support import ask, decide, denied_claim
from django.core import mail
from django.db import transaction
from factories import (
    SYSTEM,
    claim_in,
    file_claim,
    holder_data,
    retailer_make,
    review,
    row_counts,
    sell,
    snapshot,
    store_make,
)

from gemcare.claims.services import claim_file
from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.schemas import validate_input
from gemcare.partners.models import Retailer, Store
from gemcare.portals.customer.schemas import CustomerClaimIn
from gemcare.portals.customer.services import customer_claim_file

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
HOLDER = "ada@example.com"
STORE = "oak-street@jeweler.example"
RETAILER = "claims@jeweler.example"


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = IMMEDIATE
    settings.GEMCARE_PUBLIC_URL = "https://gemcare.example/"


def store_with(*, store_email: str = "", retailer_email: str = "") -> Store:
    retailer = retailer_make(name="Oak & Sons")
    Retailer.objects.filter(pk=retailer.pk).update(email=retailer_email)
    store = store_make(retailer=retailer)
    Store.objects.filter(pk=store.pk).update(email=store_email)
    return Store.objects.get(pk=store.pk)


def care_plan(store: Store, **sale):
    """A care plan bought 100 days ago (past the 30 days that send a claim back to the
    jeweler), its holder with an email and a phone."""
    holder = holder_data(phone="+1 405 555 0199", **sale.pop("holder", {}))
    return sell(
        "care-jewelry-3yr",
        store=store,
        holder=holder,
        purchased=today() - dt.timedelta(days=100),
        **sale,
    )


def file_on_the_customer_site(contract, *, cost: str = "80.00", service: str = "prong_repair"):
    return customer_claim_file(
        caller=Caller.holder(contract.holder),
        contract=contract,
        claim=validate_input(
            CustomerClaimIn,
            {
                "email": HOLDER,
                "why": "moved_away",
                "incident": today() - dt.timedelta(days=2),
                "cause": "wear_and_tear" if service == "prong_repair" else "accidental_damage",
                "lines": [{"service": service, "cost": cost}],
            },
        ),
    )


def sent_to(address: str):
    (sent,) = [message for message in mail.outbox if message.to == [address]]
    return sent


def test_a_claim_the_holder_files_on_the_customer_site_is_sent_to_the_store_too(
    presets, django_capture_on_commit_callbacks
):
    store = store_with(store_email=STORE, retailer_email=RETAILER)
    contract = care_plan(store, holder={"name": "Ada <Holder>"})

    with django_capture_on_commit_callbacks(execute=True):
        claim = file_on_the_customer_site(contract)

    assert sorted(message.to[0] for message in mail.outbox) == [HOLDER, STORE]
    sent = sent_to(STORE)
    assert sent.subject == f"Claim {claim.number} on plan {contract.number}: approved"
    assert "Hello Oak & Sons," in sent.body
    assert f"Ada <Holder> filed claim {claim.number} on plan {contract.number}" in sent.body
    assert "on the Gemcare customer site" in sent.body and store.name in sent.body
    assert "Approved: $80.00" in sent.body and "Holder's share: $0.00" in sent.body
    assert "Prong repair (retipping and rebuilding), estimated $80.00: approved" in sent.body
    assert "The work may start" in sent.body
    assert f"https://gemcare.example/jeweler/claims/{claim.number}" in sent.body
    ((html, kind),) = sent.alternatives
    assert kind == "text/html" and "Ada &lt;Holder&gt;" in html and "Ada <Holder>" not in html
    assert f'href="https://gemcare.example/jeweler/claims/{claim.number}"' in html
    # Only what the jeweler's claim page shows: never the holder's contact details.
    for part in (sent.subject, sent.body, html):
        assert HOLDER not in part and "555" not in part
    # The holder's own email is the one it always was.
    assert sent_to(HOLDER).subject == f"Your claim {claim.number}: approved"


def test_without_a_store_email_the_retailers_is_used(presets, django_capture_on_commit_callbacks):
    contract = care_plan(store_with(retailer_email=RETAILER))

    with django_capture_on_commit_callbacks(execute=True):
        claim = file_on_the_customer_site(contract)

    assert sorted(message.to[0] for message in mail.outbox) == [HOLDER, RETAILER]
    assert claim.number in sent_to(RETAILER).subject


def test_a_jeweler_without_an_email_is_simply_not_written_to(
    presets, django_capture_on_commit_callbacks
):
    contract = care_plan(store_with())

    with django_capture_on_commit_callbacks(execute=True):
        claim = file_on_the_customer_site(contract)

    (sent,) = mail.outbox
    assert sent.to == [HOLDER] and claim.number in sent.subject


def test_a_claim_the_holder_files_that_waits_for_an_adjuster_says_so(
    presets, django_capture_on_commit_callbacks
):
    contract = care_plan(store_with(store_email=STORE), price="5000.00")

    with django_capture_on_commit_callbacks(execute=True):
        claim = file_on_the_customer_site(contract, service="stone_replacement", cost="1800.00")

    assert claim.status == "awaiting_review"
    sent = sent_to(STORE)
    assert (
        sent.subject == f"Claim {claim.number} on plan {contract.number}: waiting for an adjuster"
    )
    assert "an adjuster confirms this amount before the work starts" in sent.body
    assert "The work may start" not in sent.body


def test_a_claim_the_jeweler_files_itself_goes_to_the_holder_only(
    presets, django_capture_on_commit_callbacks
):
    contract = care_plan(store_with(store_email=STORE, retailer_email=RETAILER))

    with django_capture_on_commit_callbacks(execute=True):
        claim_file(
            caller=SYSTEM,
            contract=contract,
            claim=claim_in(
                ("prong_repair", "80.00"),
                filed=today(),
                incident=today() - dt.timedelta(days=1),
            ),
            notify_holder=True,
        )

    (sent,) = mail.outbox
    assert sent.to == [HOLDER]


def test_the_partner_api_path_tells_no_one(presets, django_capture_on_commit_callbacks):
    contract = sell(store=store_with(store_email=STORE, retailer_email=RETAILER))

    with django_capture_on_commit_callbacks(execute=True):
        file_claim(contract, ("prong_repair", "85.00"))

    assert mail.outbox == []


def test_an_adjusters_confirmation_is_sent_to_the_holder_and_the_jeweler(
    presets, django_capture_on_commit_callbacks
):
    store = store_with(store_email=STORE)
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00", store=store)
    claim = file_claim(contract, ("stone_replacement", "1800.00"), cause="accidental_damage")
    assert claim.status == "awaiting_review"

    with django_capture_on_commit_callbacks(execute=True):
        review(claim)

    assert sorted(message.to[0] for message in mail.outbox) == [HOLDER, STORE]
    sent = sent_to(STORE)
    assert (
        sent.subject == f"Claim {claim.number} on plan {contract.number}: approved by an adjuster"
    )
    assert f"An adjuster decided claim {claim.number} on plan {contract.number}" in sent.body
    assert "held by Ada Holder" in sent.body and "Approved: $1,800.00" in sent.body
    assert "The adjuster's reason" not in sent.body  # a confirmation without a note


def test_an_adjusters_decision_on_a_requested_review_carries_the_reason(
    presets, django_capture_on_commit_callbacks
):
    _contract, claim = denied_claim(store=store_with(retailer_email=RETAILER))
    ask(claim)

    with django_capture_on_commit_callbacks(execute=True):
        decide(claim, approved="120.00", note="The setting failed; covered <after> all.")

    sent = sent_to(RETAILER)
    assert sent.subject.endswith(": partly approved by an adjuster")
    assert "The adjuster's reason: The setting failed; covered <after> all." in sent.body
    assert "Approved: $120.00" in sent.body
    ((html, _),) = sent.alternatives
    assert "covered &lt;after&gt; all." in html
    assert len(mail.outbox) == 2  # and the holder


def test_an_adjusters_denial_is_sent_with_its_reason(presets, django_capture_on_commit_callbacks):
    store = store_with(store_email=STORE)
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00", store=store)
    claim = file_claim(contract, ("stone_replacement", "1800.00"), cause="accidental_damage")

    with django_capture_on_commit_callbacks(execute=True):
        review(claim, deny=True, note="The photos show a different ring.")

    sent = sent_to(STORE)
    assert sent.subject.endswith(": denied by an adjuster")
    assert "The adjuster's reason: The photos show a different ring." in sent.body
    assert "The work may start" not in sent.body


def test_a_refused_decision_tells_no_one_and_changes_nothing(
    presets, django_capture_on_commit_callbacks
):
    store = store_with(store_email=STORE, retailer_email=RETAILER)
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00", store=store)
    claim = file_claim(contract, ("stone_replacement", "1800.00"), cause="accidental_damage")
    before = (snapshot(claim), snapshot(contract), row_counts())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(InvalidInput) as no_reason:
            review(claim, deny=True, note="")
        with pytest.raises(InvalidInput) as too_much:
            review(claim, approved="1800.01")
        with pytest.raises(Refused):  # only the provider's adjusters decide
            review(claim, caller=Caller.retailer(store.retailer, store=store))

    assert (no_reason.value.field, too_much.value.field) == ("note", "approved")
    assert callbacks == [] and mail.outbox == []
    assert (snapshot(claim), snapshot(contract), row_counts()) == before


def test_a_decision_on_a_claim_no_longer_waiting_tells_no_one(
    presets, django_capture_on_commit_callbacks
):
    contract = sell(store=store_with(store_email=STORE))
    claim = file_claim(contract, ("prong_repair", "85.00"))
    before = (snapshot(claim), row_counts())

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused) as refused:
        review(claim)

    assert refused.value.code == "claim_not_awaiting_review"
    assert mail.outbox == [] and (snapshot(claim), row_counts()) == before


def test_nothing_is_sent_for_a_decision_rolled_back(presets, django_capture_on_commit_callbacks):
    contract = sell("care-jewelry-lifetime", state="TX", price="5000.00")
    Store.objects.filter(pk=contract.store_id).update(email=STORE)
    claim = file_claim(contract, ("stone_replacement", "1800.00"), cause="accidental_damage")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        review(claim)
        raise RuntimeError("the page failed after the decision")

    assert callbacks == [] and mail.outbox == []


def test_a_holder_without_an_email_still_leaves_the_jeweler_told(
    presets, django_capture_on_commit_callbacks
):
    store = store_with(store_email=STORE)
    contract = sell(
        "care-jewelry-lifetime",
        state="TX",
        price="5000.00",
        store=store,
        holder={**holder_data(state="TX"), "email": "", "phone": "+1 405 555 0199"},
    )
    claim = file_claim(contract, ("stone_replacement", "1800.00"), cause="accidental_damage")

    with django_capture_on_commit_callbacks(execute=True):
        review(claim, approved="1500.00", note="Two stones, not three.")

    (sent,) = mail.outbox
    assert sent.to == [STORE] and "The adjuster's reason: Two stones, not three." in sent.body
