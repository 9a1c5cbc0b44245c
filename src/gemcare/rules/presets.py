"""The products Gemcare ships with (RULEBOOK §2, §5.1 and §6), as plain definitions.

The catalog loads these into editable drafts and publishes them as version 1; from then on
the catalog's rows, not this module, are the truth.
"""

JEWELRY_KINDS = ["ring", "bracelet", "necklace", "earrings"]
CARE_CAUSES = ["wear_and_tear", "accidental_damage", "manufacturing_defect"]

CARE_JEWELRY_SERVICES = {
    "ring": [
        "prong_repair",
        "stone_replacement",
        "stone_tightening",
        "lost_stone_defective_setting",
        "ring_sizing",
        "shank_repair",
        "rhodium_plating",
        "refinish_polish",
    ],
    "bracelet": [
        "prong_repair",
        "stone_tightening",
        "lost_stone_defective_setting",
        "clasp_repair",
        "chain_repair",
        "pearl_restringing",
        "hinge_pin",
        "refinish_polish",
    ],
    "necklace": [
        "prong_repair",
        "stone_tightening",
        "lost_stone_defective_setting",
        "clasp_repair",
        "chain_repair",
        "pearl_restringing",
        "rhodium_plating",
        "refinish_polish",
    ],
    "earrings": [
        "prong_repair",
        "stone_tightening",
        "lost_stone_defective_setting",
        "earring_back_post",
        "rhodium_plating",
        "refinish_polish",
    ],
}
WATCH_SERVICES = [
    "watch_movement",
    "watch_crystal",
    "watch_case_bezel",
    "watch_stem_crown",
    "watch_clasp_band",
    "watch_strap",
    "watch_battery",
    "watch_water_damage",
]
LJPP_COMMON = ["prong_repair", "stone_tightening", "rhodium_plating", "refinish_polish"]
LJPP_CHAIN = ["spring_ring_replacement", "chain_repair", "pearl_restringing"]
LJPP_SERVICES = {
    "ring": [*LJPP_COMMON, "ring_sizing"],
    "bracelet": [*LJPP_COMMON, *LJPP_CHAIN],
    "necklace": [*LJPP_COMMON, *LJPP_CHAIN],
    "earrings": [*LJPP_COMMON, "earring_back_post"],
}

BAND_EDGES = [
    ("25.00", "499.99"),
    ("500.00", "999.99"),
    ("1000.00", "1999.99"),
    ("2000.00", "3999.99"),
    ("4000.00", "6999.99"),
    ("7000.00", "9999.99"),
    ("10000.00", "24999.99"),
]
BAND_PRICES = {
    "care-jewelry-lifetime": ["59.00", "99.00", "149.00", "229.00", "349.00", "499.00", "749.00"],
    "care-jewelry-3yr": ["39.00", "69.00", "99.00", "149.00", "229.00", "329.00", "499.00"],
    "care-watch-3yr": ["49.00", "79.00", "119.00", "179.00", "269.00", "379.00", "549.00"],
    "ljpp-lifetime": ["69.00", "119.00", "179.00", "269.00", "399.00", "549.00"],
}

ZALE_INDEMNITY = (
    "Our obligations under this Plan are insured under a service contract reimbursement "
    "insurance policy issued by Zale Indemnity Company. Should we fail to provide, or reimburse "
    "or pay for, any claim covered under this Plan within sixty (60) days of filing such a "
    "claim, or if we become insolvent or otherwise financially impaired, you are entitled to "
    "make a direct claim against the insurer by submitting your claim in writing to Zale "
    "Indemnity Company, 901 W. Walnut Hill Lane, Irving, Texas, 75038, 800-999-7829."
)
LJPP_STATE_NOTICES = {
    "CT": "In the event that you have attempted but are unable to resolve a dispute with the "
    "provider, you may contact The State of Connecticut, Insurance Department, PO Box 816, "
    "Hartford, CT 06142-0816, Attn: Consumer Affairs. " + ZALE_INDEMNITY,
    "GA": "This Plan is guaranteed by a surety bond issued by Western Surety Company, 101 S. "
    "Philips Ave., Sioux Falls, SD 57104-6735. If a claim for service or a refund under the "
    "Plan is not honored by us within sixty (60) days, you may make such claim directly with "
    "Western Surety Company.",
    "NH": "In the event you do not receive satisfaction under this contract, you may contact the "
    "New Hampshire Insurance Department, 21 South Fruit Street, Suite 14, Concord, New "
    "Hampshire, 03301, or by telephone at 1-800-852-3416.",
    "OR": "If you do not receive satisfaction under this Plan, you may contact the Oregon "
    "Insurance Division, Consumer Advocacy Unit, 350 Winter Street NE, Salem, Oregon 97301, "
    "1-888-877-4894.",
    "SC": "In the event of a dispute with the provider of this contract, you may contact the "
    "South Carolina Department of Insurance, Capitol Center, 1201 Main Street, Suite 1000, "
    "Columbia, South Carolina 29202-3105, 1-800-768-3467.",
    "TX": "Unresolved complaints concerning us or questions concerning the regulation of a "
    "service contract provider may be addressed to the Texas Department of Licensing and "
    "Regulation, P.O. Box 12157, Austin, Texas 78711, 512-463-6599 or 800-803-9202.",
    "WI": "THIS CONTRACT IS SUBJECT TO LIMITED REGULATION BY THE OFFICE OF THE COMMISSIONER OF "
    "INSURANCE. " + ZALE_INDEMNITY,
    "NC": "Purchase of this Plan is not required to purchase or finance the jewelry covered by "
    "this product.",
}


