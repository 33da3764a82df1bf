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


_GROUPS_2024: dict[str, str] = {
    "TPCC_1": POPULATION_TPCC,
    "MSPB_1": POPULATION_MSPB,
    **dict.fromkeys(
        (
            "COST_IOL_1",
            "COST_KA_1",
            "COST_EOPCI_1",
            "COST_CCLI_1",
            "COST_SSC_1",
            "COST_PHA_1",
            "COST_FIHR_1",
            "COST_HAC_1",
            "COST_LSFDD_1",
            "COST_LPMSM_1",
            "COST_RUSST_1",
            "COST_MR_1",
            "COST_NECABG_1",
        ),
        PROCEDURAL,
    ),
    **dict.fromkeys(
        ("COST_IHCI_1", "COST_STEMI_1", "COST_AKID_1", "COST_COPDE_1", "COST_LGH_1", "COST_S_1"),
        ACUTE_INPATIENT,
    ),
    **dict.fromkeys(("COST_D_1", "COST_ACOPD_1"), CHRONIC_CONDITION),
    **dict.fromkeys(("COST_DEP_1", "COST_HF_1", "COST_LBP_1", "COST_PRC_1", "COST_EDV_1"), NEW_2024),
    "COST_CRR_1": COLON_RECTAL_RESECTION,
}

COST_2024 = CostRules(
    benchmark_submission_method="administrativeClaims",
    tpcc_case_minimum=20,
    mspb_case_minimum=35,
    procedural_case_minimum=10,
    acute_inpatient_case_minimum=20,
    chronic_condition_case_minimum=20,
    new_2024_case_minimum=20,
    colon_rectal_resection_case_minimum=20,
    measure_case_minimum_groups=_GROUPS_2024,
    group_only_measure_ids=frozenset({"COST_LGH_1"}),
    group_entity_types=frozenset({"group", "virtualGroup"}),
    points_above_p99=1.0,
    measure_points_decimals=4,
    category_score_multiplier=10.0,
    improvement_max_percentage_points=1.0,
    max_score_percent=100.0,
    sources={
        "benchmark_submission_method": (
            "spec 4.4.1, 7.2: cost rows are administrativeClaims [DATA:benchmarks-schema.yaml]"
        ),
        "tpcc_case_minimum": (
            "spec 7.1 TPCC_1 20 attributed beneficiaries; settled by 42 CFR 414.1350(c)(1) [CFR-1350; "
            "cfr-verification-2024.md §2 #30]"
        ),
        "mspb_case_minimum": (
            "spec 7.1 MSPB_1 35 episodes; settled by 42 CFR 414.1350(c)(2) [CFR-1350; "
            "cfr-verification-2024.md §2 #31]"
        ),
        "procedural_case_minimum": (
            'spec 7.1 procedural episodes 10; settled by 42 CFR 414.1350(c)(4) (10 "unless otherwise '
            'specified"; Colon and Rectal Resection has its own 20) [CFR-1350; '
            "cfr-verification-2024.md §2 #32]"
        ),
        "acute_inpatient_case_minimum": (
            "spec 7.1 acute inpatient episodes 20; settled by 42 CFR 414.1350(c)(5) [CFR-1350; "
            "cfr-verification-2024.md §2 #33]"
        ),
        "chronic_condition_case_minimum": (
            "spec 7.1 chronic condition episodes 20; settled by 42 CFR 414.1350(c)(6) [CFR-1350; "
            "cfr-verification-2024.md §2 #34]"
        ),
        "new_2024_case_minimum": (
            'spec 7.1 [S:ECQI "Five new episode-based cost measures, each with a 20-episode case '
            'minimum"]; 42 CFR 414.1350(c)(6) chronic 20, (c)(7) care-setting measures 20 [CFR-1350; '
            "cfr-verification-2024.md §2 #34]"
        ),
        "measure_case_minimum_groups": (
            "spec 7.1 table (types) [DATA:measures-data.json]; COST_CRR_1 in its own group (20) per "
            "42 CFR 414.1350(c)(4) [CFR-1350; cfr-verification-2024.md §2 #35]; COST_NECABG_1 "
            "(Non-Emergent CABG, in measures-data.json with a 2024 benchmark row, missing from the "
            "spec table) is a procedural episode measure: 10 under the (c)(4) default"
        ),
        "group_only_measure_ids": 'spec 7.1 "COST_LGH_1 ... (groups only)" [DATA:measures-data.json title]',
        "group_entity_types": (
            "spec 7.1 (groups only) read as groups and virtual groups; APM Entities are not evaluated "
            "for cost (spec 7.3) and subgroups report MVPs, none of which lists COST_LGH_1 "
            "[DATA:mvp.json] UNCONFIRMED; no source settles it (cfr-verification-2024.md §2 #36)"
        ),
        "points_above_p99": (
            'spec 7.2, 4.4.3; settled by 42 CFR 414.1380(b)(2): cost measures receive "one to ten '
            'achievement points", so above p99 earns the minimum 1.0 [CFR-1380; '
            "cfr-verification-2024.md §2 #37]"
        ),
        "measure_points_decimals": (
            "spec 0.3 [S:SUBDOCS] points carried to 4 dp; spec Appendix A measure_points round(pts, 4); "
            "spec 14 E1 averages 7.8768 and 6.7135"
        ),
        "category_score_multiplier": "spec 7.3 mean of scored measures' points x 10 [S:SEED-FM; S:SEED-PATH]",
        "improvement_max_percentage_points": (
            "spec 7.3; settled by 42 CFR 414.1380(b)(2)(iv)(E): maximum cost improvement score 0 for "
            "the 2020-2024 MIPS payment years, 1 percentage point beginning with the 2025 MIPS "
            "payment year (PY2024 = payment year 2026) [CFR-1380 @4586c39a; cfr-verification-2024.md "
            "§2 #38]"
        ),
        "colon_rectal_resection_case_minimum": (
            'spec 7.1; settled by 42 CFR 414.1350(c)(4): procedural episodes 10 "unless otherwise '
            'specified", the Colon and Rectal Resection measure 20 from CY2022 [CFR-1350 @404b4577; '
            "cfr-verification-2024.md §2 #32, #35]"
        ),
        "max_score_percent": "spec 7.3 cost_pct = min(100, ...) [Appendix A]",
    },
)
