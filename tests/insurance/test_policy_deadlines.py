"""The policies' own deadlines, each the day before, on and after its date, and the newly
acquired items behind one of them (RULEBOOK §6.1, §6.2)."""

import pytest
from insurance_factories import SYSTEM, add_item, bind, cancel, other_callers
from policy_lifecycle_factories import (
    acquired_record,
    daily,
    day,
    lifecycle_counts,
    monthly_policy,
    pay,
    policyholder_of,
)

from gemcare.common.clock import clock_set
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.insurance import history_selectors
from gemcare.insurance.models import NewlyAcquiredItem
from gemcare.insurance.selectors import policy_deadlines


def kinds(on: str, policy=None, caller=SYSTEM) -> list[tuple[str, str]]:
    return [
        (deadline.kind, deadline.due_on.isoformat())
        for deadline in policy_deadlines(caller=caller, on=day(on), policy=policy)
    ]


@pytest.fixture
def paid(presets):
    policy = bind()
    pay(policy=policy, paid_on="2025-01-01", amount="96.00")
    return policy


def test_installments_due_then_overdue(presets):
    policy = monthly_policy()
    pay(policy=policy, paid_on="2025-01-01", amount="10.50")
    assert ("installment_due", "2025-02-01") in kinds("2025-01-31", policy)
    assert ("installment_due", "2025-02-01") in kinds("2025-02-01", policy)
    assert ("installment_overdue", "2025-02-01") in kinds("2025-02-02", policy)
    # a month ahead at most
    assert ("installment_due", "2025-03-01") not in kinds("2025-01-15", policy)


def test_a_paid_policy_has_no_installment_deadline(paid):
    assert kinds("2025-03-01", paid) == []


def test_the_cancellation_notice_before_on_and_after(presets):
    policy = monthly_policy()
    pay(policy=policy, paid_on="2025-01-01", amount="10.50")
    daily("2025-02-02")
    deadline = next(
        d
        for d in policy_deadlines(caller=SYSTEM, on=day("2025-02-11"), policy=policy)
        if d.kind == "cancellation_notice"
    )
    assert deadline.due_on == day("2025-02-12")
    assert not deadline.is_overdue(day("2025-02-11"))
    assert ("cancellation_notice", "2025-02-12") in kinds("2025-02-12", policy)
    daily("2025-02-12")
    after = kinds("2025-02-13", policy)
    assert ("cancellation_notice", "2025-02-12") not in after
    assert not [kind for kind, _ in after if kind.startswith("installment")]


def test_a_cancellation_ahead_is_a_deadline_until_its_day(paid):
    with clock_set(day("2025-05-01")):
        cancel(policy=paid, cancel_on="2025-06-01", by="insured")
    assert kinds("2025-05-31", paid) == [("cancellation", "2025-06-01")]
    assert kinds("2025-06-01", paid) == [("cancellation", "2025-06-01")]
    assert kinds("2025-06-02", paid) == []


def test_the_renewal_offer_awaits_payment_until_the_last_day(paid):
    assert kinds("2025-11-16", paid) == []
    daily("2025-11-17")
    assert kinds("2025-11-17", paid) == [("renewal_offer", "2025-12-31")]
    deadline = policy_deadlines(caller=SYSTEM, on=day("2026-01-01"), policy=paid)[0]
    assert deadline.is_overdue(day("2026-01-01"))
    daily("2026-01-01")  # expired: nothing left to do
    assert kinds("2026-01-01", paid) == []


def test_the_renewal_offer_is_gone_once_accepted(paid):
    daily("2025-11-17")
    pay(policy=paid, paid_on="2025-11-20", amount="96.00")
    assert kinds("2025-11-20", paid) == []


def test_newly_acquired_cover_ends_on_day_30(paid):
    acquired = acquired_record(
        policy=paid, on="2025-03-10", kind="bracelet", acquired_on="2025-03-01"
    )
    assert acquired.cover_ends_on == day("2025-03-31")
    assert kinds("2025-03-30", paid) == [("newly_acquired_cover", "2025-03-31")]
    assert kinds("2025-03-31", paid) == [("newly_acquired_cover", "2025-03-31")]
    assert kinds("2025-04-01", paid) == []


