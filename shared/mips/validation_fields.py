"""Unknown fields in the three input files, with a "did you mean" hint (README "Input checks").

The models tolerate unknown keys (the QPP API adds fields over time), so a misspelt key would otherwise
vanish silently: ``clinicanType`` leaves the clinician type unknown, ``performanceMett`` drops a count,
``programNme`` scores an MVP as traditional MIPS. Which is an error and which a warning, per field family:

- profile and CMS data (every level): any unknown field is an **error**; these small files exist only to
  change eligibility, special statuses, cost and bonus points.
- submission (envelope, measurement sets, measurements, values, strata): an unknown field that is close to
  a known one (a likely typo) is an **error**; any other unknown field is a **warning**; fields that QPP
  or CMS's QRDA III converter emit and the engine does not use (``source``, ``eMeasureUuids``, ...) pass
  silently.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import AliasChoices, BaseModel

from .models import cms_data as cms_models
from .models import profile as profile_models
from .models import submission as sub_models
from .models.common import Problem
from .problems import ProblemCode as C


def _aliases(*models: type[BaseModel]) -> frozenset[str]:
    """Every wire name (camelCase alias and validation-alias choice) of the models' fields."""
    names: set[str] = set()
    for model in models:
        for name, info in model.model_fields.items():
            names.add(info.alias or name)
            va = info.validation_alias
            if isinstance(va, AliasChoices):
                names.update(str(c) for c in va.choices if isinstance(c, str))
            elif isinstance(va, str):
                names.add(va)
    return frozenset(names)


_KEY = _aliases(sub_models.KeyedInput)
SUBMISSION_FIELDS = _KEY | {"measurementSets"}
SET_FIELDS = _aliases(sub_models.MeasurementSet)
MEASUREMENT_FIELDS = _aliases(sub_models.Measurement)
VALUE_FIELDS = _aliases(
    sub_models.SingleRateValue,
    sub_models.MultiRateValue,
    sub_models.NonProportionValue,
    sub_models.ProportionValue,
    sub_models.CahpsValue,
)
STRATUM_FIELDS = _aliases(sub_models.StratumValue)
#: emitted by QPP or CMS's QRDA III converter, not used by the engine: not worth a warning
SUBMISSION_TOLERATED = frozenset(
    {
        "id",
        "submissionId",
        "source",
        "description",
        "name",
        "eMeasureUuids",
        "eMeasureId",
        "createdAt",
        "updatedAt",
    }
)
PROFILE_FIELDS = _aliases(profile_models.Profile)
CLAIMS_FIELDS = _aliases(profile_models.Claims)
SEGMENT_FIELDS = _aliases(profile_models.ClaimsSegment)
STATUS_FIELDS = _aliases(profile_models.SpecialStatuses)
EXCEPTION_FIELDS = _aliases(profile_models.Exceptions)
EUC_FIELDS = _aliases(profile_models.EucExceptions)
CMS_FIELDS = _aliases(cms_models.CmsData)
CALCULATED_FIELDS = _aliases(cms_models.CalculatedMeasure)
BONUS_FIELDS = _aliases(cms_models.ComplexPatientIndicators)


