"""Emotion-over-the-conversation plot data and PNG."""

from chatbot.plots import emotion_timeline, save_emotion_plot

TURNS = [{"기쁨": 0.7, "슬픔": 0.3}, {"기쁨": 0.2, "슬픔": 0.8}]


def test_timeline_has_one_row_per_turn_and_emotion():
    frame = emotion_timeline(TURNS)
    assert list(frame.columns) == ["turn", "emotion", "score"]
    assert frame.values.tolist() == [[1, "기쁨", 0.7], [1, "슬픔", 0.3], [2, "기쁨", 0.2], [2, "슬픔", 0.8]]


def test_empty_timeline_keeps_numeric_axes():
    frame = emotion_timeline([])
    assert frame.empty and frame["turn"].dtype.kind == "i" and frame["score"].dtype.kind == "f"


def test_png_is_written(tmp_path):
    path = save_emotion_plot(TURNS, tmp_path / "timeline.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5_000
