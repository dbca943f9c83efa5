"""The W3C Nu HTML Checker, from the vnu-jar npm package (package.json at the repository root),
run with the machine's Java. `npm ci` installs it when node_modules is missing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_jar() -> Path:
    if not JAR.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install the Nu HTML Checker (package.json)")
        # --ignore-scripts: the jar ships in the package; its optional post-install step
        # only looks for a Java runtime.
        subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=ROOT, check=True
        )
    return JAR


def check_html(paths: list[str]) -> list[dict[str, Any]]:
    """The checker's errors (not warnings) for the given HTML files, each with its ``file``
    (the path given), ``line`` and ``message``."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "Java is needed to run the Nu HTML Checker (apt-get install default-jre-headless)"
        )
    result = subprocess.run(
        [
            java,
            "-jar",
            str(vnu_jar()),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *paths,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = []
    for message in messages:
        if message.get("type") == "error" or message.get("subType") == "fatal":
            url = message.get("url", "")
            errors.append({**message, "file": url.removeprefix("file:")})
    return errors
