"""What each back-office role sees of every sensitive field, on every page that shows it.

Holder: SSN, date of birth, government ID, bank account. Named insured: date of birth.
Administrators and the privacy officer see a holder's values; an adjuster sees at most the
last four characters of an SSN, a government ID or a bank account and nothing of a date of
birth. A named insured's date of birth shows to no one on the policy page. A retailer's
staff do not reach the back office at all.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from gemcare.catalog.models import InsuranceRatingVersion
from gemcare.common.fields import mask
from gemcare.common.models import AuditEntry
from gemcare.contracts.models import Holder
from gemcare.insurance.models import NamedInsured, Policy
from gemcare.partners.models import ProviderStaff, Retailer, RetailerStaff
from gemcare.portals.testing import verified_login

SSN = "123-45-6789"
BIRTH = "1980-04-05"
GOVERNMENT_ID = "D1234567"
BANK_ACCOUNT = "000123456789"
INSURED_BIRTH = "1975-11-23"
PASSWORD = "a-long-test-password"


def test_mask_shows_at_most_the_last_characters_asked_for():
    assert mask(SSN) == "•••••••6789"
    assert mask(BIRTH, visible=0) == "••••••••••"
    assert mask("1234") == "••34"  # never more than half of a short value
    assert (mask(""), mask(None)) == ("", "")


def _user(username: str, *, role: str | None = None, permissions=None, superuser=False):
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=True, is_superuser=superuser
    )
    if role is not None:
        ProviderStaff.objects.create(user=user, role=role)
    if permissions is not None:
        user.user_permissions.set(permissions)
    return user


def _permissions(apps: list[str], actions: list[str]):
    """As the demo's groups grant them: these actions on every model of these apps."""
    return Permission.objects.filter(
        content_type__app_label__in=apps, codename__regex=rf"^({'|'.join(actions)})_"
    )


ADJUSTER = (["claims", "contracts", "insurance"], ["view", "change"])
PRIVACY_OFFICER = (["contracts", "common"], ["view"])


@pytest.fixture
def people(presets):
    return {
        "admin": _user("admin", role=ProviderStaff.ADMIN, superuser=True),
        "adjuster": _user(
            "adjuster", role=ProviderStaff.ADJUSTER, permissions=_permissions(*ADJUSTER)
        ),
        "privacy": _user(
            "privacy",
            role=ProviderStaff.PRIVACY_OFFICER,
            permissions=_permissions(*PRIVACY_OFFICER),
        ),
    }


@pytest.fixture
def holder(db):
    return Holder.objects.create(
        name="Ada Holder",
        state="OK",
        email="ada@example.com",
        ssn=SSN,
        date_of_birth=BIRTH,
        government_id=GOVERNMENT_ID,
        bank_account=BANK_ACCOUNT,
    )


@pytest.fixture
def policy(presets):
    policy = Policy.objects.create(
        number="P-VIEW-1",
        rating_version=InsuranceRatingVersion.objects.filter(status="published").first(),
        state="OK",
        inception_on=dt.date(2026, 1, 5),
        period_start=dt.date(2026, 1, 5),
        period_end=dt.date(2027, 1, 5),
        deductible=Decimal("250.00"),
        premium=Decimal("120.00"),
    )
    NamedInsured.objects.create(policy=policy, name="Ivy Insured", date_of_birth=INSURED_BIRTH)
    return policy


def _login(client, username: str) -> None:
    """Signed in with the second factor passed: the admin opens to nothing less."""
    verified_login(client, get_user_model().objects.get(username=username))


def _page(client, username: str, url: str) -> str:
    _login(client, username)
    response = client.get(url)
    assert response.status_code == 200, (username, url, response.status_code)
    return response.content.decode()


HOLDER_VALUES = [SSN, BIRTH, GOVERNMENT_ID, BANK_ACCOUNT]


@pytest.mark.parametrize("username", ["admin", "privacy"])
def test_administrators_and_the_privacy_officer_see_a_holders_values(
    client, people, holder, username
):
    page = _page(client, username, reverse("admin:contracts_holder_change", args=[holder.pk]))

    assert all(value in page for value in HOLDER_VALUES)


