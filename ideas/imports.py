"""A team lead's backlog of ideas from a spreadsheet (CSV or XLSX): the columns it may have, and
its checked rows as the ideas they will be. Reading and checking are
:mod:`leanhub.spreadsheets`'; creating is :func:`ideas.actions.import_ideas`."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ideas.actions import NewIdea
from ideas.models import Idea
from leanhub import spreadsheets as sheets
from leanhub.models import Team

MAX_PROBLEM = 5000


def columns() -> list[sheets.Column]:
    """The columns of an ideas file, in the order of the template (choices in the language of
    the moment, and always by their codes)."""
    return [
        sheets.Column("title", _("What the idea is called."), required=True, max_length=140,
                      example="Print fewer letters"),
        sheets.Column("problem", _("What is the problem now?"), required=True,
                      max_length=MAX_PROBLEM, example="We post 300 letters a week"),
        sheets.Column("proposal", _("What could we do?"), max_length=MAX_PROBLEM,
                      example="Send them by e-mail"),
        sheets.Column("kind", _("improvement (when empty), stop_doing or customer."),
                      kind=sheets.CHOICE, choices=sheets.choice_spellings(Idea.Kind.choices),
                      example="improvement"),
        sheets.Column("wastes", _("Any of the wastes, separated by semicolons: ")
                      + ", ".join(Idea.Waste.values),
                      kind=sheets.CHOICES, choices=sheets.choice_spellings(Idea.Waste.choices),
                      example="waiting; processing"),
        sheets.Column("minutes per occurrence", _("Minutes lost each time (up to 2 decimals)."),
                      kind=sheets.DECIMAL, max_digits=8, example="5"),
        sheets.Column("occurrences per year", _("How often it happens a year (whole number)."),
                      kind=sheets.WHOLE, max_digits=9, example="1200"),
        sheets.Column("money per year", _("Money saved a year, in pounds (up to 2 decimals)."),
                      kind=sheets.DECIMAL, max_digits=12, example="450.00"),
        sheets.Column("quality benefit", _("Better quality: how?"), max_length=MAX_PROBLEM),
        sheets.Column("customer benefit", _("Better for customers: how?"),
                      max_length=MAX_PROBLEM),
    ]  # fmt: skip


def check(table: list[list[str]]) -> sheets.Checked:
    """Every row of the file checked; see :func:`leanhub.spreadsheets.check_table`."""
    return sheets.check_table(table, columns())


def new_idea(team: Team, values: dict[str, object]) -> NewIdea:
    """One checked row as the idea it raises for ``team``."""

    def text(name: str) -> str:
        value = values.get(name)
        return value if isinstance(value, str) else ""

    def number(name: str) -> Decimal | None:
        value = values.get(name)
        return value if isinstance(value, Decimal) else None

    occurrences = values.get("occurrences per year")
    kind = values.get("kind")
    wastes = values.get("wastes")
    return NewIdea(
        team=team,
        title=text("title"),
        problem=text("problem"),
        proposal=text("proposal"),
        kind=kind if isinstance(kind, str) else Idea.Kind.IMPROVEMENT,
        wastes=[w for w in wastes if isinstance(w, str)] if isinstance(wastes, list) else [],
        minutes_per_occurrence=number("minutes per occurrence"),
        occurrences_per_year=occurrences if isinstance(occurrences, int) else None,
        money_per_year=number("money per year"),
        quality_benefit=text("quality benefit"),
        customer_benefit=text("customer benefit"),
    )
