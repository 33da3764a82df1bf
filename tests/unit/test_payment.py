"""2026 payment adjustment (spec 10, E23): threshold 75, applicable percent 9, SF 1.05/9, step at 18.75."""

from __future__ import annotations

import dataclasses

import pytest
from mips.eligibility import EligibilityResult
from mips.final import adjustment_percent, payment_adjustment

# E23, each computed by hand from spec 10:
#   above 75: +9 x (1.05/9) x (FS - 75)/25 = 0.042 x (FS - 75)
#   18.75 < FS < 75: -9 x (75 - FS)/75 = -0.12 x (75 - FS);  FS <= 18.75: -9
E23 = [
    (100.0, 1.05),  # 0.042 x 25
    (90.0, 0.63),  # 0.042 x 15
    (80.0, 0.21),  # 0.042 x 5
    (76.0, 0.042),  # 0.042 x 1
    (75.0, 0.0),
    (74.0, -0.12),  # -0.12 x 1
    (60.0, -1.8),  # -0.12 x 15
    (50.0, -3.0),  # -0.12 x 25
    (40.0, -4.2),  # -0.12 x 35
    (20.0, -6.6),  # -0.12 x 55
    (18.76, -6.7488),  # -0.12 x 56.24
    (18.75, -9.0),  # = 75/4: the step
    (10.0, -9.0),
    (0.0, -9.0),
    (78.8645, 0.1623),  # E1: 0.042 x 3.8645 = 0.162309
    (79.8575, 0.2040),  # E2: 0.042 x 4.8575 = 0.204015
    (38.65, -4.362),  # spec 17 PUF check: -9 x 36.35 / 75 = -4.362
]


@pytest.mark.parametrize(("fs", "expected"), E23)
def test_e23_final_score_to_2026_adjustment(rules, fs, expected):
    pct, detail = adjustment_percent(fs, rules.payment)
    assert pct == pytest.approx(expected, abs=5e-5)
    assert "spec " not in detail  # issue 9 item 8: no citation of a document the repo does not ship
    assert "scaling factor" in detail or "threshold" in detail or "-9%" in detail


def test_negative_line_is_anchored_at_zero_not_at_18_75(rules):
    """spec 16 item 5: the slope is -0.12%/point, not -0.16%/point, so 18.76 is far from -9%."""
    above, _ = adjustment_percent(18.7501, rules.payment)
    at, _ = adjustment_percent(18.75, rules.payment)
    assert at == -9.0
    assert above == pytest.approx(-9 * (75 - 18.7501) / 75)  # -6.7500
    assert above - at > 2.2


@pytest.mark.parametrize(("fs", "direction"), [(80.0, "positive"), (75.0, "neutral"), (60.0, "negative")])
def test_direction_follows_the_sign(rules, fs, direction):
    pa = payment_adjustment(fs, EligibilityResult(status="required"), rules)
    assert pa.direction == direction
    assert pa.payment_year == 2026


def test_float_noise_at_the_threshold_is_neutral(rules):
    """0.3 x 75 + 0.3 x 75 + 0.15 x 75 + 0.25 x 75 may be 74.99999999999999 in floating point."""
    fs = 0.3 * 75 + 0.3 * 75 + 0.15 * 75 + 0.25 * 75
    pa = payment_adjustment(fs, EligibilityResult(status="required"), rules)
    assert pa.percent == 0.0 and pa.direction == "neutral"


@pytest.mark.parametrize("status", ["excluded", "optInEligible"])
def test_given_not_eligible_for_adjustment_then_zero_and_explained(rules, status):
    """spec 1.3: excluded or voluntary (opt-in eligible, no election) reporters receive no adjustment."""
    pa = payment_adjustment(90.0, EligibilityResult(status=status), rules)
    assert pa.percent == 0.0 and pa.direction == "neutral" and not pa.applies
    assert "+0.6300%" in pa.detail  # what it would have been: 0.042 x 15


def test_scaling_factor_and_comparison_rounding_are_parameters(rules):
    """spec 10: 'Engines should take SF as configuration'; spec 9.1: comparison precision UNCONFIRMED."""
    p = dataclasses.replace(rules.payment, scaling_factor=1.0)
    assert adjustment_percent(100.0, p)[0] == pytest.approx(9.0)
    p2 = dataclasses.replace(rules.payment, final_score_comparison_decimals=2)
    assert adjustment_percent(74.996, p2)[0] == 0.0  # 74.996 rounds to 75.00
    assert adjustment_percent(74.996, rules.payment)[0] == pytest.approx(-9 * 0.004 / 75)
