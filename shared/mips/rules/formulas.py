"""Dated formulas: where a rule's arithmetic (not just a value) changes by year.

A :class:`FormulaRegistry` holds one function per year from which it is in force; ``for_year(y)``
returns the latest registered at or before ``y`` (the same rule as a dated parameter). Category code
asks the registry for the formula of its year and never tests ``year ==``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

F = TypeVar("F", bound=Callable[..., object])


class FormulaRegistry(Generic[F]):
    """Formulas of one rule, keyed by the first performance year each applies to."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._by_year: dict[int, F] = {}

    def register(self, from_year: int) -> Callable[[F], F]:
        def deco(fn: F) -> F:
            if from_year in self._by_year:
                raise ValueError(f"{self.name}: a formula is already registered from {from_year}")
            self._by_year[from_year] = fn
            return fn

        return deco

    def for_year(self, year: int) -> F:
        keys = [k for k in self._by_year if k <= year]
        if not keys:
            raise LookupError(f"{self.name}: no formula in force for performance year {year}")
        return self._by_year[max(keys)]

    def years(self) -> list[int]:
        return sorted(self._by_year)
