"""Benchmark: an organisation's data export (the zip of CSV and JSON) with many ideas.

Run against a database of its own (it creates data there), e.g.

    DATABASE_URL=sqlite:////tmp/leanhub_export_bench.sqlite3 DEBUG=1 \
        .venv/bin/python bench/org_export.py [--ideas 20000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leanhub_export_bench DEBUG=1 ...

Migrates, loads the demo place, adds ``--ideas`` ideas (with a comment each) to one team of the
Jobcentre Plus district, then builds that organisation's zip. Prints the rows and files in it,
its size, the time taken, the queries read and the peak memory the build allocated.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanhub.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from ideas.models import Idea, IdeaComment  # noqa: E402
from leanhub import orgdata  # noqa: E402
from leanhub.models import Organisation, Team, User  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=20_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    organisation = Organisation.objects.get(kind=Organisation.Kind.JOBCENTRE)
    team = Team.objects.filter(site__organisation=organisation).first()
    author = User.objects.get(username="sam")
    assert team is not None
    have = Idea.objects.filter(team=team, title__startswith="Bench idea").count()
    if have < args.ideas:
        ideas = Idea.objects.bulk_create(
            (
                Idea(team=team, author=author, title=f"Bench idea {i}", problem="Typed twice")
                for i in range(have, args.ideas)
            ),
            batch_size=2000,
        )
        IdeaComment.objects.bulk_create(
            (IdeaComment(idea=idea, author=author, body="Seen this too") for idea in ideas),
            batch_size=2000,
        )
    tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        archive = orgdata.build_zip(organisation)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = archive.seek(0, 2)
    archive.seek(0)
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    print(f"Organisation: {organisation.name} ({connection.vendor})")
    print(f"Rows: {sum(manifest['rows'].values())} in {len(manifest['rows'])} models")
    print(f"Ideas: {manifest['rows'].get('ideas.Idea', 0)}, files: {manifest['files']}")
    print(f"Zip: {size / 1024 / 1024:.1f} MB in {seconds:.2f} s")
    print(
        f"Queries: {len(queries.captured_queries)}; peak Python memory {peak / 1024 / 1024:.1f} MB"
    )


if __name__ == "__main__":
    main()
