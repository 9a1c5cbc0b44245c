"""A link accepted twice at once, and the same code tried from two tabs at once.

PostgreSQL only: SQLite serialises writers on the whole file, so it proves nothing here. The
tests commit (each thread has its own connection), so the presets are committed too.
"""

import datetime as dt
import secrets

import pytest
from concurrency import run_at_once
from django.db import connection
from factories import sell

from gemcare.catalog.services import presets_load
from gemcare.common.callers import Caller
from gemcare.common.clock import today
from gemcare.common.errors import NotFound
from gemcare.common.schemas import validate_input
from gemcare.contracts.models import HolderPeriod
from gemcare.portals.customer import services, sign_ins
from gemcare.portals.customer.models import SignInCode, TransferInvitation
from gemcare.portals.customer.schemas import (
    PlanNumberFindIn,
    SignInCodeIn,
    TransferAcceptIn,
    TransferInviteIn,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections"),
]


@pytest.fixture
def presets(transactional_db):
    """Committed presets (this module's tests commit, so no module-wide transaction)."""
    presets_load(caller=Caller.system("presets"))


@pytest.mark.django_db(transaction=True)
def test_a_link_accepted_twice_at_once_transfers_the_plan_once(presets, monkeypatch):
    plan = sell("care-jewelry-3yr", purchased=today() - dt.timedelta(days=100))
    token = "race-" + secrets.token_urlsafe(32)
    monkeypatch.setattr(services.secrets, "token_urlsafe", lambda size: token)
    services.transfer_invitation_send(
        caller=Caller.holder(plan.holder),
        contract=plan,
        invite=validate_input(
            TransferInviteIn,
            {"name": "Ben", "state": "TX", "email": "ben@example.com", "confirm": True},
        ),
    )
    acceptance = validate_input(TransferAcceptIn, {"name": "Ben", "state": "TX", "confirm": True})

    results = run_at_once(
        4, lambda i: services.transfer_invitation_accept(token=token, acceptance=acceptance)
    )

    accepted = [result for result in results if not isinstance(result, BaseException)]
    assert len(accepted) == 1, results
    assert all(isinstance(result, NotFound) for result in results if result not in accepted)
    assert HolderPeriod.objects.filter(contract=plan).count() == 2
    assert TransferInvitation.objects.get().accepted_at is not None


@pytest.mark.django_db(transaction=True)
def test_wrong_codes_at_once_are_each_counted(presets):
    plan = sell("care-jewelry-3yr")
    token = sign_ins.sign_in_code_request(
        caller=sign_ins.SIGN_IN,
        found=validate_input(
            PlanNumberFindIn, {"plan_number": plan.number, "email": "ada@example.com"}
        ),
    )
    entered = validate_input(SignInCodeIn, {"code": "000000"})
    SignInCode.objects.update(code_hash="not the hash of 000000")

    results = run_at_once(
        8,
        lambda i: sign_ins.sign_in_code_check(
            caller=sign_ins.SIGN_IN, token=token, entered=entered
        ),
    )

    assert all(result.holder is None for result in results)
    assert SignInCode.objects.get().attempts == sign_ins.CODE_ATTEMPTS  # never more, none lost
