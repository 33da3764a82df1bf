"""The per-year rules table: ``rules_for(year)`` returns every parameter the engine uses for that year.

The values live in ``shared/mips/parameters/*.yaml`` (dated, cited data; see :mod:`.loader`); this
module builds the typed rule sets from them once per process and year, on first use: importing it reads
only ``years.yaml`` (which years exist), so a Lambda cold start does not validate the packs of years it
never scores (issue 15). A malformed pack still fails loudly (:class:`ParameterError`) the first time
its year is asked for, never as a silently wrong score; the test suite builds every year. Rules that
change by year (weights, thresholds, points, caps) are data, never ``if year ==`` code; a formula that
changes by year is a dated entry of a :class:`~.formulas.FormulaRegistry`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from .base import RuleSet
from .bonus import BonusRules
from .cost import CostRules
from .eligibility import EligibilityRules
from .ia import IaRules
from .loader import ParameterError, build, years
from .payment import PaymentRules
from .pi import PiRules
from .quality import QualityRules
from .weights import WeightRules

PackStatus = Literal["exact", "preview"]


@dataclass(frozen=True, kw_only=True)
class YearRules:
    performance_year: int
    payment_year: int
    quality: QualityRules
    ia: IaRules
    pi: PiRules
    cost: CostRules
    eligibility: EligibilityRules
    weights: WeightRules
    payment: PaymentRules
    bonus: BonusRules
    #: ``exact`` (scored as CMS does) or ``preview`` (knowable parts only; see ``estimates``)
    status: PackStatus = "exact"
    #: the parts of a result that are estimates this year, and why (``years.yaml``)
    estimates: tuple[str, ...] = field(default=())

    @property
    def version(self) -> str:
        return str(self.performance_year)

    def rule_sets(self) -> dict[str, RuleSet]:
        return {
            "quality": self.quality,
            "ia": self.ia,
            "pi": self.pi,
            "cost": self.cost,
            "eligibility": self.eligibility,
            "weights": self.weights,
            "payment": self.payment,
            "bonus": self.bonus,
        }


#: rule set name (= parameter file name) -> dataclass
RULE_SET_CLASSES: dict[str, type[RuleSet]] = {
    "quality": QualityRules,
    "ia": IaRules,
    "pi": PiRules,
    "cost": CostRules,
    "eligibility": EligibilityRules,
    "weights": WeightRules,
    "payment": PaymentRules,
    "bonus": BonusRules,
}


def load_year(performance_year: int) -> YearRules:
    """Build one year's rules from the parameter files (validated; raises :class:`ParameterError`)."""
    entry = years()[performance_year]
    sets = {name: build(cls, name, performance_year) for name, cls in RULE_SET_CLASSES.items()}
    payment = sets["payment"]
    assert isinstance(payment, PaymentRules)
    if payment.payment_year != entry.payment_year:
        raise ParameterError(
            f"payment.yaml payment_year {payment.payment_year} != years.yaml {entry.payment_year} "
            f"for {performance_year}"
        )
    return YearRules(
        performance_year=performance_year,
        payment_year=entry.payment_year,
        status=entry.status,
        estimates=tuple(entry.estimates),
        **sets,  # type: ignore[arg-type]
    )


class RulePacks(Mapping[int, YearRules]):
    """The scored years (``years.yaml``) -> their :class:`YearRules`, each built on first use, once.

    A read-only mapping, so ``year in RULES``, ``sorted(RULES)`` and ``RULES[year]`` read as they did when
    every pack was built at import; only looking a year up builds (and validates) that year's pack. Built
    under a lock: a pack is built at most once per process even if threads race for it.
    """

    def __init__(self) -> None:
        self._built: dict[int, YearRules] = {}
        self._lock = threading.Lock()

    def __getitem__(self, performance_year: int) -> YearRules:
        try:
            return self._built[performance_year]
        except KeyError:
            pass
        if performance_year not in years():
            raise KeyError(performance_year)
        with self._lock:
            if performance_year not in self._built:
                self._built[performance_year] = load_year(performance_year)
            return self._built[performance_year]

    def __contains__(self, performance_year: object) -> bool:
        # Mapping's default looks the key up, which would build the pack: a membership test must not
        return performance_year in years()

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(years()))

    def __len__(self) -> int:
        return len(years())

    def built(self) -> tuple[int, ...]:
        """The years whose pack has been built in this process (what a cold start has paid for)."""
        return tuple(sorted(self._built))


RULES: RulePacks = RulePacks()

#: the year assumed when a command or file names none: the first year this engine scores (years.yaml)
DEFAULT_PERFORMANCE_YEAR: int = min(RULES)
#: the scored years, for messages and help texts
SCORED_YEARS: str = ", ".join(str(y) for y in sorted(RULES))


class UnsupportedPerformanceYear(ValueError):
    pass


def rules_for(performance_year: int) -> YearRules:
    try:
        return RULES[performance_year]
    except KeyError:
        raise UnsupportedPerformanceYear(
            f"performance year {performance_year} is not supported; this engine scores {sorted(RULES)}"
        ) from None


__all__ = [
    "DEFAULT_PERFORMANCE_YEAR",
    "RULES",
    "ParameterError",
    "RulePacks",
    "RuleSet",
    "UnsupportedPerformanceYear",
    "YearRules",
    "rules_for",
]
