"""State changes on boards, cards and PDCA cycles. Object first, the rest keyword-only, the
acting user as ``by``. Each is atomic, asks the policy, audits, and tells the board's viewers
after commit with rendered column fragments — one broadcast per action."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Max, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ideas.actions import change_status
from ideas.maps.models import ValueStreamStep
from ideas.models import Idea
from kaizen import photos
from kaizen.models import (
    DEFAULT_COLUMNS,
    Board,
    BoardViewer,
    Card,
    CardMove,
    Column,
    Cycle,
    CycleAction,
    CyclePhoto,
)
from leanhub import audit, events, mail, policy, realtime, storage
from leanhub.models import Organisation, Team, User
from leanhub.spreadsheets import AlreadyImported

COLUMN_TEMPLATE = "kaizen/_columns_oob.html"
DOUBLE_SUBMIT_WINDOW = timedelta(seconds=10)
VIEWERS_TEMPLATE = "kaizen/_viewers.html"


class StaleCard(Exception):
    """The card changed since the person loaded it; nothing was written."""

    message = _("This card changed — here is the current board.")


class MoveRefused(ValidationError):
    """A move that cannot be made (wrong board, bad position); the message says why."""


class WipLimitReached(MoveRefused):
    """The target column is at its WIP limit and no reason was given for going over it."""

    def __init__(self, column: Column) -> None:
        super().__init__(
            gettext(
                "%(column)s has a work-in-progress limit of %(limit)s. "
                "Say why this card should go over it."
            )
            % {"column": column.name, "limit": column.wip_limit}
        )
        self.column = column


def board_group(board_id: int) -> str:
    return f"kaizen.board.{board_id}"


def _announce(board_id: int, column_ids: Iterable[int], *, column_choices: bool = False) -> None:
    """After commit, send the touched columns — rendered from committed rows — to every viewer.
    ``column_choices``: the columns' names changed, so the "Add a card" column list goes too."""
    from kaizen import queries

    ids = sorted(set(column_ids))

    def send() -> None:
        context = queries.columns_context(board_id, ids)
        if column_choices:
            context["column_select"] = _column_select(context["board"])
        realtime.broadcast(board_group(board_id), COLUMN_TEMPLATE, context)

    transaction.on_commit(send)


def _column_select(board: Board) -> str:
    """The "Add a card" form's column list, to be swapped in by id on every open board."""
    from kaizen.forms import NewCardForm

    return NewCardForm(board=board)["column"].as_widget(attrs={"data-hx-swap-oob": "true"})


