"""The codes the rulebook names: item kinds, causes, services, states, perils."""

ITEM_KINDS = frozenset({"ring", "bracelet", "necklace", "earrings", "watch"})
# What a policy may schedule (RULEBOOK §6): wider than the plans' item kinds, since a policy
# covers any jewelry shown on its declarations page.
INSURANCE_ITEM_KINDS = frozenset(
    {
        "ring",
        "bracelet",
        "necklace",
        "earrings",
        "watch",
        "pendant",
        "brooch",
        "loose_stone",
        "other",
    }
)

COVERABLE_CAUSES = frozenset({"wear_and_tear", "accidental_damage", "manufacturing_defect"})
NEVER_COVERED_CAUSES = frozenset(
    {"loss", "theft", "mysterious_disappearance", "abuse", "unauthorized_alteration", "act_of_god"}
)
CAUSES = COVERABLE_CAUSES | NEVER_COVERED_CAUSES

SERVICES = frozenset(
    {
        "prong_repair",
        "stone_replacement",
        "stone_tightening",
        "lost_stone_defective_setting",
        "ring_sizing",
        "shank_repair",
        "rhodium_plating",
        "refinish_polish",
        "clasp_repair",
        "chain_repair",
        "pearl_restringing",
        "hinge_pin",
        "earring_back_post",
        "spring_ring_replacement",
        "watch_movement",
        "watch_crystal",
        "watch_case_bezel",
        "watch_stem_crown",
        "watch_clasp_band",
        "watch_strap",
        "watch_battery",
        "watch_water_damage",
    }
)

US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
    ]
)

CANCELLERS = frozenset({"holder", "provider"})
PROVIDER_CANCELLATION_REASONS = frozenset({"non_payment", "fraud", "misrepresentation"})
HOLDER_CANCELLATION_REASONS = frozenset({"duplicate_warranty", "holder_request"})
CANCELLATION_REASONS = PROVIDER_CANCELLATION_REASONS | HOLDER_CANCELLATION_REASONS

COVERED_PERILS = frozenset(
    {
        "theft",
        "mysterious_disappearance",
        "accidental_damage",
        "fire",
        "flood",
        "earthquake",
        "civil_authority_fire_prevention",
        "nuclear_fire",
    }
)
EXCLUDED_PERILS = frozenset(
    {
        "civil_authority",
        "deterioration",
        "intentional_act",
        "nuclear",
        "vermin",
        "voluntary_parting_fraud",
        "war",
        "contraband",
    }
)
WEAR_AND_TEAR = "wear_and_tear"
PERILS = COVERED_PERILS | EXCLUDED_PERILS | {WEAR_AND_TEAR}
WEAR_AND_TEAR_REPAIRS = frozenset(
    {"prong_repair", "earring_back_post", "clasp_repair", "pearl_restringing", "stone_tightening"}
)
TOTAL_LOSS_PERILS = frozenset({"theft", "mysterious_disappearance"})


def check_code(value: object, allowed: frozenset[str], *, field: str, what: str) -> str:
    from gemcare.rules.errors import RuleInputError

    if not isinstance(value, str) or value not in allowed:
        raise RuleInputError(field, value, f"is not a known {what}")
    return value
