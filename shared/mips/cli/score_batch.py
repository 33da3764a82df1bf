"""``mips score --batch FILE.jsonl|DIR``: score many entities in one process, streaming JSON lines.

Each entity goes through exactly what ``mips score --json`` does (the one screening and validation of
every input with its kind, the entity-key check, ``score``, the validation warnings in the result), so
a line's ``result`` is the document ``mips score --json`` prints for the same files. Inputs:

* ``FILE.jsonl`` (or ``-`` for stdin): one entity per non-empty line, a JSON object
  ``{"submission": {...}, "profile": {...}, "cmsData": {...}}`` (profile and cmsData optional);
* ``DIR``: one entity per sub-folder holding ``submission.json`` (or ``submission.xml``, QRDA III) and
  optionally ``profile.json`` and ``cms-data.json`` - the layout of ``shared/mips/examples``.

Output, one line per entity in input order, flushed as it goes: ``{"source": ..., "result": {...}}`` or
``{"source": ..., "errors": [{"file", "path", "message", "code"}]}`` (nothing is dropped: an entity that
cannot be scored is an error line). Memory stays flat: one entity is held at a time, reference data is
loaded once per performance year. Exit 0 when every entity scored, 1 when any did not, 2 usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..problems import ProblemCode
from ..reference import ReferenceData
from .score import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    InputError,
    _read,
    _screen_submission,
    _screened_year,
    key_mismatch,
)

KINDS = ("submission", "profile", "cmsData")
_FOLDER_FILES = {"profile": "profile.json", "cmsData": "cms-data.json"}

#: one entity to score: where it came from, its inputs' bytes by kind and the name shown for each
Entity = tuple[str, dict[str, bytes], dict[str, str]]


def _error(file: str, message: str, code: str = str(ProblemCode.UNREADABLE_FILE)) -> dict[str, Any]:
    return {"file": file, "path": "$", "message": message, "code": code}


def _jsonl_entities(stream: IO[bytes], label: str) -> Iterator[Entity | tuple[str, list[dict[str, Any]]]]:
    for lineno, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        source = f"{label}:{lineno}"
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            yield source, [_error(source, f"line is not JSON: {exc}", str(ProblemCode.NOT_JSON))]
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("submission"), dict):
            msg = 'expected an object {"submission": {...}, "profile": {...}, "cmsData": {...}}'
            yield source, [_error(source, msg, str(ProblemCode.INVALID_VALUE))]
            continue
        unknown = sorted(set(obj) - set(KINDS))
        if unknown:
            msg = f"unknown keys {unknown}: expected submission, profile, cmsData"
            yield source, [_error(source, msg, str(ProblemCode.INVALID_VALUE))]
            continue
        data = {k: json.dumps(obj[k]).encode() for k in KINDS if obj.get(k) is not None}
        yield source, data, {k: f"{source}:{k}" for k in data}


def _folder_entities(root: Path) -> Iterator[Entity | tuple[str, list[dict[str, Any]]]]:
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        source = str(folder)
        sub = next(
            (folder / n for n in ("submission.json", "submission.xml") if (folder / n).is_file()), None
        )
        if sub is None:
            yield source, [_error(source, "no submission.json or submission.xml in this folder")]
            continue
        files = {"submission": str(sub)}
        files |= {k: str(folder / n) for k, n in _FOLDER_FILES.items() if (folder / n).is_file()}
        try:
            data = {k: _read(f, k) for k, f in files.items()}
        except InputError as err:
            yield source, [_problem(err.file, p) for p in err.problems]
            continue
        yield source, data, files


def _problem(file: str, p: Any) -> dict[str, Any]:
    return {"file": file, "path": p.path, "message": p.message, "code": str(p.code) if p.code else None}


def score_entity(
    data: dict[str, bytes], files: dict[str, str], refs: dict[int, ReferenceData]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(result document, []) or (None, errors): the steps of ``mips score --json`` for one entity."""
    from ..engine import InputMismatch, score
    from ..models.result import WarningOut
    from ..reference import ReferenceDataError, load_reference
    from ..rules import rules_for
    from ..validation import result_warnings, validate_document, validate_screened

    screened = _screen_submission(data["submission"], files["submission"])  # once: year, then validation
    year = _screened_year(screened)
    if year not in refs:
        try:
            refs[year] = load_reference(year)
        except ReferenceDataError as exc:
            return None, [_error(files["submission"], f"reference data for {year} unavailable: {exc}")]
    ref = refs[year]
    reports = {
        k: validate_screened(screened, ref, kind=k, file=files[k])
        if k == "submission"
        else validate_document(data[k], ref, kind=k, file=files[k])  # type: ignore[arg-type]
        for k in data
    }
    errors = [_problem(files[k], p) for k, r in reports.items() for p in r.errors]
    if errors:
        return None, errors
    models: dict[str, Any] = {k: r.model for k, r in reports.items()}
    mismatch = key_mismatch([(files[k], k, models[k]) for k in data])
    if mismatch is not None:
        return None, [
            _error(files["submission"], f"inputs do not match: {mismatch}", str(ProblemCode.INPUT_MISMATCH))
        ]
    try:
        result = score(
            models.get("submission"), models.get("profile"), models.get("cmsData"), ref, rules_for(year)
        )
    except InputMismatch as exc:
        return None, [
            _error(files["submission"], f"inputs do not match: {exc}", str(ProblemCode.INPUT_MISMATCH))
        ]
    except Exception as exc:  # one entity's failure never stops the batch
        why = f"could not be scored: {type(exc).__name__}: {exc}"
        return None, [_error(files["submission"], why, "")]
    ordered = [reports[k] for k in sorted(reports)]
    result.warnings = [WarningOut.model_validate(w) for w in result_warnings(ordered)]
    return result.to_doc(), []


def run_batch(path: str, out: IO[str] | None = None) -> int:
    """Score every entity of ``path`` (see the module docstring), one JSON line each to ``out``."""
    out = out or sys.stdout
    p = Path(path)
    entities: Iterator[Entity | tuple[str, list[dict[str, Any]]]]
    if path == "-":
        entities = _jsonl_entities(sys.stdin.buffer, "<stdin>")
    elif p.is_dir():
        entities = _folder_entities(p)
    elif p.is_file():
        fh = p.open("rb")
        entities = _jsonl_entities(fh, path)
    else:
        print(f"mips score --batch: {path}: no such file or folder", file=sys.stderr)
        return EXIT_USAGE
    refs: dict[int, ReferenceData] = {}
    failed = 0
    for item in entities:
        if len(item) == 2:
            source, errors = item  # type: ignore[misc]
            doc = None
        else:
            source, data, files = item  # type: ignore[misc]
            doc, errors = score_entity(data, files, refs)
        if doc is None:
            failed += 1
            out.write(json.dumps({"source": source, "errors": errors}) + "\n")
        else:
            out.write(json.dumps({"source": source, "result": doc}) + "\n")
        out.flush()
    return EXIT_INVALID if failed else EXIT_OK