def _bump(card: Card, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != card.version:
        raise StaleCard(StaleCard.message)
    card.version += 1


def _renumber(orderings: dict[int, list[int]]) -> None:
    """Give every card in the touched columns its new position in one UPDATE."""
    whens = [
        When(pk=pk, then=Value(index)) for ids in orderings.values() for index, pk in enumerate(ids)
    ]
    if whens:
        Card.objects.filter(pk__in=[pk for ids in orderings.values() for pk in ids]).update(
            position=Case(*whens, output_field=IntegerField())
        )


def _enter(card: Card, column: Column, now: datetime) -> None:
    card.moved_at = now
    if column.kind != Column.Kind.BACKLOG and card.started_at is None:
        card.started_at = now
    card.done_at = now if column.kind == Column.Kind.DONE else None


# --- Boards ---------------------------------------------------------------------------------


def _add_default_columns(board: Board) -> None:
    """A new board's columns, named in the language of the request that makes the board: the
    names are stored, like the board's own name, and its leads may rename them."""
    Column.objects.bulk_create(
        Column(board=board, name=gettext(name), kind=kind, position=i)
        for i, (name, kind) in enumerate(DEFAULT_COLUMNS)
    )


@transaction.atomic
def ensure_team_board(team: Team) -> Board:
    """Every team has a board: made with the default columns the first time anyone asks."""
    board, created = Board.objects.get_or_create(
        team=team, defaults={"name": gettext("%(team)s board") % {"team": team.name}}
    )
    if created:
        _add_default_columns(board)
    return board


@transaction.atomic
def create_joint_board(
    *,
    name: str,
    teams: Iterable[Team] = (),
    organisations: Iterable[Organisation] = (),
    members: Iterable[User] = (),
    by: User,
) -> Board:
    """A board several teams or agencies work together. Administrators and managers of every
    member team only."""
    teams = list(teams)
    for team in teams:
        policy.require(
            by, "lead_team", team, reason=gettext("You can only add teams you lead or manage.")
        )
    if not teams and not policy.scope_of(by).is_admin:
        raise ValidationError(gettext("Choose at least one team you lead or manage."))
    board = Board.objects.create(name=name.strip())
    board.member_teams.set(teams)
    board.member_organisations.set(list(organisations))
    board.members.set(list(members))
    _add_default_columns(board)
    audit.record(by, "board.created", board, {"teams": [t.pk for t in teams]})
    return board


@transaction.atomic
def configure_board(
    board: Board,
    *,
    wip_limits: dict[int, int | None],
    stale_after_days: int,
    names: dict[int, str] | None = None,
    new_column: str = "",
    by: User,
) -> Board:
    """Rename columns (swapping two names in one go is fine), add one (before the last), set
    the WIP limits (None for no limit) and when a card counts as stale. The board's leads only;
    refuses two columns with the same name (ignoring case). Viewers get the changed columns, and
    the new one in its place, in one broadcast."""
    policy.require(
        by, "lead_board", board, reason=gettext("Only the board's leads set its limits.")
    )
    changed = []
    # Locked in primary-key order, as every action on a board's columns locks them (a move, an
    # add, an import), so two of them at once queue up instead of deadlocking.
    columns = sorted(
        Column.objects.select_for_update().filter(board=board).order_by("pk"),
        key=lambda c: (c.position, c.pk),
    )
    final = {c.pk: (names or {}).get(c.pk) or c.name for c in columns}
    taken = [n.lower() for n in [*final.values(), new_column] if n]
    if len(set(taken)) != len(taken):
        # The form says which field; this catches a save that raced another lead's.
        raise ValidationError(gettext("Two columns cannot have the same name."))
    renamed = [c for c in columns if final[c.pk] != c.name]
    if renamed:
        # Names are unique on a board, so renaming in place breaks a swap (A→B, B→A) half-way:
        # first park the renamed columns on names nobody would type, then give them their own.
        for column in renamed:
            audit.record(
                by, "column.renamed", column, {"from": column.name, "to": final[column.pk]}
            )
            column.name = f"~{uuid4().hex}"
        Column.objects.bulk_update(renamed, ["name"])
        for column in renamed:
            column.name = final[column.pk]
        Column.objects.bulk_update(renamed, ["name"])
        changed += [c.pk for c in renamed]
    added = last = None
    if new_column:
        last = columns[-1] if columns else None
        position = last.position if last else 0
        if last is not None:
            # The finishing column stays last.
            last.position = position + 1
            last.save(update_fields=["position"])
        added = Column.objects.create(
            board=board, name=new_column, kind=Column.Kind.ACTIVE, position=position
        )
        audit.record(by, "column.added", added, {"board": board.pk})
    for column in Column.objects.select_for_update().filter(board=board).order_by("pk"):
        if column.pk in wip_limits and wip_limits[column.pk] != column.wip_limit:
            audit.record(
                by,
                "column.wip_limit_set",
                column,
                {"from": column.wip_limit, "to": wip_limits[column.pk]},
            )
            column.wip_limit = wip_limits[column.pk]
            column.save(update_fields=["wip_limit"])
            changed.append(column.pk)
    if stale_after_days != board.stale_after_days:
        audit.record(by, "board.stale_after_set", board, {"days": stale_after_days})
        board.stale_after_days = stale_after_days
        board.save(update_fields=["stale_after_days"])
        changed = [c.pk for c in board.columns.all()]
    if added is not None and last is not None:
        _announce_new_column(board.pk, added.pk, before=last.pk, changed=changed)
    elif changed:
        _announce(board.pk, changed, column_choices=bool(renamed))
    return board


def _announce_new_column(board_id: int, column_id: int, *, before: int, changed: list[int]) -> None:
    """After commit, send viewers the new column, to go in before column ``before``, together
    with the columns that changed, in one message. The new column has nowhere to be swapped
    in by id on their page yet, so it travels apart from the others."""
    from kaizen import queries

    ids = sorted({*changed, column_id})

    def send() -> None:
        context = queries.columns_context(board_id, ids)
        context["added"] = [c for c in context["touched"] if c.pk == column_id]
        context["touched"] = [c for c in context["touched"] if c.pk != column_id]
        context["before"] = before
        context["column_select"] = _column_select(context["board"])
        realtime.broadcast(board_group(board_id), COLUMN_TEMPLATE, context)

    transaction.on_commit(send)


# --- Cards ----------------------------------------------------------------------------------


@transaction.atomic
def create_card(
    board: Board,
    *,
    title: str,
    column: Column | None = None,
    description: str = "",
    owners: Iterable[User] = (),
    due_date: date | None = None,
    labels: str = "",
    idea: Idea | None = None,
    wip_reason: str = "",
    by: User,
) -> Card:
    """Add a card at the bottom of ``column`` (the board's first column by default). Refuses a
    column of another board, and going over a WIP limit without a reason."""
    policy.require(
        by, "work_on_board", board, reason=gettext("Only people working this board add cards.")
    )
    columns = {
        c.pk: c for c in Column.objects.select_for_update().filter(board=board).order_by("pk")
    }
    repeat = Card.objects.filter(
        column=column or min(columns.values(), key=lambda c: (c.position, c.pk)),
        board=board,
        title=title.strip(),
        created_by=by,
        created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    ).first()
    if repeat is not None:
        return repeat  # the same card submitted twice in a few seconds is one card
    if column is None:
        column = min(columns.values(), key=lambda c: (c.position, c.pk))
    elif column.pk not in columns:
        raise MoveRefused(gettext("That column is on another board."))
    column = columns[column.pk]
    count = Card.objects.filter(column=column).count()
    wip_reason = wip_reason.strip()
    if column.wip_limit is not None and count >= column.wip_limit and not wip_reason:
        raise WipLimitReached(column)
    now = timezone.now()
    card = Card(
        board=board,
        column=column,
        position=count,
        title=title.strip(),
        description=description.strip(),
        due_date=due_date,
        labels=labels.strip(),
        idea=idea,
        wip_reason=wip_reason if column.wip_limit is not None and count >= column.wip_limit else "",
        created_by=by,
        created_at=now,
    )
    _enter(card, column, now)
    card.save()
    card.owners.set(list(owners) or [by])
    CardMove.objects.create(card=card, to_column=column, by=by, at=now, wip_reason=card.wip_reason)
    audit.record(by, "card.created", card, {"column": column.pk, "wip_reason": card.wip_reason})
    _announce(board.pk, [column.pk])
    return card


@transaction.atomic
def create_card_from_idea(idea: Idea, *, by: User) -> Card:
    """One click from an accepted idea: a card on the team's board, owned by the idea's author
    and the person who made it, and the idea moves to "in progress". Links both ways (the card
    holds the idea; the idea lists its cards). A second click returns the same card.

    An author who hid their name is an owner like any other, so they can work on the card, and
    stays unnamed on it: the card's idea says so (``leanhub.policy.hides_name(card.idea,
    owner)``), and every page, fragment and file showing the card's people asks
    ``leanhub.policy.shown_name``."""
    policy.require(
        by,
        "respond_to_idea",
        idea,
        reason=gettext("Only the team's leads and managers can start work on it."),
    )
    idea = Idea.objects.select_for_update().select_related("team__site").get(pk=idea.pk)
    existing = Card.objects.filter(idea=idea).first()
    if existing is not None:
        return existing
    if idea.status != Idea.Status.ACCEPTED:
        raise MoveRefused(
            gettext("Only an accepted idea becomes a card; this one is %(status)s.")
            % {"status": idea.get_status_display().lower()}
        )
    board = ensure_team_board(idea.team)
    card = create_card(
        board,
        title=idea.title,
        description=idea.proposal or idea.problem,
        owners=[by, idea.author] if idea.author_id != by.pk else [by],
        idea=idea,
        by=by,
    )
    change_status(
        idea,
        to=Idea.Status.IN_PROGRESS,
        note=gettext("Kaizen card: %(title)s") % {"title": card.title},
        by=by,
    )
    return card


@dataclass(frozen=True)
class NewCard:
    """One card of an imported backlog, as its row of the file says (``row``: the row's number
    there, for the messages)."""

    row: int
    title: str
    column: Column
    description: str = ""
    owners: Sequence[User] = ()
    due_date: date | None = None
    labels: str = ""
    wip_reason: str = ""


def wip_limit_message(column: Column) -> str:
    """Why an imported card cannot go into ``column``: the row's error and the refusal alike."""
    return gettext(
        "%(column)s has a work-in-progress limit of %(limit)s, reached with the cards before "
        "this one: say why this card should go over it in the “wip reason” column."
    ) % {"column": column.name, "limit": column.wip_limit}


def over_wip_limit(
    placed: Iterable[tuple[Column, str]], counts: Mapping[int, int]
) -> list[tuple[int, bool]]:
    """For each card in turn added to the end of its column (``(column, wip reason)``), with
    the columns holding ``counts`` cards before the first: whether it goes over the column's
    WIP limit, and whether that is refused (no reason given), as :func:`create_card` refuses
    it. Each card counts for the ones after it."""
    held = dict(counts)
    found = []
    for column, reason in placed:
        count = held.get(column.pk, 0)
        over = column.wip_limit is not None and count >= column.wip_limit
        found.append((count, over and not reason.strip()))
        held[column.pk] = count + 1
    return found


@transaction.atomic
def import_cards(
    board: Board, *, cards: Sequence[NewCard], filename: str, key: str, by: User
) -> list[Card]:
    """Add every card of a lead's backlog file to ``board``, all or none, each at the end of its
    column in the file's order, as :func:`create_card` adds one: owned by the people named
    (or by ``by``), its move into the column recorded, audited, and the columns touched sent to
    the board's viewers after commit in one broadcast. The import itself is audited once, with
    the file's name, how many cards it added and ``key``.

    Refuses anyone who does not lead the board; a column of another board; an owner who does
    not work on the board (other than ``by``); a card over a WIP limit without a reason (every such row named);
    and, with :class:`AlreadyImported`, a second import under the same ``key`` by ``by`` (the
    same previewed file confirmed twice)."""
    policy.require(
        by, "lead_board", board, reason=gettext("Only the board's leads import cards onto it.")
    )
    # Lock the columns first, in the order moves lock them, so concurrent adds and moves queue
    # up behind the import and the counts below stay true until it commits.
    columns = {
        c.pk: c for c in Column.objects.select_for_update().filter(board=board).order_by("pk")
    }
    from kaizen import queries

    earlier = queries.imported_count(board, key=key, by=by)
    if earlier is not None:
        raise AlreadyImported(earlier)
    if not cards:
        raise ValidationError(gettext("The file has no rows to import."))
    if any(card.column.pk not in columns for card in cards):
        raise MoveRefused(gettext("That column is on another board."))
    named = {owner.pk for card in cards for owner in card.owners}
    allowed = {by.pk} | set(
        queries.people_of_board(board).filter(pk__in=named).values_list("pk", flat=True)
    )
    problems = [
        gettext("Row %(row)s: %(name)s does not work on this board.")
        % {"row": card.row, "name": owner}
        for card in cards
        for owner in card.owners
        if owner.pk not in allowed
    ]
    counts = dict(
        Card.objects.filter(column__in=columns.keys())
        .order_by()
        .values("column")
        .annotate(n=Count("pk"))
        .values_list("column", "n")
    )
    placed = over_wip_limit(((columns[card.column.pk], card.wip_reason) for card in cards), counts)
    problems += [
        gettext("Row %(row)s: %(problem)s")
        % {"row": card.row, "problem": wip_limit_message(columns[card.column.pk])}
        for card, (_count, refused) in zip(cards, placed, strict=True)
        if refused
    ]
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    made = []
    for card, (count, _refused) in zip(cards, placed, strict=True):
        column = columns[card.column.pk]
        over = column.wip_limit is not None and count >= column.wip_limit
        new = Card(
            board=board,
            column=column,
            position=count,
            title=card.title.strip(),
            description=card.description.strip(),
            due_date=card.due_date,
            labels=card.labels.strip(),
            wip_reason=card.wip_reason.strip() if over else "",
            created_by=by,
            created_at=now,
        )
        _enter(new, column, now)
        made.append(new)
    Card.objects.bulk_create(made, batch_size=500)
    Owner = Card.owners.through
    Owner.objects.bulk_create(
        (
            Owner(card_id=new.pk, user_id=owner.pk)
            for new, card in zip(made, cards, strict=True)
            for owner in {o.pk: o for o in card.owners or [by]}.values()
        ),
        batch_size=500,
    )
    CardMove.objects.bulk_create(
        (
            CardMove(card=new, to_column=new.column, by=by, at=now, wip_reason=new.wip_reason)
            for new in made
        ),
        batch_size=500,
    )
    for new in made:
        audit.record(
            by, "card.created", new, {"column": new.column_id, "wip_reason": new.wip_reason}
        )
    audit.record(
        by,
        "cards.imported",
        board,
        {"filename": filename[:200], "count": len(made), "key": key},
    )
    _announce(board.pk, [new.column_id for new in made])
    return made


@transaction.atomic
def edit_card(
    card: Card,
    *,
    expected_version: int,
    title: str,
    description: str = "",
    owners: Iterable[User] = (),
    due_date: date | None = None,
    labels: str = "",
    vsm_step: ValueStreamStep | None = None,
    by: User,
) -> Card:
    """Change what a card says. Refuses an edit made against an older version of the card, and a
    value-stream map step from a map of a team not working on the board."""
    policy.require(
        by,
        "edit_card",
        card,
        reason=gettext("Only the card's owners and the board's leads edit it."),
    )
    card = Card.objects.select_for_update().get(pk=card.pk)
    _bump(card, expected_version)
    card.title = title.strip()
    card.description = description.strip()
    card.due_date = due_date
    card.labels = labels.strip()
    if vsm_step is not None:
        board_teams = {card.board.team_id} | set(
            card.board.member_teams.values_list("pk", flat=True)
        )
        if vsm_step.map.team_id not in board_teams:
            raise ValidationError(
                gettext("That map step belongs to a team not working on this board.")
            )
    card.vsm_step = vsm_step
    card.save(update_fields=["title", "description", "due_date", "labels", "vsm_step", "version"])
    owners = list(owners)
    if owners:
        card.owners.set(owners)
    audit.record(by, "card.edited", card, {"version": card.version})
    _announce(card.board_id, [card.column_id])
    return card


@transaction.atomic
def move_card(
    card: Card,
    *,
    to: Column,
    position: int,
    expected_version: int,
    by: User,
    wip_reason: str = "",
) -> Card:
    """Put ``card`` at ``position`` (0 = top) in column ``to``, keeping every other card's order.

    Refuses: a column of another board; a stale ``expected_version`` (nothing is written);
    going over ``to``'s WIP limit without a reason (with one, the reason is recorded and shown
    on the card). A column change is timestamped in the card's move history. One broadcast.
    """
    policy.require(
        by,
        "edit_card",
        card,
        reason=gettext("Only the card's owners and the board's leads move it."),
    )
    if to.board_id != card.board_id:
        raise MoveRefused(
            gettext("That column is on another board: a card stays on its own board.")
        )
    # Lock the columns first, always in the same order, so concurrent moves queue up.
    locked = {
        c.pk: c
        for c in Column.objects.select_for_update()
        .filter(pk__in={to.pk, card.column_id})
        .order_by("pk")
    }
    card = Card.objects.select_for_update().get(pk=card.pk)
    to = locked[to.pk]
    _bump(card, expected_version)
    from_column_id = card.column_id
    changes_column = from_column_id != to.pk

    target_ids = list(
        Card.objects.filter(column=to)
        .exclude(pk=card.pk)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    wip_reason = wip_reason.strip()
    over = changes_column and to.wip_limit is not None and len(target_ids) >= to.wip_limit
    if over and not wip_reason:
        raise WipLimitReached(to)
    position = max(0, min(int(position), len(target_ids)))
    target_ids.insert(position, card.pk)
    orderings = {to.pk: target_ids}
    if changes_column:
        orderings[from_column_id] = list(
            Card.objects.filter(column_id=from_column_id)
            .exclude(pk=card.pk)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        )

    now = timezone.now()
    fields = ["version", "column", "wip_reason"]
    if changes_column:
        card.column = to
        card.wip_reason = wip_reason if over else ""
        _enter(card, to, now)
        fields += ["moved_at", "started_at", "done_at"]
        CardMove.objects.create(
            card=card,
            from_column_id=from_column_id,
            to_column=to,
            by=by,
            at=now,
            wip_reason=card.wip_reason,
        )
    card.save(update_fields=fields)
    _renumber(orderings)
    audit.record(
        by,
        "card.moved",
        card,
        {"from": from_column_id, "to": to.pk, "position": position, "wip_reason": card.wip_reason},
    )
    _announce(card.board_id, orderings.keys())
    card.position = position
    if changes_column:
        _emit_moved(card, from_column_id=from_column_id, to=to)
    return card


def _emit_moved(card: Card, *, from_column_id: int, to: Column) -> None:
    """Tell other systems (webhooks) a card changed column, after commit: the organisations
    whose people see its board (a team board's organisation; a joint board's member teams'
    and organisations'). Nobody is named."""
    if not events.listened_to(events.CARD_MOVED):
        return
    board = Board.objects.select_related("team__site").get(pk=card.board_id)
    if board.team is not None:
        organisations = {board.team.site.organisation_id}
    else:
        organisations = set(board.member_organisations.values_list("pk", flat=True)) | set(
            board.member_teams.values_list("site__organisation_id", flat=True)
        )
    names = dict(Column.objects.filter(pk__in=[from_column_id, to.pk]).values_list("pk", "name"))
    events.emit(
        events.CARD_MOVED,
        organisations=organisations,
        data={
            "card": {
                "id": card.pk,
                "title": card.title,
                "version": card.version,
                "board": {"id": board.pk, "name": board.name},
                "url": mail.absolute(card.get_absolute_url()),
            },
            "from_column": {"id": from_column_id, "name": names.get(from_column_id, "")},
            "to_column": {"id": to.pk, "name": names.get(to.pk, "")},
            "moved_at": card.moved_at.isoformat(),
        },
    )


@transaction.atomic
def block_card(card: Card, *, reason: str, by: User) -> Card:
    """Flag a card blocked, saying by what. Refuses an empty reason."""
    policy.require(
        by,
        "edit_card",
        card,
        reason=gettext("Only the card's owners and the board's leads flag it."),
    )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("Say what is blocking the card.")})
    card = Card.objects.select_for_update().get(pk=card.pk)
    card.blocked, card.blocked_reason = True, reason[:280]
    card.version += 1
    card.save(update_fields=["blocked", "blocked_reason", "version"])
    audit.record(by, "card.blocked", card, {"reason": card.blocked_reason})
    _announce(card.board_id, [card.column_id])
    return card


