"""Queries the ORM writes once and LeanHub runs again with new values.

Building a query through the ORM (its filters resolved, its expressions copied, hashed and
compiled) can take many times as long as the database takes to answer it: a dashboard's dozen
aggregates spent more of their Python building SQL than anything else. A query whose shape
stays the same from one request to the next, its changing values marked with :class:`Param`,
is compiled once per database connection and shape, then run with each request's values::

    titles = compiled(Idea, ("titles",), lambda: Idea.objects.filter(
        team=Param("team", IntegerField()), created_at__gte=Param("since", DateTimeField())
    ).values_list("title"))
    rows = titles.rows(team=team.pk, since=since)

The SQL is the ORM's own (a mark is written as a parameter in parentheses, as the ORM writes
any expression compared with a column) and the rows are converted as the ORM converts them, so
the figures are the queryset's. ``key`` must name everything that changes the query's shape (a filter added
for one kind of scope, a condition for each value of a list, any value written into the query
rather than marked); the values given to :meth:`Compiled.rows` only fill in its marks.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, Expression, Field, Model, QuerySet, Value
from django.db.models.sql.compiler import SQLCompiler

# The compiled queries of one connection (a thread's), by key.
_CACHE = "_leanhub_compiled"
# Keys are a few per query and kind of scope: the limit only guards against a key that varies.
_LIMIT = 512


class Param(Expression):
    """A value a :func:`compiled` query is given each time it runs, by name, prepared for the
    database as ``output_field`` prepares a value compared with it (``prepared``: given as the
    driver takes it already, such as a list of ids read from the database)."""

    def __init__(self, name: str, output_field: Field[Any, Any], *, prepared: bool = False) -> None:
        super().__init__(output_field=output_field)
        self.name = name
        self.prepared = prepared

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        return "%s", (self,)

    def get_group_by_cols(self) -> list[Any]:
        return []


@dataclass(frozen=True)
class Compiled:
    """A query's SQL as the ORM wrote it, its parameters (values, and the :class:`Param` marks
    to fill in), its columns' names and the converters the ORM applies to them."""

    sql: str
    params: tuple[Any, ...]
    names: tuple[str, ...]
    compiler: SQLCompiler
    converters: dict[int, Any]

    def rows(self, **values: Any) -> list[list[Any]]:
        """The query's rows, run with these values for its marks, as the ORM reads them."""
        connection = self.compiler.connection
        params = [
            (
                values[p.name]
                if p.prepared
                else p.output_field.get_db_prep_value(values[p.name], connection)
            )
            if isinstance(p, Param)
            else p
            for p in self.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if not self.converters:
            return [list(row) for row in rows]
        return list(self.compiler.apply_converters(rows, self.converters))

    def row(self, **values: Any) -> dict[str, Any]:
        """The one row of an :func:`aggregate_of` query, by the aggregates' names."""
        (row,) = self.rows(**values)
        return dict(zip(self.names, row, strict=True))


def compiled(
    model: type[Model], key: tuple[Hashable, ...], build: Callable[[], QuerySet[Any]]
) -> Compiled:
    """The query ``build`` makes of ``model``, compiled once per connection and ``key`` (see the
    module): ``build`` is called the first time only."""
    connection = connections[router.db_for_read(model)]
    cache: dict[tuple[Hashable, ...], Compiled] | None = getattr(connection, _CACHE, None)
    if cache is None:
        cache = {}
        setattr(connection, _CACHE, cache)
    found = cache.get(key)
    if found is None:
        # A filter that can match nothing is written as one (0 = 1), not skipped: the query
        # still answers as the ORM's would (no rows, or an aggregate's one row).
        compiler = build().query.get_compiler(connection=connection, elide_empty=False)
        sql, params = compiler.as_sql()
        selected = compiler.select[: compiler.col_count]
        found = Compiled(
            sql,
            tuple(params),
            tuple(alias or "" for _, _, alias in selected),
            compiler,
            compiler.get_converters([expression for expression, _, _ in selected]),
        )
        if len(cache) >= _LIMIT:
            cache.clear()
        cache[key] = found
    return found


def aggregate_of(queryset: QuerySet[Any], **aggregates: Aggregate) -> QuerySet[Any]:
    """``queryset.aggregate(**aggregates)`` as a query to compile: the same SQL, one row of the
    aggregates over every row matched (grouped by a constant, which adds no GROUP BY)."""
    grouped: QuerySet[Any] = queryset.order_by().values(_all=Value(1)).annotate(**aggregates)
    return grouped.values_list(*aggregates)
