"""The HTML score report: one self-contained page per entity, and a portfolio index of a run.

Built only from the result document (contract 2) plus the year's payment rules (for the adjustment
curve) and, optionally, the reference data (titles for results written before nodes carried them), so
the page can never disagree with the JSON. No network: styles inline, charts inline SVG
(:mod:`.svg`), the only script is the index's column sorting. Every value from input is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..explain_annotate import CATEGORY_TITLES, Opportunity, opportunities
from ..final import adjustment_percent
from ..reference import ReferenceData
from ..reweighting import reason_text
from ..rules import UnsupportedPerformanceYear, YearRules, rules_for
from .svg import CategoryBar, Step, category_bars, esc, fmt, payment_curve, score_bar, waterfall

OPTION_WORDS = {
    "traditional": "traditional MIPS",
    "mvp": "MIPS Value Pathway",
    "app": "APM Performance Pathway",
}
ELIGIBILITY_WORDS = {
    "required": "MIPS participation is required: the payment adjustment applies.",
    "optInEligible": "May opt in to MIPS (exceeds one or two of the low-volume criteria).",
    "optedIn": "Opted in to MIPS: the payment adjustment applies.",
    "excluded": "Excluded from MIPS: the score is informational, no payment adjustment applies.",
    "voluntary": "Voluntary reporting: the score is informational, no payment adjustment applies.",
}
STATUS_WORDS = {
    "smallPractice": "small practice (15 or fewer clinicians)",
    "rural": "rural practice",
    "hpsa": "health professional shortage area",
    "nonPatientFacing": "non-patient-facing",
    "hospitalBased": "hospital-based",
    "ascBased": "ambulatory-surgical-center-based",
}
_SHORT = {"quality": "Quality", "cost": "Cost", "ia": "IA", "pi": "PI"}
#: unconfirmed payment parameters in plain words
PARAMETER_WORDS = {
    "scaling_factor": "the budget-neutrality scaling factor",
    "final_score_comparison_decimals": "how the final score is rounded before the comparison",
    "estimate_scaling_factor": "the scaling factor assumed until CMS publishes the year's factor",
    "performance_threshold": "the performance threshold",
}
#: steps of the waterfall besides the categories (root parts in final-score points)
_EXTRA_STEPS = {"bonuses": "Bonus", "finalScoreCap": "Cap", "thresholdRule": "Threshold rule"}

CSS = "".join(
    (
        'body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;margin:0;',
        "background:#f9fafb}",
        "main{max-width:960px;margin:0 auto;padding:24px 28px;background:#fff}",
        "h1{font-size:24px;margin:0 0 4px}",
        "h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}",
        ".sub{color:#4b5563;margin:0 0 12px}",
        ".badges span{display:inline-block;padding:3px 10px;border-radius:12px;font-size:13px;",
        "font-weight:600;margin:0 6px 6px 0}",
        ".b-final{background:#dcfce7;color:#166534}",
        ".b-preliminary{background:#ffedd5;color:#9a3412;border:2px solid #ea580c}",
        ".b-estimated{background:#fef9c3;color:#854d0e}",
        ".b-preview{background:#e0e7ff;color:#3730a3}",
        ".notice{border-left:4px solid #ea580c;background:#fff7ed;padding:8px 12px;margin:8px 0}",
        ".headline{display:flex;gap:40px;align-items:baseline;flex-wrap:wrap}",
        ".big{font-size:44px;font-weight:700}",
        ".pos{color:#1b7f3b}",
        ".neg{color:#b42318}",
        ".neu{color:#374151}",
        "table{border-collapse:collapse;width:100%;font-size:14px}",
        "th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}",
        "th{background:#f3f4f6}",
        "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}",
        ".chart{width:100%;height:auto;display:block;margin:6px 0}",
        "ul{margin:4px 0;padding-left:20px}",
        "footer{color:#6b7280;font-size:12px;margin-top:28px}",
        "th[data-sort]{cursor:pointer}",
        'th[data-sort]::after{content:" \\2195";color:#9ca3af}',
        "a{color:#1d4ed8}",
    )
)


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _rules(doc: Mapping[str, Any]) -> YearRules | None:
    try:
        return rules_for(int(doc.get("performanceYear") or 0))
    except (UnsupportedPerformanceYear, ValueError):
        return None


def entity_label(doc: Mapping[str, Any]) -> str:
    """``group TIN 000000002`` / ``individual NPI 1000000004 (TIN ...)`` / ``apmEntity A1234 (TIN ...)``."""
    e = doc.get("entity") or {}
    tin = e.get("taxpayerIdentificationNumber", "")
    if e.get("nationalProviderIdentifier"):
        return f"{e.get('entityType')} NPI {e['nationalProviderIdentifier']} (TIN {tin})"
    if e.get("entityId"):
        return f"{e.get('entityType')} {e['entityId']} (TIN {tin})"
    return f"{e.get('entityType')} TIN {tin}"


def report_file_name(doc: Mapping[str, Any]) -> str:
    """A safe, unique file name for an entity's page: ``<year>-<type>-<TIN>-<NPI|entityId|group>.html``."""
    e = doc.get("entity") or {}
    leaf = e.get("nationalProviderIdentifier") or e.get("entityId") or "group"
    parts = [doc.get("performanceYear"), e.get("entityType"), e.get("taxpayerIdentificationNumber"), leaf]
    return "-".join(re.sub(r"[^A-Za-z0-9_]+", "_", str(p)) for p in parts) + ".html"


