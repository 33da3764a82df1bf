"""Cost parameters by performance year (spec 7, 11.1, 11.2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .base import RuleSet

#: Case-minimum groups of spec 7.1 (the key of each group's case-minimum field below).
POPULATION_TPCC = "tpcc"
POPULATION_MSPB = "mspb"
PROCEDURAL = "procedural"
ACUTE_INPATIENT = "acuteInpatient"
CHRONIC_CONDITION = "chronicCondition"
NEW_2024 = "new2024"
COLON_RECTAL_RESECTION = "colonRectalResection"


@dataclass(frozen=True, kw_only=True)
class CostRules(RuleSet):
    """Every value that changes by year for cost; see ``sources`` for citations."""

    benchmark_submission_method: str
    tpcc_case_minimum: int
    mspb_case_minimum: int
    procedural_case_minimum: int
    acute_inpatient_case_minimum: int
    chronic_condition_case_minimum: int
    new_2024_case_minimum: int
    #: Colon and Rectal Resection (COST_CRR_1): its own case minimum (42 CFR 414.1350(c)(4))
    colon_rectal_resection_case_minimum: int
    #: measure id -> case-minimum group (one of the constants above)
    measure_case_minimum_groups: Mapping[str, str] = field(hash=False)
    group_only_measure_ids: frozenset[str]
    group_entity_types: frozenset[str]
    points_above_p99: float
    measure_points_decimals: int
    category_score_multiplier: float
    improvement_max_percentage_points: float
    max_score_percent: float
    #: measures CMS suppressed for the year: not scored, and not reported as lacking a benchmark
    suppressed_measure_ids: frozenset[str] = frozenset()
    #: False when the year's cost benchmark rows must not be used (CMS mock data): cost is not scored
    benchmarks_usable: bool = True

    def case_minimum(self, measure_id: str) -> int | None:
        """The case minimum for ``measure_id`` (spec 7.1), or None for a measure this year does not know."""
        group = self.measure_case_minimum_groups.get(measure_id)
        if group is None:
            return None
        return {
            POPULATION_TPCC: self.tpcc_case_minimum,
            POPULATION_MSPB: self.mspb_case_minimum,
            PROCEDURAL: self.procedural_case_minimum,
            ACUTE_INPATIENT: self.acute_inpatient_case_minimum,
            CHRONIC_CONDITION: self.chronic_condition_case_minimum,
            NEW_2024: self.new_2024_case_minimum,
            COLON_RECTAL_RESECTION: self.colon_rectal_resection_case_minimum,
        }[group]
