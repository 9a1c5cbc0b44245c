"""Renewal offers ahead of the anniversary, acceptance by payment, expiry (RULEBOOK §6.2)."""

from decimal import Decimal

import pytest
from insurance_factories import SYSTEM, bind
from policy_lifecycle_factories import (
    daily,
    day,
    index_record,
    lifecycle_counts,
    lifecycle_state,
    monthly_policy,
    pay,
    policyholder_of,
)

from gemcare.catalog.models import InsuranceProduct
from gemcare.catalog.services import draft_create, version_publish
from gemcare.common.callers import Caller
from gemcare.common.clock import clock_set
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.common.schemas import validate_input
from gemcare.insurance import schemas, selectors, services
from gemcare.insurance.models import Policy, PolicyEvent, PolicyRenewalOffer, ScheduledItem
from gemcare.insurance.services.renewals import policy_expire, policy_renewal_offer

# WI, 2025-01-01 to 2026-01-01: offered 45 days ahead, on 2025-11-17.


def test_no_offer_the_day_before_the_window(policy):
    assert daily("2025-11-16").done["renewal_offered"] == 0
    with pytest.raises(Refused) as error:
        policy_renewal_offer(caller=SYSTEM, policy=policy, on=day("2025-11-16"))
    assert error.value.code == "renewal_not_due"


def test_offered_on_the_first_day_of_the_window_once(policy):
    assert daily("2025-11-17").done["renewal_offered"] == 1
    offer = PolicyRenewalOffer.objects.get(policy=policy)
    assert (offer.offered_on, offer.period_start, offer.period_end) == (
        day("2025-11-17"),
        day("2026-01-01"),
        day("2027-01-01"),
    )
    assert (offer.premium, offer.first_payment, offer.status) == (
        Decimal("96.00"),
        Decimal("96.00"),
        "open",
    )
    assert daily("2025-11-18").done == {}
    before = lifecycle_counts()
    with pytest.raises(Refused) as error:
        policy_renewal_offer(caller=SYSTEM, policy=policy, on=day("2025-11-18"))
    assert error.value.code == "renewal_already_offered"
    assert lifecycle_counts() == before


def test_the_offer_follows_the_index_and_the_rates_then_in_force(presets):
    index_record("2025-01-01", "100.0")
    policy = bind(value_adjustment=True)
    index_record("2025-10-01", "104.0")
    product = InsuranceProduct.objects.get(code="personal-jewelry")
    draft = draft_create(caller=Caller.system("test"), product=product)
    draft.default_rate = Decimal("1.30")
    draft.save()
    version_publish(caller=Caller.system("test"), version=draft)
    daily("2025-11-17")
    offer = PolicyRenewalOffer.objects.get(policy=policy)
    # 8000 x 104 / 100 = 8320.00; 8320 / 100 x 1.30 = 108.16
    assert offer.terms == {"r1": {"limit": "8320.00", "index": "104.0000", "premium": "108.16"}}
    assert offer.premium == Decimal("108.16")
    assert offer.rating_version.number == 2


def test_an_index_that_fell_never_lowers_a_limit(presets):
    index_record("2025-01-01", "100.0")
    policy = bind(value_adjustment=True)
    index_record("2025-10-01", "97.0")
    daily("2025-11-17")
    offer = PolicyRenewalOffer.objects.get(policy=policy)
    assert offer.terms["r1"]["limit"] == "8000.00"
    assert offer.terms["r1"]["index"] == "100.0000"  # kept: the fall is made up first


def test_paying_accepts_and_the_anniversary_renews(presets):
    index_record("2025-01-01", "100.0")
    policy = bind(value_adjustment=True)
    pay(policy=policy, paid_on="2025-01-01", amount="96.00")
    index_record("2025-10-01", "104.0")
    daily("2025-11-17")
    recorded = pay(policy=policy, paid_on="2025-12-10", amount="99.84")
    assert recorded.renewal_accepted
    assert [p.period_start for p in recorded.payments] == [day("2026-01-01")]
    daily("2025-12-31")
    policy.refresh_from_db()
    assert policy.period_start == day("2025-01-01")
    assert daily("2026-01-01").done["renewed"] == 1
    policy.refresh_from_db()
    assert (policy.status, policy.period_start, policy.period_end, policy.premium) == (
        Policy.ACTIVE,
        day("2026-01-01"),
        day("2027-01-01"),
        Decimal("99.84"),
    )
    item = ScheduledItem.objects.get(policy=policy)
    assert (item.limit, item.limit_index) == (Decimal("8320.00"), Decimal("104.0"))
    assert PolicyRenewalOffer.objects.get(policy=policy).status == "renewed"
    # the renewal's payment is the new period's: nothing is overdue
    assert selectors.policy_overdue(policy=policy, on=day("2026-01-02")) == Decimal("0")
    assert daily("2026-01-01").done == {}


def test_not_paid_the_policy_expires_at_the_period_end(policy):
    pay(policy=policy, paid_on="2025-01-01", amount="96.00")
    daily("2025-11-17")
    daily("2025-12-31")
    policy.refresh_from_db()
    assert policy.status == Policy.ACTIVE
    assert daily("2026-01-01").done["expired"] == 1
    policy.refresh_from_db()
    assert policy.status == Policy.EXPIRED
    assert PolicyEvent.objects.get(policy=policy, kind="expired").on == day("2026-01-01")
    assert PolicyRenewalOffer.objects.get(policy=policy).status == "lapsed"
    assert daily("2026-01-02").done == {}


