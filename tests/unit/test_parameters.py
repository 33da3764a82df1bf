"""Rules as dated data (issue #12): the parameter files, their loader and the formula registry."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from mips.categories.ia import ACTIVITY_POINTS
from mips.categories.quality import ADMIN_CLAIMS_PLACEMENT
from mips.cli import main
from mips.reference.resolve import REQUIRED_FILES, required_files
from mips.reweighting import SUBMISSION_COUNTS
from mips.rules import RULE_SET_CLASSES, RULES, rules_for
from mips.rules.formulas import FormulaRegistry
from mips.rules.ia import IaRules
from mips.rules.loader import Parameter, ParameterError, build, parameters, years

YEARS = sorted(RULES)


def test_given_the_parameter_files_then_the_engine_scores_2024_exact_2025_exact_and_2026_preview():
    assert YEARS == [2024, 2025, 2026]
    assert [(y, rules_for(y).payment_year, rules_for(y).status) for y in YEARS] == [
        (2024, 2026, "exact"),
        (2025, 2027, "exact"),
        (2026, 2028, "preview"),
    ]
    assert rules_for(2024).estimates == ()
    assert rules_for(2026).estimates and all(rules_for(2026).estimates)


@pytest.mark.parametrize("name", sorted(RULE_SET_CLASSES))
def test_given_a_rule_set_then_its_file_has_exactly_one_entry_per_dataclass_field(name):
    """The mapping to the typed rule objects stays obvious: entry name = field name, nothing else."""
    names = {f.name for f in fields(RULE_SET_CLASSES[name]) if f.name != "sources"}
    assert set(parameters(name)) == names


@pytest.mark.parametrize("year", YEARS)
def test_given_any_year_then_every_field_is_cited_and_unconfirmed_values_say_so(year):
    for name, rule_set in rules_for(year).rule_sets().items():
        assert rule_set.undocumented() == [], (year, name)
        for field, entry in parameters(name).items():
            pv = entry.in_force(year)
            assert pv is not None, (year, name, field)
            assert ("UNCONFIRMED" in rule_set.sources[field]) == (pv.status == "unconfirmed"), (name, field)


def test_given_dated_values_then_the_value_in_force_is_the_latest_at_or_before_the_year():
    p = Parameter.model_validate(
        {
            "values": {
                2024: {"value": 1, "reference": "a", "status": "confirmed"},
                2026: {"value": 3, "reference": "c", "status": "unconfirmed"},
            }
        }
    )
    assert p.in_force(2023) is None
    assert p.in_force(2024).value == 1  # type: ignore[union-attr]
    assert p.in_force(2025).value == 1  # type: ignore[union-attr]  (carried forward)
    assert p.in_force(2030).value == 3  # type: ignore[union-attr]


def test_given_2025_then_the_research_values_are_in_force():
    """rules-2025-2026 §0.4, §5, §7, §10: the values that change in PY2025."""
    r = rules_for(2025)
    assert r.payment.scaling_factor is None and "scaling_factor" in r.payment.unconfirmed()  # §14 Q1
    assert r.payment.estimate_scaling_factor == pytest.approx(1.05 / 9)
    assert (
        r.ia.points_per_activity,
        r.ia.special_status_points_per_activity,
        r.ia.mvp_points_per_activity,
    ) == (
        20.0,
        40.0,
        40.0,
    )
    assert r.cost.suppressed_measure_ids == {"COST_AKID_1", "COST_EDV_1"}
    assert r.cost.case_minimum("COST_RA_1") == 20 and "measure_case_minimum_groups" in r.cost.unconfirmed()
    assert r.pi.suppressed_measures == ("PI_PHCDRR_3",)
    coa = r.quality.complex_organization_adjustment
    assert coa is not None and coa.cap_fraction_of_available == 0.10 and "apmEntity" in coa.entity_types
    assert r.quality.app_plus_program_name == "appPlus"
    assert ("112", "112SSP") in r.quality.app_plus_measure_slots
    assert r.quality.app_plus_admin_claims_measures == ("479",)
    # 2026: + 113 and 484 in APP Plus, mock benchmarks unusable, eCR no longer suppressed
    r26 = rules_for(2026)
    assert ("113", "113SSP") in r26.quality.app_plus_measure_slots
    assert r26.quality.app_plus_admin_claims_measures == ("479", "484")
    assert not r26.cost.benchmarks_usable and not r26.quality.admin_claims_benchmarks_usable
    assert r26.pi.suppressed_measures == ()
    # 2024 keeps its own values (nothing of the later years leaks back)
    r24 = rules_for(2024)
    assert r24.payment.scaling_factor == pytest.approx(1.05 / 9)
    assert r24.quality.complex_organization_adjustment is None and r24.cost.suppressed_measure_ids == set()


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "ia.yaml").write_text(text)
    return tmp_path


def _ia_yaml(extra: str = "", max_points: str = "40") -> str:
    body = [
        f"{f.name}:\n  values:\n    2024: {{value: {'40' if f.name == 'max_points' else 'null'}, "
        f"reference: 'spec 5.1', status: confirmed}}"
        for f in fields(IaRules)
        if f.name != "sources"
    ]
    return ("\n".join(body) + "\n" + extra).replace("value: 40,", f"value: {max_points},")


def test_given_a_parameter_file_with_an_unknown_entry_then_loading_fails_with_its_name(tmp_path):
    parameters.cache_clear()
    d = _write(
        tmp_path, _ia_yaml("max_pionts:\n  values:\n    2024: {value: 1, reference: r, status: confirmed}\n")
    )
    with pytest.raises(ParameterError, match="max_pionts"):
        build(IaRules, "ia", 2024, d)
    parameters.cache_clear()


def test_given_a_value_without_status_or_of_the_wrong_type_then_loading_fails(tmp_path):
    parameters.cache_clear()
    d = _write(tmp_path, "max_points:\n  values:\n    2024: {value: 40, reference: r}\n")
    with pytest.raises(ParameterError, match="status"):
        build(IaRules, "ia", 2024, d)
    parameters.cache_clear()
    d = _write(tmp_path, _ia_yaml(max_points="forty"))
    with pytest.raises(ParameterError, match="max_points"):
        build(IaRules, "ia", 2024, d)
    parameters.cache_clear()


def test_given_a_required_field_without_a_value_for_the_year_then_loading_fails(tmp_path):
    parameters.cache_clear()
    d = _write(tmp_path, _ia_yaml())
    with pytest.raises(ParameterError, match="no value in force for 2023"):
        build(IaRules, "ia", 2023, d)
    parameters.cache_clear()


def test_given_a_formula_registry_then_the_latest_formula_at_or_before_the_year_applies():
    reg: FormulaRegistry = FormulaRegistry("demo")
    reg.register(2024)(lambda: "a")
    reg.register(2026)(lambda: "b")
    assert [reg.for_year(y)() for y in (2024, 2025, 2026, 2030)] == ["a", "a", "b", "b"]
    with pytest.raises(LookupError):
        reg.for_year(2023)
    with pytest.raises(ValueError, match="already registered"):
        reg.register(2024)(lambda: "c")


def test_given_the_engine_registries_then_2025_switches_ia_admin_claims_and_submission_rules():
    """IA unweighted and admin-claims cost-style from 2025 (rules-2025-2026 §5, §4.7, §3)."""
    for reg in (ACTIVITY_POINTS, ADMIN_CLAIMS_PLACEMENT, SUBMISSION_COUNTS):
        assert reg.years() == [2024, 2025]
        assert reg.for_year(2024) is not reg.for_year(2025)
        assert reg.for_year(2026) is reg.for_year(2025)


def test_given_years_yaml_then_each_year_cites_its_payment_year():
    assert all(e.reference for e in years().values())


def test_given_2026_then_cost_national_averages_are_not_required_upstream():
    assert "cost-national-averages.json" in REQUIRED_FILES
    assert "cost-national-averages.json" in required_files(2025)
    assert "cost-national-averages.json" not in required_files(2026)


def test_given_mips_rules_year_2025_then_the_pack_prints_with_citations_and_dates(capsys):
    assert main(["rules", "--year", "2025"]) == 0
    out = capsys.readouterr().out
    assert "Performance year 2025 (payment year 2027): exact rule pack" in out
    assert "payment.scaling_factor = null" in out
    assert "[from 2025, unconfirmed]" in out and "[from 2024, confirmed]" in out
    assert "ia.points_per_activity = 20.0" in out


def test_given_mips_rules_year_2026_unconfirmed_json_then_rows_carry_from_year_and_status(capsys):
    import json

    assert main(["rules", "--year", "2026", "--unconfirmed", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    sf = next(r for r in rows if r["name"] == "scaling_factor")
    assert sf["value"] is None and sf["fromYear"] == 2026 and sf["status"] == "unconfirmed"
    assert all("UNCONFIRMED" in r["source"] for r in rows)
