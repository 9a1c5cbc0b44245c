"""Plan products as data: the presets load, and a broken definition is refused by its field."""

import copy
from decimal import Decimal

import pytest

from gemcare.rules.errors import RuleInputError
from gemcare.rules.presets import PLAN_PRESETS
from gemcare.rules.products import plan_terms_from_definition

JEWELRY = {"ring", "bracelet", "necklace", "earrings"}
CARE_CAUSES = {"wear_and_tear", "accidental_damage", "manufacturing_defect"}


def test_care_jewelry_lifetime(terms):
    care = terms("care-jewelry-lifetime")

    assert care.item_kinds == JEWELRY
    assert care.is_lifetime and care.term_years is None
    assert care.proration_years == 5
    assert care.causes == CARE_CAUSES
    assert care.transfer == "any"
    assert care.aggregate_limit is None
    assert len(care.price_bands) == 7


def test_care_jewelry_3yr(terms):
    care = terms("care-jewelry-3yr")

    assert care.item_kinds == JEWELRY
    assert care.term_years == 3
    assert care.proration_years == 3
    assert care.return_to_jeweler_days == 30
    assert care.free_look_days == 30
    assert care.requires_maintenance is False


def test_care_watch_3yr(terms):
    watch = terms("care-watch-3yr")

    assert watch.item_kinds == {"watch"}
    assert watch.term_years == 3
    assert watch.requires_maintenance is True
    assert watch.covered_service("watch", "watch_water_damage").requires_water_resistant
    assert not watch.covered_service("watch", "watch_crystal").requires_water_resistant


def test_ljpp_lifetime(terms):
    ljpp = terms("ljpp-lifetime")

    assert ljpp.item_kinds == JEWELRY
    assert ljpp.is_lifetime
    assert ljpp.proration_years == 5
    assert ljpp.causes == {"wear_and_tear", "manufacturing_defect"}
    assert ljpp.transfer == "gift_recipient_once"
    assert ljpp.aggregate_limit == "item_price"
    assert ljpp.sold_with_item is False
    assert ljpp.return_to_jeweler_days is None
    assert len(ljpp.price_bands) == 6
    assert ljpp.price_bands[-1].high == Decimal("9999.99")
    assert ljpp.covered_service("ring", "ring_sizing").max_sizes == 2
    assert ljpp.covered_service("necklace", "ring_sizing") is None
    assert set(ljpp.state_variations) == {"AL", "AZ", "CA", "FL", "GA", "NV", "OK"}
    assert set(ljpp.state_notices) == {"CT", "GA", "NH", "OR", "SC", "TX", "WI", "NC"}


@pytest.mark.parametrize(
    ("state", "free_look", "no_claim", "deduct", "factor", "provider"),
    [
        ("AL", 30, False, False, "1.0", True),
        ("AZ", 30, False, False, "1.0", True),
        ("CA", 60, True, True, "1.0", False),
        ("FL", None, False, True, "1.0", True),
        ("GA", None, False, False, "0.9", False),
        ("NV", 30, False, False, "1.0", True),
        ("OK", None, False, True, "0.9", False),
    ],
)
def test_ljpp_state_variations(terms, state, free_look, no_claim, deduct, factor, provider):
    row = terms("ljpp-lifetime").state_variations[state]

    assert row.free_look_days == free_look
    assert row.free_look_requires_no_claim is no_claim
    assert row.deduct_services is deduct
    assert row.unearned_factor == Decimal(factor)
    assert row.applies_to_provider is provider


