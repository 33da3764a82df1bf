"""Load one performance year's reference data once per process (a Lambda cold start) and serve it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pydantic import TypeAdapter

from .models import Benchmark, BenchmarkExclusion, ClinicalClusterRow, CostNationalAverage, Measure, Mvp
from .resolve import ResolvedReference, resolve


class ReferenceData:
    """Typed accessors over CMS's measures, benchmarks, cost averages and MVPs for one year."""

    def __init__(
        self,
        year: int,
        measures: Iterable[Measure],
        benchmarks: Iterable[Benchmark],
        mvps: Iterable[Mvp],
        cost_national_averages: Iterable[CostNationalAverage] = (),
        benchmark_exclusions: Iterable[BenchmarkExclusion] = (),
        clinical_clusters: Iterable[ClinicalClusterRow] = (),
        version: str = "unknown",
        origin: str = "memory",
        directory: Path | None = None,
    ) -> None:
        self.year = year
        self.version = version
        self.origin = origin
        self.directory = directory
        self.measures: dict[str, Measure] = {m.measure_id: m for m in measures}
        self.benchmarks: dict[tuple[str, str], Benchmark] = {
            (b.measure_id, b.submission_method): b for b in benchmarks if b.performance_year == year
        }
        self.mvps: dict[str, Mvp] = {m.mvp_id: m for m in mvps}
        self.cost_national_averages = {c.measure_id: c for c in cost_national_averages}
        self.benchmark_exclusions: dict[tuple[str, str], BenchmarkExclusion] = {
            (e.measure_id, e.submission_method): e for e in benchmark_exclusions
        }
        #: (measureId, submissionMethod) -> clinical clusters (EMA, spec 4.9); empty without the file
        self.clinical_clusters: dict[tuple[str, str], ClinicalClusterRow] = {
            (c.measure_id, c.submission_method): c for c in clinical_clusters
        }

    # -- accessors -------------------------------------------------------------------------------
    def measure(self, measure_id: str) -> Measure | None:
        return self.measures.get(measure_id)

    def benchmark(self, measure_id: str, submission_method: str) -> Benchmark | None:
        return self.benchmarks.get((measure_id, submission_method))

    def benchmark_exclusion(self, measure_id: str, submission_method: str) -> BenchmarkExclusion | None:
        """Why CMS published no benchmark for this measure/collection type (BR-009, BR-022), if known."""
        return self.benchmark_exclusions.get((measure_id, submission_method))

    def measures_in(self, category: str) -> list[Measure]:
        return [m for m in self.measures.values() if m.category == category]

    def ia_weight(self, activity_id: str) -> str | None:
        """``high``, ``medium`` or None (IA_PCMH is unweighted; unknown ids are None)."""
        m = self.measures.get(activity_id)
        return m.weight if m is not None and m.category == "ia" else None

    def pi_measure(self, measure_id: str) -> Measure | None:
        m = self.measures.get(measure_id)
        return m if m is not None and m.category == "pi" else None

    def mvp(self, mvp_id: str) -> Mvp | None:
        return self.mvps.get(mvp_id)


_MEASURES = TypeAdapter(list[Measure])
_BENCHMARKS = TypeAdapter(list[Benchmark])
_MVPS = TypeAdapter(list[Mvp])
_AVERAGES = TypeAdapter(list[CostNationalAverage])
_EXCLUSIONS = TypeAdapter(list[BenchmarkExclusion])
_CLUSTERS = TypeAdapter(list[ClinicalClusterRow])


def load_directory(
    year: int, directory: Path, version: str = "unknown", origin: str = "dir"
) -> ReferenceData:
    def read(name: str) -> bytes:
        return (directory / name).read_bytes()

    exclusions_path = directory / "benchmark-exclusion-reasons.json"
    clusters_path = directory / "clinical-clusters.json"
    averages_path = directory / "cost-national-averages.json"  # absent upstream for 2026
    return ReferenceData(
        year=year,
        measures=_MEASURES.validate_json(read("measures-data.json")),
        benchmarks=_BENCHMARKS.validate_json(read("benchmarks.json")),
        mvps=_MVPS.validate_json(read("mvp.json")),
        cost_national_averages=(
            _AVERAGES.validate_json(averages_path.read_bytes()) if averages_path.is_file() else ()
        ),
        benchmark_exclusions=(
            _EXCLUSIONS.validate_python(json.loads(exclusions_path.read_bytes()))
            if exclusions_path.is_file()
            else ()
        ),
        clinical_clusters=(
            _CLUSTERS.validate_python(json.loads(clusters_path.read_bytes()))
            if clusters_path.is_file()
            else ()
        ),
        version=version,
        origin=origin,
        directory=directory,
    )


def load_reference(year: int | None = None) -> ReferenceData:
    """The reference data for ``year`` (default: the first year the engine scores), resolved (see
    :mod:`mips.reference.resolve`), cached per process."""
    if year is None:
        from ..rules import DEFAULT_PERFORMANCE_YEAR  # the rules name the years; data does not

        year = DEFAULT_PERFORMANCE_YEAR
    return _load_reference(year)


@lru_cache(maxsize=8)
def _load_reference(year: int) -> ReferenceData:
    where: ResolvedReference = resolve(year)
    return load_directory(year, where.directory, version=where.version, origin=where.origin)


load_reference.cache_clear = _load_reference.cache_clear  # type: ignore[attr-defined]
