"""Validate the three input files (contract 1.1-1.3) against their models and the CMS reference data.

``validate_document`` never raises on bad input: bad JSON, a wrong shape, unknown measures, counts
that do not add up... all become :class:`~mips.models.Problem` entries naming the JSON path and what
was expected, every problem of a file at once. Errors make a file invalid; warnings (e.g. a PI period
shorter than 180 days, which scores 0 but is not invalid) do not.

The structural pass is pydantic's; the reference-data pass (:mod:`mips.validation_submission`,
:mod:`mips.validation_identity`) works on the raw JSON so that it still runs on the parts of a file that
parse when another part does not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from .models import CmsData, Problem, Profile, Submission
from .models.common import problems_from_validation_error
from .reference import ReferenceData
from .rules import UnsupportedPerformanceYear, YearRules, rules_for
from .validation_identity import check_entity_key
from .validation_submission import check_submission, reference_views

Kind = Literal["submission", "profile", "cmsData"]
KINDS: tuple[Kind, ...] = ("submission", "profile", "cmsData")

_PROFILE_KEYS = frozenset(
    {
        "clinicianType",
        "practiceSize",
        "claims",
        "firstMedicareEnrollmentYear",
        "qualifyingApmParticipant",
        "mipsApmParticipant",
        "optedIn",
        "specialStatuses",
        "exceptions",
        "priorYearQualityAchievementPercent",
        "practiceSites",
        "pcmhRecognizedPracticeSites",
        "clinicians",
    }
)
_CMS_DATA_KEYS = frozenset(
    {
        "costMeasures",
        "adminClaimsMeasures",
        "complexPatientBonus",
        "priorYearCostCategoryScore",
        "facilityBased",
    }
)
_KEY_FIELDS = "{performanceYear, entityType, taxpayerIdentificationNumber, ...}"


class ValidationReport(BaseModel):
    """The verdict on one input file: every problem found, and the parsed model when it parsed.

    ``model`` is set whenever the file parsed, even when a reference-data check failed: callers must
    look at ``valid`` before scoring it.
    """

    kind: Kind
    file: str | None = None
    problems: list[Problem] = Field(default_factory=list)
    model: Submission | Profile | CmsData | None = None

    @property
    def valid(self) -> bool:
        """No problem with severity ``error`` (warnings do not make a file invalid)."""
        return not any(p.severity == "error" for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def to_doc(self) -> dict[str, Any]:
        """JSON-ready summary (``mips validate --json``; the pipeline's ``.errors.json``)."""
        return {
            "file": self.file,
            "kind": self.kind,
            "valid": self.valid,
            "problems": [p.model_dump(exclude={"file"}) for p in self.problems],
        }


# -- kind detection ----------------------------------------------------------------------------------
def _unwrap(doc: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    """``{"data": {"submission": {...}}}`` (the QPP API envelope) -> the inner object and its JSON path."""
    data = doc.get("data")
    if isinstance(data, dict) and isinstance(data.get("submission"), dict):
        return data["submission"], "$.data.submission"
    return doc, "$"


def output_kind(doc: Mapping[str, Any]) -> str | None:
    """Describe ``doc`` when it is a scoring OUTPUT rather than an input file, else None."""
    if {"name", "parts"} <= set(doc) and "measurementSets" not in doc:
        return (
            "a CMS scoring-engine OUTPUT (a score tree with name/value/parts, like "
            "scoring-example-output-*.json)"
        )
    if {"finalScore", "categories"} <= set(doc):
        return "a score result document (the engine's output, contract 2)"
    return None


def detect_kind(doc: dict) -> Kind | None:
    """Which input file ``doc`` is, by its content: submission, profile or cmsData (None if none)."""
    if not isinstance(doc, dict) or output_kind(doc) is not None:
        return None
    inner, _ = _unwrap(doc)
    if "measurementSets" in inner:
        return "submission"
    if _CMS_DATA_KEYS & set(inner):
        return "cmsData"
    if _PROFILE_KEYS & set(inner):
        return "profile"
    return None


# -- parsing ---------------------------------------------------------------------------------------
def _load_json(data: bytes | str) -> tuple[Any, Problem | None]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, Problem(path="$", message=f"not UTF-8 text: {exc.reason} at byte {exc.start}")
    try:
        return json.loads(data), None
    except RecursionError:
        return None, Problem(path="$", message="JSON nested too deeply to be an input file")
    except json.JSONDecodeError as exc:
        return None, Problem(
            path="$",
            message=f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno} (char {exc.pos})",
        )


def _rules(ref: ReferenceData) -> YearRules | None:
    try:
        return rules_for(ref.year)
    except UnsupportedPerformanceYear:
        return None


# -- per-kind checks ---------------------------------------------------------------------------------
def _structural(model: type[BaseModel], doc: Mapping[str, Any], base: str) -> tuple[Any, list[Problem]]:
    prefix: list[int | str] = ["data", "submission"] if base != "$" else []
    try:
        return model.model_validate(doc), []
    except ValidationError as exc:
        return None, problems_from_validation_error(exc, prefix)


def _validate_submission(doc: Mapping[str, Any], ref: ReferenceData) -> tuple[Any, list[Problem]]:
    inner, base = _unwrap(doc)
    parsed, problems = _structural(Submission, inner, base)
    errs: list[Problem] = []
    check_entity_key(inner, base, ref.year, lambda p, m: errs.append(Problem(path=p, message=m)))
    if inner.get("measurementSets") in (None, []):
        errs.append(
            Problem(
                path=f"{base}.measurementSets",
                message="no measurementSets: expected at least one measurement set (quality, ia or pi)",
            )
        )
    return parsed, [*problems, *errs, *check_submission(inner, ref, _rules(ref), base, parsed)]


def _validate_profile(doc: Mapping[str, Any], ref: ReferenceData) -> tuple[Any, list[Problem]]:
    parsed, problems = _structural(Profile, doc, "$")

    def err(path: str, message: str) -> None:
        problems.append(Problem(path=path, message=message))

    check_entity_key(doc, "$", ref.year, err)
    enrolled = doc.get("firstMedicareEnrollmentYear")
    if isinstance(enrolled, int) and not isinstance(enrolled, bool) and enrolled > ref.year:
        err(
            "$.firstMedicareEnrollmentYear",
            f"firstMedicareEnrollmentYear {enrolled} is after the performance year {ref.year}",
        )
    return parsed, problems


def _validate_cms_data(doc: Mapping[str, Any], ref: ReferenceData) -> tuple[Any, list[Problem]]:
    parsed, problems = _structural(CmsData, doc, "$")

    def err(path: str, message: str) -> None:
        problems.append(Problem(path=path, message=message))

    check_entity_key(doc, "$", ref.year, err)
    views = reference_views(ref)
    cost_ids, admin_ids = views.cost_measure_ids, views.admin_claims_measure_ids
    lists = (
        ("costMeasures", cost_ids, "cost measure"),
        ("adminClaimsMeasures", admin_ids, "administrative-claims quality measure"),
    )
    for field_name, known, what in lists:
        items = doc.get(field_name)
        if not isinstance(items, list):
            continue
        seen: set[str] = set()
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            path = f"$.{field_name}[{i}]"
            mid = item.get("measureId")
            if isinstance(mid, str):
                if mid not in known:
                    err(
                        f"{path}.measureId",
                        f"unknown {what} {mid!r} for {ref.year}: expected one of {', '.join(known)}",
                    )
                elif mid in seen:
                    err(f"{path}.measureId", f"duplicate {what} {mid}: each measure may appear once")
                seen.add(mid)
            value = item.get("value")
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                err(f"{path}.value", f"value {value} is negative: expected a cost in dollars or a rate >= 0")
    bonus = doc.get("complexPatientBonus")
    if isinstance(bonus, int | float) and not isinstance(bonus, bool) and bonus < 0:
        err("$.complexPatientBonus", f"complexPatientBonus {bonus} is negative: expected points >= 0")
    return parsed, problems


_VALIDATORS = {
    "submission": _validate_submission,
    "profile": _validate_profile,
    "cmsData": _validate_cms_data,
}


# -- public API --------------------------------------------------------------------------------------
def validate_document(
    data: bytes | str | dict,
    ref: ReferenceData,
    kind: str | None = None,
    file: str | None = None,
) -> ValidationReport:
    """Validate one input file's content; ``kind`` is detected from the content when not given.

    Never raises on bad input: every problem is in the report (an undetectable kind is validated as a
    submission, the main input, with a problem that says what was expected).
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    report_kind: Kind = kind if kind is not None else "submission"  # type: ignore[assignment]
    if isinstance(data, bytes | str):
        doc, problem = _load_json(data)
        if problem is not None:
            return _report(report_kind, file, [problem], None)
    else:
        doc = data
    if not isinstance(doc, dict):
        msg = f"expected a JSON object {_KEY_FIELDS}, got a JSON {type(doc).__name__}"
        return _report(report_kind, file, [Problem(path="$", message=msg.replace("dict", "object"))], None)
    described = output_kind(doc)
    if described is not None:
        msg = (
            f"this file is {described}, not an input file: expected a submission (QPP Submissions API JSON "
            f'with measurementSets, bare or as {{"data": {{"submission": ...}}}}), a profile or CMS data'
        )
        return _report(report_kind, file, [Problem(path="$", message=msg)], None)
    problems: list[Problem] = []
    if kind is None:
        detected = detect_kind(doc)
        if detected is None:
            problems.append(
                Problem(
                    path="$",
                    message=(
                        "cannot tell which input file this is: expected measurementSets (a submission), "
                        "costMeasures/adminClaimsMeasures/complexPatientBonus (CMS data) or profile fields "
                        "such as clinicianType/practiceSize/specialStatuses; validated as a submission"
                    ),
                )
            )
        else:
            report_kind = detected
    try:
        parsed, found = _VALIDATORS[report_kind](doc, ref)
    except Exception as exc:  # the contract: bad input never raises
        parsed, found = None, [Problem(path="$", message=f"could not validate this file: {exc!r}")]
    problems.extend(found)
    return _report(report_kind, file, problems, parsed)


def _report(kind: Kind, file: str | None, problems: list[Problem], model: Any) -> ValidationReport:
    if file is not None:
        problems = [p.model_copy(update={"file": file}) for p in problems]
    return ValidationReport(kind=kind, file=file, problems=problems, model=model)


def validate_path(path: Path, ref: ReferenceData, kind: str | None = None) -> ValidationReport:
    """Read and validate one file; an unreadable file is a problem at ``$``, not an exception."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _report(
            kind if kind in KINDS else "submission",  # type: ignore[arg-type]
            str(path),
            [Problem(path="$", message=f"cannot read the file: {exc.strerror or exc}")],
            None,
        )
    return validate_document(data, ref, kind=kind, file=str(path))


__all__ = ["KINDS", "Kind", "ValidationReport", "detect_kind", "validate_document", "validate_path"]