def _root_parts(doc: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(p.get("name")): p for p in (doc.get("explanation") or {}).get("parts") or []}


def _badges(doc: Mapping[str, Any], rules: YearRules | None) -> tuple[list[tuple[str, str]], list[str]]:
    """(badges as (css class, text), notices in plain words)."""
    badges: list[tuple[str, str]] = []
    notices: list[str] = []
    status = doc.get("status")
    preview = (
        status == "preview"
        or bool(doc.get("preview"))
        or "preview" in str((doc.get("versions") or {}).get("rules", "")).lower()
        or getattr(rules, "status", None) == "preview"
    )
    if status == "preliminary":
        badges.append(("b-preliminary", "PRELIMINARY"))
        notices.append(
            "Preliminary: an input this score depends on (the CMS profile or the CMS-calculated data) has "
            "not arrived yet. The score and the payment adjustment can still change."
        )
    elif not preview:
        badges.append(("b-final", "FINAL inputs"))
    pay = doc.get("paymentAdjustment") or {}
    unconfirmed = rules.payment.unconfirmed() if rules is not None else []
    if pay.get("estimated") is True or unconfirmed:
        badges.append(("b-estimated", "ESTIMATED adjustment"))
        if pay.get("estimated") is True:
            notices.append(
                "Estimated payment adjustment: "
                + str(pay.get("estimateReason") or "it rests on a parameter CMS has not published yet")
                + "."
            )
        if unconfirmed:
            notices.append(
                "Estimated payment adjustment: it uses parameter(s) CMS has not confirmed yet ("
                + "; ".join(PARAMETER_WORDS.get(u, u) for u in unconfirmed)
                + "), so the percentage is an estimate."
            )
    for part in _root_parts_all(doc):  # a score part resting on an unconfirmed formula (e.g. the bonus)
        detail = str(part.get("detail", ""))
        if part.get("unit") == "points" and ("UNCONFIRMED" in detail or "cannot be computed" in detail):
            what = str(part.get("title") or part.get("name"))
            badges.append(("b-estimated", f"ESTIMATED {what.lower()}"))
            notices.append(f"Estimated {what.lower()}: {part.get('detail')}")
    if preview:
        badges.append(("b-preview", "PREVIEW rules"))
        notices.append(
            "Preview: this performance year's rules are not final (only the parts knowable today are "
            "scored); the score may change."
        )
    notices.extend(f"Estimate: {note}" for note in doc.get("estimates") or [])
    return badges, notices


def _category_bars(doc: Mapping[str, Any]) -> list[CategoryBar]:
    parts = _root_parts(doc)
    bars = []
    for c, out in (doc.get("categories") or {}).items():
        code = out.get("reweightingReason")
        note = f"reweighted: {reason_text(code)}" if out.get("reweighted") else "not scored"
        bars.append(
            CategoryBar(
                key=c,
                label=CATEGORY_TITLES.get(c, c),
                score=None if out.get("reweighted") else _num(out.get("score")),
                weight=_num(out.get("weight")) or 0.0,
                contribution=_num(parts.get(c, {}).get("value")),
                note=note,
            )
        )
    return bars


def _steps(doc: Mapping[str, Any]) -> list[Step]:
    """The waterfall's steps: each scored category, then bonus / cap / threshold rule; a residual step
    keeps an older result (without cap or threshold parts) adding up to its final score."""
    parts = _root_parts(doc)
    steps = [
        Step(_SHORT.get(c, c), _num(parts.get(c, {}).get("value")) or 0.0)
        for c in (doc.get("categories") or {})
        if not (doc["categories"][c].get("reweighted"))
    ]
    for name, label in _EXTRA_STEPS.items():
        v = _num(parts.get(name, {}).get("value"))
        if v:
            steps.append(Step(label, v))
    residual = (_num(doc.get("finalScore")) or 0.0) - sum(s.value for s in steps)
    if abs(residual) > 1e-3:
        steps.append(Step("Other", residual))
    return steps


