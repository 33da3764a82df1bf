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