@transaction.atomic
def unblock_card(card: Card, *, by: User) -> Card:
    policy.require(
        by,
        "edit_card",
        card,
        reason=gettext("Only the card's owners and the board's leads flag it."),
    )
    card = Card.objects.select_for_update().get(pk=card.pk)
    card.blocked, card.blocked_reason = False, ""
    card.version += 1
    card.save(update_fields=["blocked", "blocked_reason", "version"])
    audit.record(by, "card.unblocked", card)
    _announce(card.board_id, [card.column_id])
    return card


# --- Presence -------------------------------------------------------------------------------


def _announce_viewers(board_id: int) -> None:
    from kaizen import queries

    realtime.broadcast(
        board_group(board_id),
        VIEWERS_TEMPLATE,
        {"board_id": board_id, "viewers": queries.viewers_of(board_id), "oob": True},
    )


def join_board(board_id: int, *, channel_name: str, by: User) -> None:
    """A socket opened on the board: count its person among the viewers and tell the others.
    Viewers on any board whose socket fell silent (a server process that died never ran its
    disconnects) are forgotten on the way."""
    now = timezone.now()
    BoardViewer.objects.gone(now).delete()
    BoardViewer.objects.update_or_create(
        channel_name=channel_name, defaults={"board_id": board_id, "user": by, "last_seen": now}
    )
    _announce_viewers(board_id)


