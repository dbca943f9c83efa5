"""AlterVerboseNames records new verbose names exactly as Django's own AlterField and
AlterModelOptions would, in one step, and never touches the database."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.db import migrations, models
from django.db.migrations.state import ModelState, ProjectState

from leanhub.migration_operations import AlterVerboseNames


def _state() -> ProjectState:
    """Two models, one pointing at the other, as plain Django names them."""
    state = ProjectState()
    state.add_model(
        ModelState("probe", "Shelf", [("id", models.AutoField(primary_key=True))], {}, (), [])
    )
    state.add_model(
        ModelState(
            "probe",
            "Book",
            [
                ("id", models.AutoField(primary_key=True)),
                ("title", models.CharField(max_length=40, help_text="On the spine.")),
                ("shelf", models.ForeignKey("probe.Shelf", models.CASCADE, related_name="books")),
            ],
            {"ordering": ["title"]},
            (),
            [],
        )
    )
    return state


OPERATION = AlterVerboseNames(
    models={"book": ("book", "books")},
    fields={"book": {"title": "title", "shelf": "shelf it stands on"}},
)


def _by_django() -> ProjectState:
    state = _state()
    state.apps  # noqa: B018  (rendered, as during a migration)
    for operation in [
        migrations.AlterModelOptions(
            "book", {"ordering": ["title"], "verbose_name": "book", "verbose_name_plural": "books"}
        ),
        migrations.AlterField(
            "book", "title", models.CharField("title", max_length=40, help_text="On the spine.")
        ),
        migrations.AlterField(
            "book",
            "shelf",
            models.ForeignKey(
                "probe.Shelf",
                models.CASCADE,
                related_name="books",
                verbose_name="shelf it stands on",
            ),
        ),
    ]:
        operation.state_forwards("probe", state)
    return state


@pytest.mark.parametrize("rendered", [False, True])
def test_the_state_is_the_one_django_own_operations_make(rendered: bool) -> None:
    state = _state()
    if rendered:
        state.apps  # noqa: B018
    relations = state.relations  # recorded before, as once a migration has read it
    OPERATION.state_forwards("probe", state)

    assert state.models == _by_django().models
    # The record of relations (which later renames rewrite) holds the new field.
    assert relations["probe", "shelf"]["probe", "book"]["shelf"].verbose_name == (
        "shelf it stands on"
    )
    book = state.apps.get_model("probe", "Book")
    assert str(book._meta.verbose_name_plural) == "books"
    assert book._meta.get_field("shelf").verbose_name == "shelf it stands on"
    assert book._meta.get_field("title").help_text == "On the spine."


def test_an_earlier_state_keeps_its_names() -> None:
    before = _state()
    before.apps  # noqa: B018
    after = before.clone()
    OPERATION.state_forwards("probe", after)
    assert before.apps.get_model("probe", "Book")._meta.get_field("shelf").verbose_name == "shelf"
    assert "verbose_name" not in before.models["probe", "book"].options


class _Untouchable:
    """A schema editor that fails the test if anything is asked of it."""

    def __getattr__(self, name: str) -> None:
        raise AssertionError(f"the database was asked to {name}")


def test_it_asks_nothing_of_the_database_either_way() -> None:
    before = _state()
    after = before.clone()
    OPERATION.state_forwards("probe", after)
    # Stands in for a schema editor; any use of it fails the test.
    editor: Any = _Untouchable()
    OPERATION.database_forwards("probe", editor, before, after)
    OPERATION.database_backwards("probe", editor, after, before)


def test_it_is_written_into_migrations_as_it_was_made() -> None:
    name, args, kwargs = cast(tuple[str, list[Any], dict[str, Any]], OPERATION.deconstruct())
    assert name == "AlterVerboseNames"
    assert AlterVerboseNames(*args, **kwargs).deconstruct() == (name, args, kwargs)
    assert OPERATION.describe() == "Change 3 verbose names"
