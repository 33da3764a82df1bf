"""The HTML score report beside each result file: ``reports/<year>/<entityType>/<TIN>/<leaf>.html``.

Written by the aggregator right after ``results/...json`` (:func:`mips.pipeline.store.publish_result_file`)
from the same stored RESULT item, so the page and the JSON show the same version. As for the JSON, S3
has no compare-and-set: the writer re-reads DynamoDB after its put and repeats when a newer result
landed meanwhile, so the last put is followed by a check that saw the newest result.
"""

from __future__ import annotations

from typing import Any

from ..models import EntityKey
from ..reference import ReferenceData
from ..report_html import render_entity
from ..rules import YearRules
from .store import Bucket, EntityStore

CONTENT_TYPE = "text/html; charset=utf-8"


def report_key(key: EntityKey) -> str:
    """``reports/<year>/<entityType>/<TIN>/<NPI or entityId or "group">.html`` (beside ``results/``)."""
    return (
        f"reports/{key.performance_year}/{key.entity_type}/{key.taxpayer_identification_number}/"
        f"{key.leaf()}.html"
    )


def publish_report(
    store: EntityStore,
    bucket: Bucket,
    key: EntityKey,
    rules: YearRules,
    ref: ReferenceData | None = None,
    attempts: int = 5,
    known: tuple[int, dict[str, Any]] | None = None,
) -> int | None:
    """Render the entity's stored result as HTML to :func:`report_key`; returns the version shown.

    ``known``: the (version, document) the caller has just stored, rendered on the first attempt instead
    of being read back; the check after the put (the stored version, a projection) is the same."""
    for attempt in range(attempts):
        current = known if attempt == 0 and known is not None else store.get_result(key)
        if current is None:
            return None
        version, doc = current
        bucket.put_bytes(report_key(key), render_entity(doc, rules=rules, ref=ref).encode(), CONTENT_TYPE)
        if store.result_version(key) == version:
            return version
    raise RuntimeError(f"result for {key.masked()} kept changing while writing its report; will retry")