def keep_viewing_board(board_id: int, *, channel_name: str, by: User) -> None:
    """A socket on the board sent its heartbeat: its person is still viewing. Viewers of the
    board whose socket fell silent are forgotten, and the others told, so nobody who left stays
    in "Viewing now". A socket heard from after it lapsed (a laptop that slept) counts again.
    Two queries when nothing changed; a broadcast only when the list of viewers did."""
    now = timezone.now()
    kept = BoardViewer.objects.filter(channel_name=channel_name).present(now).update(last_seen=now)
    gone, _ = BoardViewer.objects.filter(board_id=board_id).gone(now).delete()
    if not kept:
        BoardViewer.objects.update_or_create(
            channel_name=channel_name,
            defaults={"board_id": board_id, "user": by, "last_seen": now},
        )
    if gone or not kept:
        _announce_viewers(board_id)


def leave_board(board_id: int, *, channel_name: str) -> None:
    BoardViewer.objects.filter(channel_name=channel_name).delete()
    _announce_viewers(board_id)


# --- PDCA -----------------------------------------------------------------------------------


@transaction.atomic
def start_cycle(card: Card, *, by: User) -> Cycle:
    """Open the next PDCA cycle on a card (the first, or another after "adapt")."""
    policy.require(
        by,
        "edit_card",
        card,
        reason=gettext("Only the card's owners and the board's leads run its cycles."),
    )
    Card.objects.select_for_update().filter(pk=card.pk).first()
    number = (Cycle.objects.filter(card=card).aggregate(n=Max("number"))["n"] or 0) + 1
    cycle = Cycle.objects.create(card=card, number=number)
    audit.record(by, "cycle.started", card, {"cycle": number})
    return cycle


