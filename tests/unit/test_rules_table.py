"""Every year-dependent value carries a citation; UNCONFIRMED ones are listed (spec 0.1, 15)."""

from __future__ import annotations

import pytest
from mips.rules import rules_for

RULE_SETS = sorted(rules_for(2024).rule_sets().items())


@pytest.mark.parametrize(("name", "rule_set"), RULE_SETS, ids=[n for n, _ in RULE_SETS])
def test_given_2024_rules_when_listing_fields_then_every_field_has_a_citation(name, rule_set):
    assert rule_set.undocumented() == [], f"{name}: fields without a citation"


@pytest.mark.parametrize(("name", "rule_set"), RULE_SETS, ids=[n for n, _ in RULE_SETS])
def test_given_2024_rules_when_reading_citations_then_each_names_a_spec_section(name, rule_set):
    for field, citation in rule_set.sources.items():
        assert "spec" in citation.lower() or "§" in citation, f"{name}.{field}: {citation!r}"


def test_given_2024_rules_when_listing_unconfirmed_then_the_spec_15_items_of_issue_5_are_flagged():
    """spec 15 items 8-10, 34, 37: these values must stay marked UNCONFIRMED until CMS text confirms them."""
    r = rules_for(2024)
    assert "scaling_factor" in r.payment.unconfirmed()  # item 37
    assert "final_score_comparison_decimals" in r.payment.unconfirmed()  # item 12
    # items 8, 9 are settled by 42 CFR 414.1380(c)(2)(ii)(F), (G) and 414.1367(d) (cfr-verification-2024.md)
    assert r.weights.unconfirmed() == []
    assert {"cpb_population_individual", "cpb_population_group"} <= set(r.bonus.unconfirmed())
    # settled by 42 CFR 414.1380(c)(3)(v)-(viii) (cfr-verification-2024.md)
    assert "cpb_component_multiplier" not in r.bonus.unconfirmed()
    assert "asc_based_min_share" not in r.eligibility.unconfirmed()  # settled: 414.1305 definition
    # confirmed values are not flagged
    assert "performance_threshold" not in r.payment.unconfirmed()
    assert "lvt_allowed_charges" not in r.eligibility.unconfirmed()


def test_unconfirmed_listing_is_printed_for_review(capsys):
    """Lists every UNCONFIRMED parameter (visible with pytest -s); fails if a listed one lacks a citation."""
    for name, rule_set in RULE_SETS:
        for field in rule_set.unconfirmed():
            print(f"{name}.{field}: {rule_set.sources[field]}")
    out = capsys.readouterr().out
    assert "payment.scaling_factor" in out


@pytest.mark.parametrize(
    "table",
    [
        "standard_table",
        "small_practice_table",
        "apm_entity_table",
        "apm_entity_small_practice_table",
        "app_table",
    ],
)
def test_given_a_redistribution_table_when_summing_each_row_then_weights_total_100(table):
    """spec 3.0: weights sum to 100 whenever at least two categories are scored."""
    for key, row in getattr(rules_for(2024).weights, table).items():
        assert sum(row.values()) == 100, (table, sorted(key))
        assert all(row[c] == 0 for c in key), (table, sorted(key))  # a reweighted category carries 0%


#: cfr-verification-2024.md §2: of the 52 former UNCONFIRMED parameters, only those no source settles
#: remain flagged (items 5-9, 12, 18, 22-29, 36, 39, 40, 42, 48, 49, 51, 52), plus the EMA algorithm added
#: for spec 4.9 (spec 15 #23).
UNCONFIRMED_2024 = {
    "quality.overall_stratum_names",
    "quality.split_scored_strata",
    "quality.average_skips_zero_denominator_strata",
    "quality.non_proportion_rate_source",
    "quality.outcome_measure_types",
    "quality.admin_claims",
    "quality.mvp_population_health_measures_counted",
    "quality.ema_denominator_reduction",
    "pi.no_on_required_fails_category",
    "pi.hie_pick_best_option",
    "pi.public_health_points_one_excluded",
    "pi.measure_points_rounding",
    "pi.proportion_minimum_points",
    "pi.exclusion_redistribution",
    "pi.excluded_together",
    "pi.exclusion_with_measure_policy",
    "cost.group_entity_types",
    "eligibility.clinician_types",
    "eligibility.newly_enrolled_may_opt_in",
    "eligibility.status_in_either_segment",
    "payment.scaling_factor",
    "payment.final_score_comparison_decimals",
    "bonus.cpb_population_individual",
    "bonus.cpb_population_group",
}

#: rules-2025-2026.md: the PY2025 values that rest on secondary sources or are unknown (dated parameters with
#: status unconfirmed); every 2024 item stays unsettled in 2025 (§14 item 8, "carry-over").
UNCONFIRMED_FROM_2025 = {
    "bonus.cpb_cap",  # §8, §14 Q14
    "cost.measure_case_minimum_groups",  # §7.1, §14 Q4: the new measures' groups
    "eligibility.pi_auto_reweight_clinician_types",
    "ia.apm_participation_credit_points",  # §5, §14 Q2
    "ia.app_automatic_score_percent",
    "ia.points_per_activity",  # §5, §14 Q2
    "ia.special_status_points_per_activity",
    "ia.mvp_points_per_activity",
    "payment.estimate_scaling_factor",  # §10.1, §14 Q1
    "payment.performance_threshold",
    "pi.min_performance_period_days",
    "weights.ia_automatic_reporting_options",
}

#: PY2026 (preview): the 2025 list, with the 2026 threshold settled and three new unconfirmed values.
UNCONFIRMED_2026 = (
    UNCONFIRMED_2024
    | UNCONFIRMED_FROM_2025
    | {
        "cost.suppressed_measure_ids",
        "pi.bonus_measures",  # TEFCA bonus measure
        "quality.suppressed_reason_codes",  # BR-016 added
    }
) - {"payment.performance_threshold"}


def _unconfirmed(year: int) -> set[str]:
    return {f"{n}.{f}" for n, rs in rules_for(year).rule_sets().items() for f in rs.unconfirmed()}


def test_unconfirmed_list_is_exactly_what_no_source_settles():
    """cfr-verification-2024.md §2: the 2024 list is exactly what no source settles."""
    assert _unconfirmed(2024) == UNCONFIRMED_2024


def test_given_2025_when_listing_unconfirmed_then_the_2024_items_plus_the_2025_unknowns():
    """rules-2025-2026.md §14: the 2025 pack adds its own unconfirmed values to the 2024 ones."""
    assert _unconfirmed(2025) == UNCONFIRMED_2024 | UNCONFIRMED_FROM_2025


def test_given_2026_when_listing_unconfirmed_then_the_2025_items_adjusted_for_2026():
    """rules-2025-2026.md §14 Q10-Q14: the 2026 preview pack's unconfirmed values."""
    assert _unconfirmed(2026) == UNCONFIRMED_2026
