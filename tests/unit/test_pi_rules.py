"""The 2024 PI rules table (spec 6, 15 items 27-30): every value cited, UNCONFIRMED ones flagged."""

from __future__ import annotations

from mips.rules import YearRules
from mips.rules.pi import HIE_OPTION_TARGET, PUBLIC_HEALTH_SLOT


def test_given_pi_rules_when_inspected_then_every_field_has_a_citation(rules: YearRules):
    assert rules.pi.undocumented() == []


def test_given_pi_rules_when_inspected_then_spec_unconfirmed_items_are_flagged(rules: YearRules):
    """Spec 15 items 27-29 and 6.2-6.4: rounding, one-excluded, HIE choice, redistribution are UNCONFIRMED."""
    assert {
        "measure_points_rounding",
        "proportion_minimum_points",
        "public_health_points_one_excluded",
        "hie_pick_best_option",
        "no_on_required_fails_category",
        "exclusion_redistribution",
        "excluded_together",
    } <= set(rules.pi.unconfirmed())
    assert "min_performance_period_days" not in rules.pi.unconfirmed()


def test_given_2024_pi_rules_when_read_then_spec_values(rules: YearRules):
    """Spec 6.1-6.4 and 0.4: 180 days, points 10/10/15+15|30|30/25/25, bonus 5, cap 100, table of 6.4."""
    pi = rules.pi
    assert pi.min_performance_period_days == 180
    assert dict(pi.measure_max_points) == {
        "PI_EP_1": 10,
        "PI_EP_2": 10,
        "PI_HIE_1": 15,
        "PI_HIE_4": 15,
        "PI_HIE_5": 30,
        "PI_HIE_6": 30,
        "PI_PEA_1": 25,
    }
    assert (pi.public_health_points, pi.bonus_points, pi.category_cap) == (25, 5, 100)
    assert pi.measure_points_rounding == "half_up"
    assert dict(pi.exclusion_redistribution) == {
        "PI_EP_2": ("PI_EP_1",),
        "PI_EP_1": (HIE_OPTION_TARGET,),
        "PI_HIE_1": ("PI_PEA_1",),
        "PI_HIE_4": ("PI_PEA_1",),
        PUBLIC_HEALTH_SLOT: ("PI_PEA_1",),
    }
    # the 2024 maximum without bonus is 100: 10 + 10 + 30 + 25 + 25
    hie_max = max(sum(pi.measure_max_points[m] for m in opt) for opt in pi.hie_options)
    assert (
        pi.measure_max_points["PI_EP_1"]
        + pi.measure_max_points["PI_EP_2"]
        + hie_max
        + pi.measure_max_points["PI_PEA_1"]
        + pi.public_health_points
        == 100
    )
