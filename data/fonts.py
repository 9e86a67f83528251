"""Fonts for Korean text, kept once as data (data/fonts.json): the plots' matplotlib font and the web page's CSS.

Lives in `data/`, the bottom layer, because the classifier's confusion matrix, the chatbot's timeline and the app's
theme all need the same list. matplotlib is imported only when `installed_korean_font` is called.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

FONTS_FILE = Path(__file__).with_name("fonts.json")


@lru_cache(maxsize=1)
def _fonts() -> dict[str, tuple[str, ...]]:
    document = json.loads(FONTS_FILE.read_text(encoding="utf-8"))
    return {key: tuple(value) for key, value in document.items() if isinstance(value, list)}


def font_families(kind: str = "korean") -> list[str]:
    """Family names of one kind — "korean", "korean_monospace" or "emoji" — in order of preference."""
    return list(_fonts()[kind])


def installed_korean_font() -> str | None:
    """The first Korean font matplotlib can draw with, or None (Hangul would then show as boxes).

    matplotlib caches its font list, and a cache written before the CJK fonts were installed does not know them:
    then the system's font files of those families are added to it.
    """
    from matplotlib import font_manager  # why: matplotlib only for plots; the UI reads the font list without it

    def known() -> str | None:
        names = {font.name for font in font_manager.fontManager.ttflist}
        return next((name for name in font_families() if name in names), None)

    if known() is None:
        parts = _fonts()["file_name_parts"]
        for path in font_manager.findSystemFonts():
            if any(part in Path(path).name for part in parts):
                font_manager.fontManager.addfont(path)
    return known()