def test_an_adjuster_sees_last_four_characters_and_no_date_of_birth(client, people, holder):
    page = _page(client, "adjuster", reverse("admin:contracts_holder_change", args=[holder.pk]))

    assert not any(value in page for value in HOLDER_VALUES)
    for value in (SSN, GOVERNMENT_ID, BANK_ACCOUNT):
        assert mask(value) in page
    assert mask(BIRTH, visible=0) in page
    # Nothing of the date: neither its year nor its month and day.
    assert "1980" not in page
    assert "04-05" not in page


@pytest.mark.parametrize("username", ["admin", "adjuster", "privacy"])
def test_the_holder_list_shows_no_sensitive_value(client, people, holder, username):
    page = _page(client, username, reverse("admin:contracts_holder_changelist"))

    assert holder.name in page
    assert not any(value in page for value in HOLDER_VALUES)
    assert "6789" not in page


@pytest.mark.parametrize("username", ["admin", "adjuster"])
def test_the_policy_page_shows_no_named_insureds_date_of_birth(client, people, policy, username):
    page = _page(client, username, reverse("admin:insurance_policy_change", args=[policy.pk]))

    assert "Ivy Insured" in page
    assert INSURED_BIRTH not in page
    assert "1975" not in page
    assert mask(INSURED_BIRTH, visible=0) in page


@pytest.mark.parametrize("username", ["admin", "adjuster"])
def test_the_policy_list_shows_no_named_insureds_date_of_birth(client, people, policy, username):
    page = _page(client, username, reverse("admin:insurance_policy_changelist"))

    assert policy.number in page
    assert INSURED_BIRTH not in page


def test_the_privacy_officer_has_no_policy_pages(client, people, policy):
    _login(client, "privacy")

    response = client.get(reverse("admin:insurance_policy_change", args=[policy.pk]))

    assert response.status_code == 403
    assert INSURED_BIRTH not in response.content.decode()


def test_a_retailers_staff_do_not_reach_the_back_office(client, holder):
    retailer = Retailer.objects.create(code="brilliant", name="Brilliant")
    user = get_user_model().objects.create_user("brilliant-manager", password=PASSWORD)
    RetailerStaff.objects.create(user=user, retailer=retailer, role=RetailerStaff.MANAGER)
    client.force_login(user)  # a password is all a retailer's staff sign in with

    response = client.get(reverse("admin:contracts_holder_change", args=[holder.pk]))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert not any(value in response.content.decode() for value in HOLDER_VALUES)


def test_a_retailers_staff_member_made_staff_by_mistake_sees_only_masks(client, holder):
    retailer = Retailer.objects.create(code="harbor", name="Harbor")
    user = _user("harbor-sales", permissions=Permission.objects.filter(codename="view_holder"))
    RetailerStaff.objects.create(user=user, retailer=retailer, role=RetailerStaff.SALES)

    page = _page(client, "harbor-sales", reverse("admin:contracts_holder_change", args=[holder.pk]))

    assert not any(value in page for value in HOLDER_VALUES)
    assert mask(SSN) in page


# --- a holder edited in the back office goes through the service -----------------------------


def _holder_form(holder: Holder, **changes) -> dict:
    form = {
        "name": holder.name,
        "email": holder.email,
        "phone": holder.phone,
        "address": holder.address,
        "state": holder.state,
        "date_of_birth": holder.date_of_birth,
        "ssn": holder.ssn,
        "government_id": holder.government_id,
        "bank_account": holder.bank_account,
    }
    if holder.marketing_opt_out:
        form["marketing_opt_out"] = "on"
    return {**form, **changes}


def test_an_admin_edit_of_an_ssn_is_audited_by_field_name_only(client, people, holder):
    _login(client, "admin")
    url = reverse("admin:contracts_holder_change", args=[holder.pk])

    response = client.post(url, _holder_form(holder, ssn="987-65-4321", phone="555-0100"))

    assert response.status_code == 302, response.content.decode()[:2000]
    holder.refresh_from_db()
    assert (holder.ssn, holder.phone) == ("987-65-4321", "555-0100")
    entry = AuditEntry.objects.get(action="holder_updated", entity_id=str(holder.pk))
    assert entry.data == {"fields": ["phone", "ssn"]}
    assert entry.actor_label == f"user:{people['admin'].pk}"
    assert "987-65-4321" not in str(entry.data) and SSN not in str(entry.data)


