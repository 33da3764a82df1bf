"""Validate the three input files (submission, profile, CMS data) against models and reference data.

``validate_document`` never raises on bad input: bad JSON, a wrong shape, unknown measures, counts
that do not add up... all become :class:`~mips.models.Problem` entries naming the JSON path and what
was expected, every problem of a file at once. Errors make a file invalid; warnings (e.g. a PI period
shorter than 180 days, which scores 0 but is not invalid) do not.

Every file first goes through the one screening of :mod:`mips.screening` (the same verdict for
``mips validate``, ``mips score`` and the ingest function); then unknown fields
(:mod:`mips.validation_fields`), the structural pass (pydantic's) and the reference-data pass run.

The structural pass is pydantic's; the reference-data pass (:mod:`mips.validation_submission`,
:mod:`mips.validation_identity`) works on the raw JSON so that it still runs on the parts of a file that
parse when another part does not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from .models import CmsData, Problem, Profile, Submission
from .models.common import problems_from_validation_error
from .problems import ProblemCode as C
from .reference import ReferenceData
from .rules import UnsupportedPerformanceYear, YearRules, rules_for
from .screening import KINDS, Kind, ScreenResult, detect_kind, screen, screen_document, unwrap
from .validation_fields import unknown_field_problems
from .validation_identity import check_entity_key
from .validation_submission import check_submission, reference_views


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
            "problems": [p.model_dump(exclude={"file"}, mode="json") for p in self.problems],
        }


# -- parsing ---------------------------------------------------------------------------------------
def output_kind(doc: Mapping[str, Any]) -> str | None:
    """Describe ``doc`` when it is a scoring OUTPUT rather than an input file, else None."""
    from .screening import output_kind as _output_kind

    found = _output_kind(doc)
    return found[0] if found else None


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
    inner, base = unwrap(doc)
    parsed, problems = _structural(Submission, inner, base)
    errs: list[Problem] = []
    check_entity_key(inner, base, ref.year, lambda p, m, c: errs.append(Problem(path=p, message=m, code=c)))
    if inner.get("measurementSets") in (None, []):
        errs.append(
            Problem(
                path=f"{base}.measurementSets",
                message="no measurementSets: expected at least one measurement set (quality, ia or pi)",
                code=C.NO_MEASUREMENT_SETS,
            )
        )
    return parsed, [*problems, *errs, *check_submission(inner, ref, _rules(ref), base, parsed)]


def _validate_profile(doc: Mapping[str, Any], ref: ReferenceData) -> tuple[Any, list[Problem]]:
    parsed, problems = _structural(Profile, doc, "$")

    def err(path: str, message: str, code: C) -> None:
        problems.append(Problem(path=path, message=message, code=code))

    check_entity_key(doc, "$", ref.year, err)
    enrolled = doc.get("firstMedicareEnrollmentYear")
    if isinstance(enrolled, int) and not isinstance(enrolled, bool) and enrolled > ref.year:
        err(
            "$.firstMedicareEnrollmentYear",
            f"firstMedicareEnrollmentYear {enrolled} is after the performance year {ref.year}",
            C.ENROLLMENT_AFTER_YEAR,
        )
    return parsed, problems


def _validate_cms_data(doc: Mapping[str, Any], ref: ReferenceData) -> tuple[Any, list[Problem]]:
    parsed, problems = _structural(CmsData, doc, "$")

    def err(path: str, message: str, code: C = C.INVALID_VALUE) -> None:
        problems.append(Problem(path=path, message=message, code=code))

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
                        f"unknown {what} {mid[:40]!r} for {ref.year}: expected one of {', '.join(known)}",
                        C.UNKNOWN_MEASURE,
                    )
                elif mid in seen:
                    err(
                        f"{path}.measureId",
                        f"duplicate {what} {mid}: each measure may appear once",
                        C.DUPLICATE_MEASURE,
                    )
                seen.add(mid)
            value = item.get("value")
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                err(
                    f"{path}.value",
                    f"value {value} is negative: expected a cost in dollars or a rate >= 0",
                    C.NEGATIVE_VALUE,
                )
    bonus = doc.get("complexPatientBonus")
    if isinstance(bonus, int | float) and not isinstance(bonus, bool) and bonus < 0:
        err(
            "$.complexPatientBonus",
            f"complexPatientBonus {bonus} is negative: expected points >= 0",
            C.NEGATIVE_VALUE,
        )
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
    """Validate one input file's content; ``kind`` is the expected kind (intake prefix, CLI flag), or
    None to accept any kind detected from the content.

    Never raises on bad input: every problem is in the report. A file whose content is another kind
    than ``kind`` is rejected (``WRONG_KIND``), never validated as ``kind``.
    """
    expected = _expected_kind(kind)
    try:
        if isinstance(data, bytes | str):
            raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
            screened = screen(raw, filename=file or "", expected_kind=expected)
        else:
            screened = screen_document(data, expected)
        return _validate_screened(screened, ref, expected, file)
    except Exception as exc:  # the contract: bad input never raises
        return _internal_failure(expected, file, exc)


def validate_screened(
    screened: ScreenResult, ref: ReferenceData, kind: str | None = None, file: str | None = None
) -> ValidationReport:
    """:func:`validate_document` of a file the caller has screened already, to read its year first:
    ``screened`` must be ``screen(data, filename=file or "", expected_kind=kind)``; the report is the
    one ``validate_document(data, ref, kind, file)`` gives, without screening the bytes a second time."""
    expected = _expected_kind(kind)
    try:
        return _validate_screened(screened, ref, expected, file)
    except Exception as exc:  # the contract: bad input never raises
        return _internal_failure(expected, file, exc)


def _expected_kind(kind: str | None) -> Kind | None:
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    return kind  # type: ignore[return-value]


def _internal_failure(expected: Kind | None, file: str | None, exc: Exception) -> ValidationReport:
    problem = Problem(
        path="$",
        message=f"could not validate this file: {type(exc).__name__}",
        code=C.INTERNAL_CHECK_FAILED,
    )
    return _report(expected or "submission", file, [problem], None)


def _validate_screened(
    screened: ScreenResult, ref: ReferenceData, expected: Kind | None, file: str | None
) -> ValidationReport:
    report_kind: Kind = screened.kind or expected or "submission"
    if screened.doc is None:
        return _report(report_kind, file, screened.problems, None)
    doc = screened.doc
    problems: list[Problem] = [*screened.problems, *unknown_field_problems(report_kind, doc)]
    parsed, found = _VALIDATORS[report_kind](doc, ref)
    said = {p.path for p in screened.errors}  # e.g. a placeholder year: named once, by the screening
    problems.extend(p for p in found if not (p.path in said and p.code == C.INVALID_VALUE))
    return _report(report_kind, file, problems, parsed)


def result_warnings(reports: list[ValidationReport]) -> list[dict[str, Any]]:
    """The warnings of the scored inputs as the result document's optional ``warnings`` list."""
    return [
        {"path": w.path, "message": w.message, "code": str(w.code) if w.code else None, "input": r.kind}
        for r in reports
        for w in r.warnings
    ]


