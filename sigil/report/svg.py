"""Inline SVG charts for the HTML report: no script, no library, readable with the page saved alone.

Every text that reaches the SVG (stage names, titles) is escaped; numbers are formatted here.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

#: Colour-blind-safe palette (Okabe-Ito), one colour per series in order.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
WIDTH, HEIGHT = 540, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 150, 28, 40
LEGEND_ROWS = 12  # what fits beside the plot; the rest are named in the tables below each chart


@dataclass
class Line:
    name: str
    points: list[tuple[float, float]]
    #: (x, low, high) per point with an interval: drawn as a band and error bars
    intervals: list[tuple[float, float, float]]


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        return [low]
    return [low + (high - low) * i / (count - 1) for i in range(count)]


def fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 and abs(value) >= 1 else f"{value:.3g}"


def line_chart(title: str, lines: list[Line], x_label: str, y_range: tuple[float, float] | None = None,
               integer_x: bool = True) -> str:
    """A line chart, one polyline per series, intervals as translucent bands with error bars; the legend on the
    right. ``y_range`` fixes the axis (rates: 0..1); otherwise it spans the data."""
    xs = [x for line in lines for x, _ in line.points]
    ys = [y for line in lines for _, y in line.points] + [v for line in lines for _, lo, hi in line.intervals
                                                          for v in (lo, hi)]
    if not xs:
        return ""
    x0, x1 = min(xs), max(xs)
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1
    if y_range is not None:
        y0, y1 = y_range
    else:
        y0, y1 = min(ys), max(ys)
        pad = (y1 - y0) * 0.08 or abs(y1) * 0.05 or 1.0
        y0, y1 = y0 - pad, y1 + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + (x - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        return TOP + (1 - (y - y0) / (y1 - y0)) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f'<text x="{LEFT}" y="16" class="title">{escape(title)}</text>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fafafa" stroke="#ccc"/>',
    ]
    # --- axes: grid lines and tick labels
    for y in ticks(y0, y1):
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="#e4e4e4"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{fmt(y)}</text>')
    x_ticks = sorted(set(xs)) if integer_x and len(set(xs)) <= 12 else ticks(x0, x1)
    for x in x_ticks:
        parts.append(f'<text x="{px(x):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{fmt(x)}</text>')
    parts.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle">{escape(x_label)}</text>')
    # --- series: band, error bars, line, markers, legend
    for index, line in enumerate(lines):
        stroke = colour(index)
        if len(line.intervals) > 1:
            upper = " ".join(f"{px(x):.1f},{py(hi):.1f}" for x, _, hi in line.intervals)
            lower = " ".join(f"{px(x):.1f},{py(lo):.1f}" for x, lo, _ in reversed(line.intervals))
            parts.append(f'<polygon points="{upper} {lower}" fill="{stroke}" fill-opacity="0.12" stroke="none"/>')
        for x, lo, hi in line.intervals:
            parts.append(f'<path d="M{px(x):.1f} {py(lo):.1f}V{py(hi):.1f}M{px(x) - 4:.1f} {py(lo):.1f}h8'
                         f'M{px(x) - 4:.1f} {py(hi):.1f}h8" stroke="{stroke}" stroke-width="1.2" fill="none"/>')
        coords = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in line.points)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{stroke}" stroke-width="2.2">'
                     f"<title>{escape(line.name)}</title></polyline>")
        if len(line.points) <= 40:
            parts += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{stroke}"><title>{escape(line.name)}: '
                      f"{fmt(x)} → {y:.4g}</title></circle>" for x, y in line.points]
        legend_y = TOP + 12 + index * 18
        if index < LEGEND_ROWS:
            parts.append(f'<rect x="{WIDTH - RIGHT + 12}" y="{legend_y - 9}" width="14" height="4" fill="{stroke}"/>')
            parts.append(f'<text x="{WIDTH - RIGHT + 32}" y="{legend_y - 3}">{escape(line.name[:20])}</text>')
        elif index == LEGEND_ROWS:
            parts.append(f'<text x="{WIDTH - RIGHT + 12}" y="{legend_y - 3}">… {len(lines) - LEGEND_ROWS} more</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart(title: str, bars: list[tuple[str, float]], unit: str) -> str:
    """Horizontal bars (e.g. seconds per stage), labelled with their values."""
    if not bars:
        return ""
    row, label_w, width = 22, 150, WIDTH
    height = TOP + row * len(bars) + 10
    biggest = max(value for _, value in bars) or 1.0
    span = width - label_w - 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f'<text x="{label_w}" y="16" class="title">{escape(title)}</text>',
    ]
    for index, (name, value) in enumerate(bars):
        y = TOP + index * row
        parts.append(f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end">{escape(name[:22])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{max(1.0, value / biggest * span):.1f}" height="{row - 7}" '
                     f'fill="{colour(index)}"/>')
        parts.append(f'<text x="{label_w + value / biggest * span + 6:.1f}" y="{y + 14}">{fmt(value)} {escape(unit)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
