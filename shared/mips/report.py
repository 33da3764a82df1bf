"""The readable text report of a :class:`~mips.models.result.ScoreResult` (default output of ``mips score``).

Built only from the result document, so the text and ``--json`` can never disagree. The "points lost"
list converts each shortfall into final-score points: a quality measure's missing points count
``gap / quality max points x weight``, a cost measure's ``gap / scored measures x 10 x weight / 100``, a PI
measure's ``gap x weight / 100``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .models.result import ScoreResult
from .reweighting import reason_text

_LABEL = {"quality": "Quality", "cost": "Cost", "ia": "Improvement Activities", "pi": "Promoting Interop."}
_OPTION = {"traditional": "traditional MIPS", "mvp": "MVP", "app": "APM Performance Pathway (APP)"}


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for part in node.get("parts", []):
        yield from _walk(part)


def _find(node: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((n for n in _walk(node) if n.get("name") == name), None)


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _first_sentence(text: str, limit: int = 140) -> str:
    text = text.split(". ")[0].strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


def points_lost(result: ScoreResult) -> list[tuple[float, str]]:
    """(final-score points, sentence) for each measure that earned less than its maximum, largest first."""
    tree = result.explanation
    cats = result.categories
    out: list[tuple[float, str]] = []
    by_name = {p.get("name"): p for p in tree.get("parts", [])}
    q = cats.get("quality")
    if q and not q.reweighted and q.weight > 0 and q.max_points and "quality" in by_name:
        qnode = by_name["quality"]
        for holder in ("measures", "adminClaims"):
            h = _find(qnode, holder)
            for m in h.get("parts", []) if h else []:
                v = _num(m.get("value"))
                picked = m.get("metadata", {}).get("processingStatus", "PICKED") == "PICKED"
                if v is None or not picked or v >= 10:
                    continue
                impact = (10 - v) / q.max_points * q.weight
                what = (
                    "missing required measure" if m["name"].startswith("missing") else f"measure {m['name']}"
                )
                out.append((impact, f"Quality {what}: {v:.4f} of 10 points - {_first_sentence(m['detail'])}"))
    c = cats.get("cost")
    if c and not c.reweighted and c.weight > 0 and "cost" in by_name:
        scored = _cost_measures(by_name["cost"])
        for m in scored:
            v = _num(m.get("value")) or 0.0
            if v < 10:
                impact = (10 - v) / len(scored) * 10 * c.weight / 100
                out.append(
                    (
                        impact,
                        f"Cost measure {m['name']}: {v:.4f} of 10 points - {_first_sentence(m['detail'])}",
                    )
                )
    p = cats.get("pi")
    if p and not p.reweighted and p.weight > 0 and "pi" in by_name:
        pnode = by_name["pi"]
        failed = [
            n
            for g in _walk(pnode)
            if g.get("name") == "gates"
            for n in g.get("parts", [])
            if n.get("value") is False
        ]
        if p.score == 0 and failed:
            names = ", ".join(n["name"] for n in failed)
            first = _first_sentence(failed[0]["detail"])
            out.append((p.weight, f"PI scored 0: requirement(s) not met ({names}) - first: {first}"))
        for n in _walk(pnode):
            base = _num(n.get("metadata", {}).get("basePoints"))
            v = _num(n.get("value"))
            if base is not None and v is not None and v < base and p.score:
                out.append(
                    (
                        (base - v) * p.weight / 100,
                        f"PI measure {n['name']}: {v:g} of {base:g} points - {_first_sentence(n['detail'])}",
                    )
                )
    i = cats.get("ia")
    if i and not i.reweighted and i.weight > 0 and i.score is not None and i.score < 100:
        out.append(
            (
                (100 - i.score) * i.weight / 100,
                f"Improvement activities: {i.score:.2f}% - attest more activities "
                "(40 points are needed for full credit)",
            )
        )
    return sorted(out, key=lambda t: -t[0])


def _cost_measures(cost_node: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        m
        for m in _walk(cost_node)
        if m.get("metadata", {}).get("caseMinimumMet") is True and _num(m.get("value")) is not None
    ]


def render_text(result: ScoreResult, top: int = 5) -> str:
    """The report a practice's quality manager reads."""
    r = result
    e = r.entity
    lines: list[str] = []
    lines.append(
        f"MIPS {r.performance_year} score (payment year {r.payment_year}) - {r.status.upper()}"
        + {"final": "", "preview": " (a preview rule pack: see the estimates below)"}.get(
            r.status, " (an input the score depends on has not arrived)"
        )
    )
    who = f"TIN {e.taxpayer_identification_number}"
    if e.national_provider_identifier:
        who += f", NPI {e.national_provider_identifier}"
    if e.entity_id:
        who += f", entity {e.entity_id}"
    lines.append(f"Entity:            {e.entity_type} ({who})")
    option = _OPTION.get(r.reporting_option, r.reporting_option)
    if r.mvp_id:
        option += f" {r.mvp_id}"
    lines.append(f"Reporting option:  {option}")
    lines.append(f"Eligibility:       {r.eligibility.status}")
    for reason in r.eligibility.reasons:
        lines.append(f"                   - {reason}")
    lines.append(f"Special statuses:  {', '.join(r.special_statuses) or 'none'}")
    lines.append("")
    lines.append(f"{'Category':<24}{'Score':>10}{'Weight':>9}{'Contribution':>14}  Reweighted")
    contributions = {p.get("name"): _num(p.get("value")) or 0.0 for p in r.explanation.get("parts", [])}
    for c, out in r.categories.items():
        score = "-" if out.score is None else f"{out.score:.4f}"
        contrib = "-" if out.reweighted else f"{contributions.get(c, 0.0):.4f}"
        rew = f"yes: {reason_text(out.reweighting_reason or '')}" if out.reweighted else "no"
        lines.append(f"{_LABEL.get(c, c):<24}{score:>10}{out.weight:>8g}%{contrib:>14}  {rew}")
    lines.append("")
    lines.append(f"Complex patient bonus: {r.complex_patient_bonus:.4f}")
    lines.append(f"Final score:           {r.final_score:.4f}   ({r.explanation.get('detail', '')})")
    pa = r.payment_adjustment
    pnode: dict[str, Any] = next(
        (p for p in r.explanation.get("parts", []) if p.get("name") == "paymentAdjustment"), {}
    )
    lines.append(f"Payment adjustment {pa.payment_year}: {pa.percent:+.4f}% ({pa.direction})")
    if pnode.get("detail"):
        lines.append(f"                   {pnode['detail']}")
    for note in r.estimates or []:
        lines.append(f"Estimate:          {note}")
    lost = points_lost(r)[:top]
    if lost:
        lines.append("")
        lines.append("Top reasons points were lost (final-score points):")
        for n, (impact, text) in enumerate(lost, start=1):
            lines.append(f"  {n}. {impact:7.4f}  {text}")
    for alt in r.alternatives:
        opt = _OPTION.get(alt.reporting_option, alt.reporting_option) + (
            f" {alt.mvp_id}" if alt.mvp_id else ""
        )
        lines.append("")
        lines.append(f"Also scored: {opt}: final score {alt.final_score:.4f} (lower; not used)")
    lines.append("")
    v = r.versions
    lines.append(f"Versions: engine {v.engine}, rules {v.rules}, reference data {v.reference_data}")
    return "\n".join(lines) + "\n"
