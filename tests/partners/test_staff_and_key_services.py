"""The partner services a retailer's manager uses: staff accounts and API keys for their own
retailer only. Anyone else is refused (`not_allowed`) or finds nothing (`not_found`), and a
refused call changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from factories import retailer_make, row_counts, snapshot, store_make

from gemcare.common.callers import Caller
from gemcare.common.errors import InvalidInput, NotFound, Refused
from gemcare.common.schemas import validate_input
from gemcare.partners.models import ApiKey, RetailerStaff
from gemcare.partners.schemas import StaffIn
from gemcare.partners.selectors import (
    api_key_get,
    api_keys_list,
    retailer_manager_of,
    retailer_staff_get,
    retailer_staff_list,
    stores_visible,
)
from gemcare.partners.services import (
    api_key_create,
    api_key_revoke,
    retailer_staff_create,
    retailer_staff_deactivate,
    retailer_staff_invitation_check,
)

User = get_user_model()


def _staff(username, retailer, *, role=RetailerStaff.MANAGER, store=None):
    user = User.objects.create_user(username, email=f"{username}@example.com")
    RetailerStaff.objects.create(user=user, retailer=retailer, role=role, store=store)
    return user


@pytest.fixture
def shop(db):
    retailer, other = retailer_make(name="Alpha"), retailer_make(name="Beta")
    store = store_make(retailer=retailer)
    manager = _staff("boss", retailer)
    return {
        "retailer": retailer,
        "other": other,
        "store": store,
        "manager": manager,
        "caller": Caller.retailer(retailer, user=manager),
        "associate": _staff("clerk", retailer, role=RetailerStaff.SALES, store=store),
        "their_manager": _staff("theirs", other),
    }


def _counts():
    return {
        **row_counts(),
        "users": User.objects.count(),
        "staff": RetailerStaff.objects.count(),
        "keys": ApiKey.objects.count(),
    }


def _new(**changes):
    return validate_input(
        StaffIn,
        {
            "username": "newbie",
            "name": "New Bie",
            "email": "new@example.com",
            "role": "sales",
            **changes,
        },
    )


def test_a_manager_adds_an_account_without_a_password(shop):
    record = retailer_staff_create(caller=shop["caller"], staff=_new(store=shop["store"].code))

    assert record.retailer == shop["retailer"] and record.store == shop["store"]
    assert not record.user.has_usable_password() and record.user.first_name == "New Bie"


@pytest.mark.parametrize(
    "caller",
    [
        lambda s: Caller.retailer(s["retailer"]),  # a key or the retailer's own system
        lambda s: Caller.retailer(s["retailer"], store=s["store"], user=s["associate"]),
        lambda s: Caller.retailer(s["retailer"], store=s["store"], user=s["manager"]),
        lambda s: Caller.retailer(s["other"], user=s["manager"]),  # not their retailer
        lambda s: Caller.holder(type("H", (), {"pk": 1})()),
    ],
)
def test_anyone_but_a_manager_of_the_whole_retailer_is_refused(shop, caller):
    counts = _counts()

    with pytest.raises(Refused) as error:
        retailer_staff_create(caller=caller(shop), staff=_new())

    assert error.value.code == "not_allowed"
    assert _counts() == counts


def test_a_deactivated_manager_is_no_manager(shop):
    User.objects.filter(pk=shop["manager"].pk).update(is_active=False)
    counts = _counts()

    assert retailer_manager_of(shop["caller"]) is None
    with pytest.raises(Refused):
        retailer_staff_create(caller=shop["caller"], staff=_new())
    assert _counts() == counts


def test_a_taken_username_or_another_retailers_store_adds_nobody(shop):
    counts = _counts()

    with pytest.raises(InvalidInput) as taken:
        retailer_staff_create(caller=shop["caller"], staff=_new(username="CLERK"))
    with pytest.raises(NotFound):
        retailer_staff_create(
            caller=shop["caller"], staff=_new(store=store_make(retailer=shop["other"]).code)
        )

    assert taken.value.code == "username_taken" and taken.value.field == "username"
    assert _counts()["staff"] == counts["staff"] and _counts()["users"] == counts["users"]


def test_the_provider_adds_staff_to_a_named_retailer(shop):
    admin = User.objects.create_user("admin")
    caller = Caller.provider(admin, role="admin")

    record = retailer_staff_create(caller=caller, staff=_new(), retailer=shop["other"])

    assert record.retailer == shop["other"]
    with pytest.raises(InvalidInput):
        retailer_staff_create(caller=caller, staff=_new(username="second"))


def test_deactivation_refuses_oneself_the_last_manager_and_another_retailers_account(shop):
    caller = shop["caller"]
    me = shop["manager"].retailer_staff
    before = snapshot(shop["manager"])

    with pytest.raises(Refused) as self_error:
        retailer_staff_deactivate(caller=caller, staff=me)
    with pytest.raises(NotFound):
        retailer_staff_deactivate(caller=caller, staff=shop["their_manager"].retailer_staff)
    second = _staff("boss2", shop["retailer"])
    retailer_staff_deactivate(caller=Caller.retailer(shop["retailer"], user=second), staff=me)
    with pytest.raises(Refused) as last:
        # boss2 is the last active manager now; a provider cannot remove them either.
        retailer_staff_deactivate(
            caller=Caller.provider(User.objects.create_user("admin"), role="admin"),
            staff=second.retailer_staff,
        )

    assert self_error.value.code == "cannot_deactivate_self" and last.value.code == "last_manager"
    assert snapshot(shop["manager"]) != before  # deactivated by boss2
    assert User.objects.get(pk=second.pk).is_active
    assert User.objects.get(pk=shop["their_manager"].pk).is_active


def test_deactivating_twice_changes_nothing_more(shop):
    clerk = shop["associate"].retailer_staff
    retailer_staff_deactivate(caller=shop["caller"], staff=clerk)
    counts = _counts()

    again = retailer_staff_deactivate(caller=shop["caller"], staff=clerk)

    assert not again.user.is_active and _counts() == counts


def test_the_invitation_goes_only_to_an_active_account_with_an_email(shop):
    clerk = shop["associate"].retailer_staff
    retailer_staff_invitation_check(caller=shop["caller"], staff=clerk)
    User.objects.filter(pk=clerk.user_id).update(email="")
    clerk.refresh_from_db()

    with pytest.raises(Refused) as error:
        retailer_staff_invitation_check(caller=shop["caller"], staff=clerk)
    with pytest.raises(NotFound):
        retailer_staff_invitation_check(
            caller=shop["caller"], staff=shop["their_manager"].retailer_staff
        )
    assert error.value.code == "invitation_not_sent"


def test_a_manager_makes_and_revokes_their_own_retailers_keys(shop):
    key, text = api_key_create(
        caller=shop["caller"],
        retailer=shop["retailer"],
        name="POS",
        scopes=["sales"],
        is_test=False,
    )
    theirs, _ = api_key_create(
        caller=Caller.system("tests"),
        retailer=shop["other"],
        name="Theirs",
        scopes=["sales"],
        is_test=False,
    )
    counts, before = _counts(), snapshot(theirs)

    with pytest.raises(Refused):
        api_key_create(
            caller=shop["caller"], retailer=shop["other"], name="x", scopes=["sales"], is_test=False
        )
    with pytest.raises(NotFound):
        api_key_revoke(caller=shop["caller"], key=theirs)
    with pytest.raises(Refused):
        clerk = Caller.retailer(shop["retailer"], store=shop["store"], user=shop["associate"])
        api_key_revoke(caller=clerk, key=key)

    assert _counts() == counts and snapshot(theirs) == before
    assert api_key_revoke(caller=shop["caller"], key=key).is_revoked
    assert text.startswith("gck_live_")


def test_the_readers_keep_to_the_retailer_as_a_whole(shop):
    key, _ = api_key_create(
        caller=shop["caller"],
        retailer=shop["retailer"],
        name="POS",
        scopes=["sales"],
        is_test=False,
    )
    whole = shop["caller"]
    one_store = Caller.retailer(shop["retailer"], store=shop["store"], user=shop["manager"])

    assert list(api_keys_list(caller=whole)) == [key]
    assert list(api_keys_list(caller=one_store)) == []
    assert {staff.user.username for staff in retailer_staff_list(caller=whole)} == {"boss", "clerk"}
    assert list(retailer_staff_list(caller=one_store)) == []
    assert list(stores_visible(caller=one_store)) == [shop["store"]]
    for wrong in (key.pk + 1000, "1", True, None):
        with pytest.raises(NotFound):
            api_key_get(caller=whole, key_id=wrong)
        with pytest.raises(NotFound):
            retailer_staff_get(caller=whole, staff_id=wrong)
    with pytest.raises(NotFound):
        retailer_staff_get(caller=whole, staff_id=shop["their_manager"].retailer_staff.pk)
