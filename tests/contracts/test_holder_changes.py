"""Every change of a holder's personal data is audited, naming the fields and never their
values; sensitive values never reach a message or the DEBUG error page (RULEBOOK 7)."""

import sys

import pytest
from django.views.debug import ExceptionReporter
from factories import SYSTEM, holder_data, row_counts, sell

from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, NotFound
from gemcare.common.models import AuditEntry
from gemcare.common.schemas import validate_input
from gemcare.contracts import holders
from gemcare.contracts.holders import holder_create, holder_update
from gemcare.contracts.models import Holder
from gemcare.contracts.schemas import HolderChangesIn, HolderIn

SECRETS = {
    "ssn": "987-65-4321",
    "date_of_birth": "1975-04-03",
    "government_id": "TX-99887766",
    "bank_account": "00443322110",
}


def audit_text() -> str:
    return " ".join(str(entry.data) for entry in AuditEntry.objects.all())


def test_holder_create_audits_the_fields_given_not_their_values(presets):
    holder = holder_create(
        caller=SYSTEM, holder=validate_input(HolderIn, holder_data(state="TX", **SECRETS))
    )

    entry = AuditEntry.objects.get(action="holder_created", entity_id=str(holder.pk))
    assert entry.actor_label == SYSTEM.label
    assert set(entry.data["fields"]) >= set(SECRETS) | {"name", "email", "state"}
    assert not any(value in audit_text() for value in SECRETS.values())
    assert Holder.objects.get(pk=holder.pk).date_of_birth == "1975-04-03"


def test_holder_update_audits_the_fields_changed_not_their_values(presets):
    holder = sell(holder=holder_data()).holder
    changes = validate_input(
        HolderChangesIn, {"ssn": SECRETS["ssn"], "email": "new@example.com", "name": holder.name}
    )

    updated = holder_update(caller=SYSTEM, holder=holder, changes=changes)

    assert (updated.ssn, updated.email) == (SECRETS["ssn"], "new@example.com")
    entry = AuditEntry.objects.get(action="holder_updated")
    assert entry.data == {"fields": ["email", "ssn"]}
    assert SECRETS["ssn"] not in audit_text()


def test_a_holder_update_that_changes_nothing_writes_nothing(presets):
    holder = sell(holder=holder_data()).holder
    counts = row_counts()

    holder_update(
        caller=SYSTEM, holder=holder, changes=validate_input(HolderChangesIn, {"name": holder.name})
    )

    assert row_counts() == counts


def test_a_retailer_cannot_update_another_retailers_holder(presets):
    mine, theirs = sell(), sell()
    counts = row_counts()

    with pytest.raises(NotFound):
        holder_update(
            caller=Caller.retailer(mine.retailer),
            holder=theirs.holder,
            changes=validate_input(HolderChangesIn, {"name": "Mallory"}),
        )

    assert row_counts() == counts
    assert Holder.objects.get(pk=theirs.holder_id).name == "Ada Holder"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ssn", "987-65-43210"),
        ("ssn", "hello"),
        ("bank_account", "12ab34"),
        ("government_id", "TX\x0099"),
        ("date_of_birth", "not-a-date"),
        ("date_of_birth", "2999-01-01"),
    ],
)
def test_a_bad_sensitive_value_is_refused_without_quoting_it(presets, field, value):
    with pytest.raises(InvalidInput) as invalid:
        validate_input(HolderIn, holder_data(**{field: value}), prefix="holder")

    error = invalid.value
    assert error.field == f"holder.{field}"
    shown = error.describe() + str(error.as_dict()) + str(error.errors) + str(error)
    assert value not in shown


def test_the_schema_repr_hides_the_sensitive_values(presets):
    holder = validate_input(HolderIn, holder_data(**SECRETS))

    assert not any(value in repr(holder) for value in SECRETS.values())


def test_the_debug_error_page_does_not_show_holder_data(presets, monkeypatch):
    """A failure deep inside a sale: the DEBUG page's frames of the platform's code must not
    show the holder (the test's own frames hold the values, of course)."""

    prepare = holders.HOLDERS._params

    def broken(rows, connection):
        prepare(rows, connection)
        raise RuntimeError("the database went away")

    # Deep in the sale's insert, once the holder's values are prepared (encrypted).
    monkeypatch.setattr(holders.HOLDERS, "_params", broken)
    sale_holder = holder_data(state="TX", **SECRETS)
    try:
        sell("care-jewelry-3yr", state="TX", price="600.00", holder=sale_holder)
    except RuntimeError:
        reporter = ExceptionReporter(None, *sys.exc_info())
        frames = [
            frame
            for frame in reporter.get_traceback_frames()
            if "/gemcare/" in frame["filename"] and "/tests/" not in frame["filename"]
        ]
        shown = " ".join(str(frame["vars"]) for frame in frames)
    else:  # pragma: no cover
        pytest.fail("the sale should have failed")

    assert {"contract_sell", "_sale_write", "insert"} <= {frame["function"] for frame in frames}
    for value in SECRETS.values():
        assert value not in shown, value
