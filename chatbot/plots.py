"""The emotion panel: per-emotion bars and the emotion-over-the-conversation plot, one fixed colour per emotion.

- `emotion_bars_html(scores)`: the current message's emotion scores as bars (HTML, inline styles).
- `emotion_timeline_html(turn_scores)`: one line per emotion, one marked point per user turn, whole-number
  turn ticks, Korean axis titles and a legend that wraps (inline SVG + HTML). The browser draws it, so the
  Korean labels need no CJK font on the server, and building it takes well under a millisecond.
- `emotion_timeline(turn_scores)`: the same data as a long table (pandas), and `save_emotion_plot` writes it
  as a PNG with matplotlib for reports and notebooks, in the same colours.

Every text that reaches the HTML is escaped: labels come from a classifier directory, which may be anyone's.
"""

from __future__ import annotations

import html
import math
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from data.fonts import installed_korean_font

TIMELINE_COLUMNS = ("turn", "emotion", "score")
EMOTION_COLORS = {  # the six emotions, Okabe–Ito colours (distinguishable with the common colour-vision deficiencies)
    "일상": "#009E73",  # bluish green: calm, everyday
    "기쁨": "#E69F00",  # orange
    "분노": "#D55E00",  # vermilion
    "불안": "#CC79A7",  # reddish purple
    "슬픔": "#56B4E9",  # sky blue
    "우울": "#0072B2",  # blue
}
OTHER_COLORS = (
    "#7F7F7F",
    "#B8860B",
    "#6A3D9A",
    "#1B7837",
    "#8C510A",
    "#C51B7D",
    "#2166AC",
    "#000000",
)  # other label sets
TITLE = "대화 속 감정 변화"
X_TITLE = "대화 차례 (보낸 메시지)"
Y_TITLE = "감정 점수"
BARS_EMPTY = "메시지를 보내면 분류기가 읽은 감정이 여기에 보여요."
TIMELINE_EMPTY = "메시지를 보내면 차례마다 감정 점수가 여기에 그려져요."
MAX_X_LABELS = 10  # more turns than this: label every k-th tick so the numbers never overlap
# SVG geometry in viewBox units (the SVG scales to the panel's width)
WIDTH, HEIGHT = 360, 210
LEFT, RIGHT, TOP, BOTTOM = 54, 10, 10, 40


def emotion_color(emotion: str) -> str:
    """The emotion's fixed colour: the six have their own; any other label gets one from its name (stable)."""
    return EMOTION_COLORS.get(emotion) or OTHER_COLORS[zlib.crc32(emotion.encode("utf-8")) % len(OTHER_COLORS)]


def emotion_order(labels) -> list[str]:
    """The six emotions in their usual order, then any other labels in alphabetical order."""
    labels = set(labels)
    return [e for e in EMOTION_COLORS if e in labels] + sorted(labels - set(EMOTION_COLORS))


def _percent(score: float) -> str:
    return f"{round(100 * float(score))}%"


def emotion_bars_html(scores: Mapping[str, float] | None) -> str:
    """Bars for one message's scores in the fixed emotion order; the top emotion named above them."""
    if not scores:
        return f'<div class="mc-bars mc-empty" data-empty="true"><p>{html.escape(BARS_EMPTY)}</p></div>'
    top = max(scores, key=lambda name: scores[name])
    rows = []
    for emotion in emotion_order(scores):
        score = float(scores[emotion])
        name, color = html.escape(emotion), emotion_color(emotion)
        top_mark = ' data-top="true"' if emotion == top else ""
        rows.append(
            f'<li data-emotion="{name}" data-score="{score:.4f}"{top_mark}>'
            f'<span class="mc-name">{name}</span>'
            f'<span class="mc-track"><span class="mc-fill" style="width:{100 * score:.1f}%;background:{color}">'
            "</span></span>"
            f'<span class="mc-pct">{_percent(score)}</span></li>'
        )
    return (
        f'<div class="mc-bars" data-top="{html.escape(top)}">'
        f'<p class="mc-top">지금 감정 <strong style="color:{emotion_color(top)}">{html.escape(top)}</strong> '
        f"{_percent(scores[top])}</p><ul>{''.join(rows)}</ul></div>"
    )


def _tick_step(turns: int) -> int:
    return max(1, math.ceil(turns / MAX_X_LABELS))