def test_a_policy_does_not_expire_before_its_end_or_once_accepted(policy):
    before, state = lifecycle_counts(), lifecycle_state(policy)
    with pytest.raises(Refused) as error:
        policy_expire(caller=SYSTEM, policy=policy, on=day("2025-12-31"))
    assert error.value.code == "period_not_over"
    assert (lifecycle_counts(), lifecycle_state(policy)) == (before, state)
    daily("2025-11-17")
    pay(policy=policy, paid_on="2025-11-20", amount="96.00")  # the first period's, as due
    pay(policy=policy, paid_on="2025-11-21", amount="96.00")  # the renewal's
    with pytest.raises(Refused) as error:
        policy_expire(caller=SYSTEM, policy=policy, on=day("2026-01-01"))
    assert error.value.code == "renewal_accepted"


def test_monthly_the_first_installment_accepts(presets):
    policy = monthly_policy()
    for month in range(1, 12):
        pay(policy=policy, paid_on=f"2025-{month:02d}-01", amount="10.50")
    daily("2025-11-17")
    offer = PolicyRenewalOffer.objects.get(policy=policy)
    assert offer.first_payment == Decimal("10.50")
    with clock_set(day("2025-11-20")):
        data = validate_input(schemas.PolicyPaymentIn, {"paid_on": "2025-11-20", "amount": "10.00"})
        before = lifecycle_counts()
        with pytest.raises(Refused) as error:
            services.policy_renewal_accept(caller=SYSTEM, policy=policy, data=data)
        assert error.value.code == "no_renewal_offer"
        assert lifecycle_counts() == before
        data = validate_input(schemas.PolicyPaymentIn, {"paid_on": "2025-11-20", "amount": "10.50"})
        recorded = services.policy_renewal_accept(caller=SYSTEM, policy=policy, data=data)
    assert recorded.renewal_accepted


def test_a_policyholder_cannot_accept_by_their_own_say_so(policy):
    """Accepting is paying, and money received is the provider's record: the offer stays
    open, nothing is written, and without the money the policy expires."""
    pay(policy=policy, paid_on="2025-01-01", amount="96.00")
    daily("2025-11-17")
    before, state = lifecycle_counts(), lifecycle_state(policy)
    with clock_set(day("2025-11-20")):
        data = validate_input(schemas.PolicyPaymentIn, {"paid_on": "2025-11-20", "amount": "96.00"})
        with pytest.raises(Refused) as error:
            services.policy_renewal_accept(caller=policyholder_of(policy), policy=policy, data=data)
    assert error.value.code == "not_allowed"
    assert (lifecycle_counts(), lifecycle_state(policy)) == (before, state)
    assert PolicyRenewalOffer.objects.get(policy=policy).status == "open"
    assert daily("2026-01-01").done["expired"] == 1


def test_accepting_without_an_offer_is_refused(policy):
    with clock_set(day("2025-03-01")):
        data = validate_input(schemas.PolicyPaymentIn, {"paid_on": "2025-03-01", "amount": "1.00"})
        with pytest.raises(Refused) as error:
            services.policy_renewal_accept(caller=SYSTEM, policy=policy, data=data)
    assert error.value.code == "no_renewal_offer"


def test_another_policyholder_cannot_accept(presets):
    mine, theirs = bind(), bind()
    daily("2025-11-17")
    before, state = lifecycle_counts(), lifecycle_state(theirs)
    with clock_set(day("2025-11-20")):
        data = validate_input(schemas.PolicyPaymentIn, {"paid_on": "2025-11-20", "amount": "96.00"})
        with pytest.raises(NotFound):
            services.policy_renewal_accept(caller=policyholder_of(mine), policy=theirs, data=data)
    assert (lifecycle_counts(), lifecycle_state(theirs)) == (before, state)
    assert PolicyRenewalOffer.objects.get(policy=theirs).status == "open"


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.23456", 1.5, "123456789"])
def test_bad_index_values_are_refused(presets, value):
    before = lifecycle_counts()
    with pytest.raises(InvalidInput) as error:
        index_record("2025-01-01", value)
    assert error.value.field == "value"
    assert lifecycle_counts() == before


def test_an_index_value_is_recorded_once_per_day_and_only_by_staff(presets):
    index_record("2025-01-01", "100.0")
    with pytest.raises(InvalidInput) as error:
        index_record("2025-01-01", "101.0")
    assert error.value.field == "effective_on"
    policy = bind()
    with pytest.raises(Refused):
        index_record("2025-02-01", "101.0", caller=policyholder_of(policy))


def test_a_direct_renewal_answers_the_open_offer(policy):
    from insurance_factories import renew

    pay(policy=policy, paid_on="2025-01-01", amount="96.00")
    daily("2025-11-17")
    with clock_set(day("2026-01-01")):
        renew(policy=policy)
    assert PolicyRenewalOffer.objects.get(policy=policy).status == "renewed"
    assert [d.kind for d in selectors.policy_deadlines(caller=SYSTEM, on=day("2026-01-01"))] == [
        "installment_due"
    ]
