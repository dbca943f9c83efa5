"""Every state change of the metrics app. Each checks the policy, writes the audit trail for
status and money, and announces to live dashboards after commit."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from ideas.models import Idea
from kaizen.models import Card, Cycle
from leanhub import audit, events, mail, policy, realtime
from leanhub.models import Organisation, Place, Site, Team, User
from metrics import csvimport, gains, pulses, queries, readings, special_cause
from metrics.models import (
    Annotation,
    CycleMeasure,
    Measure,
    MeasureTarget,
    Observation,
    OrganisationSPC,
    Outcome,
    RulesChange,
    Saving,
    Survey,
    SurveyResponse,
)


class StaleChange(Exception):
    """The object changed since the form was shown (or the button was pressed twice)."""


# --- Measures --------------------------------------------------------------------------------


@transaction.atomic
def create_measure(
    scope_object: Team | Site | Organisation | Place, *, fields: dict[str, Any], by: User
) -> Measure:
    """Create a measure for a team (or a site/organisation/place the user runs)."""
    kind = type(scope_object).__name__.lower()
    measure = Measure(**fields, **{kind: scope_object}, created_by=by)
    policy.require(
        by, "edit_measure", measure, reason=gettext("Only those who run it can add measures.")
    )
    measure.save()
    audit.record(by, "measure.created", measure, {"unit": measure.unit})
    return measure


@transaction.atomic
def record_observation(
    measure: Measure,
    *,
    on: date,
    value: Decimal,
    note: str = "",
    ghost: bool = False,
    by: User,
) -> Observation:
    policy.require(
        by, "edit_measure", measure, reason=gettext("Only the team's leads record figures.")
    )
    if ghost and measure.chart_type != Measure.ChartType.XMR:
        raise ValidationError(gettext("Only XmR charts can ghost points."))
    observation = Observation.objects.create(
        measure=measure, date=on, value=value, note=note, ghost=ghost
    )
    refresh_outcomes(Outcome.objects.filter(measure=measure))
    reading = refresh_warnings(measure)
    special_cause.notice(measure, reading, new_ids={observation.pk})
    return observation


def refresh_warnings(measure: Measure) -> readings.Reading:
    """Work the chart out again, as its pages read it, and keep its kinds of warning for the
    measure list. Every action that changes what a chart shows calls it. Returns the reading."""
    return readings.read(measure)  # a reading of the whole series keeps its warnings


@transaction.atomic
def update_measure(form: Any, *, by: User) -> Measure:
    """Save a measure's settings (a checked MeasureForm); a change of rules is recorded."""
    measure = cast("Measure", form.instance)
    policy.require(by, "edit_measure", measure)
    before = form.previous_rules
    measure = form.save()
    changes = {"rules": measure.rules} if before and before != measure.rules else {}
    audit.record(
        by,
        "measure.settings",
        measure,
        {"chart_type": measure.chart_type, "public": measure.public, **changes},
    )
    was, now = form.previous_settings, measure.rules_snapshot()
    if was is not None and was != now:
        # The chart lists each change of its rules, with its date; the data stays as it is.
        RulesChange.objects.create(measure=measure, changed_by=by, before=was, after=now)
    refresh_warnings(measure)
    return measure


def add_target(measure: Measure, fields: dict[str, Any], *, by: User) -> MeasureTarget:
    policy.require(by, "edit_measure", measure)
    target = MeasureTarget.objects.create(measure=measure, **fields)
    audit.record(by, "measure.target_added", measure, {"value": str(target.value)})
    refresh_warnings(measure)
    return target


def remove_target(target: MeasureTarget, *, by: User) -> None:
    policy.require(by, "edit_measure", target.measure)
    audit.record(by, "measure.target_removed", target.measure, {"value": str(target.value)})
    target.delete()
    refresh_warnings(target.measure)


def set_ghost(observation: Observation, *, ghost: bool, by: User) -> None:
    """Ghost a point (drawn, not counted) or count it again. XmR charts only, as in the SQL."""
    measure = observation.measure
    policy.require(by, "edit_measure", measure)
    if ghost and measure.chart_type != Measure.ChartType.XMR:
        raise ValueError(gettext("Only XmR charts can ghost points."))
    Observation.objects.filter(pk=observation.pk).update(ghost=ghost)
    refresh_warnings(measure)


