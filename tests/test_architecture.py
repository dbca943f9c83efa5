"""The shape of the code base: apps depend one way (in imports, and in the reverse relations
Django adds to a lower app's models), and no module hides its names behind a wildcard import."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Model

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


# The apps from the bottom layer up: each may use the ones before it, never the ones after.
LAYERS = ("leanhub", "ideas", "kaizen", "metrics")

# Files that may name a higher app's reverse relations all the same, each with the reason.
REVERSE_RELATION_EXEMPT = {
    # The one module that reasons about every app's objects, by duck typing rather than imports
    # (``card.board`` there is kaizen's own forward field, which the name match below mistakes
    # for the ``Team.board`` that kaizen's Board adds to leanhub).
    "leanhub/policy.py",
}


def _layer_of(model: type[Model]) -> int | None:
    """The model's layer (its index in LAYERS), or None for Django's and libraries' models."""
    app = model.__module__.split(".")[0]
    return LAYERS.index(app) if app in LAYERS else None


def _reverse_names() -> dict[int, set[str]]:
    """For each layer, the reverse accessor and query names (``idea.cards``,
    ``filter(savings__...)``) that the relations of higher layers' models add to its models."""
    names: dict[int, set[str]] = {i: set() for i in range(len(LAYERS))}
    for model in apps.get_models():
        source = _layer_of(model)
        if source is None:
            continue
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target_model = field.related_model
            target = None if isinstance(target_model, str) else _layer_of(target_model)
            if target is None or source <= target:
                continue
            # A concrete relation field here (the checks above leave out reverse relations and
            # generic keys), whose stubs the union from get_fields() does not narrow to.
            relation: Any = field
            accessor = relation.remote_field.get_accessor_name()
            if accessor and not accessor.endswith("+"):
                names[target].add(accessor)
            query_name = relation.related_query_name()
            if query_name and not query_name.endswith("+"):
                names[target].add(query_name)
    return names


def _layer_files(layer: str) -> Iterator[Path]:
    """The layer's Python outside migrations, and its templates (``templates/<app>/``)."""
    for path in sorted((ROOT / layer).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path
    yield from sorted((ROOT / "templates" / layer).rglob("*.html"))


def test_lower_apps_never_use_a_higher_apps_reverse_relations() -> None:
    """A lower app must not reach a higher app's rows through the reverse relations Django adds
    (``idea.cards``, ``card.savings``, ``filter(outcomes__...)``): that is an import in all but
    name. The higher app serves a fragment instead. Names are matched as text, which cannot tell
    whose attribute it is: a lower app's own field of the same name counts too."""
    reverse_names = _reverse_names()
    found: list[str] = []
    for i, layer in enumerate(LAYERS):
        names = reverse_names[i]
        if not names:
            continue
        alternatives = "|".join(sorted(names))
        # An attribute read (``.cards``, not an assignment ``.cards =``) or a lookup (``"cards__``).
        pattern = re.compile(rf"\.({alternatives})\b(?!\s*=)|[\"']({alternatives})__")
        for path in _layer_files(layer):
            relative = path.relative_to(ROOT).as_posix()
            if relative in REVERSE_RELATION_EXEMPT:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.lstrip().startswith(("#", "from ", "import ")):
                    continue
                for match in pattern.finditer(line):
                    found.append(f"{relative}:{number}: {match.group(0)!r}  {line.strip()[:100]}")
    assert not found, "A lower app reads a higher app's rows through a reverse relation:\n" + (
        "\n".join(found)
    )