@pytest.mark.parametrize(
    ("code", "kind", "services"),
    [
        (
            "care-jewelry-3yr",
            "ring",
            "prong_repair stone_replacement stone_tightening lost_stone_defective_setting "
            "ring_sizing shank_repair rhodium_plating refinish_polish",
        ),
        (
            "care-jewelry-lifetime",
            "bracelet",
            "prong_repair stone_tightening lost_stone_defective_setting clasp_repair "
            "chain_repair pearl_restringing hinge_pin refinish_polish",
        ),
        (
            "care-jewelry-3yr",
            "necklace",
            "prong_repair stone_tightening lost_stone_defective_setting clasp_repair "
            "chain_repair pearl_restringing rhodium_plating refinish_polish",
        ),
        (
            "care-jewelry-lifetime",
            "earrings",
            "prong_repair stone_tightening lost_stone_defective_setting earring_back_post "
            "rhodium_plating refinish_polish",
        ),
        (
            "care-watch-3yr",
            "watch",
            "watch_movement watch_crystal watch_case_bezel watch_stem_crown watch_clasp_band "
            "watch_strap watch_battery watch_water_damage",
        ),
        (
            "ljpp-lifetime",
            "ring",
            "prong_repair stone_tightening rhodium_plating refinish_polish ring_sizing",
        ),
        (
            "ljpp-lifetime",
            "necklace",
            "prong_repair stone_tightening rhodium_plating refinish_polish "
            "spring_ring_replacement chain_repair pearl_restringing",
        ),
        (
            "ljpp-lifetime",
            "earrings",
            "prong_repair stone_tightening rhodium_plating refinish_polish earring_back_post",
        ),
    ],
)
def test_covered_services_are_the_rulebooks(terms, code, kind, services):
    covered = {service for k, service in terms(code).services if k == kind}

    assert covered == set(services.split())


# --- refused definitions --------------------------------------------------------------------


def broken(code="ljpp-lifetime", change=lambda d: None) -> dict:
    definition = copy.deepcopy(PLAN_PRESETS[code])
    change(definition)
    return definition


def refused_field(definition) -> str:
    with pytest.raises(RuleInputError) as refused:
        plan_terms_from_definition("broken", 1, definition)
    return refused.value.field


def _set(path, value):
    def change(definition):
        target = definition
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_set(["services", 0, "service"], "polishing"), "services[0].service"),
        (_set(["services", 3, "item_kind"], "watch"), "services[3].item_kind"),
        (_set(["item_kinds"], ["ring", "anklet"]), "item_kinds[1]"),
        (_set(["price_bands", 1, "low"], "499.00"), "price_bands"),
        (_set(["price_bands", 2, "price"], "-1.00"), "price_bands[2].price"),
        (_set(["price_bands", 2, "price"], "0.00"), "price_bands[2].price"),
        (_set(["price_bands", 2, "price"], 179.0), "price_bands[2].price"),
        (_set(["price_bands", 0, "high"], "20.00"), "price_bands[0].high"),
        (_set(["price_bands"], []), "price_bands"),
        (_set(["state_variations", 0, "state"], "ZZ"), "state_variations[0].state"),
        (
            _set(["state_variations", 4, "unearned_factor"], "1.1"),
            "state_variations[4].unearned_factor",
        ),
        (
            _set(["state_variations", 4, "unearned_factor"], "0"),
            "state_variations[4].unearned_factor",
        ),
        (_set(["causes"], []), "causes"),
        (_set(["causes"], ["wear_and_tear", "theft"]), "causes[1]"),
        (_set(["proration_years"], 0), "proration_years"),
        (_set(["transfer"], "anyone"), "transfer"),
        (_set(["name"], "  "), "name"),
        (_set(["state_notices"], {"XX": "notice"}), "state_notices"),
    ],
)
def test_a_broken_definition_names_the_field(change, field):
    assert refused_field(broken(change=change)) == field


def test_a_service_listed_twice_is_refused():
    def duplicate(definition):
        definition["services"].append(dict(definition["services"][0]))

    assert refused_field(broken(change=duplicate)).startswith("services[")


def test_bands_are_checked_after_sorting():
    def shuffle(definition):
        definition["price_bands"].reverse()

    terms = plan_terms_from_definition("shuffled", 1, broken(change=shuffle))

    assert [band.low for band in terms.price_bands][:2] == [Decimal("25.00"), Decimal("500.00")]
