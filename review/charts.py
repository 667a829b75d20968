"""The picture of looks per day, as geometry a small template draws as SVG on the server.

Across, each day has a slot of the same width, in per cent of the picture's width, so that the
picture fills any screen while its text keeps its size (an SVG without a viewBox scales nothing).
Up, the counts are in pixels over a fixed height. A day's bar stacks its looks in working hours
and, above them, those out of hours; a day without looks is an empty slot. The numbers are
formatted here, once, the way SVG reads them: a template would write a decimal comma in Finnish.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from review.worker_activity import DayCount

HEIGHT = 200
# The top gridline's label sits above it, the days' labels below the baseline.
PLOT_TOP = 22
BASELINE = 172
LABEL_Y = 192
# The share of a day's slot its bar takes: the rest keeps neighbouring bars apart.
BAR_SHARE = 0.7
# About this many days are named under the bars, every so many days.
DAY_LABELS = 8


@dataclass(frozen=True)
class Bar:
    count: DayCount
    x: str  # per cent
    width: str  # per cent
    in_hours_y: str
    in_hours_height: str
    out_of_hours_y: str
    out_of_hours_height: str


@dataclass(frozen=True)
class Gridline:
    value: int
    y: str


@dataclass(frozen=True)
class DayLabel:
    count: DayCount
    x: str  # per cent
    anchor: str  # SVG's text-anchor
    minor: bool  # left out where the picture is narrow


@dataclass(frozen=True)
class LooksChart:
    bars: list[Bar]
    gridlines: list[Gridline]
    labels: list[DayLabel]
    height: int = HEIGHT
    baseline: int = BASELINE
    label_y: int = LABEL_Y


def looks_chart(days: Sequence[DayCount]) -> LooksChart:
    top = nice_ceiling(max((day.looks for day in days), default=0))
    scale = (BASELINE - PLOT_TOP) / top
    slot = 100 / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        in_hours = day.in_hours * scale
        out_of_hours = day.out_of_hours * scale
        bars.append(
            Bar(
                count=day,
                x=_number(slot * index + slot * (1 - BAR_SHARE) / 2),
                width=_number(slot * BAR_SHARE),
                in_hours_y=_number(BASELINE - in_hours),
                in_hours_height=_number(in_hours),
                out_of_hours_y=_number(BASELINE - in_hours - out_of_hours),
                out_of_hours_height=_number(out_of_hours),
            )
        )
    return LooksChart(
        bars=bars,
        gridlines=[Gridline(value, _number(BASELINE - value * scale)) for value in _ticks(top)],
        labels=_labels(days, slot),
    )


def nice_ceiling(value: int) -> int:
    """The least of 1, 2, 5, 10, 20, 50, … that is at least `value`: the top gridline."""
    if value <= 1:
        return 1
    magnitude = 10 ** (len(str(value)) - 1)
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= value)


def _ticks(top: int) -> list[int]:
    return [0, top // 2, top] if top % 2 == 0 else [0, top]


def _labels(days: Sequence[DayCount], slot: float) -> list[DayLabel]:
    """Every so many days named under their bars; the first and the last day's name kept inside
    the picture by their anchors."""
    every = max(1, math.ceil(len(days) / DAY_LABELS))
    last = len(days) - 1
    labels = []
    for index in range(0, len(days), every):
        if index == 0:
            x, anchor = 0.0, "start"
        elif index == last:
            x, anchor = 100.0, "end"
        else:
            x, anchor = slot * (index + 0.5), "middle"
        minor = (index // every) % 2 == 1
        labels.append(DayLabel(count=days[index], x=_number(x), anchor=anchor, minor=minor))
    return labels


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")