def test_an_admin_edit_with_a_bad_ssn_is_refused_without_echoing_it(client, people, holder):
    _login(client, "admin")
    url = reverse("admin:contracts_holder_change", args=[holder.pk])
    audited = AuditEntry.objects.count()

    response = client.post(url, _holder_form(holder, ssn="hello-secret"))

    assert response.status_code == 200  # the form again, with the error
    page = response.content.decode()
    assert "is not an SSN" in page
    assert "hello-secret" not in page.split('name="ssn"')[0]  # only in the field itself
    holder.refresh_from_db()
    assert holder.ssn == SSN
    assert AuditEntry.objects.count() == audited


def test_an_adjuster_edit_changes_the_visible_fields_and_keeps_the_sensitive_ones(
    client, people, holder
):
    _login(client, "adjuster")
    url = reverse("admin:contracts_holder_change", args=[holder.pk])
    form = {
        key: value
        for key, value in _holder_form(holder, address="1 New Street").items()
        if key not in {"ssn", "date_of_birth", "government_id", "bank_account"}
    }

    response = client.post(url, form)

    assert response.status_code == 302
    holder.refresh_from_db()
    assert (holder.address, holder.ssn, holder.date_of_birth) == ("1 New Street", SSN, BIRTH)
    entry = AuditEntry.objects.get(action="holder_updated", entity_id=str(holder.pk))
    assert entry.data == {"fields": ["address"]}


def test_the_privacy_officer_may_look_but_not_edit(client, people, holder):
    _login(client, "privacy")
    url = reverse("admin:contracts_holder_change", args=[holder.pk])

    response = client.post(url, _holder_form(holder, ssn="987-65-4321"))

    assert response.status_code == 403
    holder.refresh_from_db()
    assert holder.ssn == SSN
    assert not AuditEntry.objects.filter(action="holder_updated").exists()


def test_a_holder_added_in_the_back_office_is_audited_by_field_name_only(client, people):
    _login(client, "admin")
    form = {
        "name": "Ben Okafor",
        "email": "ben@example.com",
        "phone": "",
        "address": "",
        "state": "TX",
        "date_of_birth": "1990-02-03",
        "ssn": SSN,
        "government_id": "",
        "bank_account": "",
    }

    response = client.post(reverse("admin:contracts_holder_add"), form)

    assert response.status_code == 302, response.content.decode()[:2000]
    created = Holder.objects.get(name="Ben Okafor")
    assert (created.ssn, created.date_of_birth) == (SSN, "1990-02-03")
    entry = AuditEntry.objects.get(action="holder_created", entity_id=str(created.pk))
    assert SSN not in str(entry.data) and "1990-02-03" not in str(entry.data)
    assert "ssn" in entry.data["fields"]


# --- every page of the back office, on the demo data -----------------------------------------


@pytest.fixture
def demo(db):
    from gemcare.demo import demo_load

    return demo_load(contracts_count=30, today=dt.date(2026, 11, 1))


def _sensitive_values() -> set[str]:
    values = set()
    for holder in Holder.objects.all():
        values |= {holder.ssn, holder.date_of_birth, holder.government_id, holder.bank_account}
    values |= set(NamedInsured.objects.values_list("date_of_birth", flat=True))
    return {value for value in values if value}


@pytest.mark.parametrize("username", ["admin", "adjuster", "privacy"])
def test_no_page_shows_a_sensitive_value_except_a_holder_to_those_who_need_it(
    demo, client, username
):
    """Every list and the first rows' pages: only a holder's own page, and only for the
    administrator and the privacy officer, shows that holder's values."""
    from django.contrib import admin

    secrets = _sensitive_values()
    assert secrets
    _login(client, username)
    opened = 0
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        response = client.get(reverse(f"{info}_changelist"))
        if response.status_code == 403:
            continue
        pages = [response.content.decode()]
        for row in model.objects.all()[:3]:
            page = client.get(reverse(f"{info}_change", args=[row.pk])).content.decode()
            if model is Holder and username in {"admin", "privacy"}:
                own = {row.ssn, row.date_of_birth, row.government_id, row.bank_account}
                for value in own - {""}:
                    page = page.replace(value, "")
            pages.append(page)
        shown = {secret for secret in secrets for page in pages if secret in page}
        assert shown == set(), (username, model.__name__)
        opened += 1
    assert opened >= 4  # the privacy officer: holders, contracts, cancellations, audit log
