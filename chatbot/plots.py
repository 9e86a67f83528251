"""The emotion-over-the-conversation plot: one line per emotion, one point per user turn.

`emotion_timeline(turn_scores)` gives the long-format table `gr.LinePlot` draws (the browser renders the
Korean labels, so no CJK font is needed on the server); `save_emotion_plot` writes the same as a PNG with
matplotlib for reports and notebooks.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

TIMELINE_COLUMNS = ("turn", "emotion", "score")


def emotion_timeline(turn_scores: Sequence[dict[str, float]]):
    """pandas DataFrame with columns turn (1-based user turn), emotion, score — one row per (turn, emotion)."""
    import pandas as pd

    rows = [(turn, emotion, float(score))
            for turn, scores in enumerate(turn_scores, start=1) for emotion, score in (scores or {}).items()]
    # explicit dtypes: an empty table would be all `object`, and the browser plot keeps the first value's axis types
    return pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS)).astype({"turn": "int64", "emotion": "str", "score": "float64"})


def save_emotion_plot(turn_scores: Sequence[dict[str, float]], path, title: str = "대화 속 감정 변화") -> Path:
    """Write the timeline as a PNG (matplotlib, Agg backend). Uses a CJK font when one is installed."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    for name in ("Noto Sans CJK KR", "Noto Sans CJK JP", "NanumGothic", "Malgun Gothic", "AppleGothic"):
        if any(font.name == name for font in font_manager.fontManager.ttflist):
            plt.rcParams["font.family"] = name
            break
    frame = emotion_timeline(turn_scores)
    figure, axes = plt.subplots(figsize=(6, 3))
    for emotion, rows in frame.groupby("emotion", sort=False):
        axes.plot(rows["turn"], rows["score"], marker="o", label=emotion)
    axes.set_xlabel("turn")
    axes.set_ylabel("score")
    axes.set_ylim(0, 1)
    axes.set_title(title)
    if not frame.empty:
        axes.legend(loc="upper left", fontsize="small", ncol=3)
    figure.tight_layout()
    path = Path(path)
    figure.savefig(path)
    plt.close(figure)
    return path
