"""The emotion panel reads at a glance: whole turns, a marked point from turn 1, Korean axis titles, one colour per
emotion shared by the bars and the plot, and an empty state that says what will appear."""

import re

import pytest

from chatbot import plots

SIX = ["일상", "기쁨", "분노", "불안", "슬픔", "우울"]


def scores(top: str) -> dict:
    return {emotion: (0.75 if emotion == top else 0.05) for emotion in SIX}


def test_one_turn_draws_a_marked_point_per_emotion_at_turn_1():
    html = plots.emotion_timeline_html([scores("기쁨")])
    assert 'data-turns="1"' in html
    assert len(re.findall(r"<circle[^>]*data-turn=\"1\"", html)) == 6
    assert "<polyline" not in html  # nothing to join yet, but the points are there
    assert plots.X_TITLE in html and plots.Y_TITLE in html and "대화 차례" in plots.X_TITLE


def test_ticks_are_whole_turns_and_thin_out_on_long_conversations():
    for turns in (2, 7, 40):
        html = plots.emotion_timeline_html([scores(SIX[t % 6]) for t in range(turns)])
        x_ticks = [int(t) for t in re.findall(r'class="mc-tick">(\d+)</text>', html)]
        assert x_ticks[0] == 1 and x_ticks[-1] == turns and x_ticks == sorted(set(x_ticks))
        assert len(x_ticks) <= plots.MAX_X_LABELS + 1
        assert len(re.findall(r"<circle", html)) == 6 * turns
        assert len(re.findall(r"<polyline", html)) == 6


def test_one_fixed_colour_per_emotion_in_bars_plot_and_png_order():
    bars = plots.emotion_bars_html(scores("분노"))
    timeline = plots.emotion_timeline_html([scores("분노"), scores("기쁨")])
    colours = {plots.emotion_color(e) for e in SIX}
    assert len(colours) == 6  # six different colours
    for emotion in SIX:
        colour = plots.emotion_color(emotion)
        assert re.search(rf'data-emotion="{emotion}".*?background:{colour}', bars)
        assert f'data-emotion="{emotion}" style="color:{colour}"' in timeline
    assert plots.emotion_color("공포") == plots.emotion_color("공포")  # other label sets: stable too
    assert plots.emotion_order(["우울", "놀람", "기쁨", "공포"]) == ["기쁨", "우울", "공포", "놀람"]


def test_bars_name_the_top_emotion_and_empty_states_explain():
    bars = plots.emotion_bars_html(scores("불안"))
    assert 'data-top="불안"' in bars and "지금 감정" in bars and "75%" in bars
    assert plots.BARS_EMPTY in plots.emotion_bars_html({})
    empty = plots.emotion_timeline_html([])
    assert plots.TIMELINE_EMPTY in empty and "<svg" not in empty and 'data-turns="0"' in empty


def test_labels_are_escaped():
    html = plots.emotion_timeline_html([{"<script>x</script>": 0.5, "기쁨": 0.5}])
    html += plots.emotion_bars_html({"<script>x</script>": 0.5, "기쁨": 0.5})
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("turn_scores", [[], [scores("기쁨")], [scores("기쁨"), scores("우울"), scores("분노")]])
def test_png_in_the_same_colours(tmp_path, turn_scores):
    path = plots.save_emotion_plot(turn_scores, tmp_path / "timeline.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5_000
