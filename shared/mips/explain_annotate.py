"""Finishing touches on the explanation tree, applied once after scoring (``engine.finalize_option``).

Category modules build their own trees; this module makes the assembled tree read like CMS's scoring API
output (``../shared/samples/qpp-json/scoring-example-output-*.json``) without touching their logic:

- every level has its own names: the root is ``total`` (contract 2), its parts are the category
  contributions ``quality``/``cost``/``ia``/``pi`` (final-score points, as in CMS's output), and the
  category score below each is ``<category>CategoryScore`` (percent, CMS's ``qualityCategoryScore``
  vocabulary); a name reserved for the upper levels that a category reuses inside (IA's ``total``) is
  prefixed with the category (``iaPoints``);
- measure and activity nodes carry ``title`` from the reference data (or the title the scorer recorded);
- a ``feedback`` part lists the top improvement opportunities, like CMS's ``feedback-quality``, each
  with the final-score points it could still add (:func:`opportunities`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .explain import Node
from .reference import ReferenceData

CATEGORY_TITLES = {
    "quality": "Quality",
    "cost": "Cost",
    "ia": "Improvement Activities",
    "pi": "Promoting Interoperability",
}
#: names used by the root and its parts; nodes deeper down get another name (see module docstring)
RESERVED_NAMES = frozenset({"total", *CATEGORY_TITLES, "bonuses", "paymentAdjustment", "entity", "feedback"})
_RENAMED = {"total": "Points"}
#: how many opportunities the ``feedback`` part lists
FEEDBACK_SIZE = 5


def category_score_name(category: str) -> str:
    """The name of the category-score node below a category's contribution node."""
    return f"{category}CategoryScore"


def _title_of(name: str, meta: Mapping[str, Any], ref: ReferenceData | None) -> str | None:
    """The title a node's metadata recorded (``measureTitle``, then ``title``), else its reference-data
    measure's. Called for most nodes of every entity's tree, so the empty metadata is skipped early."""
    if meta:
        for key in ("measureTitle", "title"):
            t = meta.get(key)
            if t and isinstance(t, str):
                return t if type(t) is str else str(t)
    measure = ref.measure(name) if ref is not None else None
    return measure.title if measure is not None and measure.title else None


def category_subtree(category: str, tree: Node, ref: ReferenceData | None) -> dict[str, Any]:
    """The document of a category module's tree with a level-distinct name, ``unit`` and titles.

    The tree is rendered once with its new labels, never copied or changed: the category result (and
    any facility-based variant sharing its tree) stays as the category module built it."""
    name = category_score_name(category)
    title = tree.title or f"{CATEGORY_TITLES.get(category, category)} category score"
    parts = [_labelled(p, category, ref) for p in tree.parts]
    return tree.render(name, title, tree.unit or "percent", parts)


def _labelled(node: Node, category: str, ref: ReferenceData | None) -> dict[str, Any]:
    """The document of a node below a category's root: a reserved name prefixed with the category, a
    missing title looked up (by the new name) in the node's metadata or the reference data."""
    name = node.name
    if name in RESERVED_NAMES:
        name = f"{category}{_RENAMED.get(name, name[:1].upper() + name[1:])}"
    title = node.title if node.title is not None else _title_of(name, node.metadata, ref)
    parts = node.parts  # most nodes are leaves: no list comprehension run for them (Python 3.11)
    return node.render(name, title, node.unit, [_labelled(p, category, ref) for p in parts] if parts else [])


# -- improvement opportunities ------------------------------------------------------------------------
@dataclass(frozen=True)
class Opportunity:
    """A measure (or a whole category) that earned less than it could, and what that cost."""

    category: str
    measure_id: str  # the measure or activity id; iaActivities or piRequirements for a category-wide one
    title: str
    earned: float | None  # points the measure earned (its own scale), None for a category-wide item
    available: float | None  # the most it could earn
    points: float  # final-score points it could still add
    detail: str