def set_organisation_rules(form: Any, *, by: User) -> OrganisationSPC:
    """Save an organisation's default SPC rules (a checked OrganisationSPCForm)."""
    settings_row = cast("OrganisationSPC", form.instance)
    policy.require(by, "manage_organisation_spc", settings_row.organisation)
    saved = cast("OrganisationSPC", form.save())
    audit.record(by, "organisation.spc_rules", saved.organisation, {"rules": saved.rules})
    return saved


@transaction.atomic
def import_observations(rows: list[csvimport.Row], *, measures: list[Measure], by: User) -> int:
    """Write checked rows in bulk (all or nothing). ``measures`` are those the rows name."""
    for measure in measures:
        policy.require(by, "edit_measure", measure)
    allowed = {m.pk for m in measures}
    if any(row.measure_id not in allowed for row in rows):
        raise PermissionDenied(gettext("A row names a measure you may not write to."))
    added = Observation.objects.bulk_create(
        [
            Observation(
                measure_id=r.measure_id, date=r.date, value=r.value, note=r.note, ghost=r.ghost
            )
            for r in rows
        ],
        batch_size=2000,
    )
    # A row saying "recalculate" starts new limits on its date, as a mark on the chart.
    Annotation.objects.bulk_create(
        [
            Annotation(
                measure_id=r.measure_id,
                date=r.date,
                label=gettext("Limits recalculated (imported)"),
                rebase=True,
            )
            for r in rows
            if r.recalculate
        ]
    )
    targets = _import_targets(rows)
    refresh_outcomes(Outcome.objects.filter(measure__in=measures))
    touched = {r.measure_id for r in rows}
    new_ids = {o.pk for o in added if o.pk is not None}
    first_dates: dict[int, date] = {}
    for r in rows:
        first_dates[r.measure_id] = min(r.date, first_dates.get(r.measure_id, r.date))
    for measure in measures:
        if measure.pk in touched:
            # Once per measure, however many rows: the signal its newest figures raise.
            special_cause.notice(
                measure,
                refresh_warnings(measure),
                new_ids=new_ids,
                since=None if new_ids else first_dates[measure.pk],
            )
    for measure in measures:
        audit.record(
            by,
            "measure.imported",
            measure,
            {
                "rows": sum(1 for r in rows if r.measure_id == measure.pk),
                "targets": targets.get(measure.pk, 0),
            },
        )
    return len(rows)


def target_changes(rows: list[csvimport.Row]) -> dict[int, list[tuple[date, Decimal]]]:
    """Each measure's targets as the rows give them: (from, value) in date order, a row that
    repeats the target before it starting nothing."""
    changes: dict[int, list[tuple[date, Decimal]]] = {}
    for row in sorted(rows, key=lambda r: (r.measure_id, r.date)):
        if row.target is None:
            continue
        steps = changes.setdefault(row.measure_id, [])
        if not steps or steps[-1][1] != row.target:
            steps.append((row.date, row.target))
    return changes


def _import_targets(rows: list[csvimport.Row]) -> dict[int, int]:
    """Targets over time from the rows' target column: each applies from its row's date until
    the next one the file gives (the last, onwards); a target already in force on that date
    ends the day before. The parser has refused rows whose target would start on or before a
    target already set. Returns how many targets each measure got."""
    made: dict[int, int] = {}
    for measure_id, steps in target_changes(rows).items():
        for n, (start, value) in enumerate(steps):
            MeasureTarget.objects.filter(
                Q(start__isnull=True) | Q(start__lt=start),
                Q(end__isnull=True) | Q(end__gte=start),
                measure_id=measure_id,
            ).update(end=start - timedelta(days=1))
            end = steps[n + 1][0] - timedelta(days=1) if n + 1 < len(steps) else None
            MeasureTarget.objects.create(measure_id=measure_id, value=value, start=start, end=end)
        made[measure_id] = len(steps)
    return made


@transaction.atomic
def annotate_measure(
    measure: Measure, *, on: date, label: str, rebase: bool, idea: Idea | None = None, by: User
) -> Annotation:
    policy.require(by, "edit_measure", measure)
    mark = Annotation.objects.create(
        measure=measure, date=on, label=label, rebase=rebase, idea=idea
    )
    refresh_warnings(measure)
    return mark


