"""The report's chart as a PNG: the pipeline by stage and the satisfaction over the weeks.

Built from already-translated labels (this module knows no languages). matplotlib (Agg, no
display) is imported inside :func:`build_chart`, so starting the bot does not pay for it.
Chinese labels need a CJK font: a system one (Noto Sans CJK, WenQuanYi, ...) when the
machine has one, else the WenQuanYi Micro Hei shipped by the paperang-p2-fonts-cjk
dependency, so a fresh server draws glyphs, not boxes.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from io import BytesIO
from typing import Any

_SYSTEM_CJK = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)
_PACKAGED = ("paperang_p2_fonts_cjk", "fonts", "wqy-microhei.ttc")
_LOCK = threading.Lock()  # pyplot-free, but font registration and rcParams are global
_FAMILIES: list[str] = []


@dataclass(frozen=True)
class ChartInput:
    title: str
    pipeline_title: str
    stage_labels: Sequence[str]
    stage_counts: Sequence[int]
    count_label: str  # the y axis of the pipeline ("deals")
    satisfaction_title: str
    week_labels: Sequence[str]
    week_scores: Sequence[float | None]  # None: no answer that week
    score_label: str  # the y axis of satisfaction ("score, 1-5")
    empty_label: str  # written over a panel with nothing to show


def _font_families() -> list[str]:
    """The font families to draw with, a CJK one first (registered once per process)."""
    if _FAMILIES:
        return _FAMILIES
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    cjk = next((name for name in _SYSTEM_CJK if name in installed), None)
    if cjk is None:
        package, folder, name = _PACKAGED
        path = resources.files(package) / folder / name
        with resources.as_file(path) as real_path:
            font_manager.fontManager.addfont(str(real_path))
            cjk = font_manager.FontProperties(fname=str(real_path)).get_name()
    _FAMILIES.extend([cjk, "DejaVu Sans"])
    return _FAMILIES


def _pipeline(axes: Any, chart: ChartInput) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.set_title(chart.pipeline_title, fontsize=11)
    positions = list(range(len(chart.stage_labels)))
    bars = axes.bar(positions, list(chart.stage_counts), color="#3b7dd8")
    axes.set_xticks(positions, list(chart.stage_labels), fontsize=9)
    axes.set_ylabel(chart.count_label, fontsize=9)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole deals
    axes.bar_label(bars, fontsize=9)
    axes.spines[["top", "right"]].set_visible(False)
    if not any(chart.stage_counts):
        axes.text(0.5, 0.5, chart.empty_label, ha="center", va="center", transform=axes.transAxes)


def _satisfaction(axes: Any, chart: ChartInput) -> None:
    axes.set_title(chart.satisfaction_title, fontsize=11)
    points = [(i, s) for i, s in enumerate(chart.week_scores) if s is not None]
    if points:
        xs, ys = zip(*points, strict=True)
        axes.plot(xs, ys, marker="o", color="#e07b39")
    else:
        axes.text(0.5, 0.5, chart.empty_label, ha="center", va="center", transform=axes.transAxes)
    step = max(1, len(chart.week_labels) // 6)
    ticks = list(range(0, len(chart.week_labels), step))
    axes.set_xticks(ticks, [chart.week_labels[i] for i in ticks], fontsize=8)
    axes.set_xlim(-0.5, max(len(chart.week_labels) - 0.5, 0.5))
    axes.set_ylim(0.8, 5.2)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.set_ylabel(chart.score_label, fontsize=9)
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)


def build_chart(chart: ChartInput) -> bytes:
    """The chart as PNG bytes (about 1000×1100 px, readable on a phone)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    with _LOCK:
        families = _font_families()
        with matplotlib.rc_context({"font.family": families, "axes.unicode_minus": False}):
            # fixed margins: a constrained layout measured every label and took half the time
            figure = Figure(figsize=(6.4, 7.0), dpi=150)
            figure.subplots_adjust(left=0.11, right=0.97, top=0.9, bottom=0.07, hspace=0.4)
            figure.suptitle(chart.title, fontsize=12)
            top, bottom = figure.subplots(2, 1)
            _pipeline(top, chart)
            _satisfaction(bottom, chart)
            buffer = BytesIO()
            figure.savefig(buffer, format="png")
    return buffer.getvalue()