def emotion_timeline_html(turn_scores: Sequence[Mapping[str, float]]) -> str:
    """The plot for the scores of each user turn so far (turn 1 first); an explanatory empty state without turns."""
    turn_scores = [scores for scores in turn_scores if scores]
    if not turn_scores:
        return (
            f'<div class="mc-timeline mc-empty" data-turns="0"><p class="mc-plot-title">{TITLE}</p>'
            f"<p>{html.escape(TIMELINE_EMPTY)}</p></div>"
        )
    turns = len(turn_scores)
    emotions = emotion_order({emotion for scores in turn_scores for emotion in scores})
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(turn: int) -> float:  # turn t sits in the middle of its band: a single turn is centred, never on an edge
        return LEFT + (turn - 0.5) / turns * plot_width

    def y(score: float) -> float:
        return TOP + (1 - min(max(float(score), 0.0), 1.0)) * plot_height

    parts = [
        (
            f'<svg class="mc-plot" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-label="{TITLE}: {turns}차례" xmlns="http://www.w3.org/2000/svg">'
        )
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):  # y grid and labels
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="mc-grid"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" class="mc-tick">{_percent(tick)}</text>'
        )
    step = _tick_step(turns)
    for turn in range(1, turns + 1):  # x ticks: whole turns only
        if (turn - 1) % step == 0 or turn == turns:
            parts.append(
                f'<text x="{x(turn):.1f}" y="{TOP + plot_height + 16}" text-anchor="middle" class="mc-tick">'
                f"{turn}</text>"
            )
    parts.append(
        f'<text x="{LEFT + plot_width / 2:.1f}" y="{HEIGHT - 4}" text-anchor="middle" class="mc-axis">'
        f"{X_TITLE}</text>"
        f'<text transform="translate(12 {TOP + plot_height / 2:.1f}) rotate(-90)" text-anchor="middle" '
        f'class="mc-axis">{Y_TITLE}</text>'
    )
    for emotion in emotions:
        color, name = emotion_color(emotion), html.escape(emotion)
        points = [(turn, scores.get(emotion, 0.0)) for turn, scores in enumerate(turn_scores, start=1)]
        line = " ".join(f"{x(turn):.1f},{y(score):.1f}" for turn, score in points)
        parts.append(f'<g class="mc-series" data-emotion="{name}" style="color:{color}">')
        if turns > 1:
            parts.append(f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2"/>')
        for turn, score in points:
            parts.append(
                f'<circle cx="{x(turn):.1f}" cy="{y(score):.1f}" r="3.5" fill="{color}" data-turn="{turn}">'
                f"<title>{turn}번째 메시지 · {name} {_percent(score)}</title></circle>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    legend = "".join(
        f'<li data-emotion="{html.escape(e)}"><span class="mc-swatch" style="background:{emotion_color(e)}">'
        f"</span>{html.escape(e)}</li>"
        for e in emotions
    )
    return (
        f'<div class="mc-timeline" data-turns="{turns}"><p class="mc-plot-title">{TITLE}</p>{"".join(parts)}'
        f'<ul class="mc-legend">{legend}</ul></div>'
    )


def emotion_timeline(turn_scores: Sequence[dict[str, float]]):
    """pandas DataFrame with columns turn (1-based user turn), emotion, score — one row per (turn, emotion)."""
    import pandas as pd  # why: pandas only for the table export; the chat UI's HTML plots need none

    rows = [
        (turn, emotion, float(score))
        for turn, scores in enumerate(turn_scores, start=1)
        for emotion, score in (scores or {}).items()
    ]
    # explicit dtypes: an empty table would be all `object`
    return pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS)).astype(
        {"turn": "int64", "emotion": "str", "score": "float64"}
    )


def save_emotion_plot(turn_scores: Sequence[dict[str, float]], path, title: str = TITLE) -> Path:
    """Write the timeline as a PNG (matplotlib, Agg backend) in the UI's colours and a CJK font when installed."""
    import matplotlib  # why: matplotlib only for the PNG export; the chat UI's HTML plots need none

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    korean_font = installed_korean_font()
    if korean_font:
        plt.rcParams["font.family"] = korean_font
    frame = emotion_timeline(turn_scores)
    figure, axes = plt.subplots(figsize=(6, 3))
    for emotion in emotion_order(frame["emotion"].unique()):
        rows = frame[frame["emotion"] == emotion]
        axes.plot(rows["turn"], rows["score"], marker="o", label=emotion, color=emotion_color(emotion))
    axes.set_xlabel(X_TITLE)
    axes.set_ylabel(Y_TITLE)
    axes.set_ylim(0, 1)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole turns only
    if not frame.empty:
        axes.set_xlim(0.5, frame["turn"].max() + 0.5)
        axes.legend(loc="upper left", fontsize="small", ncol=3)
    else:
        axes.text(0.5, 0.5, TIMELINE_EMPTY, ha="center", va="center", transform=axes.transAxes)
    axes.set_title(title)
    figure.tight_layout()
    path = Path(path)
    figure.savefig(path)
    plt.close(figure)
    return path
