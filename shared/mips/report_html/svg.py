"""Small inline-SVG charts for the HTML score report: no JavaScript, no network, no chart library.

Every text that comes from input passes through :func:`esc`; numbers are formatted here. Each chart is
a function returning one ``<svg>`` element sized by its ``viewBox`` so the page scales it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

#: colours (readable on white, distinguishable without colour thanks to labels)
GOOD, BAD, NEUTRAL, MUTED, INK, ACCENT = "#1b7f3b", "#b42318", "#6b7280", "#d1d5db", "#111827", "#1d4ed8"


def esc(value: object) -> str:
    """HTML/XML-escape any value for text or an attribute."""
    return escape("" if value is None else str(value), quote=True)


def fmt(x: float, decimals: int = 2) -> str:
    return f"{x:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{x:.0f}"


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(label)}" class="chart" font-family="system-ui, sans-serif" font-size="12">'
        f"<title>{esc(label)}</title>" + "".join(body) + "</svg>"
    )


def score_bar(score: float, threshold: float, floor: float | None = None, maximum: float = 100.0) -> str:
    """The final score on a 0..maximum bar with the performance threshold marked."""
    w, h, x0, x1 = 900, 78, 20, 880

    def x(v: float) -> float:
        return x0 + (x1 - x0) * max(0.0, min(v, maximum)) / maximum

    colour = GOOD if score > threshold else NEUTRAL if score == threshold else BAD
    body = [
        f'<rect x="{x0}" y="24" width="{x1 - x0}" height="22" rx="4" fill="{MUTED}"/>',
        f'<rect x="{x0}" y="24" width="{x(score) - x0:.1f}" height="22" rx="4" fill="{colour}"/>',
        f'<line x1="{x(threshold):.1f}" y1="14" x2="{x(threshold):.1f}" y2="56" stroke="{INK}" '
        'stroke-width="2" stroke-dasharray="4 3"/>',
        f'<text x="{x(threshold):.1f}" y="10" text-anchor="middle">threshold {esc(fmt(threshold))}</text>',
        f'<text x="{x(score):.1f}" y="70" text-anchor="middle" font-weight="bold">{esc(fmt(score))}</text>',
        f'<text x="{x0}" y="70">0</text>',
        f'<text x="{x1}" y="70" text-anchor="end">{esc(fmt(maximum))}</text>',
    ]
    if floor is not None and 0 < floor < threshold:
        body.append(
            f'<line x1="{x(floor):.1f}" y1="46" x2="{x(floor):.1f}" y2="56" stroke="{BAD}" stroke-width="2"/>'
        )
        body.append(
            f'<text x="{x(floor):.1f}" y="70" text-anchor="middle" fill="{BAD}">{esc(fmt(floor))}</text>'
        )
    return _svg(
        w, h, body, f"Final score {fmt(score)} of {fmt(maximum)}; performance threshold {fmt(threshold)}"
    )


@dataclass(frozen=True)
class CategoryBar:
    key: str
    label: str
    score: float | None  # category percent score; None when reweighted or not scored
    weight: float
    contribution: float | None
    note: str = ""


def category_bars(bars: Sequence[CategoryBar]) -> str:
    """One row per category: the category score (0-100%) and the points it adds of its weight."""
    row, w, label_w, x1 = 46, 900, 250, 700
    h = row * len(bars) + 10
    body: list[str] = []
    for i, b in enumerate(bars):
        y = 8 + i * row
        body.append(f'<text x="0" y="{y + 16}" font-weight="bold">{esc(b.label)}</text>')
        body.append(f'<text x="0" y="{y + 32}" fill="{NEUTRAL}">weight {esc(fmt(b.weight))}%</text>')
        body.append(
            f'<rect x="{label_w}" y="{y + 6}" width="{x1 - label_w}" height="20" rx="3" fill="{MUTED}"/>'
        )
        if b.score is not None:
            bw = (x1 - label_w) * max(0.0, min(b.score, 100.0)) / 100
            body.append(
                f'<rect x="{label_w}" y="{y + 6}" width="{bw:.1f}" height="20" rx="3" fill="{ACCENT}"/>'
            )
            body.append(
                f'<text x="{x1 + 10}" y="{y + 21}">{esc(fmt(b.score))}% → '
                f"{esc(fmt(b.contribution or 0.0))} of {esc(fmt(b.weight))} pts</text>"
            )
        else:
            body.append(
                f'<text x="{label_w + 8}" y="{y + 21}" fill="{INK}">{esc(b.note or "not scored")}</text>'
            )
    return _svg(w, h, body, "Category scores with weights and contributions")


@dataclass(frozen=True)
class Step:
    label: str
    value: float  # points added (negative for the cap)


def waterfall(steps: Sequence[Step], final: float, maximum: float = 100.0) -> str:
    """From 0 to the final score: each step a floating bar, the final score a full bar."""
    n = len(steps) + 1
    w, h, top, bottom, left = 900, 300, 20, 250, 40
    col = (w - left) / n
    bar = col * 0.6
    hi = max(maximum, final, *(0.0,))

    def y(v: float) -> float:
        return bottom - (bottom - top) * v / hi

    body = [f'<line x1="{left}" y1="{bottom}" x2="{w}" y2="{bottom}" stroke="{INK}"/>']
    for tick in range(0, int(hi) + 1, 25):
        body.append(
            f'<line x1="{left - 4}" y1="{y(tick):.1f}" x2="{w}" y2="{y(tick):.1f}" stroke="{MUTED}" '
            'stroke-width="0.5"/>'
        )
        body.append(f'<text x="{left - 8}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    level = 0.0
    for i, s in enumerate(steps):
        a, b = level, level + s.value
        x = left + i * col + (col - bar) / 2
        colour = GOOD if s.value >= 0 else BAD
        body.append(
            f'<rect x="{x:.1f}" y="{y(max(a, b)):.1f}" width="{bar:.1f}" '
            f'height="{max(1.0, abs(y(a) - y(b))):.1f}" fill="{colour}"/>'
        )
        sign = "+" if s.value >= 0 else "−"
        body.append(
            f'<text x="{x + bar / 2:.1f}" y="{y(max(a, b)) - 5:.1f}" text-anchor="middle">'
            f"{sign}{esc(fmt(abs(s.value)))}</text>"
        )
        body.append(
            f'<text x="{x + bar / 2:.1f}" y="{bottom + 18}" text-anchor="middle">{esc(s.label)}</text>'
        )
        level = b
    x = left + (n - 1) * col + (col - bar) / 2
    body.append(
        f'<rect x="{x:.1f}" y="{y(final):.1f}" width="{bar:.1f}" height="{bottom - y(final):.1f}" '
        f'fill="{INK}"/>'
    )
    body.append(
        f'<text x="{x + bar / 2:.1f}" y="{y(final) - 5:.1f}" text-anchor="middle" font-weight="bold">'
        f"{esc(fmt(final))}</text>"
    )
    body.append(
        f'<text x="{x + bar / 2:.1f}" y="{bottom + 18}" text-anchor="middle" font-weight="bold">Final</text>'
    )
    return _svg(w, h, body, f"Waterfall from 0 to the final score {fmt(final)}")


def payment_curve(
    adjustment: Callable[[float], float],
    score: float,
    percent: float,
    threshold: float,
    breakpoints: Sequence[float] = (),
    maximum: float = 100.0,
    caption: str = "",
) -> str:
    """The payment adjustment (percent) against the final score, the entity's point on it.

    ``adjustment`` is the rules' own function, sampled every half point and on both sides of each
    breakpoint (the step at a quarter of the threshold), so the curve is exactly the rules' shape.
    """
    w, h, left, right, top, bottom = 900, 320, 60, 880, 20, 280
    xs = sorted({i / 2 for i in range(int(maximum * 2) + 1)} | set(breakpoints) | {threshold})
    pts: list[tuple[float, float]] = []
    for v in xs:
        pts.append((v, adjustment(v)))
        if v in breakpoints and v < maximum:  # a step: drawn as a vertical segment at the breakpoint
            pts.append((v, adjustment(v + 1e-9)))
    ys = [p for _, p in pts] + [percent, 0.0]
    lo, hi = min(ys), max(ys)
    span = (hi - lo) or 1.0
    lo, hi = lo - span * 0.05, hi + span * 0.08

    def x(v: float) -> float:
        return left + (right - left) * v / maximum

    def y(p: float) -> float:
        return bottom - (bottom - top) * (p - lo) / (hi - lo)

    body = [
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{right}" y2="{y(0):.1f}" stroke="{INK}" stroke-width="1"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="{INK}"/>',
    ]
    step = max(1, round((hi - lo) / 6))
    tick = int(lo // step) * step
    while tick <= hi:
        if tick >= lo:
            label = f"{tick:+d}%" if tick else "0%"
            body.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{label}</text>')
            body.append(
                f'<line x1="{left}" y1="{y(tick):.1f}" x2="{right}" y2="{y(tick):.1f}" stroke="{MUTED}" '
                'stroke-width="0.5"/>'
            )
        tick += step
    for v in range(0, int(maximum) + 1, 25):
        body.append(f'<text x="{x(v):.1f}" y="{bottom + 16}" text-anchor="middle">{v}</text>')
    body.append(
        f'<line x1="{x(threshold):.1f}" y1="{top}" x2="{x(threshold):.1f}" y2="{bottom}" stroke="{NEUTRAL}" '
        'stroke-dasharray="4 3"/>'
    )
    body.append(f'<text x="{x(threshold) + 4:.1f}" y="{top + 10}">threshold {esc(fmt(threshold))}</text>')
    line = " ".join(f"{x(v):.1f},{y(p):.1f}" for v, p in pts)
    body.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>')
    px, py = x(max(0.0, min(score, maximum))), y(percent)
    body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="7" fill="{INK}" stroke="#fff" stroke-width="2"/>')
    anchor = "end" if px > (left + right) / 2 else "start"
    dx = -12 if anchor == "end" else 12
    body.append(
        f'<text x="{px + dx:.1f}" y="{py - 10:.1f}" text-anchor="{anchor}" font-weight="bold">'
        f"{esc(fmt(score))} → {percent:+.4f}%</text>"
    )
    body.append(f'<text x="{(left + right) / 2:.1f}" y="{h - 4}" text-anchor="middle">final score</text>')
    return _svg(
        w, h, body, caption or f"Payment adjustment curve; this entity: {fmt(score)} -> {percent:+.4f}%"
    )
