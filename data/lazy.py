"""Lazy package exports (PEP 562): a package `__init__` names what it exports and from which module; each name is
imported on first use, so `import chatbot` (or classifier, generator, data) stays light until a name is needed.

    _EXPORTS = {"Chatbot": "chatbot.engine", ...}
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

Lives in `data/`, the bottom layer, so every package can use it without an import cycle; imports nothing itself.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The package's `__getattr__` (loads `name` from `exports[name]`, the module that defines it) and its `__dir__`
    (the package's own names and every export, so dir() and completion show them before they are loaded)."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            return getattr(import_module(exports[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