def _curve(doc: Mapping[str, Any], rules: YearRules | None) -> str:
    pa = doc.get("paymentAdjustment") or {}
    score, pct = _num(doc.get("finalScore")) or 0.0, _num(pa.get("percent")) or 0.0
    if rules is None:
        return f"<p>No payment rules for performance year {esc(doc.get('performanceYear'))}: no curve.</p>"
    p, cap = rules.payment, rules.bonus.final_score_cap
    floor = p.performance_threshold * p.max_negative_threshold_fraction
    svg = payment_curve(
        lambda s: adjustment_percent(s, p, cap)[0],
        score,
        pct,
        p.performance_threshold,
        breakpoints=(floor,),
        maximum=cap,
        caption=f"Payment adjustment {p.payment_year} by final score; here {fmt(score)} -> {pct:+.4f}%",
    )
    applies = (_root_parts(doc).get("paymentAdjustment", {}).get("metadata") or {}).get("applies", True)
    note = (
        "<p><strong>No payment adjustment applies</strong> for this entity's eligibility status; the point "
        "shows 0%.</p>"
        if applies is False
        else ""
    )
    return svg + note


def _opportunities(doc: Mapping[str, Any], ref: ReferenceData | None, top: int) -> list[Opportunity]:
    found = opportunities(doc.get("explanation") or {}, doc.get("categories") or {})[:top]
    out = []
    for o in found:
        title = o.title
        if not title and ref is not None and (m := ref.measure(o.measure_id)) is not None:
            title = m.title
        out.append(replace(o, title=title))
    return out