def test_scheduling_the_item_ends_its_deadline(paid):
    acquired = acquired_record(
        policy=paid, on="2025-03-10", kind="bracelet", acquired_on="2025-03-01"
    )
    with clock_set(day("2025-03-12")):
        add_item(
            policy=paid,
            ref="b1",
            kind="bracelet",
            limit="2000.00",
            on="2025-03-12",
            newly_acquired_id=acquired.pk,
        )
    # the item's own premium is now due; its automatic cover is no longer a deadline
    assert kinds("2025-03-12", paid) == [("installment_due", "2025-03-12")]
    with clock_set(day("2025-03-12")), pytest.raises(Refused) as error:
        add_item(
            policy=paid,
            ref="b2",
            kind="bracelet",
            limit="2000.00",
            on="2025-03-12",
            newly_acquired_id=acquired.pk,
        )
    assert error.value.code == "newly_acquired_already_scheduled"


def test_the_reminder_goes_seven_days_before_the_cover_ends_once(paid):
    acquired = acquired_record(
        policy=paid, on="2025-03-10", kind="bracelet", acquired_on="2025-03-01"
    )
    assert daily("2025-03-23").done["reminded"] == 0
    assert daily("2025-03-24").done["reminded"] == 1
    assert daily("2025-03-24").done["reminded"] == 0
    assert daily("2025-03-25").done["reminded"] == 0
    acquired.refresh_from_db()
    assert acquired.reminded_on == day("2025-03-24")


def test_the_cover_never_runs_past_the_period(paid):
    acquired = acquired_record(policy=paid, on="2025-12-20", kind="ring", acquired_on="2025-12-15")
    assert acquired.cover_ends_on == day("2025-12-31")


def test_an_item_reported_after_its_cover_is_refused(paid):
    before = lifecycle_counts()
    with pytest.raises(Refused) as error:
        acquired_record(policy=paid, on="2025-04-01", kind="ring", acquired_on="2025-03-01")
    assert error.value.code == "newly_acquired_period_over"
    with pytest.raises(InvalidInput) as bad:
        acquired_record(policy=paid, on="2025-04-01", kind="ring", acquired_on="2024-12-31")
    assert bad.value.field == "acquired_on"
    with pytest.raises(InvalidInput) as ahead:
        acquired_record(policy=paid, on="2025-04-01", kind="ring", acquired_on="2025-04-02")
    assert ahead.value.field == "acquired_on"
    with pytest.raises(InvalidInput) as kind:
        acquired_record(policy=paid, on="2025-04-01", kind="yacht", acquired_on="2025-04-01")
    assert kind.value.field == "kind"
    assert lifecycle_counts() == before


def test_a_policyholder_reports_on_their_own_policy_only(presets):
    mine, theirs = bind(), bind()
    holder = policyholder_of(mine)
    assert acquired_record(
        policy=mine, on="2025-03-10", kind="ring", acquired_on="2025-03-01", caller=holder
    )
    before = lifecycle_counts()
    with pytest.raises(NotFound):
        acquired_record(
            policy=theirs, on="2025-03-10", kind="ring", acquired_on="2025-03-01", caller=holder
        )
    assert lifecycle_counts() == before
    assert NewlyAcquiredItem.objects.filter(policy=theirs).count() == 0


def test_each_caller_sees_only_the_deadlines_of_policies_it_may_see(presets):
    mine, theirs = monthly_policy(), monthly_policy()
    everyone = {d.policy_number for d in policy_deadlines(caller=SYSTEM, on=day("2025-01-02"))}
    assert everyone == {mine.number, theirs.number}
    holder = policyholder_of(mine)
    assert {d.policy_number for d in policy_deadlines(caller=holder, on=day("2025-01-02"))} == {
        mine.number
    }
    assert policy_deadlines(caller=holder, on=day("2025-01-02"), policy=theirs) == []
    for caller in other_callers().values():
        assert policy_deadlines(caller=caller, on=day("2025-01-02")) == []


def test_deadlines_come_sorted_by_date(presets):
    policy = monthly_policy()
    pay(policy=policy, paid_on="2025-01-01", amount="10.50")
    acquired_record(policy=policy, on="2025-01-20", kind="ring", acquired_on="2025-01-05")
    found = policy_deadlines(caller=SYSTEM, on=day("2025-01-20"), policy=policy)
    assert [d.due_on for d in found] == sorted(d.due_on for d in found)
    assert [d.kind for d in found] == ["installment_due", "newly_acquired_cover"]
    assert history_selectors.policy_history(policy)[-1].kind == "newly_acquired"
