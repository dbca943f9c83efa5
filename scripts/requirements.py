"""Print the dependency ranges pinned in pyproject.toml (runtime and dev), one per line.

LeanHub runs from its checkout rather than as an installed package, so only its dependencies
are installed into the virtual environment.
"""

import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())[
    "project"
]
for requirement in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
    print(requirement)
