"""CMS reference data (CMSgov/qpp-measures-data), resolved at run time and never vendored."""

from .data import ReferenceData, load_directory, load_reference
from .models import Benchmark, BenchmarkExclusion, CostNationalAverage, Measure, Mvp
from .resolve import ReferenceDataError, ResolvedReference, resolve

__all__ = [
    "Benchmark",
    "BenchmarkExclusion",
    "CostNationalAverage",
    "Measure",
    "Mvp",
    "ReferenceData",
    "ReferenceDataError",
    "ResolvedReference",
    "load_directory",
    "load_reference",
    "resolve",
]
