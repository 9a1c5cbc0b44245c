"""A holder may file a line without an estimate: its cost is a share of what the plan can pay
(docs/rule-interpretations.md). No database: the rules core alone."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gemcare.rules.adjudication import unestimated_costs

D = Decimal


@pytest.mark.parametrize(
    ("estimates", "payable", "costs"),
    [
        ([None], "1000.00", ["1000.00"]),
        (["100.00", None], "1000.00", ["100.00", "900.00"]),
        ([None, None, None], "1000.00", ["333.34", "333.33", "333.33"]),
        (["1500.00", None], "1000.00", ["1500.00", "0.00"]),
        (["85.00"], "1000.00", ["85.00"]),
        ([], "1000.00", []),
    ],
)
def test_the_share_of_each_line_without_an_estimate(estimates, payable, costs):
    given_estimates = [None if cost is None else D(cost) for cost in estimates]
    assert unestimated_costs(given_estimates, D(payable)) == [D(cost) for cost in costs]


money = st.decimals(min_value=0, max_value=100_000, places=2)


@given(st.lists(st.one_of(st.none(), money), min_size=1, max_size=8), money)
def test_the_open_lines_share_exactly_what_is_left(estimates, payable):
    costs = unestimated_costs(estimates, payable)
    estimated = sum((cost for cost in estimates if cost is not None), D(0))
    pairs = list(zip(costs, estimates, strict=True))
    shares = [cost for cost, estimate in pairs if estimate is None]
    assert all(cost == estimate for cost, estimate in pairs if estimate is not None)
    if shares:
        assert sum(shares) == max(D(0), payable - estimated)
        assert max(shares) - min(shares) <= D("0.01") * len(shares)
        assert all(share >= 0 and share == share.quantize(D("0.01")) for share in shares)
