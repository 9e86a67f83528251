"""The installed package: the README's Python API section runs as is from outside the repo with the venv's Python,
and the package `__init__`s show their names (dir(), type checkers) while importing nothing until a name is used."""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("chatbot", "classifier", "generator", "data")
LAZY_HELPER = "data.lazy"  # what every package `__init__` imports: `lazy_exports`, which itself imports nothing


def readme_python_api() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert blocks, "the README's Python API section has no python block"
    return "\n".join(blocks)


@pytest.mark.slow
def test_readme_python_api_runs_verbatim_outside_the_repo(tmp_path):
    script = tmp_path / "readme_api.py"
    script.write_text(readme_python_api(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # only what is installed in the venv
    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    if "No module named 'chatbot'" in result.stderr:
        pytest.fail("the project is not installed in this Python: run `make install` (make run/test do it)")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Prediction(label=" in result.stdout and "offline" in result.stdout
    assert (tmp_path / "my_light_classifier" / "light_config.json").is_file()  # the directory it tells you to make
    assert not (REPO / "my_light_classifier").exists()


@pytest.mark.parametrize("name", PACKAGES)
def test_init_shows_its_names_and_stays_lazy(name):
    code = (
        f"import sys, {name};"
        f"print(sorted(m for m in sys.modules if m.startswith('{name}.') and m != {LAZY_HELPER!r}));"
        f"print(sorted(set({name}.__all__) - set(dir({name}))))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[:2] == ["[]", "[]"]  # nothing imported, every export listed by dir()


@pytest.mark.parametrize("name", PACKAGES)
def test_the_type_checking_imports_are_the_exports_and_each_loads_from_its_module(name):
    from data.lazy import declared_exports

    package = importlib.import_module(name)
    declared = declared_exports(Path(package.__file__).read_text(encoding="utf-8"))
    assert declared and package.__all__ == sorted(declared)
    for exported, module in declared.items():
        assert getattr(package, exported) is getattr(importlib.import_module(module), exported)
    with pytest.raises(AttributeError, match=f"module '{name}' has no attribute 'nothing_here'"):
        package.nothing_here  # noqa: B018
    namespace = {}
    exec(f"from {name} import *", namespace)
    assert set(declared) <= set(namespace)


def test_anything_but_absolute_imports_in_the_block_is_refused_with_its_line():
    from data.lazy import declared_exports

    assert declared_exports("import os\nif TYPE_CHECKING:\n    from a.b import C as C, d\n") == {
        "C": "a.b",
        "d": "a.b",
    }
    for block in ("    from .b import C\n", "    import a.b\n", "    x = 1\n"):
        with pytest.raises(ValueError, match=r"^pkg/__init__.py:2: only `from package.module import name` belongs"):
            declared_exports("if TYPE_CHECKING:\n" + block, "pkg/__init__.py")