def _report(kind: Kind, file: str | None, problems: list[Problem], model: Any) -> ValidationReport:
    if file is not None:
        problems = [p.model_copy(update={"file": file}) for p in problems]
    return ValidationReport(kind=kind, file=file, problems=problems, model=model)


def validate_file(
    path: Path,
    ref_for: Callable[[int], ReferenceData],
    default: ReferenceData,
    kind: str | None = None,
) -> ValidationReport:
    """Validate one file against the reference data of the year it names (``mips validate``).

    The file's ``performanceYear`` (after the one screening, so QRDA III XML is converted first) picks the
    reference data; ``default`` serves files that name no year or one without data, and the validation
    then names that year problem itself."""
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError):
        return validate_path(path, default, kind)  # reports the unreadable file
    expected = _expected_kind(kind)
    screened = screen(data, filename=str(path), expected_kind=expected)
    ref = default
    year = unwrap(screened.doc)[0].get("performanceYear") if screened.doc is not None else None
    if isinstance(year, int) and not isinstance(year, bool) and year != default.year:
        try:
            ref = ref_for(year)
        except Exception:  # no rules or data for that year: the default's validation names it
            ref = default
    return validate_screened(screened, ref, kind=kind, file=str(path))  # screened once, not twice


def validate_path(path: Path, ref: ReferenceData, kind: str | None = None) -> ValidationReport:
    """Read and validate one file; an unreadable file is a problem at ``$``, not an exception."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        return _report(
            kind if kind in KINDS else "submission",  # type: ignore[arg-type]
            str(path),
            [
                Problem(
                    path="$",
                    message=f"cannot read the file: {getattr(exc, 'strerror', None) or exc}",
                    code=C.UNREADABLE_FILE,
                )
            ],
            None,
        )
    return validate_document(data, ref, kind=kind, file=str(path))


__all__ = [
    "KINDS",
    "Kind",
    "ValidationReport",
    "detect_kind",
    "output_kind",
    "result_warnings",
    "validate_document",
    "validate_path",
    "validate_screened",
]