PLAN_FIELDS = (
    "problem",
    "whys",
    "root_cause",
    "hypothesis",
    "baseline",
    "target",
    "planned_actions",
)
CHECK_FIELDS = ("result", "evidence")


@transaction.atomic
def update_cycle(cycle: Cycle, *, by: User, **fields: Any) -> Cycle:
    """Write the Plan or Check part of a cycle (any of PLAN_FIELDS and CHECK_FIELDS)."""
    policy.require(
        by,
        "edit_card",
        cycle.card,
        reason=gettext("Only the card's owners and the board's leads run its cycles."),
    )
    unknown = set(fields) - set(PLAN_FIELDS) - set(CHECK_FIELDS)
    if unknown:
        raise ValueError(f"Not a plan or check field: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(cycle, name, value)
    cycle.save(update_fields=list(fields))
    audit.record(by, "cycle.updated", cycle.card, {"cycle": cycle.number, "fields": sorted(fields)})
    return cycle


@transaction.atomic
def add_cycle_action(
    cycle: Cycle, *, description: str, owner: User | None, due_date: date | None = None, by: User
) -> CycleAction:
    policy.require(
        by,
        "edit_card",
        cycle.card,
        reason=gettext("Only the card's owners and the board's leads run its cycles."),
    )
    if owner is None:
        raise ValidationError({"owner": gettext("Every action needs an owner.")})
    action = CycleAction.objects.create(
        cycle=cycle, description=description.strip(), owner=owner, due_date=due_date
    )
    audit.record(by, "cycle.action_added", cycle.card, {"cycle": cycle.number, "action": action.pk})
    return action


@transaction.atomic
def set_action_done(action: CycleAction, *, done: bool, by: User) -> CycleAction:
    policy.require(
        by,
        "edit_card",
        action.cycle.card,
        reason=gettext("Only the card's owners and the board's leads run its cycles."),
    )
    action.done = done
    action.save(update_fields=["done"])
    audit.record(
        by,
        "cycle.action_done" if done else "cycle.action_reopened",
        action.cycle.card,
        {"action": action.pk},
    )
    return action


@transaction.atomic
def add_cycle_photo(
    cycle: Cycle, *, upload: UploadedFile, caption: str = "", by: User
) -> CyclePhoto:
    """Keep a photo as Check evidence: verified as an image, re-encoded without its metadata."""
    policy.require(
        by,
        "edit_card",
        cycle.card,
        reason=gettext("Only the card's owners and the board's leads run its cycles."),
    )
    with storage.removed_on_failure() as written:
        name, content_type = photos.store(upload)
        written.append(photos.file_name(name))
        photo = CyclePhoto.objects.create(
            cycle=cycle,
            file=name,
            content_type=content_type,
            caption=caption.strip(),
            uploaded_by=by,
        )
        audit.record(
            by, "cycle.photo_added", cycle.card, {"cycle": cycle.number, "photo": photo.pk}
        )
    return photo


@transaction.atomic
def decide_cycle(
    cycle: Cycle,
    *,
    decision: str,
    standard: str = "",
    learning: str = "",
    mark_idea_implemented: bool = False,
    by: User,
) -> Cycle:
    """Act: adopt (the new standard written down), adapt (another cycle opens) or abandon (the
    learning written down). Adopting may mark the card's idea implemented."""
    card = cycle.card
    policy.require(
        by,
        "edit_card",
        card,
        reason=gettext("Only the card's owners and the board's leads run its cycles."),
    )
    if decision not in Cycle.Decision.values:
        raise ValidationError({"decision": gettext("Choose adopt, adapt or abandon.")})
    if decision == Cycle.Decision.ADOPT and not standard.strip():
        raise ValidationError({"standard": gettext("Write down the new standard work.")})
    if decision == Cycle.Decision.ABANDON and not learning.strip():
        raise ValidationError(
            {"learning": gettext("Say what was learned, so others need not repeat it.")}
        )
    cycle.decision = decision
    cycle.standard = standard.strip()
    cycle.learning = learning.strip()
    cycle.decided_at = timezone.now()
    cycle.save(update_fields=["decision", "standard", "learning", "decided_at"])
    audit.record(by, "cycle.decided", card, {"cycle": cycle.number, "decision": decision})
    if decision == Cycle.Decision.ADAPT:
        start_cycle(card, by=by)
    if decision == Cycle.Decision.ADOPT and mark_idea_implemented and card.idea is not None:
        idea = card.idea
        if not policy.can(by, "respond_to_idea", idea):
            raise ValidationError(
                {
                    "mark_idea_implemented": gettext(
                        "Only the team's leads can mark the idea implemented."
                    )
                }
            )
        if idea.status != Idea.Status.IMPLEMENTED:
            change_status(
                idea,
                to=Idea.Status.IMPLEMENTED,
                note=gettext("Adopted as standard work: %(standard)s")
                % {"standard": cycle.standard},
                by=by,
            )
    return cycle