def set_mark_rebase(mark: Annotation, *, rebase: bool, by: User) -> None:
    """Recalculate the limits from a change marked on the chart, or stop doing so (a PDCA
    cycle's mark too: its cycle keeps the choice)."""
    policy.require(by, "edit_measure", mark.measure)
    Annotation.objects.filter(pk=mark.pk).update(rebase=rebase)
    audit.record(
        by, "measure.mark_changed", mark.measure, {"date": str(mark.date), "rebase": rebase}
    )
    refresh_warnings(mark.measure)


def remove_mark(mark: Annotation, *, by: User) -> None:
    """Take a change off the chart (its limits are no longer recalculated there). A PDCA
    cycle's mark goes with its cycle's link, not here."""
    policy.require(by, "edit_measure", mark.measure)
    if mark.cycle_id:
        raise ValidationError(
            gettext("This change is a PDCA cycle's: unlink the measure on the cycle's page.")
        )
    audit.record(by, "measure.mark_removed", mark.measure, {"date": str(mark.date)})
    mark.delete()
    refresh_warnings(mark.measure)


# --- Outcomes --------------------------------------------------------------------------------


def _card_is_teams(card: Card, team: Team) -> bool:
    """A card is a team's work when it is on the team's board or a joint board the team is on."""
    if card.board.team_id:
        return card.board.team_id == team.pk
    return card.board.member_teams.filter(pk=team.pk).exists()


def _idea_with_card(card: Card | None, idea: Idea | None, *, team: Team) -> Idea | None:
    """The idea an improvement comes from once ``card`` is chosen: the card's own idea, filled
    in when none was given. Refuses a card that is not the team's and an idea that is not the
    card's."""
    if card is None:
        return idea
    if not _card_is_teams(card, team):
        raise PermissionDenied(
            gettext("That card is not on the team's board or a joint board it is on.")
        )
    if card.idea_id is None:
        return idea
    if idea is not None and idea.pk != card.idea_id:
        raise ValueError(gettext("The card works on another idea: choose that idea, or none."))
    return card.idea


@transaction.atomic
def record_outcome(
    improvement: Idea | Card,
    *,
    measure: Measure,
    periods: dict[str, date],
    by: User,
    team: Team | None = None,
) -> Outcome:
    """Record an improvement's before/after periods on a measure of its team, or of the team's
    site, organisation or place. The improvement is an idea (the idea's team), or a kaizen card:
    the team whose board it is on or, for a joint board, ``team``, one of its member teams; a
    card's idea is recorded with it. Refuses any other measure, team or card."""
    if isinstance(improvement, Card):
        card = improvement
        policy.require(by, "view_card", card)
        if card.board.team_id:
            if team is not None and team.pk != card.board.team_id:
                raise PermissionDenied(gettext("A team board's card is that team's work."))
            team = card.board.team
        if team is None:
            raise ValueError(
                gettext("Say which of the joint board's teams the outcome belongs to.")
            )
        idea = _idea_with_card(card, None, team=team)
    else:
        if team is not None and team.pk != improvement.team_id:
            raise PermissionDenied(gettext("An idea's outcome is its own team's."))
        card, idea, team = None, improvement, improvement.team
    policy.require(
        by, "claim_saving", team, reason=gettext("Only the team's leads record outcomes.")
    )
    policy.require(by, "view_measure", measure)
    if not measure.covers(team):
        raise PermissionDenied(
            gettext("Choose a measure of the team, or of its site, organisation or place.")
        )
    outcome = Outcome.objects.create(
        idea=idea, card=card, measure=measure, team=team, recorded_by=by, **periods
    )
    refresh_outcomes(Outcome.objects.filter(pk=outcome.pk))
    outcome.refresh_from_db()
    audit.record(by, "outcome.recorded", outcome, {k: str(v) for k, v in periods.items()})
    return outcome


