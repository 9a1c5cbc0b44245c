"""The error family and the append-only audit log."""

from decimal import Decimal

import pytest
from factories import retailer_make, snapshot

from gemcare.common.audit import audit_record, changed_fields
from gemcare.common.callers import Caller
from gemcare.common.errors import (
    ApplicationError,
    InvalidInput,
    NotFound,
    Refused,
    translate_rule_errors,
)
from gemcare.common.models import AuditEntry
from gemcare.rules.errors import RuleInputError, RuleRefusal

# --- the audit log ---------------------------------------------------------------------------


@pytest.fixture
def entry(db):
    retailer = retailer_make()
    return audit_record(
        caller=Caller.system("test"), action="retailer_added", entity=retailer, data={"a": 1}
    )


def test_audit_record_names_the_entity(entry):
    stored = AuditEntry.objects.get(pk=entry.pk)

    assert (stored.action, stored.entity, stored.data, stored.actor, stored.actor_label) == (
        "retailer_added",
        "retailer",
        {"a": 1},
        None,
        "system:test",
    )
    assert stored.entity_id.isdigit()
    assert stored.at is not None


def test_an_audit_entry_refuses_to_be_changed(entry):
    before = snapshot(entry)

    entry.action = "something_else"
    with pytest.raises(ValueError, match="never changed"):
        entry.save()

    assert snapshot(entry) == before


def test_an_audit_entry_refuses_to_be_deleted(entry):
    before = snapshot(entry)

    with pytest.raises(ValueError, match="never deleted"):
        entry.delete()

    assert snapshot(entry) == before
    assert AuditEntry.objects.count() == 1


def test_an_entry_needs_a_caller(db):
    retailer = retailer_make()

    with pytest.raises(TypeError, match="Caller"):
        audit_record(caller=object(), action="x", entity=retailer)

    assert AuditEntry.objects.count() == 0


def test_an_entry_records_the_tenant_of_a_retailer_caller(db):
    retailer = retailer_make()

    recorded = audit_record(caller=Caller.retailer(retailer), action="x", entity=retailer)

    stored = AuditEntry.objects.get(pk=recorded.pk)
    assert (stored.retailer_id, stored.actor_label, stored.data) == (
        retailer.pk,
        f"retailer:{retailer.pk}",
        {},
    )


def test_changed_fields_names_the_fields_and_keeps_no_value():
    before = {"ssn": "123-45-6789", "name": "Ada", "email": "a@example.com"}
    after = {"ssn": "987-65-4321", "name": "Ada", "email": "b@example.com"}

    assert changed_fields(before, after) == ["email", "ssn"]


@pytest.mark.parametrize("change", ["update", "delete"])
def test_the_audit_log_refuses_bulk_changes(entry, change):
    before = snapshot(entry)

    with pytest.raises(ValueError, match="never"):
        if change == "update":
            AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
        else:
            AuditEntry.objects.filter(pk=entry.pk).delete()

    assert snapshot(entry) == before


# --- errors ----------------------------------------------------------------------------------


def test_application_error_as_dict_without_a_field():
    error = ApplicationError("contract_not_active", "The contract is cancelled.")

    assert error.as_dict() == {
        "code": "contract_not_active",
        "message": "The contract is cancelled.",
    }
    assert (error.http_status, str(error)) == (400, "The contract is cancelled.")


def test_invalid_input_as_dict_names_field_and_value():
    error = InvalidInput("item.price", Decimal("-5.00"), "must not be negative")

    assert error.as_dict() == {
        "code": "invalid",
        "message": "must not be negative",
        "field": "item.price",
        "value": "Decimal('-5.00')",
    }
    assert error.http_status == 422
    assert error.describe() == "item.price: must not be negative (got Decimal('-5.00'))"


def test_invalid_input_with_its_own_code_and_no_value():
    error = InvalidInput("product", None, "is required", code="unknown_product")

    assert error.as_dict() == {
        "code": "unknown_product",
        "message": "is required",
        "field": "product",
        "value": None,
    }


def test_not_found_and_refused_shapes():
    missing = NotFound("contract", "C123")
    refused = Refused("not_transferable", "This plan cannot be transferred.")

    assert missing.as_dict() == {"code": "contract_not_found", "message": "No contract C123."}
    assert missing.http_status == 404
    assert refused.as_dict() == {
        "code": "not_transferable",
        "message": "This plan cannot be transferred.",
    }
    assert refused.http_status == 409


def test_translate_rule_errors_turns_bad_input_into_invalid_input():
    original = RuleInputError("lines[0].cost", "85.001", "has more than two decimals")

    with pytest.raises(InvalidInput) as invalid, translate_rule_errors():
        raise original

    assert (invalid.value.field, invalid.value.value, invalid.value.message) == (
        "lines[0].cost",
        "85.001",
        "has more than two decimals",
    )
    assert invalid.value.code == "invalid"
    assert invalid.value.__cause__ is original


def test_translate_rule_errors_turns_a_refusal_into_refused():
    original = RuleRefusal("notice_too_short", "Notice must be given 30 days before.")

    with pytest.raises(Refused) as refused, translate_rule_errors():
        raise original

    assert refused.value.as_dict() == {
        "code": "notice_too_short",
        "message": "Notice must be given 30 days before.",
    }
    assert refused.value.__cause__ is original


def test_translate_rule_errors_lets_other_errors_and_success_through():
    with pytest.raises(KeyError), translate_rule_errors():
        raise KeyError("not a rule error")

    with translate_rule_errors():
        result = 1 + 1

    assert result == 2
