"""Lazy package exports (PEP 562) declared once: a package `__init__` imports its exports under `TYPE_CHECKING`, so
type checkers and IDEs see them, and `lazy_exports` reads that same block from the file to load each name from its
module on first use. `import chatbot` (or classifier, generator, data) stays light until a name is needed.

    if TYPE_CHECKING:  # the exports: read by type checkers, and by lazy_exports at run time
        from chatbot.engine import Chatbot as Chatbot

    __getattr__, __dir__, __all__ = lazy_exports(__name__)

(`X as X` is the typing convention for a re-export.) The same idea as `lazy_loader.attach_stub`, which reads a .pyi.
Lives in `data/`, the bottom layer, so every package can use it without an import cycle; imports nothing heavy.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any


def declared_exports(source: str, filename: str = "<package>") -> dict[str, str]:
    """{name: module} of the absolute `from module import name` statements inside `if TYPE_CHECKING:` in `source`."""
    exports: dict[str, str] = {}
    for node in ast.parse(source, filename).body:
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
            continue
        for statement in node.body:
            if not (isinstance(statement, ast.ImportFrom) and statement.module and statement.level == 0):
                raise ValueError(
                    f"{filename}:{statement.lineno}: only `from package.module import name` belongs in the "
                    "TYPE_CHECKING block (it declares the package's lazy exports)"
                )
            for alias in statement.names:
                exports[alias.asname or alias.name] = statement.module
    return exports


def lazy_exports(package: str) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """The package's `__getattr__` (loads a name from the module its TYPE_CHECKING import names), its `__dir__` (the
    package's own names and every export, so dir() and completion show them before they are loaded) and `__all__`."""
    path = Path(sys.modules[package].__file__ or "")
    exports = declared_exports(path.read_text(encoding="utf-8"), str(path))
    if not exports:
        raise ValueError(f"{path}: no `if TYPE_CHECKING:` imports, so the package exports nothing")

    def __getattr__(name: str) -> Any:
        if name in exports:
            return getattr(import_module(exports[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__, sorted(exports)