def refresh_outcomes(outcomes: QuerySet[Outcome]) -> int:
    """Recompute the before/after means and gain of ``outcomes`` from their observations
    (two aggregate subqueries per row, in one query), and store them."""
    rows = list(
        outcomes.select_related("measure").annotate(
            fresh_before=queries.period_mean("baseline_start", "baseline_end"),
            fresh_after=queries.period_mean("after_start", "after_end"),
        )
    )
    for outcome in rows:
        gain = gains.efficiency_gain(
            outcome.fresh_before, outcome.fresh_after, outcome.measure.improvement
        )
        outcome.before_mean, outcome.after_mean = outcome.fresh_before, outcome.fresh_after
        outcome.gain_percent = gain.gain_percent
    Outcome.objects.bulk_update(
        rows, ["before_mean", "after_mean", "gain_percent"], batch_size=1000
    )
    return len(rows)


# --- Savings ---------------------------------------------------------------------------------

SAVING_FIELDS = (
    "idea",
    "card",
    "title",
    "kind",
    "amount",
    "recurrence",
    "start_date",
    "stage",
    "invested_by",
    "benefits",
    "evidence",
    "evidence_file",
    "evidence_content_type",
    "measure",
)


def _payload(saving: Saving) -> dict[str, object]:
    return {
        "amount": str(saving.amount),
        "kind": saving.kind,
        "stage": saving.stage,
        "status": saving.status,
        "version": saving.version,
    }


@transaction.atomic
def claim_saving(team: Team, *, fields: dict[str, Any], by: User) -> Saving:
    """Claim a saving for ``team``; it waits for a manager to verify it. A card chosen as the
    improvement must be the team's; its idea is linked too."""
    policy.require(
        by, "claim_saving", team, reason=gettext("Only the team's leads can claim its savings.")
    )
    fields = dict(fields)
    if fields.get("card") is not None:
        fields["idea"] = _idea_with_card(fields["card"], fields.get("idea"), team=team)
    saving = Saving(team=team, claimed_by=by, **{k: v for k, v in fields.items() if v is not None})
    saving.save()
    audit.record(by, "saving.claimed", saving, _payload(saving))
    _announce(saving)
    return saving


@transaction.atomic
def update_saving(
    saving: Saving, *, fields: dict[str, Any], expected_version: int, by: User
) -> Saving:
    """Change a claim. A verified (or rejected) saving goes back to "claimed" for a fresh
    decision, since the figure that was checked is no longer the figure shown."""
    saving = Saving.objects.select_for_update().select_related("team__site").get(pk=saving.pk)
    policy.require(
        by, "edit_saving", saving, reason=gettext("Only the team's leads can change a claim.")
    )
    if saving.version != expected_version:
        raise StaleChange(
            gettext("This saving has changed since you opened it. Reload and try again.")
        )
    if "card" in fields or "idea" in fields:
        card = fields.get("card", saving.card)
        fields = {
            **fields,
            "idea": _idea_with_card(card, fields.get("idea", saving.idea), team=saving.team),
        }
    before = _payload(saving)
    changed = {}
    for name, value in fields.items():
        if name not in SAVING_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        if name in ("evidence_file", "evidence_content_type") and not value:
            continue  # no new file: keep the one already attached
        if getattr(saving, name) != value:
            changed[name] = str(value)[:100]
            setattr(saving, name, value)
    if not changed:
        return saving
    was = saving.status
    saving.status = Saving.Status.CLAIMED
    saving.decided_by, saving.decided_at, saving.rejection_reason = None, None, ""
    saving.version += 1
    saving.save()
    audit.record(
        by,
        "saving.changed",
        saving,
        {"before": before, "after": _payload(saving), "fields": changed, "reopened_from": was},
    )
    _announce(saving)
    return saving


def _decide(saving: Saving, *, expected_version: int, by: User) -> Saving:
    saving = Saving.objects.select_for_update().select_related("team__site").get(pk=saving.pk)
    policy.require(
        by,
        "decide_saving",
        saving,
        reason=gettext("Savings are verified by a manager of the team who did not claim them."),
    )
    # Administrators pass every policy rule; the claimant rule holds for them too.
    if saving.claimed_by_id == by.pk:
        raise PermissionDenied(gettext("You claimed this saving, so someone else must verify it."))
    if saving.version != expected_version:
        raise StaleChange(
            gettext("This saving has changed since you opened it. Reload and try again.")
        )
    if saving.status != Saving.Status.CLAIMED:
        raise PermissionDenied(
            gettext("This saving is already %(status)s.")
            % {"status": saving.get_status_display().lower()}
        )
    return saving