def suggestion(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` is most likely a typo of (case-insensitive first), or None."""
    known = list(known)
    lowered = {k.lower(): k for k in known}
    if name.lower() in lowered:
        return lowered[name.lower()]
    found = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return found[0] if found else None


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def check(self, obj: Any, path: str, known: frozenset[str], *, strict: bool, what: str) -> None:
        """Report the unknown keys of ``obj`` (an error when ``strict`` or a likely typo)."""
        if not isinstance(obj, Mapping) or obj.keys() <= known:  # the usual case: every key known
            return
        for key in obj:
            if not isinstance(key, str) or key in known:
                continue
            close = suggestion(key, known)
            shown = key if len(key) <= 60 else key[:57] + "..."
            if close is not None:
                msg = f"unknown field {shown!r} in {what}: did you mean {close!r}?"
            else:
                msg = f"unknown field {shown!r} in {what}: expected one of {', '.join(sorted(known))}"
            if strict or close is not None:
                self.problems.append(Problem(path=f"{path}.{shown}", message=msg, code=C.UNKNOWN_FIELD))
            elif key not in SUBMISSION_TOLERATED:
                self.problems.append(
                    Problem(
                        path=f"{path}.{shown}",
                        message=msg + "; it is ignored",
                        severity="warning",
                        code=C.UNKNOWN_FIELD,
                    )
                )

    def each(self, items: Any, path: str) -> list[tuple[str, Any]]:
        if not isinstance(items, list):
            return []
        return [(f"{path}[{i}]", item) for i, item in enumerate(items)]


#: what a JSON value that is not an object can be (isinstance on these is cheap; on Mapping it is not)
_NOT_OBJECTS = (bool, int, float, str, list, type(None))


def _submission_all_known(doc: Mapping[str, Any]) -> bool:
    """True when no object :func:`unknown_field_problems` looks at in a submission has an unknown key.

    The same walk without building a JSON path per object: the usual, clean file is answered in a few
    set comparisons and only a file with an unknown key is walked again to name it. Anything but plain
    dicts and JSON values (another Mapping) also gets the full walk."""
    data = doc.get("data")
    inner = doc
    if isinstance(data, Mapping) and isinstance(data.get("submission"), Mapping):
        inner = data["submission"]
    if not isinstance(inner, dict) or not inner.keys() <= SUBMISSION_FIELDS:
        return False
    sets = inner.get("measurementSets")
    for ms in sets if isinstance(sets, list) else ():
        if not isinstance(ms, dict):
            if isinstance(ms, _NOT_OBJECTS):
                continue
            return False
        if not ms.keys() <= SET_FIELDS:
            return False
        measurements = ms.get("measurements")
        for m in measurements if isinstance(measurements, list) else ():
            if not isinstance(m, dict):
                if isinstance(m, _NOT_OBJECTS):
                    continue
                return False
            if not m.keys() <= MEASUREMENT_FIELDS:
                return False
            value = m.get("value")
            if not isinstance(value, dict):
                if isinstance(value, _NOT_OBJECTS):
                    continue
                return False
            if not value.keys() <= VALUE_FIELDS:
                return False
            strata = value.get("strata")
            for st in strata if isinstance(strata, list) else ():
                if isinstance(st, dict):
                    if not st.keys() <= STRATUM_FIELDS:
                        return False
                elif not isinstance(st, _NOT_OBJECTS):
                    return False
    return True


def _known_or_absent(obj: Any, known: frozenset[str]) -> bool:
    """No unknown key in ``obj`` for :meth:`_Collector.check`: not an object, or a dict of known keys
    (another Mapping: False, so the full walk looks at it)."""
    if isinstance(obj, dict):
        return obj.keys() <= known
    return isinstance(obj, _NOT_OBJECTS)


def _items_known(items: Any, known: frozenset[str]) -> bool:
    return not isinstance(items, list) or all(_known_or_absent(item, known) for item in items)


def _profile_all_known(doc: Mapping[str, Any]) -> bool:
    """:func:`_submission_all_known` for a profile: the objects the full walk below looks at."""
    claims = doc.get("claims")
    exc = doc.get("exceptions")
    return (
        _known_or_absent(doc, PROFILE_FIELDS)
        and _known_or_absent(claims, CLAIMS_FIELDS)
        and (not isinstance(claims, dict) or _items_known(claims.get("segments"), SEGMENT_FIELDS))
        and _known_or_absent(doc.get("specialStatuses"), STATUS_FIELDS)
        and _known_or_absent(exc, EXCEPTION_FIELDS)
        and (not isinstance(exc, dict) or _known_or_absent(exc.get("extremeUncontrollable"), EUC_FIELDS))
    )


def _cms_data_all_known(doc: Mapping[str, Any]) -> bool:
    """:func:`_submission_all_known` for a CMS-data file."""
    return (
        _known_or_absent(doc, CMS_FIELDS)
        and _items_known(doc.get("costMeasures"), CALCULATED_FIELDS)
        and _items_known(doc.get("adminClaimsMeasures"), CALCULATED_FIELDS)
        and _known_or_absent(doc.get("complexPatientBonus"), BONUS_FIELDS)
    )


_ALL_KNOWN = {
    "submission": _submission_all_known,
    "profile": _profile_all_known,
    "cmsData": _cms_data_all_known,
}


def unknown_field_problems(kind: str, doc: Mapping[str, Any]) -> list[Problem]:
    """Every unknown field of an input document of ``kind``, with a hint (see the module docstring)."""
    c = _Collector()
    all_known = _ALL_KNOWN.get(kind)
    if all_known is not None and all_known(doc):
        return c.problems
    if kind == "submission":
        data = doc.get("data")
        inner, base = doc, "$"
        if isinstance(data, Mapping) and isinstance(data.get("submission"), Mapping):
            inner, base = data["submission"], "$.data.submission"
        else:
            c.check(doc, "$", SUBMISSION_FIELDS, strict=False, what="the submission")
        if base != "$":
            c.check(inner, base, SUBMISSION_FIELDS, strict=False, what="the submission")
        for spath, ms in c.each(inner.get("measurementSets"), f"{base}.measurementSets"):
            c.check(ms, spath, SET_FIELDS, strict=False, what="a measurement set")
            if not isinstance(ms, Mapping):
                continue
            for mpath, m in c.each(ms.get("measurements"), f"{spath}.measurements"):
                c.check(m, mpath, MEASUREMENT_FIELDS, strict=False, what="a measurement")
                value = m.get("value") if isinstance(m, Mapping) else None
                c.check(value, f"{mpath}.value", VALUE_FIELDS, strict=False, what="a measurement value")
                if isinstance(value, Mapping):
                    for tpath, st in c.each(value.get("strata"), f"{mpath}.value.strata"):
                        c.check(st, tpath, STRATUM_FIELDS, strict=False, what="a stratum")
    elif kind == "profile":
        c.check(doc, "$", PROFILE_FIELDS, strict=True, what="the profile")
        claims = doc.get("claims")
        c.check(claims, "$.claims", CLAIMS_FIELDS, strict=True, what="claims")
        if isinstance(claims, Mapping):
            for gpath, seg in c.each(claims.get("segments"), "$.claims.segments"):
                c.check(seg, gpath, SEGMENT_FIELDS, strict=True, what="a claims segment")
        c.check(
            doc.get("specialStatuses"),
            "$.specialStatuses",
            STATUS_FIELDS,
            strict=True,
            what="specialStatuses",
        )
        exc = doc.get("exceptions")
        c.check(exc, "$.exceptions", EXCEPTION_FIELDS, strict=True, what="exceptions")
        if isinstance(exc, Mapping):
            c.check(
                exc.get("extremeUncontrollable"),
                "$.exceptions.extremeUncontrollable",
                EUC_FIELDS,
                strict=True,
                what="extremeUncontrollable",
            )
    elif kind == "cmsData":
        c.check(doc, "$", CMS_FIELDS, strict=True, what="the CMS data")
        for name in ("costMeasures", "adminClaimsMeasures"):
            for ipath, item in c.each(doc.get(name), f"$.{name}"):
                c.check(item, ipath, CALCULATED_FIELDS, strict=True, what=f"a {name} entry")
        c.check(
            doc.get("complexPatientBonus"),
            "$.complexPatientBonus",
            BONUS_FIELDS,
            strict=True,
            what="complexPatientBonus",
        )
    return c.problems


__all__ = ["suggestion", "unknown_field_problems"]