def _walk(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The document and every part below it, depth first, as a list: each category's opportunities
    scan it once (iterative, no generator resumed per node; an entity's tree has ~70 nodes)."""
    out: list[Mapping[str, Any]] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        out.append(node)
        parts = node.get("parts")
        if parts:
            stack.extend(reversed(parts))
    return out


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _first_sentence(text: str, limit: int = 160) -> str:
    text = (text or "").split(". ")[0].strip().rstrip(".")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _why(node: Mapping[str, Any]) -> str:
    return _first_sentence(str(node.get("detail") or ""))


def _quality(node: Mapping[str, Any], cat: Mapping[str, Any]) -> list[Opportunity]:
    weight, max_points = _num(cat.get("weight")) or 0.0, _num(cat.get("maxPoints"))
    if not max_points:
        return []
    out: list[Opportunity] = []
    for holder in _walk(node):
        if holder.get("name") not in ("measures", "adminClaims"):
            continue
        for m in holder.get("parts") or []:
            v, meta = _num(m.get("value")), m.get("metadata") or {}
            if v is None or meta.get("processingStatus", "PICKED") != "PICKED":
                continue
            cap = 7.0 if meta.get("sevenPointCapApplied") else 10.0
            if v >= cap:
                continue
            ghost = str(m.get("name", "")).startswith("missing")
            out.append(
                Opportunity(
                    category="quality",
                    measure_id=str(m.get("name")),
                    title="Missing required measure" if ghost else str(m.get("title") or ""),
                    earned=v,
                    available=cap,
                    points=(cap - v) / max_points * weight,
                    detail=(
                        "Report another quality measure: each missing required measure scores 0"
                        if ghost
                        else f"Focus on improving measure {m.get('name')}: {_why(m)}"
                    ),
                )
            )
    return out


def _cost(node: Mapping[str, Any], cat: Mapping[str, Any]) -> list[Opportunity]:
    weight = _num(cat.get("weight")) or 0.0
    scored = [
        m
        for m in _walk(node)
        if (m.get("metadata") or {}).get("caseMinimumMet") is True and _num(m.get("value")) is not None
    ]
    out = []
    for m in scored:
        v = _num(m.get("value")) or 0.0
        if v < 10:
            out.append(
                Opportunity(
                    category="cost",
                    measure_id=str(m.get("name")),
                    title=str(m.get("title") or ""),
                    earned=v,
                    available=10.0,
                    points=(10 - v) / len(scored) * 10 * weight / 100,
                    detail=f"Lower the cost of measure {m.get('name')}: {_why(m)}",
                )
            )
    return out


def _pi(node: Mapping[str, Any], cat: Mapping[str, Any]) -> list[Opportunity]:
    weight, score = _num(cat.get("weight")) or 0.0, _num(cat.get("score"))
    # one scan for both the failed gates and the measures with base points
    failed: list[Mapping[str, Any]] = []
    measures: list[tuple[Mapping[str, Any], float]] = []
    for n in _walk(node):
        if n.get("name") == "gates":
            failed.extend(g for g in n.get("parts") or [] if g.get("value") is False)
        meta = n.get("metadata")
        base = _num(meta.get("basePoints")) if meta else None
        if base is not None:
            measures.append((n, base))
    if score == 0 and failed:
        names = ", ".join(str(n.get("name")) for n in failed)
        return [
            Opportunity(
                category="pi",
                measure_id="piRequirements",
                title="Promoting Interoperability requirements",
                earned=None,
                available=None,
                points=weight,
                detail=f"Meet the PI requirement(s) {names}: {_first_sentence(failed[0].get('detail', ''))}",
            )
        ]
    out: list[Opportunity] = []
    if not score:  # a category scored 0 (or not at all) has no per-measure shortfall to list
        return out
    for n, base in measures:
        v = _num(n.get("value"))
        if v is not None and v < base:
            out.append(
                Opportunity(
                    category="pi",
                    measure_id=str(n.get("name")),
                    title=str(n.get("title") or ""),
                    earned=v,
                    available=base,
                    points=(base - v) * weight / 100,
                    detail=f"Raise the performance rate of {n.get('name')}: {_why(n)}",
                )
            )
    return out


def _ia(cat: Mapping[str, Any]) -> list[Opportunity]:
    weight, score = _num(cat.get("weight")) or 0.0, _num(cat.get("score"))
    if score is None or score >= 100:
        return []
    return [
        Opportunity(
            category="ia",
            measure_id="iaActivities",
            title="Improvement activities",
            earned=score,
            available=100.0,
            points=(100 - score) * weight / 100,
            detail=f"Attest more improvement activities: the category scored {score:.2f}% of 100%",
        )
    ]


def opportunities(explanation: Mapping[str, Any], categories: Mapping[str, Any]) -> list[Opportunity]:
    """Every shortfall, largest first, in final-score points (the same conversions as the text report:
    a quality measure's ``gap / quality max points x weight``, a cost measure's ``gap / scored measures x
    10 x weight / 100``, a PI measure's ``gap x weight / 100``, IA's ``(100 - score) x weight / 100``).

    ``explanation`` and ``categories`` are the result document's (contract 2), so this also works on a
    result file read back from disk.
    """
    by_name = {p.get("name"): p for p in explanation.get("parts") or []}
    out: list[Opportunity] = []
    for c in CATEGORY_TITLES:
        cat = categories.get(c)
        if not cat or cat.get("reweighted") or not (_num(cat.get("weight")) or 0.0) > 0:
            continue
        node = by_name.get(c, {})
        if c == "quality":
            out += _quality(node, cat)
        elif c == "cost":
            out += _cost(node, cat)
        elif c == "pi":
            out += _pi(node, cat)
        else:
            out += _ia(cat)
    return sorted((o for o in out if o.points > 0), key=lambda o: -o.points)


def feedback_node(found: list[Opportunity], size: int = FEEDBACK_SIZE) -> Node:
    """The ``feedback`` part: the top opportunities (CMS's ``feedback-quality``, for every category)."""
    top = found[:size]
    detail = (
        f"The {len(top)} largest improvement opportunities of {len(found)}, in final-score points."
        if found
        else "No improvement opportunity: every scored measure earned its maximum."
    )
    return Node(
        name="feedback",
        title="Top improvement opportunities",
        detail=detail,
        parts=[
            Node(
                name=o.measure_id,
                title=o.title or None,
                value=o.points,
                unit="points",
                detail=o.detail,
                metadata={"category": o.category, "earned": o.earned, "available": o.available},
            )
            for o in top
        ],
    )
