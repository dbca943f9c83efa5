"""A migration operation Django lacks: many verbose names of one app changed in one step.

Django records a new verbose name with one ``AlterField`` per field (and ``AlterModelOptions``
per model). Each re-renders the changed model and every model related to it, so marking a few
hundred names for translation made building a fresh database (every test run, every new
install) take half a minute longer, and migrating back and forth several times that.
``AlterVerboseNames`` records the same change with one rendering per migration.

Verbose names are not stored in the database, so the operation runs no SQL either way.
"""

from __future__ import annotations

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.migrations.state import ProjectState


class AlterVerboseNames(Operation):
    """Give models of one app a singular and plural name and fields a name, state only.

    ``models`` maps a model's lower-case name to its (verbose name, verbose name plural);
    ``fields`` maps a model's lower-case name to {field name: verbose name}. Nothing else about
    a model or field changes, so there is nothing for the database to do.
    """

    category = OperationCategory.ALTERATION

    def __init__(
        self,
        models: dict[str, tuple[str, str]] | None = None,
        fields: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.models = models or {}
        self.fields = fields or {}

    def deconstruct(self) -> tuple[str, list[object], dict[str, object]]:
        kwargs: dict[str, object] = {}
        if self.models:
            kwargs["models"] = self.models
        if self.fields:
            kwargs["fields"] = self.fields
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        # When the state's models have been rendered, every change below would render the
        # changed model and its relations again. Forget the rendered models instead: they are
        # rendered once, when they are next needed. (ProjectState keeps them as the cached
        # ``apps``, and its own reload methods test for them exactly this way.)
        state.__dict__.pop("apps", None)
        for model_name, (singular, plural) in self.models.items():
            state.alter_model_options(
                app_label,
                model_name,
                {"verbose_name": singular, "verbose_name_plural": plural},
            )
        for model_name, names in self.fields.items():
            fields = state.models[app_label, model_name].fields
            for field_name, verbose_name in names.items():
                _name, _path, args, kwargs = fields[field_name].deconstruct()
                renamed = fields[field_name].__class__(
                    *args, **{**kwargs, "verbose_name": verbose_name}
                )
                # Through alter_field, so the state's record of relations holds the new field.
                state.alter_field(app_label, model_name, field_name, renamed, True)

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        """Nothing: verbose names live in Python only."""

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        """Nothing: verbose names live in Python only."""

    def describe(self) -> str:
        count = len(self.models) + sum(len(names) for names in self.fields.values())
        return f"Change {count} verbose names"

    @property
    def migration_name_fragment(self) -> str:
        return "verbose_names"
