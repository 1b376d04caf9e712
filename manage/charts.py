"""Small inline SVG bar charts drawn on the server: no JavaScript, no CDN, and they print.

This module computes each chart's geometry from numbers; one template (``manage/charts/chart.svg``)
draws it, autoescaped, so every label an author or interviewer typed is escaped by the template
engine and nothing is marked safe by hand. Each chart has a <title> and <desc> for screen readers.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from rubrics.selectors.calibration import SCALE, InterviewerCalibration

LABEL_WIDTH = 220
PLOT_WIDTH = 380
RIGHT_MARGIN = 60
ROW_HEIGHT = 30
COLOURS = ("#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0e7490")
GRID = "#e5e7eb"


def _n(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Rect:
    kind: ClassVar[str] = "rect"
    x: str
    y: str
    width: str
    height: str
    fill: str
    css: str = ""
    title: str = ""


@dataclass(frozen=True)
class Line:
    kind: ClassVar[str] = "line"
    x1: str
    x2: str
    y1: str
    y2: str
    stroke: str
    css: str = ""
    stroke_width: str = ""
    title: str = ""


@dataclass(frozen=True)
class Text:
    kind: ClassVar[str] = "text"
    x: str
    y: str
    text: str
    size: str = "11"
    anchor: str = ""


Shape = Rect | Line | Text


def _draw(height: int, title: str, desc: str, shapes: Sequence[Shape]) -> SafeString:
    width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN
    context = {"width": width, "height": height, "title": title, "desc": desc, "shapes": shapes}
    return render_to_string("manage/charts/chart.svg", context)


def coding_scores_chart(questions: list[dict[str, Any]]) -> SafeString:
    """Per coding question: the candidate's score (bar), the loop's interquartile range (band) and mean (tick)."""
    rows = [q for q in questions if q["coding"]]
    height = 30 + ROW_HEIGHT * len(rows)
    shapes: list[Shape] = _axis(height, [0, 0.25, 0.5, 0.75, 1], lambda v: f"{v:.0%}", 1.0)
    for index, row in enumerate(rows):
        y = 10 + index * ROW_HEIGHT
        coding = row["coding"]
        shapes.append(_label(y, row["question"].title))
        distribution = coding["distribution"]
        if distribution:
            x1, x3 = _x(distribution["q1"], 1.0), _x(distribution["q3"], 1.0)
            quartiles = f"Loop quartiles {distribution['q1']:.0%}–{distribution['q3']:.0%} (n={distribution['count']})"
            shapes.append(Rect(_n(x1), _n(y), _n(max(x3 - x1, 1)), "20", "#cbd5e1", css="iqr", title=quartiles))
        score = coding["score"]
        if score is not None:
            width = _n(_x(score, 1.0) - LABEL_WIDTH)
            shapes.append(Rect(str(LABEL_WIDTH), _n(y + 5), width, "10", COLOURS[0], "score", f"Score {score:.0%}"))
            shapes.append(_value(y, f"{score:.0%}"))
        else:
            shapes.append(_value(y, "not graded"))
        if distribution:
            xm = _n(_x(distribution["mean"], 1.0))
            mean = f"Loop mean {distribution['mean']:.0%}"
            shapes.append(Line(xm, xm, _n(y - 2), _n(y + 22), "#111827", css="mean", stroke_width="2", title=mean))
    desc = "Candidate's score (bar) against other candidates in the loop"
    return _draw(height, "Score per coding question", desc, shapes)


def criterion_ratings_chart(rows: list[dict[str, Any]]) -> SafeString:
    """Per criterion: one bar per interviewer on the 1–4 scale, coloured by interviewer."""
    interviewers = list(dict.fromkeys(r["interviewer"] for row in rows for r in row["ratings"]))
    colour = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(interviewers)}
    bar = 8
    heights = [max(len(row["ratings"]), 1) * (bar + 2) + 10 for row in rows]
    legend_height = 20
    height = legend_height + 30 + sum(heights)
    shapes: list[Shape] = []
    for i, name in enumerate(interviewers):
        x = LABEL_WIDTH + i * 120
        shapes.append(Rect(str(x), "2", "10", "10", colour[name]))
        shapes.append(Text(str(x + 14), "11", name))
    shapes.extend(_axis(height, [1, 2, 3, 4], str, 4.0, top=legend_height))
    y = float(legend_height + 10)
    for row, row_height in zip(rows, heights, strict=True):
        shapes.append(_label(y + row_height / 2 - 10, row["label"]))
        for offset, rating in enumerate(row["ratings"]):
            top = y + offset * (bar + 2)
            width = _x(rating["score"], 4.0) - LABEL_WIDTH
            title = f"{rating['interviewer']}: {rating['score']}"
            shapes.append(
                Rect(str(LABEL_WIDTH), _n(top), _n(width), str(bar), colour[rating["interviewer"]], "rating", title)
            )
        y += row_height
    return _draw(height, "Ratings per criterion", "Each interviewer's 1–4 rating of each criterion", shapes)


def leniency_chart(rows: list[InterviewerCalibration]) -> SafeString:
    """One horizontal bar per interviewer from a zero line: right = more lenient than the panel, left = harsher."""
    finite = [abs(row.leniency) for row in rows if not math.isnan(row.leniency)]
    limit = max(1.0, math.ceil(max(finite, default=0.0) * 2) / 2)
    height = 30 + ROW_HEIGHT * len(rows)
    centre = LABEL_WIDTH + PLOT_WIDTH / 2

    def x(value: float) -> float:
        return centre + (PLOT_WIDTH / 2) * max(-1.0, min(value / limit, 1.0))

    shapes: list[Shape] = []
    for tick in (-limit, -limit / 2, 0.0, limit / 2, limit):
        tx = _n(x(tick))
        shapes.append(Line(tx, tx, "0", str(height - 18), GRID))
        shapes.append(Text(tx, str(height - 4), f"{tick:+.1f}", size="10", anchor="middle"))
    for index, row in enumerate(rows):
        y = 10 + index * ROW_HEIGHT
        shapes.append(_label(y, row.name))
        if math.isnan(row.leniency):
            shapes.append(_value(y, "no shared units"))
            continue
        left, right = sorted((centre, x(row.leniency)))
        colour = COLOURS[0] if row.leniency >= 0 else COLOURS[1]
        title = f"{row.name}: {row.leniency:+.2f} over {row.shared_units} shared units"
        shapes.append(Rect(_n(left), _n(y + 3), _n(max(right - left, 1)), "14", colour, "leniency", title))
        shapes.append(_value(y, f"{row.leniency:+.2f}"))
    zero = _n(centre)
    shapes.append(Line(zero, zero, "0", str(height - 18), "#111827", css="zero", stroke_width="2"))
    desc = "Each interviewer's mean rating offset from the rest of the panel; zero is the panel"
    return _draw(height, "Leniency per interviewer", desc, shapes)


def ratings_histogram_chart(rows: list[InterviewerCalibration]) -> SafeString:
    """Per interviewer, a small histogram of how often they gave each score on the 1–4 scale."""
    row_height = 44
    height = 30 + row_height * len(rows)
    slot = PLOT_WIDTH / len(SCALE)
    bar_width = min(slot - 8, 40.0)
    most = max((max(row.histogram.values(), default=0) for row in rows), default=0) or 1
    shapes: list[Shape] = []
    for i, score in enumerate(SCALE):
        cx = LABEL_WIDTH + slot * i + slot / 2
        shapes.append(Text(_n(cx), str(height - 4), str(score), size="10", anchor="middle"))
    for index, row in enumerate(rows):
        top = 8 + index * row_height
        baseline = top + row_height - 8
        shapes.append(_label(baseline - 20, row.name))
        shapes.append(Line(str(LABEL_WIDTH), str(LABEL_WIDTH + PLOT_WIDTH), _n(baseline), _n(baseline), "#9ca3af"))
        for i, score in enumerate(SCALE):
            count = row.histogram.get(score, 0)
            bar_height = (row_height - 14) * count / most
            bx = LABEL_WIDTH + slot * i + (slot - bar_width) / 2
            colour = COLOURS[index % len(COLOURS)]
            title = f"{row.name}: {count} × {score}"
            shapes.append(Rect(_n(bx), _n(baseline - bar_height), _n(bar_width), _n(bar_height), colour, "bin", title))
        shapes.append(_value(baseline - 20, f"n={row.ratings}"))
    desc = "How many times each interviewer gave each score from 1 to 4"
    return _draw(height, "Ratings per interviewer", desc, shapes)


def _axis(height: int, ticks: list[float], fmt: Callable[[float], str], maximum: float, top: int = 0) -> list[Shape]:
    shapes: list[Shape] = []
    for tick in ticks:
        x = _n(_x(tick, maximum))
        shapes.append(Line(x, x, str(top), str(height - 18), GRID))
        shapes.append(Text(x, str(height - 4), fmt(tick), size="10", anchor="middle"))
    return shapes


def _label(y: float, text: str) -> Text:
    short = text if len(text) <= 34 else text[:33] + "…"
    return Text(str(LABEL_WIDTH - 8), _n(y + 14), short, anchor="end")


def _value(y: float, text: str) -> Text:
    return Text(str(LABEL_WIDTH + PLOT_WIDTH + 6), _n(y + 14), text)


def _x(value: float, maximum: float) -> float:
    return LABEL_WIDTH + PLOT_WIDTH * max(0.0, min(value / maximum, 1.0))
