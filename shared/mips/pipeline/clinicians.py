"""Pipeline step part: publish ``results/<year>/clinician/<TIN>/<NPI>.json`` for each clinician a new
entity result counts for (spec 9.2, :mod:`mips.clinician`).

Called by the aggregator after the entity's result file is written. Each clinician file carries the
score used and every alternative, each naming its source entity; a new result of an entity replaces that
entity's earlier score in the file, and the choice is made again. S3 offers no compare-and-set, so two
aggregators updating the same clinician at the same moment could drop one source; the next result of
that entity restores it (documented limitation).
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from ..clinician import ScoreSource, choose_for_clinician, clinician_key, covered_clinicians, source_of
from ..models import Profile
from .store import Bucket


def _existing_sources(bucket: Bucket, key: str) -> list[ScoreSource]:
    try:
        data = bucket.read(key).data
    except ClientError as exc:
        # without s3:ListBucket a missing object reads as AccessDenied (403) on AWS: also "no file yet"
        if exc.response.get("Error", {}).get("Code") in {
            "404",
            "NoSuchKey",
            "NotFound",
            "403",
            "AccessDenied",
        }:
            return []
        raise
    try:
        doc = json.loads(data)
        return [ScoreSource.model_validate(s) for s in [doc["source"], *doc.get("alternatives", [])]]
    except (ValueError, KeyError, TypeError):
        return []  # an unreadable file is rebuilt from the new result


def publish_clinician_results(bucket: Bucket, doc: dict[str, Any], profile: Profile | None) -> list[str]:
    """Update the clinician files the result document ``doc`` counts for; returns the keys written."""
    year = int(doc["performanceYear"])
    new = source_of(doc)
    written: list[str] = []
    for tin, npi in covered_clinicians(doc, profile):
        key = clinician_key(year, tin, npi)
        sources = [s for s in _existing_sources(bucket, key) if s.entity_ref() != new.entity_ref()]
        chosen = choose_for_clinician(year, tin, npi, [*sources, new], doc.get("paymentYear"))
        bucket.put_json(key, chosen.to_doc())
        written.append(key)
    return written