@transaction.atomic
def verify_saving(saving: Saving, *, expected_version: int, by: User) -> Saving:
    """Verify and lock a claimed saving. Refuses the claimant, anyone outside the team's
    management, a stale version and a saving that is not waiting. Updates every dashboard the
    team shows on, after commit."""
    saving = _decide(saving, expected_version=expected_version, by=by)
    saving.status = Saving.Status.VERIFIED
    saving.decided_by, saving.decided_at = by, timezone.now()
    saving.version += 1
    saving.save()
    audit.record(by, "saving.verified", saving, _payload(saving))
    _announce(saving)
    _emit_verified(saving)
    return saving


def _emit_verified(saving: Saving) -> None:
    """Tell other systems (webhooks) after commit: the organisations that may see the saving
    (its team's, the one that invested in it, the one that benefits). Nobody is named."""
    if not events.listened_to(events.SAVING_VERIFIED):
        return
    organisations = {saving.team.site.organisation_id, saving.invested_by_id, saving.benefits_id}
    events.emit(
        events.SAVING_VERIFIED,
        organisations={pk for pk in organisations if pk},
        data={
            "saving": {
                "id": saving.pk,
                "title": saving.title,
                "amount": str(saving.amount),
                "kind": saving.kind,
                "recurrence": saving.recurrence,
                "stage": saving.stage,
                "start_date": saving.start_date.isoformat(),
                "status": saving.status,
                "version": saving.version,
                "team": {"id": saving.team_id, "name": saving.team.name},
                "idea": saving.idea_id,
                "card": saving.card_id,
                "url": mail.absolute(saving.get_absolute_url()),
            },
            "verified_at": saving.decided_at.isoformat() if saving.decided_at else None,
        },
    )


