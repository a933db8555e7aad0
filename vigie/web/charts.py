"""Charts as server-side SVG: no script, printable, accessible (a title, a description, and
the page shows the same data as a table). Chosen over a vendored chart library: three bar
charts do not need one, and SVG renders offline and in print as is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

WIDTH, BAR, GAP, LABEL = 640, 22, 10, 190
COLORS = ("#1f4e79", "#c55a11", "#2e7d32")
#: vertical charts: plot area
V_LEFT, V_TOP, V_HEIGHT = 70, 34, 200


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[Decimal, ...]  # one per series
    marker: Decimal | None = None  # a target, drawn as a line


def _scale(bars: Sequence[Bar]) -> Decimal:
    top = max([v for b in bars for v in b.values] + [b.marker or 0 for b in bars] + [Decimal(1)])
    return Decimal(WIDTH - LABEL - 90) / top


def horizontal(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    series: Sequence[str],
    show: Callable[[Decimal], str],
) -> str:
    """Horizontal bars, one group per label, one bar per series; a marker line per group."""
    per = BAR * len(series) + GAP
    height = 30 + per * max(len(bars), 1) + 24
    k = _scale(bars)
    parts = [
        f'<svg id="{chart_id}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    for i, name in enumerate(series):
        x = LABEL + i * 170
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{COLORS[i % len(COLORS)]}"/>'
        )
        parts.append(f'<text x="{x + 16}" y="15" font-size="12">{escape(name)}</text>')
    for row, bar in enumerate(bars):
        y0 = 30 + row * per
        parts.append(
            f'<text x="{LABEL - 8}" y="{y0 + BAR - 6}" font-size="12" text-anchor="end">'
            f"{escape(bar.label)}</text>"
        )
        for i, value in enumerate(bar.values):
            y, w = y0 + i * BAR, float(value * k)
            parts.append(
                f'<rect x="{LABEL}" y="{y}" width="{w:.1f}" height="{BAR - 4}" '
                f'fill="{COLORS[i % len(COLORS)]}"><title>{escape(show(value))}</title></rect>'
            )
            parts.append(
                f'<text x="{LABEL + w + 4:.1f}" y="{y + BAR - 8}" font-size="11">'
                f"{escape(show(value))}</text>"
            )
        if bar.marker is not None:
            mx = LABEL + float(bar.marker * k)
            parts.append(
                f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{y0 - 2}" y2="{y0 + per - GAP + 2}" '
                'stroke="#000" stroke-width="2" stroke-dasharray="4 2"/>'
            )
    parts.append("</svg>")
    return "\n".join(parts)


def _open(chart_id: str, title: str, description: str, height: int) -> list[str]:
    return [
        f'<svg id="{chart_id}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]


def _legend(series: Sequence[str], marker: str | None) -> list[str]:
    parts = []
    for i, name in enumerate(series):
        x = V_LEFT + i * 170
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{COLORS[i % len(COLORS)]}"/>'
        )
        parts.append(f'<text x="{x + 16}" y="15" font-size="12">{escape(name)}</text>')
    if marker:
        x = V_LEFT + len(series) * 170
        parts.append(
            f'<line x1="{x}" x2="{x + 14}" y1="10" y2="10" stroke="#000" stroke-width="2" '
            'stroke-dasharray="4 2"/>'
        )
        parts.append(f'<text x="{x + 18}" y="15" font-size="12">{escape(marker)}</text>')
    return parts


def vertical(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    show: Callable[[Decimal], str],
    *,
    lines: bool = False,
    target: tuple[str, Decimal] | None = None,
) -> str:
    """Categories along the x axis (months, bands), one bar per series in each (or one line
    per series with ``lines``); a dashed horizontal line for a target. A missing value (no
    debt notified that month) is drawn as nothing, not as zero."""
    height = V_TOP + V_HEIGHT + 40
    values = [v for _, vs in series for v in vs if v is not None]
    top = max([*values, target[1] if target else Decimal(0), Decimal("0.0001")])
    k = Decimal(V_HEIGHT) / top
    plot = WIDTH - V_LEFT - 10
    slot = plot / max(len(labels), 1)
    base = V_TOP + V_HEIGHT
    parts = _open(chart_id, title, description, height)
    parts += _legend([name for name, _ in series], target[0] if target else None)
    parts.append(f'<line x1="{V_LEFT}" x2="{WIDTH - 10}" y1="{base}" y2="{base}" stroke="#555"/>')
    parts.append(
        f'<text x="{V_LEFT - 6}" y="{V_TOP + 4}" font-size="11" text-anchor="end">'
        f"{escape(show(top))}</text>"
    )
    parts.append(f'<text x="{V_LEFT - 6}" y="{base}" font-size="11" text-anchor="end">0</text>')
    for j, label in enumerate(labels):
        cx = V_LEFT + slot * (j + 0.5)
        parts.append(
            f'<text x="{cx:.1f}" y="{base + 16}" font-size="11" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    width = max(min(slot * 0.8 / max(len(series), 1), 40), 2)
    for i, (name, vs) in enumerate(series):
        color = COLORS[i % len(COLORS)]
        points = []
        for j, v in enumerate(vs):
            if v is None:
                continue
            h = float(v * k)
            cx = V_LEFT + slot * (j + 0.5)
            tip = f"<title>{escape(labels[j])}, {escape(name)}: {escape(show(v))}</title>"
            if lines:
                points.append(f"{cx:.1f},{base - h:.1f}")
                parts.append(
                    f'<circle cx="{cx:.1f}" cy="{base - h:.1f}" r="4" fill="{color}">{tip}</circle>'
                )
            else:
                x = cx - width * len(series) / 2 + i * width
                parts.append(
                    f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{width - 2:.1f}" '
                    f'height="{h:.1f}" fill="{color}">{tip}</rect>'
                )
        if lines and len(points) > 1:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{color}" '
                'stroke-width="2"/>'
            )
    if target is not None:
        y = base - float(target[1] * k)
        parts.append(
            f'<line x1="{V_LEFT}" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#000" '
            'stroke-width="2" stroke-dasharray="4 2"/>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
