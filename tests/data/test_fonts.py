"""One Korean font list (data/fonts.json) for the plots and the page."""

import pytest

from data.fonts import font_families, installed_korean_font


def test_one_ordered_list_per_kind():
    for kind in ("korean", "korean_monospace", "emoji"):
        families = font_families(kind)
        assert families and len(set(families)) == len(families), kind
    assert font_families()[0] == "Noto Sans CJK KR"  # what `make browser` installs on Debian


def test_the_page_theme_asks_for_the_same_fonts():
    pytest.importorskip("gradio")
    from app import offline_theme

    theme = offline_theme()
    assert theme.font == ", ".join([*font_families("korean"), "sans-serif", *font_families("emoji")])
    assert theme.font_mono == ", ".join([*font_families("korean_monospace"), "monospace"])


def test_a_font_list_cached_before_the_fonts_were_installed_is_refreshed(monkeypatch):
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if not any(font.name in font_families() for font in manager.ttflist):
        assert installed_korean_font() is None or installed_korean_font() in font_families()
        pytest.skip("no Korean font installed (fonts-noto-cjk)")
    expected = installed_korean_font()
    assert expected in font_families()
    monkeypatch.setattr(manager, "ttflist", [font for font in manager.ttflist if font.name not in font_families()])
    assert installed_korean_font() == expected
