"""Small inline SVG bar charts drawn on the server: no JavaScript, no CDN, and they print.

Every label is escaped; the numbers are ours. Each chart has a <title> and <desc> for screen readers.
"""

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LABEL_WIDTH = 220
PLOT_WIDTH = 380
RIGHT_MARGIN = 60
ROW_HEIGHT = 30
COLOURS = ("#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0e7490")


def coding_scores_chart(questions: list[dict[str, Any]]) -> SafeString:
    """Per coding question: the candidate's score (bar), the loop's interquartile range (band) and mean (tick)."""
    rows = [q for q in questions if q["coding"]]
    height = 30 + ROW_HEIGHT * len(rows)
    parts = [_open(height, "Score per coding question", "Candidate's score (bar) against other candidates in the loop")]
    parts.append(_axis(height, [0, 0.25, 0.5, 0.75, 1], lambda v: f"{v:.0%}", 1.0))
    for index, row in enumerate(rows):
        y = 10 + index * ROW_HEIGHT
        coding = row["coding"]
        parts.append(_label(y, row["question"].title))
        distribution = coding["distribution"]
        if distribution:
            x1, x3 = _x(distribution["q1"], 1.0), _x(distribution["q3"], 1.0)
            parts.append(
                f'<rect class="iqr" x="{x1:.1f}" y="{y:.1f}" width="{max(x3 - x1, 1):.1f}" height="20" '
                f'fill="#cbd5e1"><title>Loop quartiles {distribution["q1"]:.0%}–{distribution["q3"]:.0%} '
                f"(n={distribution['count']})</title></rect>"
            )
        score = coding["score"]
        if score is not None:
            parts.append(
                f'<rect class="score" x="{LABEL_WIDTH}" y="{y + 5:.1f}" width="{_x(score, 1.0) - LABEL_WIDTH:.1f}" '
                f'height="10" fill="{COLOURS[0]}"><title>Score {score:.0%}</title></rect>'
            )
            parts.append(_value(y, f"{score:.0%}"))
        else:
            parts.append(_value(y, "not graded"))
        if distribution:
            xm = _x(distribution["mean"], 1.0)
            parts.append(
                f'<line class="mean" x1="{xm:.1f}" x2="{xm:.1f}" y1="{y - 2:.1f}" y2="{y + 22:.1f}" '
                f'stroke="#111827" stroke-width="2"><title>Loop mean {distribution["mean"]:.0%}</title></line>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped or a number we formatted


def criterion_ratings_chart(rows: list[dict[str, Any]]) -> SafeString:
    """Per criterion: one bar per interviewer on the 1–4 scale, coloured by interviewer."""
    interviewers = list(dict.fromkeys(r["interviewer"] for row in rows for r in row["ratings"]))
    colour = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(interviewers)}
    bar = 8
    heights = [max(len(row["ratings"]), 1) * (bar + 2) + 10 for row in rows]
    legend_height = 20
    height = legend_height + 30 + sum(heights)
    parts = [_open(height, "Ratings per criterion", "Each interviewer's 1–4 rating of each criterion")]
    for i, name in enumerate(interviewers):
        x = LABEL_WIDTH + i * 120
        parts.append(f'<rect x="{x}" y="2" width="10" height="10" fill="{colour[name]}"></rect>')
        parts.append(f'<text x="{x + 14}" y="11" font-size="11">{escape(name)}</text>')
    parts.append(_axis(height, [1, 2, 3, 4], str, 4.0, top=legend_height))
    y = float(legend_height + 10)
    for row, row_height in zip(rows, heights, strict=True):
        parts.append(_label(y + row_height / 2 - 10, row["label"]))
        for offset, rating in enumerate(row["ratings"]):
            top = y + offset * (bar + 2)
            width = _x(rating["score"], 4.0) - LABEL_WIDTH
            parts.append(
                f'<rect class="rating" x="{LABEL_WIDTH}" y="{top:.1f}" width="{width:.1f}" height="{bar}" '
                f'fill="{colour[rating["interviewer"]]}"><title>{escape(rating["interviewer"])}: '
                f"{rating['score']}</title></rect>"
            )
        y += row_height
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped or a number we formatted


def _open(height: int, title: str, desc: str) -> str:
    width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="system-ui, sans-serif"><title>{escape(title)}</title>'
        f"<desc>{escape(desc)}</desc>"
    )


def _axis(height: int, ticks: list[float], fmt: Any, maximum: float, top: int = 0) -> str:
    parts = []
    for tick in ticks:
        x = _x(tick, maximum)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - 18}" stroke="#e5e7eb"></line>')
        parts.append(f'<text x="{x:.1f}" y="{height - 4}" font-size="10" text-anchor="middle">{fmt(tick)}</text>')
    return "".join(parts)


def _label(y: float, text: str) -> str:
    short = text if len(text) <= 34 else text[:33] + "…"
    return f'<text x="{LABEL_WIDTH - 8}" y="{y + 14:.1f}" font-size="11" text-anchor="end">{escape(short)}</text>'


def _value(y: float, text: str) -> str:
    x = LABEL_WIDTH + PLOT_WIDTH + 6
    return f'<text x="{x}" y="{y + 14:.1f}" font-size="11">{escape(text)}</text>'


def _x(value: float, maximum: float) -> float:
    return LABEL_WIDTH + PLOT_WIDTH * max(0.0, min(value / maximum, 1.0))
