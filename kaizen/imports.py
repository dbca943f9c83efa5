"""A lead's backlog of kaizen cards from a spreadsheet (CSV or XLSX), for one board: the columns
the file may have, and its checked rows as the cards they will be. Reading and checking each
cell are :mod:`leanhub.spreadsheets`'; what only the board can say (its columns, the people
who work on it, its WIP limits) is checked here; adding is :func:`kaizen.actions.import_cards`.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext

from kaizen import actions, queries
from kaizen.models import Board, Card, Column
from leanhub import spreadsheets as sheets
from leanhub.models import User

MAX_DESCRIPTION = 5000
# How long ahead of today the template's example card is due.
EXAMPLE_DUE_IN = datetime.timedelta(days=28)


class CardImport:
    """The import of a backlog onto ``board`` by ``by``: the file's columns, checking its rows
    against the board as it is now, and the cards the rows make."""

    def __init__(self, board: Board, *, by: User) -> None:
        self.board = board
        self.by = by
        self.board_columns = list(Column.objects.filter(board=board).order_by("position", "pk"))

    @property
    def default_column(self) -> Column | None:
        """Where a row without a column goes: the board's first column of work not started, or
        its first column."""
        backlog = [c for c in self.board_columns if c.kind == Column.Kind.BACKLOG]
        return next(iter(backlog or self.board_columns), None)

    def columns(self) -> list[sheets.Column]:
        """The columns of a cards file, in the order of the template."""
        names = ", ".join(c.name for c in self.board_columns)
        default = self.default_column
        due = timezone.localdate() + EXAMPLE_DUE_IN
        return [
            sheets.Column("title", gettext("What the card is called."), required=True,
                          max_length=140, example=gettext("Pre-fill the claim form")),
            sheets.Column("description", gettext("What the card is about: notes, the problem, "
                                                 "what to try."),
                          max_length=MAX_DESCRIPTION,
                          example=gettext("Customers fill in the same details twice")),
            sheets.Column("column", gettext("The name of one of the board's columns: %(names)s. "
                                            "Empty: %(default)s.")
                          % {"names": names, "default": default.name if default else ""},
                          max_length=60, example=default.name if default else ""),
            sheets.Column("owners", gettext("Who owns the card: the e-mail addresses or "
                                            "usernames of people working on the board, "
                                            "separated by semicolons. Empty: you."),
                          max_length=2000, example=self.by.email or self.by.username),
            sheets.Column("due date", gettext("When the card is due: YYYY-MM-DD or DD/MM/YYYY."),
                          kind=sheets.DATE, example=due.isoformat()),
            sheets.Column("labels", gettext("Labels, separated by commas."), max_length=200,
                          example=gettext("forms, quick win")),
            sheets.Column("wip reason", gettext("Why the card may go over its column's "
                                                "work-in-progress limit, if it would."),
                          max_length=280),
        ]  # fmt: skip

    def check(self, table: list[list[str]]) -> sheets.Checked:
        """Every row of the file checked (see :func:`leanhub.spreadsheets.check_table`), then
        against the board: its column named, its owners known as people working on the board,
        and the column's WIP limit not passed without a reason, counting the cards already there
        and the rows above. A row's column and owners become the board's column and the people
        (so the preview shows them; no owner named is the lead importing). Two queries, whatever
        the number of rows."""
        columns = self.columns()
        checked = sheets.check_table(table, columns)
        if not checked.rows:
            return checked
        errors = list(checked.errors)
        failed = {(e.row, e.column) for e in errors}
        by_name = {sheets.header_key(c.name): c for c in self.board_columns}
        people = self._people(checked.rows)
        placed: list[tuple[int, Column, str]] = []
        for number, values in checked.rows:
            named = values.get("column")
            if isinstance(named, str):
                column = by_name.get(sheets.header_key(named))
                if column is None:
                    errors.append(
                        sheets.RowError(
                            number,
                            "column",
                            gettext("“%(name)s” is not a column of this board: %(names)s.")
                            % {
                                "name": named[:40],
                                "names": ", ".join(c.name for c in self.board_columns),
                            },
                        )
                    )
                    del values["column"]
                else:
                    values["column"] = column
            elif (number, "column") not in failed:
                if self.default_column is None:
                    errors.append(
                        sheets.RowError(number, "column", gettext("The board has no columns."))
                    )
                else:
                    values["column"] = self.default_column
            owners = values.get("owners")
            if isinstance(owners, str):
                found: dict[int, User] = {}
                for spelling in filter(None, sheets.CHOICE_SEPARATORS.split(owners)):
                    matches = people.get(spelling.casefold(), [])
                    if len(matches) == 1:
                        found[matches[0].pk] = matches[0]
                        continue
                    errors.append(
                        sheets.RowError(
                            number,
                            "owners",
                            (
                                gettext(
                                    "“%(name)s” is the e-mail address of more than one person "
                                    "working on this board: give their username."
                                )
                                if matches
                                else gettext(
                                    "“%(name)s” is not someone working on this board: give the "
                                    "e-mail address or username of a member of the team."
                                )
                            )
                            % {"name": spelling[:60]},
                        )
                    )
                values["owners"] = list(found.values())
            elif (number, "owners") not in failed:
                values["owners"] = [self.by]  # as "Add a card" makes its adder the owner
            going = values.get("column")
            if isinstance(going, Column):
                reason = values.get("wip reason")
                placed.append((number, going, reason if isinstance(reason, str) else ""))
        counts = dict(
            Card.objects.filter(board=self.board)
            .order_by()
            .values("column")
            .annotate(n=Count("pk"))
            .values_list("column", "n")
        )
        over = actions.over_wip_limit(((c, r) for _n, c, r in placed), counts)
        for (number, column, _reason), (_count, refused) in zip(placed, over, strict=True):
            if refused:
                errors.append(sheets.RowError(number, "column", actions.wip_limit_message(column)))
        order = {c.name: n for n, c in enumerate(columns)}
        errors.sort(key=lambda e: (e.row, order.get(e.column, -1)))
        return sheets.Checked(checked.rows, errors)

    def _people(self, rows: list[tuple[int, dict[str, object]]]) -> dict[str, list[User]]:
        """The people working on the board (and the lead importing) that the rows' owners name,
        by each spelling used (folded): a username names its one person, else an e-mail address
        names whoever has it (perhaps several people). One query."""
        spellings = {
            spelling.casefold()
            for _number, values in rows
            if isinstance(owners := values.get("owners"), str)
            for spelling in filter(None, sheets.CHOICE_SEPARATORS.split(owners))
        }
        if not spellings:
            return {}
        by_username: dict[str, User] = {}
        by_email: dict[str, list[User]] = {}
        # The lead importing may own cards too, as when adding one by hand.
        people = queries.people_of_board(self.board) | User.objects.filter(pk=self.by.pk)
        for person in (
            people.annotate(folded_username=Lower("username"), folded_email=Lower("email"))
            .filter(Q(folded_username__in=spellings) | Q(folded_email__in=spellings))
            .order_by("pk")
        ):
            by_username[person.username.casefold()] = person
            if person.email:
                by_email.setdefault(person.email.casefold(), []).append(person)
        return {
            spelling: [by_username[spelling]]
            if spelling in by_username
            else by_email.get(spelling, [])
            for spelling in spellings
        }

    def new_cards(self, checked: sheets.Checked) -> list[actions.NewCard]:
        """The checked rows (every one passed) as the cards they add."""
        cards = []
        for number, values in checked.rows:
            column, owners, due = values.get("column"), values.get("owners"), values.get("due date")
            if not isinstance(column, Column):
                raise ValueError(f"Row {number} has no column: check the rows first.")
            cards.append(
                actions.NewCard(
                    row=number,
                    title=_text(values, "title"),
                    column=column,
                    description=_text(values, "description"),
                    owners=[o for o in owners if isinstance(o, User)]
                    if isinstance(owners, list)
                    else [],
                    due_date=due if isinstance(due, datetime.date) else None,
                    labels=_text(values, "labels"),
                    wip_reason=_text(values, "wip reason"),
                )
            )
        return cards


def _text(values: dict[str, object], name: str) -> str:
    value = values.get(name)
    return value if isinstance(value, str) else ""