def _opportunity_table(items: Sequence[Opportunity]) -> str:
    if not items:
        return "<p>Every scored measure earned its maximum: nothing left to gain.</p>"
    rows = []
    for i, o in enumerate(items, start=1):
        earned = "" if o.earned is None or o.available is None else f"{fmt(o.earned)} of {fmt(o.available)}"
        rows.append(
            f'<tr data-measure="{esc(o.measure_id)}"><td class="num">{i}</td>'
            f"<td>{esc(CATEGORY_TITLES.get(o.category, o.category))}</td><td><strong>{esc(o.measure_id)}"
            f"</strong><br>{esc(o.title)}</td><td class=num>{esc(earned)}</td>"
            f'<td class="num">{o.points:.2f}</td><td>{esc(o.detail)}</td></tr>'
        )
    return (
        '<table id="opportunities"><thead><tr><th class="num">#</th><th>Category</th><th>Measure</th>'
        '<th class="num">Points earned</th><th class="num">Final-score points lost</th><th>Why</th></tr>'
        "</thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _category_table(doc: Mapping[str, Any]) -> str:
    rows = []
    for b in _category_bars(doc):
        score = "–" if b.score is None else f"{b.score:.4f}%"
        contribution = "–" if b.contribution is None else f"{b.contribution:.4f}"
        rows.append(
            f'<tr data-category="{esc(b.key)}" data-score="{esc("" if b.score is None else b.score)}" '
            f'data-contribution="{esc("" if b.contribution is None else b.contribution)}">'
            f"<td>{esc(b.label)}</td><td class=num>{esc(score)}</td><td class=num>{esc(fmt(b.weight))}%</td>"
            f"<td class=num>{esc(contribution)}</td>"
            f"<td>{esc('' if b.score is not None else b.note)}</td></tr>"
        )
    return (
        '<table id="categories"><thead><tr><th>Category</th><th class="num">Score</th><th class="num">'
        'Weight</th><th class="num">Points of the final score</th><th>Note</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def _reasons(doc: Mapping[str, Any]) -> str:
    el = doc.get("eligibility") or {}
    status = str(el.get("status", ""))
    items = [f"<p><strong>Eligibility:</strong> {esc(ELIGIBILITY_WORDS.get(status, status))}</p>"]
    reasons = el.get("reasons") or []
    if reasons:
        items.append("<ul>" + "".join(f"<li>{esc(r)}</li>" for r in reasons) + "</ul>")
    statuses = [STATUS_WORDS.get(s, s) for s in doc.get("specialStatuses") or []]
    items.append(f"<p><strong>Special statuses:</strong> {esc(', '.join(statuses) or 'none')}</p>")
    reweighted = [
        f"<li><strong>{esc(CATEGORY_TITLES.get(c, c))}</strong> carries no weight: "
        f"{esc(reason_text(str(out.get('reweightingReason') or '')))}; its weight moved to the other "
        "categories.</li>"
        for c, out in (doc.get("categories") or {}).items()
        if out.get("reweighted")
    ]
    notes = [f"<li>{esc(p.get('detail'))}</li>" for p in _root_parts_all(doc) if p.get("name") == "message"]
    if reweighted or notes:
        items.append("<p><strong>Reweighting:</strong></p><ul>" + "".join(reweighted + notes) + "</ul>")
    else:
        items.append("<p><strong>Reweighting:</strong> none; the standard category weights apply.</p>")
    parts = _root_parts(doc)
    if "thresholdRule" in parts:
        items.append(f'<p class="notice">{esc(parts["thresholdRule"].get("detail"))}</p>')
    return "".join(items)


def _root_parts_all(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list((doc.get("explanation") or {}).get("parts") or [])


def _alternatives(doc: Mapping[str, Any]) -> str:
    alts = doc.get("alternatives") or []
    if not alts:
        return ""
    rows = "".join(
        f"<li>{esc(OPTION_WORDS.get(a.get('reportingOption'), a.get('reportingOption')))}"
        f"{esc(' ' + a['mvpId'] if a.get('mvpId') else '')}: "
        f"final score {esc(fmt(_num(a.get('finalScore')) or 0))}"
        " (lower; not used)</li>"
        for a in alts
    )
    return f"<h2>Other reporting options scored</h2><ul>{rows}</ul>"


def _page(title: str, body: str, script: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src '
        "'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>{body}</main>"
        + (f"<script>{script}</script>" if script else "")
        + "</body></html>\n"
    )


def render_entity(
    doc: Mapping[str, Any], rules: YearRules | None = None, ref: ReferenceData | None = None, top: int = 8
) -> str:
    """One entity's report page from its result document (contract 2)."""
    rules = rules or _rules(doc)
    score = _num(doc.get("finalScore")) or 0.0
    pa = doc.get("paymentAdjustment") or {}
    pct = _num(pa.get("percent")) or 0.0
    meta = (doc.get("explanation") or {}).get("metadata") or {}
    threshold = (
        rules.payment.performance_threshold
        if rules is not None
        else _num(meta.get("performanceThreshold")) or 75.0
    )
    floor = threshold * rules.payment.max_negative_threshold_fraction if rules is not None else None
    maximum = rules.bonus.final_score_cap if rules is not None else 100.0
    option = OPTION_WORDS.get(str(doc.get("reportingOption")), str(doc.get("reportingOption")))
    if doc.get("mvpId"):
        option += f" {doc['mvpId']}"
    badges, notices = _badges(doc, rules)
    versus = "above" if score > threshold else "at" if score == threshold else "below"
    cls = "pos" if pct > 0 else "neg" if pct < 0 else "neu"
    label = entity_label(doc)
    body = [
        f"<h1>MIPS {esc(doc.get('performanceYear'))} score report</h1>",
        f'<p class="sub" id="entity">{esc(label)} · {esc(option)} · '
        f"payment year {esc(doc.get('paymentYear'))}</p>",
        '<div class="badges" id="badges">'
        + "".join(f'<span class="{c}" data-badge="{esc(t)}">{esc(t)}</span>' for c, t in badges)
        + "</div>",
        "".join(f'<p class="notice">{esc(n)}</p>' for n in notices),
        '<div class="headline">',
        f'<div><div class="big" id="final-score" data-value="{esc(score)}">{score:.2f}</div>'
        f"<div>final score of {esc(fmt(maximum))} · {versus} the "
        f"{esc(fmt(threshold))}-point threshold</div></div>",
        f'<div><div class="big {cls}" id="payment-adjustment" data-value="{esc(pct)}">{pct:+.3f}%</div>'
        f"<div>Medicare payment adjustment in {esc(pa.get('paymentYear'))} "
        f"({esc(pa.get('direction'))})</div></div>",
        "</div>",
        score_bar(score, threshold, floor, maximum),
        "<h2>Categories</h2>",
        category_bars(_category_bars(doc)),
        _category_table(doc),
        "<h2>From 0 to the final score</h2>",
        waterfall(_steps(doc), score, maximum),
        f"<p>{esc((doc.get('explanation') or {}).get('detail'))}</p>",
        f"<h2>Payment adjustment {esc(pa.get('paymentYear'))}</h2>",
        _curve(doc, rules),
        f"<p>{esc(_root_parts(doc).get('paymentAdjustment', {}).get('detail'))}</p>",
        "<h2>Where points were lost</h2>",
        _opportunity_table(_opportunities(doc, ref, top)),
        "<h2>Eligibility and reweighting</h2>",
        _reasons(doc),
        _alternatives(doc),
    ]
    v = doc.get("versions") or {}
    body.append(
        f"<footer>Engine {esc(v.get('engine'))} · rules {esc(v.get('rules'))} · reference data "
        f"{esc(v.get('referenceData'))}. Built from the result document; the JSON is authoritative.</footer>"
    )
    return _page(f"MIPS {doc.get('performanceYear')} score: {label}", "".join(body))


SORT_JS = """
(function(){var t=document.getElementById('portfolio');if(!t)return;var b=t.tBodies[0];
function key(r,i,n){var c=r.cells[i],v=c.getAttribute('data-value');if(v===null)v=c.textContent;
if(n){v=parseFloat(v);return isNaN(v)?-Infinity:v;}return v.toLowerCase();}
function sort(name,desc){var hs=t.tHead.rows[0].cells;for(var i=0;i<hs.length;i++){if(hs[i].getAttribute(
'data-sort')===name){var n=hs[i].getAttribute('data-type')==='number';var rows=Array.prototype.slice.call(
b.rows);rows.sort(function(x,y){var a=key(x,i,n),c=key(y,i,n);return(a<c?-1:a>c?1:0)*(desc?-1:1);});
rows.forEach(function(r){b.appendChild(r);});t.setAttribute('data-sorted',name+(desc?':desc':':asc'));
return;}}}
t.tHead.addEventListener('click',function(e){var h=e.target.closest('th[data-sort]');if(!h)return;
var name=h.getAttribute('data-sort');sort(name,t.getAttribute('data-sorted')===name+':asc');});
var m=/sort=([A-Za-z]+)(:desc)?/.exec(location.hash);if(m)sort(m[1],!!m[2]);})();
"""


def render_index(entries: Sequence[tuple[Mapping[str, Any], str]], title: str = "MIPS score reports") -> str:
    """The portfolio page: every entity with its score and adjustment, sortable by any column (click a
    heading; ``#sort=finalScore:desc`` in the address sorts on load). ``entries`` are (document, link)."""
    rows = []
    for doc, href in entries:
        e = doc.get("entity") or {}
        pa = doc.get("paymentAdjustment") or {}
        score, pct = _num(doc.get("finalScore")) or 0.0, _num(pa.get("percent")) or 0.0
        cls = "pos" if pct > 0 else "neg" if pct < 0 else "neu"
        leaf = (
            f"NPI {e['nationalProviderIdentifier']}"
            if e.get("nationalProviderIdentifier")
            else e.get("entityId") or f"TIN {e.get('taxpayerIdentificationNumber')} (group)"
        )
        option = str(doc.get("reportingOption")) + (f" {doc['mvpId']}" if doc.get("mvpId") else "")
        rows.append(
            f'<tr data-entity="{esc(report_file_name(doc))}"><td><a href="{esc(href)}">{esc(leaf)}</a></td>'
            f"<td>{esc(e.get('entityType'))}</td><td>{esc(e.get('taxpayerIdentificationNumber'))}</td>"
            f"<td>{esc(option)}</td><td>{esc(doc.get('status'))}</td>"
            f'<td class="num" data-value="{esc(score)}">{score:.2f}</td>'
            f'<td class="num {cls}" data-value="{esc(pct)}">{pct:+.4f}%</td>'
            f"<td>{esc(pa.get('direction'))}</td></tr>"
        )
    heads = [
        ("entity", "Entity", "text"),
        ("entityType", "Type", "text"),
        ("tin", "TIN", "text"),
        ("option", "Option", "text"),
        ("status", "Status", "text"),
        ("finalScore", "Final score", "number"),
        ("adjustment", "Adjustment", "number"),
        ("direction", "Direction", "text"),
    ]
    head = "".join(
        f'<th data-sort="{k}" data-type="{t}"{" class=num" if t == "number" else ""}>{esc(label)}</th>'
        for k, label, t in heads
    )
    n_pre = sum(1 for d, _ in entries if d.get("status") == "preliminary")
    body = (
        f"<h1>{esc(title)}</h1><p class=sub>{len(entries)} entit{'y' if len(entries) == 1 else 'ies'}"
        + (f" · <strong>{n_pre} preliminary</strong>" if n_pre else "")
        + " · click a column heading to sort</p>"
        + f'<table id="portfolio"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    return _page(title, body, SORT_JS)