def _bands(code: str) -> list[dict]:
    return [
        {"low": low, "high": high, "price": price}
        for (low, high), price in zip(BAND_EDGES, BAND_PRICES[code], strict=False)
    ]


def _services(by_kind: dict[str, list[str]], **extra: dict) -> list[dict]:
    return [
        {"item_kind": kind, "service": service, **extra.get(service, {})}
        for kind, services in by_kind.items()
        for service in services
    ]


def _state(state, free_look, deduct, factor, applies, *, no_claim=False) -> dict:
    return {
        "state": state,
        "free_look_days": free_look,
        "free_look_requires_no_claim": no_claim,
        "deduct_services": deduct,
        "unearned_factor": factor,
        "applies_to": applies,
    }


def _care(name: str, term_years: int | None, kinds: dict[str, list[str]], **extra) -> dict:
    return {
        "name": name,
        "item_kinds": list(kinds),
        "term_years": term_years,
        "proration_years": term_years or 5,
        "causes": CARE_CAUSES,
        "transfer": "any",
        "aggregate_limit": None,
        "sold_with_item": True,
        "return_to_jeweler_days": 30,
        "free_look_days": 30,
        "requires_maintenance": False,
        "replacement": "an item of like kind and quality",
        "state_variations": [],
        "state_notices": {},
        **extra,
    }


PLAN_PRESETS: dict[str, dict] = {
    "care-jewelry-lifetime": _care(
        "Care Plan, jewelry, lifetime",
        None,
        CARE_JEWELRY_SERVICES,
        services=_services(CARE_JEWELRY_SERVICES),
        price_bands=_bands("care-jewelry-lifetime"),
    ),
    "care-jewelry-3yr": _care(
        "Care Plan, jewelry, 3 years",
        3,
        CARE_JEWELRY_SERVICES,
        services=_services(CARE_JEWELRY_SERVICES),
        price_bands=_bands("care-jewelry-3yr"),
    ),
    "care-watch-3yr": _care(
        "Care Plan, watch, 3 years",
        3,
        {"watch": WATCH_SERVICES},
        requires_maintenance=True,
        services=_services(
            {"watch": WATCH_SERVICES},
            watch_water_damage={"requires_water_resistant": True},
        ),
        price_bands=_bands("care-watch-3yr"),
    ),
    "ljpp-lifetime": {
        "name": "Lifetime Jewelry Protection Plan",
        "item_kinds": JEWELRY_KINDS,
        "term_years": None,
        "proration_years": 5,
        "causes": ["wear_and_tear", "manufacturing_defect"],
        "transfer": "gift_recipient_once",
        "aggregate_limit": "item_price",
        "sold_with_item": False,
        "return_to_jeweler_days": None,
        "free_look_days": 30,
        "requires_maintenance": False,
        "replacement": "similar merchandise or store credit",
        "services": _services(LJPP_SERVICES, ring_sizing={"max_sizes": 2}),
        "price_bands": _bands("ljpp-lifetime"),
        "state_variations": [
            _state("AL", 30, False, "1.0", "both"),
            _state("AZ", 30, False, "1.0", "both"),
            _state("CA", 60, True, "1.0", "holder", no_claim=True),
            _state("FL", None, True, "1.0", "both"),
            _state("GA", None, False, "0.9", "holder"),
            _state("NV", 30, False, "1.0", "both"),
            _state("OK", None, True, "0.9", "holder"),
        ],
        "state_notices": LJPP_STATE_NOTICES,
    },
}

INSURANCE_PRESETS: dict[str, dict] = {
    "personal-jewelry": {
        "name": "Personal jewelry insurance",
        "default_rate": "1.20",
        "state_rates": {"CA": "1.45", "FL": "1.60", "NY": "1.55", "TX": "1.40"},
        "deductible_factors": {
            "0": "1.10",
            "100": "1.00",
            "250": "0.92",
            "500": "0.85",
            "1000": "0.75",
        },
        "minimum_premium": "50.00",
        "installment_fee": "2.50",
        "installment_counts": [1, 12],
    }
}
