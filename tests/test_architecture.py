"""The shape of the code base: apps depend one way, and no module hides its names behind a
wildcard import."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The venv's own tools sit beside its python (not resolved: the venv's python is a symlink).
BIN = Path(sys.executable).parent


def test_apps_import_only_downwards() -> None:
    """metrics > kaizen > ideas > leanhub: the layers contract in pyproject.toml, checked by
    import-linter, which also sees imports placed inside functions."""
    result = subprocess.run(
        [str(BIN / "lint-imports"), "--no-logo", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"lint-imports failed:\n{result.stdout}\n{result.stderr}", pytrace=False)


def _python_files() -> Iterator[Path]:
    """Every Python file of the project, leaving out migrations and hidden directories (the
    venv, caches)."""
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and d not in {"migrations", "__pycache__"}
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(folder) / name


def test_no_module_uses_a_wildcard_import() -> None:
    """``from x import *`` hides where a name comes from (and lets a module re-export another's
    models unseen); outside migrations, every import names what it takes."""
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _python_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
    ]
    assert not offenders, "Wildcard imports at:\n" + "\n".join(offenders)