@transaction.atomic
def reject_saving(saving: Saving, *, reason: str, expected_version: int, by: User) -> Saving:
    """Reject a claimed saving with a reason the claimant will see."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(gettext("Say why the saving is rejected."))
    saving = _decide(saving, expected_version=expected_version, by=by)
    saving.status = Saving.Status.REJECTED
    saving.rejection_reason = reason
    saving.decided_by, saving.decided_at = by, timezone.now()
    saving.version += 1
    saving.save()
    audit.record(by, "saving.rejected", saving, {**_payload(saving), "reason": reason[:300]})
    _announce(saving)
    return saving


def _announce(saving: Saving) -> None:
    """After commit, tell every dashboard showing this team that its savings changed. What is
    pushed is not the figures but a signal: each open page then refetches its own savings tile
    for the period it shows (any period, not just the default one)."""
    team = saving.team if saving.team.site_id else Team.objects.get(pk=saving.team_id)
    dashboards = queries.dashboards_for_team(team)

    def send() -> None:
        for kind, pk in dashboards:
            realtime.broadcast(
                queries.dashboard_group(kind, pk),
                "metrics/_savings_changed.html",
                {"kind": kind, "pk": pk},
            )

    transaction.on_commit(send)


# --- Surveys ---------------------------------------------------------------------------------


@transaction.atomic
def create_survey(
    site: Site, *, kind: str, title: str, question: str, team: Team | None = None, by: User
) -> Survey:
    """A survey and the measure its daily mean score feeds (so it gets an SPC chart)."""
    survey = Survey(kind=kind, title=title, question=question, site=site, team=team)
    scope: dict[str, Team | Site] = {"team": team} if team else {"site": site}
    policy.require(
        by, "manage_survey", survey, reason=gettext("Only the site's managers add surveys.")
    )
    # The measure's name and unit are stored: written in the language of whoever makes it.
    measure = Measure.objects.create(
        name=gettext("%(title)s (mean score)") % {"title": title},
        unit=gettext("score (1–5)"),
        improvement=Measure.Improvement.INCREASE,
        frequency=Measure.Frequency.WEEKLY
        if kind == Survey.Kind.STAFF
        else Measure.Frequency.DAILY,
        rules=OrganisationSPC.default_for(site.organisation_id),
        created_by=by,
        **scope,
    )
    survey.measure = measure
    survey.save()
    audit.record(by, "survey.created", survey, {"kind": kind})
    return survey


@transaction.atomic
def submit_response(
    survey: Survey, *, score: int, comment: str = "", client: str = "", voter: str = ""
) -> SurveyResponse:
    """Keep one response and refresh the survey's measure. Customers: the day's mean score, at
    once. Staff pulses: nothing is shown while a week is open (a running mean would give away
    each answer); the answer that opens a new week closes the weeks before it
    (:mod:`metrics.pulses`), as does the daily ``close_pulse_weeks`` job. Either way the answer
    is counted in its day (:class:`metrics.models.SurveyDay`), which the dashboards add up."""
    averaged = survey.measure_id is not None and survey.kind == Survey.Kind.CUSTOMER
    if averaged:
        # Lock, then keep and average: unlocked, answers arriving together each average before
        # the others commit, and the last to write leaves the day's mean of only some of them.
        # Locked before the answer is kept, as answer_survey locks: keeping it also writes its
        # day's counts, so every writer takes the survey first and the day second. NO KEY:
        # other answers being kept hold key-share locks on the survey, which must not block.
        Survey.objects.select_for_update(no_key=True).filter(pk=survey.pk).values_list("pk").get()
    response = SurveyResponse.objects.create(
        survey=survey, score=score, comment=comment, client=client, voter=voter
    )
    if not survey.measure_id:
        return response
    if not averaged:  # a staff pulse
        pulses.close_weeks(surveys=[survey.pk], weeks_back=2)
        return response
    today = timezone.localdate()
    figures = SurveyResponse.objects.filter(survey=survey, created_at__date=today).aggregate(
        mean=Avg("score")
    )
    Observation.objects.update_or_create(
        measure_id=survey.measure_id,
        date=today,
        defaults={"value": Decimal(str(round(figures["mean"], 4)))},
    )
    refresh_warnings(Measure.objects.get(pk=survey.measure_id))
    return response


# --- The measure a PDCA cycle should move ----------------------------------------------------


@transaction.atomic
def link_cycle_to_measure(
    cycle: Cycle,
    *,
    measure: Measure | None,
    change_date: date | None,
    by: User,
    recalculate: bool | None = None,
) -> CycleMeasure | None:
    """Name the measure ``cycle`` should move and the day its change went live; no measure and
    no day unlinks it. Returns the link, or None once unlinked. ``recalculate``: whether the
    chart's limits start afresh on that day (None leaves the choice as it was).

    Refuses whoever may not edit the cycle's plan (the card's owners and the board's leads), and
    with a ValidationError on ``measure``: a day without a measure, or a measure that is not one
    of the card's teams' (``queries.measures_for_cycle``) that ``by`` can see. Keeps the cycle's
    mark on the measure's SPC chart in step and writes the audit trail. Announces nothing: no
    page showing a cycle or a chart is live.
    """
    card = cycle.card
    policy.require(
        by,
        "edit_card",
        card,
        reason=_("Only the card's owners and the board's leads run its cycles."),
    )
    if measure is None and change_date is not None:
        raise ValidationError(
            {"measure": _("Choose the measure whose chart should show the change.")}
        )
    if measure is not None and not queries.measures_for_cycle(by, card).filter(pk=measure.pk):
        raise ValidationError({"measure": _("Choose a measure of the card's own teams.")})
    link: CycleMeasure | None
    if measure is None:
        CycleMeasure.objects.filter(cycle=cycle).delete()
        link = None
    else:
        link, _created = CycleMeasure.objects.update_or_create(
            cycle=cycle, defaults={"measure": measure, "change_date": change_date}
        )
    _mark_change_on_chart(cycle, link, recalculate=recalculate)
    audit.record(
        by,
        "cycle.measure_changed",
        card,
        {
            "cycle": cycle.number,
            "measure": measure.pk if measure else None,
            "change_date": change_date.isoformat() if change_date else None,
        },
    )
    return link


def _mark_change_on_chart(
    cycle: Cycle, link: CycleMeasure | None, *, recalculate: bool | None = None
) -> None:
    """One annotation on the measure's chart on the day the cycle's change went live, moved or
    removed with the link. Limits are not rebased automatically: the lead chooses it
    (``recalculate``; None keeps the choice made before, on the chart or here)."""
    # The charts the mark leaves and joins: their warnings are worked out again.
    before = set(Annotation.objects.filter(cycle=cycle).values_list("measure_id", flat=True))
    if link is None or link.measure_id is None or link.change_date is None:
        Annotation.objects.filter(cycle=cycle).delete()
        for measure in Measure.objects.filter(pk__in=before):
            refresh_warnings(measure)
        return
    card = cycle.card
    label = _("%(title)s (PDCA cycle %(number)s)") % {"title": card.title, "number": cycle.number}
    mark = {
        "measure_id": link.measure_id,
        "date": link.change_date,
        "label": label[:120],
        "idea_id": card.idea_id,
    }
    if recalculate is not None:
        mark["rebase"] = recalculate
    Annotation.objects.update_or_create(
        cycle=cycle, defaults=mark, create_defaults={"rebase": False, **mark}
    )
    for measure in Measure.objects.filter(pk__in={*before, link.measure_id}):
        refresh_warnings(measure)


# --- Answering a survey ------------------------------------------------------------------------

# Flood protection for the public form: at most this many answers per client per window.
RESPONSES_PER_CLIENT = 5
RESPONSE_WINDOW = timedelta(minutes=10)


class AnswerRefused(Exception):
    """The answer was not kept; the message says why, for the person answering."""


class SurveyClosed(AnswerRefused):
    pass


class TooManyAnswers(AnswerRefused):
    pass


class AlreadyAnswered(AnswerRefused):
    pass


def _keyed(value: str) -> str:
    """A keyed hash: the same input always gives the same key, which tells nothing without the
    server's secret."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def answer_survey(
    survey: Survey,
    *,
    score: int,
    comment: str = "",
    client_address: str,
    by: User | AnonymousUser | None = None,
) -> SurveyResponse:
    """Keep one answer from the public survey page (:func:`submit_response`).

    The client's address is kept only as a keyed hash, enough to refuse a flood
    (:class:`TooManyAnswers` after ``RESPONSES_PER_CLIENT`` answers in ``RESPONSE_WINDOW``). A
    staff pulse is answered by the people it is for (``by``; the policy's ``answer_pulse``), once a
    week each: what is kept is a keyed hash of person, pulse and week, never the person
    (:class:`AlreadyAnswered` for a second vote). Refuses a closed survey (:class:`SurveyClosed`).
    """
    if not survey.is_open:
        raise SurveyClosed(gettext("This survey is closed."))
    voter = ""
    if survey.kind == Survey.Kind.STAFF:
        policy.require(
            by or AnonymousUser(),
            "answer_pulse",
            survey,
            reason=gettext("This pulse is for the team."),
        )
        year, week, _day = timezone.localdate().isocalendar()
        # The policy lets only a signed-in person through.
        voter = _keyed(f"pulse:{survey.pk}:{cast(User, by).pk}:{year}-{week}")
    client = _keyed(f"client:{client_address}")
    try:
        with transaction.atomic():
            # Answers to one survey take their turn: unlocked, a burst of answers sent at once
            # each counts the others before any is kept, and all pass the limit. NO KEY, as
            # submit_response takes the same lock once the answer is kept.
            Survey.objects.select_for_update(no_key=True).filter(pk=survey.pk).values_list(
                "pk"
            ).get()
            since = timezone.now() - RESPONSE_WINDOW
            if SurveyResponse.objects.filter(client=client, created_at__gte=since).count() >= (
                RESPONSES_PER_CLIENT
            ):
                raise TooManyAnswers(
                    gettext(
                        "Too many answers have come from this device just now. Try again later."
                    )
                )
            if voter and SurveyResponse.objects.filter(survey=survey, voter=voter).exists():
                raise AlreadyAnswered(gettext("You have already answered this week."))
            return submit_response(survey, score=score, comment=comment, client=client, voter=voter)
    except IntegrityError:
        if not voter:
            raise
        # A second click that overtook the check above: the database keeps one vote a week.
        raise AlreadyAnswered(gettext("You have already answered this week.")) from None
