"""The Gradio page of `app.py`, in parts: `layout` (the components, section by section), `handlers` (what each event
does to the conversation) and `events` (which event runs which handler). No model logic: that lives in `chatbot`."""

from pathlib import Path

UI_DIR = Path(__file__).resolve().parents[1] / "ui"  # the page's style, examples and help text (no Gradio import:
# `python app.py --help` stays fast)
