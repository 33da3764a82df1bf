"""``mips score ... --entity FILES --clinicians``: which final score counts for each clinician (spec 9.2).

Scores every ``--entity`` (submission, profile, CMS data, comma-separated) like the main one and prints,
per TIN/NPI covered by an individual result or a roster (profile ``clinicians``), the score used, its
source entity and the alternatives (:mod:`mips.clinician`). With ``--json``: a JSON list of the
per-clinician documents the pipeline publishes as ``results/<year>/clinician/<TIN>/<NPI>.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..clinician import clinician_results
from ..models import CmsData, Profile, ScoreResult, Submission
from .score import EXIT_INVALID, EXIT_OK, EXIT_USAGE, InputError, _print_problems, _read


def _load(path: str, kind: str, ref: Any) -> Any:
    """One file through the same screening and validation as the main inputs (errors -> InputError)."""
    from ..validation import validate_document

    report = validate_document(_read(path, kind), ref, kind=kind, file=path)  # type: ignore[arg-type]
    if report.errors or report.model is None:
        raise InputError(path, report.errors)
    return report.model


def _entity(spec: str, ref: Any, rules: Any) -> tuple[ScoreResult, Profile | None]:
    from ..engine import score

    parts = [*spec.split(","), "", ""][:3]
    sub_path, prof_path, cms_path = (x.strip() for x in parts)
    submission: Submission | None = _load(sub_path, "submission", ref) if sub_path else None
    profile: Profile | None = _load(prof_path, "profile", ref) if prof_path else None
    cms_data: CmsData | None = _load(cms_path, "cmsData", ref) if cms_path else None
    return score(submission, profile, cms_data, ref, rules), profile


def report_clinicians(
    args: argparse.Namespace, result: ScoreResult, profile: Profile | None, ref: Any, rules: Any
) -> int:
    from ..engine import InputMismatch

    entities: list[tuple[dict[str, Any], Profile | None]] = [(result.to_doc(), profile)]
    for spec in args.entities:
        try:
            other, other_profile = _entity(spec, ref, rules)
        except InputError as err:
            _print_problems(err)
            return EXIT_USAGE if err.usage else EXIT_INVALID
        except InputMismatch as exc:
            print(f"--entity {spec}: inputs do not match: {exc}", file=sys.stderr)
            return EXIT_INVALID
        entities.append((other.to_doc(), other_profile))
    chosen = clinician_results(entities)
    if args.json:
        print(json.dumps([c.to_doc() for c in chosen], indent=2))
        return EXIT_OK
    if not chosen:
        print("No clinician is covered: give an individual's files or a profile with 'clinicians'.")
        return EXIT_OK
    for c in chosen:
        src = c.source
        leaf = src.national_provider_identifier or src.entity_id or ""
        print(
            f"TIN {c.taxpayer_identification_number} / NPI {c.national_provider_identifier}: "
            f"final score {c.final_score:.4f} from {src.entity_type}{' ' + leaf if leaf else ''}"
            f" ({src.reporting_option}), payment adjustment {c.payment_adjustment.get('percent', 0.0):+.4f}%"
        )
        print(f"    {c.rule}")
        for alt in c.alternatives:
            alt_leaf = alt.national_provider_identifier or alt.entity_id or ""
            who = f"{alt.entity_type} {alt_leaf}".strip()
            print(f"    alternative: {who} ({alt.reporting_option}) {alt.final_score:.4f}")
    return EXIT_OK
