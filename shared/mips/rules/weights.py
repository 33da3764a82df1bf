"""Category weights and the redistribution (reweighting) tables by performance year (spec 3).

Each table maps the frozenset of *reweighted* categories to the weights (percent of the final score) of
all four categories. For APM Entities and the APP, cost is never evaluated, so ``"cost"`` is part of
every key of those tables. Combinations a table does not list leave fewer than two categories scored:
the single remaining category carries 100% (or none does) and the final score is the performance
threshold (spec 3.0, 17).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .base import RuleSet

WeightRow = Mapping[str, float]
WeightTable = Mapping[frozenset[str], WeightRow]


def _row(quality: float, cost: float, ia: float, pi: float) -> dict[str, float]:
    return {"quality": quality, "cost": cost, "ia": ia, "pi": pi}


def _key(*categories: str) -> frozenset[str]:
    return frozenset(categories)


@dataclass(frozen=True, kw_only=True)
class WeightRules(RuleSet):
    """Every value that changes by year for category weights; see ``sources`` for citations."""

    standard_table: WeightTable = field(hash=False)
    small_practice_table: WeightTable = field(hash=False)
    apm_entity_table: WeightTable = field(hash=False)
    apm_entity_small_practice_table: WeightTable = field(hash=False)
    app_table: WeightTable = field(hash=False)
    #: entity types whose cost category is never evaluated (weight fixed at 0)
    cost_not_evaluated_entity_types: frozenset[str]
    #: reporting options whose cost category is never evaluated
    cost_not_evaluated_reporting_options: frozenset[str]
    #: reporting options whose IA score is automatic (IA is never reweighted there)
    ia_automatic_reporting_options: frozenset[str]
    #: with fewer scored categories than this, the final score is the performance threshold
    min_scored_categories: int


_STANDARD: dict[frozenset[str], dict[str, float]] = {
    _key(): _row(30, 30, 15, 25),
    _key("cost"): _row(55, 0, 15, 30),
    _key("pi"): _row(55, 30, 15, 0),
    _key("quality"): _row(0, 30, 15, 55),
    _key("ia"): _row(45, 30, 0, 25),
    _key("cost", "pi"): _row(85, 0, 15, 0),
    _key("cost", "quality"): _row(0, 0, 15, 85),
    _key("cost", "ia"): _row(70, 0, 0, 30),
    _key("pi", "quality"): _row(0, 50, 50, 0),
    _key("pi", "ia"): _row(70, 30, 0, 0),
    _key("quality", "ia"): _row(0, 30, 0, 70),
}

_SMALL = {
    **_STANDARD,
    _key("pi"): _row(40, 30, 30, 0),
    _key("cost", "pi"): _row(50, 0, 50, 0),
}

_APM = {
    _key("cost"): _row(55, 0, 15, 30),
    _key("cost", "pi"): _row(85, 0, 15, 0),
    _key("cost", "quality"): _row(0, 0, 15, 85),
    _key("cost", "ia"): _row(70, 0, 0, 30),
}

_APM_SMALL = {**_APM, _key("cost", "pi"): _row(50, 0, 50, 0)}

_APP = {
    _key("cost"): _row(50, 0, 20, 30),
    _key("cost", "pi"): _row(75, 0, 25, 0),
    _key("cost", "quality"): _row(0, 0, 25, 75),
}

WEIGHTS_2024 = WeightRules(
    standard_table=_STANDARD,
    small_practice_table=_SMALL,
    apm_entity_table=_APM,
    apm_entity_small_practice_table=_APM_SMALL,
    app_table=_APP,
    cost_not_evaluated_entity_types=frozenset({"apmEntity"}),
    cost_not_evaluated_reporting_options=frozenset({"app"}),
    ia_automatic_reporting_options=frozenset({"app"}),
    min_scored_categories=2,
    sources={
        "standard_table": (
            'spec §3.1, §17; settled by 42 CFR 414.1380(c)(2)(ii)(F) ("beginning with the 2024 MIPS '
            'payment year"): all 11 rows identical to the codified table [CFR-1380; '
            "cfr-verification-2024.md §2 #43]"
        ),
        "small_practice_table": (
            "spec §3.2, §17; settled by 42 CFR 414.1380(c)(2)(ii)(G): all 11 rows identical (PI -> "
            "40/30/30/0; cost+PI -> 50/0/50/0) [CFR-1380; cfr-verification-2024.md §2 #44]"
        ),
        "apm_entity_table": (
            "spec §3.3; derived and settled: cost weight 0 for APM Entities (42 CFR 414.1317(b)(2)) "
            "with the cost rows of 414.1380(c)(2)(ii)(F) [CFR-1317; CFR-1380; "
            "cfr-verification-2024.md §2 #45]"
        ),
        "apm_entity_small_practice_table": (
            'spec §3.3; derived and settled: table (G) of 42 CFR 414.1380(c)(2)(ii)(G) "for small '
            'practices" with cost 0 (PI -> 50/0/50/0) [CFR-1380; cfr-verification-2024.md §2 #46]'
        ),
        "app_table": (
            "spec §3.4, §17; settled by 42 CFR 414.1367(d)(1), (d)(2): 50/0/20/30; PI reweighted -> "
            "quality 75 / IA 25; quality reweighted -> PI 75 / IA 25 [CFR-1367 @7e25c3fb; "
            "cfr-verification-2024.md §2 #47]"
        ),
        "cost_not_evaluated_entity_types": "spec §3.0, §3.3 [S:QPP-COST; S:SEED-IA] "
        "(cost 0% for APM Entities)",
        "cost_not_evaluated_reporting_options": "spec §3.4, §11.2 [S:SEED-IA] "
        "(cost isn't evaluated in the APP)",
        "ia_automatic_reporting_options": "spec §11.2 [S:SEED-SP; S:SEED-IA] (APP IA automatic 100%)",
        "min_scored_categories": "spec §3.0, §9.1, §17 [42 CFR 414.1380(c) via CMS listserv] (fewer than two "
        "scored categories => final score = performance threshold)",
    },
)
