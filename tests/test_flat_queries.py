"""Every page's query count is flat in the size of the data, for every role.

The URL resolver is walked for every page; each is opened with GET by each role (staff, team
lead, site manager, organisation manager, place partnership lead, administrator, and no one
signed in), once on a small world and again after the world has grown along every axis: more
rows (ideas, cards, measures, observations, savings, survey answers, notifications), more
children of the very objects the pages show (comments, supporters, steps, cycles, actions,
outcomes, adopters, people in the team), more teams, more sites and more organisations. A page
whose count moves with the data runs a query per row somewhere: the failure names it.

A new URL must be placed: its arguments filled in ``ARGS`` (or, for a metrics scope,
``SCOPED``), or named in ``NOT_PAGES`` with the reason it renders nothing from the data.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from api.webhook_models import WebhookDelivery, WebhookSubscription
from ideas import actions as idea_actions
from ideas.maps.models import ValueStreamMap, ValueStreamStep
from ideas.models import BoxSubmission, Idea, IdeaBox, IdeaComment, IdeaFollow, IdeaSupport
from kaizen import actions as kaizen_actions
from kaizen.models import Board, Card, Cycle, CycleAction
from leanhub import mail
from leanhub.models import (
    Membership,
    Notification,
    Organisation,
    Place,
    PlaceSpendLine,
    Role,
    Site,
    Team,
    TeamAnnouncement,
    User,
)
from library import actions as library_actions
from library.models import Adoption
from library.models import Entry as LibraryEntry
from metrics import actions as metric_actions
from metrics.drills import DRILLS
from metrics.models import (
    CycleMeasure,
    Measure,
    Observation,
    Outcome,
    Saving,
    Survey,
    SurveyResponse,
)
from places.models import (
    BurdenOwner,
    BurdenRouting,
    CaseFlow,
    CaseSaving,
    CaseShare,
    CaseSignOff,
    InvestCase,
    PendingSpendImport,
    ReferenceGroup,
    SavingsTarget,
    SavingTheme,
    ServiceTheme,
    SpendLine,
    financial_year_of,
)
from recognition.models import Thanks
from signon.models import OrganisationSignOn, SignOnRule
from tests.conftest import _password_hash

ROLES = ("sam", "lee", "maya", "dev", "pat", "ada", None)


@dataclass
class World:
    """The objects the pages are opened on (all of New Claims at Carrow Jobcentre, in the
    place), and a counter so each growth makes names of its own."""

    cast: dict[str, User]
    team: Team
    place: Place
    idea: Idea
    comment: IdeaComment
    vsm: ValueStreamMap
    step: ValueStreamStep
    board: Board
    card: Card
    cycle: Cycle
    action: CycleAction
    measure: Measure
    saving: Saving
    survey: Survey
    pulse: Survey
    theme: ServiceTheme
    line: SpendLine
    pending: PendingSpendImport
    case: InvestCase
    owner: BurdenOwner
    stop_idea: Idea
    routing: BurdenRouting
    rule: SignOnRule
    group: ReferenceGroup
    idea_box: IdeaBox
    submission: BoxSubmission
    webhook: WebhookSubscription
    grown: int = 0
    extra_teams: list[Team] = field(default_factory=list)
    entry: Any = None  # a library entry of New Claims, from a cycle adopted as standard work


def _idea(team: Team, author: User, title: str, **more: Any) -> Idea:
    return Idea.objects.create(team=team, author=author, title=title, problem="It slows us", **more)


@pytest.fixture
def world(cast: dict[str, User], team_a: Team, team_a_coaches: Team, place: Place) -> World:
    sam, lee, wendy = cast["sam"], cast["lee"], cast["wendy"]
    now = timezone.now()
    today = timezone.localdate()
    idea = _idea(
        team_a,
        sam,
        "Text customers the documents to bring",
        status=Idea.Status.IMPLEMENTED,
        implemented_at=now,
        public=True,
        public_title="Customers told what to bring",
    )
    comment = idea_actions.add_comment(idea, body="We tried it on Monday", by=sam)
    _idea(team_a_coaches, wendy, "Text customers the documents to bring", adopted_from=idea)

    from tests.ideas.maps.conftest import add_steps, make_map

    vsm = make_map(team_a, lee, name="Claim to first payment — current state")
    step = add_steps(vsm, 2)[0]
    board = kaizen_actions.ensure_team_board(team_a)
    card = kaizen_actions.create_card(
        board, title="Trial pre-filled forms", owners=[lee], by=lee, wip_reason="test", idea=idea
    )
    cycle = kaizen_actions.start_cycle(card, by=lee)
    action = kaizen_actions.add_cycle_action(
        cycle, description="Print the forms", owner=lee, by=lee
    )
    measure = Measure.objects.create(
        name="Minutes per new claim",
        unit="minutes",
        improvement=Measure.Improvement.DECREASE,
        team=team_a,
        created_by=lee,
        public=True,
    )
    Observation.objects.bulk_create(
        Observation(measure=measure, date=today - datetime.timedelta(days=d), value=40 + d % 7)
        for d in range(30)
    )
    # The place's own public measure (its public page charts it).
    place_measure = Measure.objects.create(
        name="Calls answered", unit="%", place=place, created_by=cast["pat"], public=True
    )
    Observation.objects.bulk_create(
        Observation(measure=place_measure, date=today - datetime.timedelta(days=d), value=d % 9)
        for d in range(20)
    )
    maya = cast["maya"]
    survey = metric_actions.create_survey(
        team_a.site, kind=Survey.Kind.CUSTOMER, title="Front desk", question="How was it?", by=maya
    )
    Measure.objects.filter(survey=survey).update(public=True)
    pulse = metric_actions.create_survey(
        team_a.site,
        kind=Survey.Kind.STAFF,
        title="Team pulse",
        question="How was your week?",
        team=team_a,
        by=maya,
    )
    saving = Saving.objects.create(
        team=team_a,
        claimed_by=lee,
        title="Fewer call-backs on new claims",
        kind=Saving.Kind.CASHABLE,
        amount=Decimal("12000"),
        recurrence=Saving.Recurrence.RECURRING,
        start_date=today - datetime.timedelta(days=10),
        stage=Saving.Stage.REALISED,
        status=Saving.Status.VERIFIED,
        evidence="Call-backs fell from 120 to 40 a week.",
        invested_by=team_a.site.organisation,
        benefits=team_a.site.organisation,
    )
    TeamAnnouncement.objects.create(team=team_a, author=lee, message="Huddle at 9:30")
    # The place's spend map, an invest-to-save case, red tape routed to its owner, a sign-on rule.
    pat, dev = cast["pat"], cast["dev"]
    org_a = team_a.site.organisation
    year = financial_year_of(today)
    theme = ServiceTheme.objects.create(place=place, name="Employment support")
    line = SpendLine.objects.create(
        place=place, organisation=org_a, theme=theme, year=year, amount=Decimal("2500000")
    )
    pending = PendingSpendImport.objects.create(
        place=place,
        by=pat,
        filename="spend.csv",
        rows=[[2, org_a.pk, "Employment support", year, "", "1000.00"]],
    )
    SavingsTarget.objects.create(place=place, year=year)
    SavingTheme.objects.create(saving=saving, theme=theme)
    case = InvestCase.objects.create(
        place=place, title="Work coaches in the GP surgery", first_year=year, created_by=pat
    )
    CaseFlow.objects.create(
        case=case, kind=CaseFlow.Kind.INVESTMENT, organisation=org_a, year=year, amount=1000
    )
    CaseFlow.objects.create(
        case=case, kind=CaseFlow.Kind.BENEFIT, organisation=org_a, year=year + 1, amount=2000
    )
    CaseShare.objects.create(case=case, organisation=org_a, percent=Decimal(100))
    CaseSaving.objects.create(case=case, saving=saving)
    owner = BurdenOwner.objects.create(
        name="Department for Work", kind=BurdenOwner.Kind.GOVERNMENT, organisation=org_a
    )
    owner.members.add(pat)
    stop_idea = _idea(
        team_a,
        sam,
        "Stop the weekly paper tally",
        kind=Idea.Kind.STOP_DOING,
        burden_name="Weekly tally",
        burden_owner=Idea.BurdenOwner.GOVERNMENT,
    )
    routing = BurdenRouting.objects.create(
        idea=stop_idea, owner=owner, routed_by=lee, due_on=today + datetime.timedelta(days=28)
    )
    # Its settings exist already: the rules page makes them on its first opening otherwise.
    OrganisationSignOn.objects.create(organisation=org_a)
    rule = SignOnRule.objects.create(organisation=org_a, value="jobcentre-staff", team=team_a)
    group = ReferenceGroup.objects.create(name="Total Place reference group")
    group.places.add(place)
    group.members.add(pat, dev)
    idea_box = IdeaBox.objects.create(team=team_a, kind=IdeaBox.Kind.STAFF, created_by=lee)
    submission = _box_submission(idea_box, "Kettle")
    webhook = WebhookSubscription.objects.create(
        organisation=org_a,
        name="Case system",
        url="https://hooks.example.org/",
        events=["card.moved"],
    )
    _delivery(webhook, "card.moved")
    adopted = kaizen_actions.start_cycle(
        kaizen_actions.create_card(board, title="Text reminders", by=lee), by=lee
    )
    kaizen_actions.decide_cycle(adopted, decision="adopt", standard="Text them", by=lee)
    CycleMeasure.objects.create(cycle=adopted, measure=measure, change_date=today)
    entry = library_actions.publish_cycle(
        adopted,
        text=library_actions.Text(
            title="Text reminders", summary="We text", theme="waiting", contact=lee
        ),
        by=lee,
    )
    world = World(
        cast=cast,
        team=team_a,
        place=place,
        idea=idea,
        comment=comment,
        vsm=vsm,
        step=step,
        board=board,
        card=card,
        cycle=cycle,
        action=action,
        measure=measure,
        saving=saving,
        survey=survey,
        pulse=pulse,
        theme=theme,
        line=line,
        pending=pending,
        case=case,
        owner=owner,
        stop_idea=stop_idea,
        routing=routing,
        rule=rule,
        group=group,
        idea_box=idea_box,
        submission=submission,
        webhook=webhook,
    )
    world.entry = entry
    return world


def _delivery(webhook: WebhookSubscription, kind: str) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        subscription=webhook, kind=kind, payload={"type": kind}, attempts=1, response_code=500
    )


def _box_submission(idea_box: IdeaBox, title: str) -> BoxSubmission:
    return BoxSubmission.objects.create(
        box=idea_box,
        team_id=idea_box.team_id,
        kind=idea_box.kind,
        title=title,
        problem="It is slow",
        client="0" * 64,
    )


def grow_place(w: World, g: int, org: Organisation) -> None:
    """More of the place's own kinds: themes and spend lines, places side by side, cases and
    their flows, shares and sign-offs, owners and routed red tape, sign-on rules."""
    cast, team, lee = w.cast, w.team, w.cast["lee"]
    today = timezone.localdate()
    year = financial_year_of(today)
    org_a = team.site.organisation
    theme = ServiceTheme.objects.create(place=w.place, name=f"Theme {g}", position=g)
    for spender in (org_a, org):
        for each in (theme, w.theme):
            SpendLine.objects.bulk_create(
                SpendLine(
                    place=w.place,
                    organisation=spender,
                    theme=each,
                    year=y,
                    outcome=f"Outcome {g}",
                    amount=g,
                )
                for y in (year, year - g)
            )
    w.pending.rows = [*w.pending.rows, [2 + g, org.pk, f"Theme {g}", year, "", "10.00"]]
    w.pending.save(update_fields=["rows"])
    other = Place.objects.create(
        name=f"Place {g}", slug=f"place-{g}", population=1000 * g, annual_public_spend=g
    )
    w.group.places.add(other)
    SpendLine.objects.create(
        place=other,
        organisation=org,
        theme=ServiceTheme.objects.create(place=other, name="Housing"),
        year=year,
        amount=g,
    )
    for case in (w.case, InvestCase.objects.create(
        place=w.place, title=f"Case {g}", first_year=year, created_by=lee
    )):  # fmt: skip
        CaseFlow.objects.create(
            case=case, kind=CaseFlow.Kind.INVESTMENT, organisation=org, year=year, amount=g
        )
        CaseFlow.objects.create(
            case=case, kind=CaseFlow.Kind.BENEFIT, organisation=org, year=year + g, amount=g
        )
        CaseShare.objects.create(case=case, organisation=org, percent=Decimal(0))
        CaseSignOff.objects.create(case=case, organisation=org, version=g, by=cast["pat"])
    saving = Saving.objects.create(
        team=team,
        claimed_by=lee,
        title=f"Verified saving {g}",
        kind=Saving.Kind.CASHABLE,
        amount=Decimal("700"),
        recurrence=Saving.Recurrence.ONE_OFF,
        start_date=today,
        stage=Saving.Stage.REALISED,
        status=Saving.Status.VERIFIED,
        evidence="Counted.",
        invested_by=org_a,
        benefits=org,
    )
    SavingTheme.objects.create(saving=saving, theme=theme)
    CaseSaving.objects.create(case=w.case, saving=saving)
    owner = BurdenOwner.objects.create(
        name=f"Regulator {g}", kind=BurdenOwner.Kind.REGULATOR, organisation=org
    )
    owner.members.add(cast["pat"], lee)
    for k, answerer in enumerate((w.owner, owner)):
        stop = _idea(
            team,
            cast["sam"],
            f"Stop form {g}.{k}",
            kind=Idea.Kind.STOP_DOING,
            burden_name=f"Form {g}",
            burden_owner=Idea.BurdenOwner.GOVERNMENT,
        )
        BurdenRouting.objects.create(
            idea=stop,
            owner=answerer,
            routed_by=lee,
            due_on=today,
            reply=BurdenRouting.Reply.CHANGE if k else "",
            reply_text="We will shorten it." if k else "",
            replied_by=cast["pat"] if k else None,
        )
    for scope in ({"site": team.site}, {"team": team}, {}):
        SignOnRule.objects.create(organisation=org_a, value=f"group-{g}", **scope)
    SignOnRule.objects.create(organisation=org, value=f"group-{g}")


def grow(w: World, n: int) -> None:
    """Add ``n`` of everything: organisations, sites, teams and their people, rows in every
    table, and children of each object the pages are opened on."""
    cast, team, lee = w.cast, w.team, w.cast["lee"]
    now = timezone.now()
    today = timezone.localdate()
    org_a = team.site.organisation
    for _ in range(n):
        w.grown += 1
        g = w.grown
        # The idea box's held and decided submissions, each with the lead who decided.
        _box_submission(w.idea_box, f"Held {g}")
        BoxSubmission.objects.filter(pk=_box_submission(w.idea_box, f"Done {g}").pk).update(
            status=BoxSubmission.Status.DECLINED, decided_by=lee, reason="No"
        )
        org = Organisation.objects.create(name=f"Agency {g}", slug=f"agency-{g}")
        # The organisation's webhooks and their delivery logs.
        _delivery(w.webhook, "ping")
        WebhookSubscription.objects.create(
            organisation=org_a,
            name=f"Hook {g}",
            url=f"https://hooks.example.org/{g}",
            created_by=lee,
        )
        PlaceSpendLine.objects.create(place=w.place, organisation=org, amount=Decimal(10**8))
        grow_place(w, g, org)
        for site_org in (org_a, org):
            site = Site.objects.create(
                name=f"Site {g} {site_org.slug}", organisation=site_org, place=w.place
            )
            new_team = Team.objects.create(name=f"Team {g} {site_org.slug}", site=site)
            w.extra_teams.append(new_team)
            people = []
            for role in (Role.STAFF, Role.LEAD):
                person = User.objects.create(
                    username=f"p{g}{site_org.slug}{role}",
                    password=_password_hash(),
                    full_name=f"Person {g} {role}",
                )
                Membership.objects.create(user=person, team=new_team, role=role)
                people.append(person)
            staff, lead = people
            other = _idea(new_team, staff, f"Idea {g} of {new_team.name}", hide_name=True)
            IdeaComment.objects.create(idea=other, author=lead, body="Good one")
            _idea(new_team, staff, f"Adopted {g}", adopted_from=w.idea)
            # The rolls of honour and the thank-yous grow too: more done in the team, by people
            # some of whom hid their name or chose not to be listed, and more thanks.
            _idea(
                team,
                lead,
                f"Done here {g}",
                status=Idea.Status.IMPLEMENTED,
                implemented_at=now,
                hide_name=site_org == org,
            )
            lead.unlisted_on_rolls = site_org == org_a
            lead.save(update_fields=["unlisted_on_rolls"])
            Thanks.objects.create(by=staff, idea=w.idea, message=f"Thanks {g}")
            Thanks.objects.create(by=staff, card=w.card)
            Thanks.objects.create(by=staff, entry=w.entry)
            # The library grows too: entries of more teams (shared or not), and more teams
            # trying New Claims' entry.
            LibraryEntry.objects.create(
                team=new_team,
                title=f"Entry {g}",
                summary="Changed",
                theme="waiting",
                contact=lead,
                shared_with_partners=site_org == org,
            )
            Adoption.objects.create(entry=w.entry, team=new_team, by=lead)
            board = kaizen_actions.ensure_team_board(new_team)
            kaizen_actions.create_card(board, title=f"Card {g}", owners=[lead], by=lead)
            m = Measure.objects.create(
                name=f"Measure {g}", unit="min", team=new_team, created_by=lead, public=True
            )
            Observation.objects.bulk_create(
                Observation(measure=m, date=today - datetime.timedelta(days=d), value=d)
                for d in range(5)
            )
            Measure.objects.create(
                name=f"Site measure {g}", unit="min", site=site, created_by=lead, public=True
            )
            Measure.objects.create(
                name=f"Place measure {g}", unit="%", place=w.place, created_by=lead, public=True
            )
            _idea(
                new_team,
                staff,
                f"Public change {g}",
                status=Idea.Status.IMPLEMENTED,
                implemented_at=now,
                public=True,
                public_title=f"Changed {g}",
            )
            Saving.objects.create(
                team=new_team,
                claimed_by=lead,
                title=f"Saving {g}",
                kind=Saving.Kind.CASHABLE,
                amount=Decimal("1000"),
                recurrence=Saving.Recurrence.ONE_OFF,
                start_date=today,
                stage=Saving.Stage.PROJECTED,
                status=Saving.Status.CLAIMED,
                invested_by=org_a,
                benefits=site_org,
            )
            desk = metric_actions.create_survey(
                site, kind=Survey.Kind.CUSTOMER, title=f"Desk {g}", question="How?", by=cast["ada"]
            )
            Measure.objects.filter(survey=desk).update(public=True)
        # More people in the team, and more children of each object the pages show.
        newcomer = User.objects.create(
            username=f"newcomer{g}", password=_password_hash(), full_name=f"Newcomer {g}"
        )
        Membership.objects.create(user=newcomer, team=team, role=Role.STAFF)
        for k in range(3):
            idea = _idea(
                team,
                newcomer if k else cast["sam"],
                f"Idea {g}.{k}",
                hide_name=k == 1,
                kind=Idea.Kind.STOP_DOING if k == 2 else Idea.Kind.IMPROVEMENT,
                burden_name="Weekly tally" if k == 2 else "",
                burden_owner=Idea.BurdenOwner.ORGANISATION if k == 2 else "",
            )
            Idea.objects.filter(pk=idea.pk).update(created_at=now - datetime.timedelta(days=60))
            IdeaSupport.objects.create(idea=idea, user=lee)
            IdeaFollow.objects.create(idea=idea, user=cast["sam"])
            kaizen_actions.create_card(
                w.board, title=f"Card {g}.{k}", owners=[lee, newcomer], by=lee, wip_reason="test"
            )
        idea_actions.add_comment(w.idea, body=f"Comment {g}", by=newcomer)
        IdeaSupport.objects.create(idea=w.idea, user=newcomer)
        idea_actions.recount_supports(w.idea)
        steps = list(w.vsm.steps.all())
        ValueStreamStep.objects.create(
            map=w.vsm, position=len(steps), name=f"Step {g}", cycle_s=60, wait_s=60
        )
        ValueStreamMap.objects.create(
            team=team, created_by=lee, name=f"Map {g}", demand=Decimal(10), demand_period="day"
        )
        kaizen_actions.add_cycle_action(w.cycle, description=f"Action {g}", owner=newcomer, by=lee)
        kaizen_actions.start_cycle(w.card, by=lee) if g % 2 == 0 else None
        Observation.objects.bulk_create(
            Observation(
                measure=w.measure,
                date=today - datetime.timedelta(days=30 + 10 * g + d),
                value=45 + d,
            )
            for d in range(10)
        )
        Measure.objects.create(name=f"Team measure {g}", unit="min", team=team, created_by=lee)
        Outcome.objects.create(
            idea=w.idea,
            measure=w.measure,
            team=team,
            baseline_start=today - datetime.timedelta(days=90),
            baseline_end=today - datetime.timedelta(days=61),
            after_start=today - datetime.timedelta(days=60),
            after_end=today - datetime.timedelta(days=1),
            before_mean=Decimal("50"),
            after_mean=Decimal("40"),
            gain_percent=Decimal("20.0"),
            recorded_by=lee,
        )
        Saving.objects.create(
            team=team,
            claimed_by=lee,
            title=f"Team saving {g}",
            kind=Saving.Kind.NON_CASHABLE,
            amount=Decimal("500"),
            recurrence=Saving.Recurrence.RECURRING,
            start_date=today,
            stage=Saving.Stage.REALISED,
            status=Saving.Status.CLAIMED,
            invested_by=org_a,
            benefits=org_a,
        )
        for survey in (w.survey, w.pulse):
            SurveyResponse.objects.bulk_create(
                SurveyResponse(
                    survey=survey,
                    score=1 + d % 5,
                    created_at=now - datetime.timedelta(days=7 * g + d),
                )
                for d in range(6)
            )
        TeamAnnouncement.objects.create(team=team, author=lee, message=f"News {g}")
        Notification.objects.bulk_create(
            Notification(recipient=user, actor=lee, message=f"Note {g}", url="/")
            for user in cast.values()
        )


# Arguments of each URL, by the argument's name; the metrics pages take a scope (``SCOPED``).
ARGS: dict[str, Callable[[World], object]] = {
    "team_id": lambda w: w.team.pk,
    "slug": lambda w: w.place.slug,
    "map_id": lambda w: w.vsm.pk,
    "step_id": lambda w: w.step.pk,
    "idea_id": lambda w: w.idea.pk,
    "comment_id": lambda w: w.comment.pk,
    "board_id": lambda w: w.board.pk,
    "card_id": lambda w: w.card.pk,
    "cycle_id": lambda w: w.cycle.pk,
    "action_id": lambda w: w.action.pk,
    "site_id": lambda w: w.team.site_id,
    "token": lambda w: w.survey.token,
    "fmt": lambda w: "svg",
    "uidb64": lambda w: urlsafe_base64_encode(force_bytes(w.cast["sam"].pk)),
    "rule_id": lambda w: w.rule.pk,
    "user_id": lambda w: w.cast["nobody"].pk,
    "measure_id": lambda w: w.measure.pk,
    "saving_id": lambda w: w.saving.pk,
    "survey_id": lambda w: w.survey.pk,
    "submission_id": lambda w: w.submission.pk,
    "box_token": lambda w: w.idea_box.token,
    "subscription_id": lambda w: w.webhook.pk,
    "delivery_id": lambda w: w.webhook.deliveries.order_by("pk")[0].pk,
    "entry_id": lambda w: w.entry.pk,
}
# Arguments that mean another thing on some pages: by URL name, then argument.
ARGS_OF: dict[str, dict[str, Callable[[World], object]]] = {
    "signon:organisation": {"slug": lambda w: w.team.site.organisation.slug},
    "signon:rule": {"slug": lambda w: w.team.site.organisation.slug},
    "organisation-data": {"slug": lambda w: w.team.site.organisation.slug},
    "tokens:organisation": {"slug": lambda w: w.team.site.organisation.slug},
    "webhooks:list": {"slug": lambda w: w.team.site.organisation.slug},
    "webhooks:detail": {"slug": lambda w: w.team.site.organisation.slug},
    "email-unsubscribe": {
        "token": lambda w: mail.unsubscribe_token(w.cast["sam"], next(iter(mail.KINDS)))
    },
    "places:idea-red-tape": {"idea_id": lambda w: w.stop_idea.pk},
    "library:cycle-library": {"cycle_id": lambda w: w.entry.cycle_id},
}
# URL names whose ``pk`` is one object's.
OBJECT_PK: dict[str, Callable[[World], int]] = {
    "metrics:measure": lambda w: w.measure.pk,
    "metrics:measure-annotate": lambda w: w.measure.pk,
    "metrics:saving": lambda w: w.saving.pk,
    "metrics:saving-edit": lambda w: w.saving.pk,
    "metrics:saving-decide": lambda w: w.saving.pk,
    "metrics:saving-evidence": lambda w: w.saving.pk,
    "metrics:survey": lambda w: w.survey.pk,
    "metrics:survey-qr": lambda w: w.survey.pk,
    "metrics:measure-edit": lambda w: w.measure.pk,
    "metrics:organisation-spc": lambda w: w.team.site.organisation_id,
    "places:line-edit": lambda w: w.line.pk,
    "places:spend-import-preview": lambda w: w.pending.pk,
    "places:case": lambda w: w.case.pk,
    "places:red-tape-item": lambda w: w.routing.pk,
}
# URL names taking ``kind`` and ``pk`` of a scope: opened on every scope.
SCOPED = {
    "metrics:dashboard-scope",
    "metrics:rows",
    "metrics:savings-tile",
    "metrics:dashboard-charts",
    "metrics:measure-new",
    "metrics:import",
    "api:dashboard",
}


def _scopes(w: World) -> list[tuple[str, int]]:
    site = w.team.site
    return [
        ("team", w.team.pk),
        ("site", site.pk),
        ("organisation", site.organisation_id),
        ("place", w.place.pk),
        ("all", 0),
    ]


# Pages that render nothing from the data, so there is nothing to grow.
NOT_PAGES = {
    "ideas:photo": "serves one stored photo file after one permission check",
    "ideas:pending-photo": "serves one stored photo file to the person who sent it",
    "kaizen:photo": "serves one stored photo file after one permission check",
    "signon-start": "sends the person on to the sign-on provider, from its settings alone",
    "signon-callback": "the provider's answer: it needs the state of a sign-on under way",
    "organisation-export": "a zip of everything the organisation holds: it grows with the data "
    "by design (tests/test_organisation_data.py)",
    # POST only: a GET is refused before anything is read.
    "signon:rule-delete": "POST only",
    "metrics:measure-target-add": "POST only",
    "metrics:measure-target-remove": "POST only",
    "metrics:measure-ghost": "POST only",
    "metrics:measure-mark": "POST only",
    "places:theme-delete": "POST only",
    "places:target-tag": "POST only",
    "places:case-sign-off": "POST only",
    "places:case-change": "POST only",
    "places:red-tape-route": "POST only",
    "ideas:publication": "POST only",
    "tokens:revoke": "POST only",
    "tokens:organisation-revoke": "POST only",
    "webhooks:rotate": "POST only",
    "webhooks:active": "POST only",
    "webhooks:delete": "POST only",
    "webhooks:ping": "POST only",
    "webhooks:retry": "POST only",
    "api:idea-respond": "POST only",
    "api:idea-support": "POST and DELETE only",
    "api:card-move": "POST only",
    "api:observations-bulk": "POST only",
    "api:schema": "the API's schema, from its code alone",
    "api:docs": "the API's documentation page, from its code alone",
    "ideas:box-link": "POST only",
    "ideas:box-decide": "POST only",
    "ideas:box-photo": "serves one stored photo file after one permission check",
}

# Pages that still grow, each with the reason and where it is being fixed.
# Pages allowed to grow, each with the reason (none now).
KNOWN_TO_GROW: dict[str, str] = {}

# Query strings some pages are also opened with (a CSV, a filtered or paged list).
QUERIES: dict[str, list[dict[str, str]]] = {
    "ideas:list": [{}, {"page": "2"}, {"status": "implemented", "sort": "-support"}],
    "library:list": [
        {},
        {"q": "entry"},
        {"theme": "waiting", "waste": "waiting", "service": "jobcentre"},
    ],
    "metrics:savings": [{}, {"format": "csv"}],
    "metrics:measures": [{}],
    "ideas:similar": [{"title": "Text customers"}],
    "ideas:burden-queue": [{}, {"owner": "organisation"}],
    "api:ideas": [{}, {"status": "implemented", "sort": "-support"}],
    "api:maps": [{}, {"page_size": "200"}],
    "api:dashboards": [{}, {"page_size": "200"}],
    # Each kind's rows grow: searched for, and one kind alone (its longer list).
    "search": [
        {"q": "idea"},
        {"q": "card"},
        {"q": "measure"},
        {"q": "map"},
        {"q": "card", "kind": "cards"},
        {"q": "idea", "kind": "ideas"},
    ],
    "ideas:box": [{}, {"kind": "service"}],
}


def _url_patterns(patterns: list[Any], namespace: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":  # Django's own
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((namespace + pattern.name, pattern))
    return found


def _urls(w: World) -> list[tuple[str, str]]:
    """Every GET page's address, its arguments filled from ``w``, each with a stable key."""
    urls: list[tuple[str, str]] = []
    for name, pattern in _url_patterns(get_resolver().url_patterns):
        if name in NOT_PAGES:
            continue
        params = list(pattern.pattern.regex.groupindex)
        kwargs_sets: list[dict[str, object]]
        if name in SCOPED:
            scopes = _scopes(w)
            if "what" in params:
                # Drill-downs: every figure, on a site's and on the place's dashboard.
                kwargs_sets = [
                    {"kind": kind, "pk": pk, "what": what}
                    for kind, pk in scopes
                    if kind in ("site", "place")
                    for what in DRILLS
                ]
            else:
                kwargs_sets = [{"kind": kind, "pk": pk} for kind, pk in scopes]
        else:
            kwargs: dict[str, object] = {}
            for param in params:
                if param in ARGS_OF.get(name, {}):
                    kwargs[param] = ARGS_OF[name][param](w)
                elif param == "pk":
                    kwargs[param] = OBJECT_PK[name](w)
                elif param == "token" and name == "password_reset_confirm":
                    kwargs[param] = default_token_generator.make_token(w.cast["sam"])
                else:
                    assert param in ARGS, f"{name}: fill the argument {param!r} in ARGS"
                    kwargs[param] = ARGS[param](w)
            kwargs_sets = [kwargs]
        for number, kwargs in enumerate(kwargs_sets):
            base = reverse(name, kwargs=kwargs)
            for query in QUERIES.get(name, [{}]):
                suffix = "&".join(f"{k}={v}" for k, v in query.items())
                urls.append((f"{name} #{number} {suffix}", f"{base}?{suffix}" if suffix else base))
    return urls


def _shapes(queries: list[str]) -> Counter[str]:
    """The queries with their numbers and quoted values blanked, to show which one repeats."""
    return Counter(re.sub(r"'[^']*'|\b\d+\b", "?", q)[:300] for q in queries)


@dataclass
class Visit:
    url: str
    status: int
    queries: list[str]


# Pages also asked for as an htmx fragment (the partial they serve then).
HTMX = {"ideas:list", "ideas:similar", "notifications", "metrics:savings", "library:list"}


def _visit_all(w: World, clients: dict[str | None, Client]) -> dict[tuple[str | None, str], Visit]:
    seen: dict[tuple[str | None, str], Visit] = {}
    for role, (key, url) in itertools.product(ROLES, _urls(w)):
        fragment = key.split(" ", 1)[0] in HTMX
        for headers in ({}, {"HX-Request": "true"}) if fragment else ({},):
            connection.queries_log.clear()  # it keeps only the last 9,000
            # Content types are cached per process once looked up: look each up every time.
            ContentType.objects.clear_cache()
            with CaptureQueriesContext(connection) as captured:
                response = clients[role].get(url, headers=headers)
                if response.streaming:
                    b"".join(response.streaming_content)  # type: ignore[attr-defined]
            seen[(role, key + (" (htmx)" if headers else ""))] = Visit(
                url, response.status_code, [q["sql"] for q in captured.captured_queries]
            )
    return seen


def test_every_page_runs_as_many_queries_whatever_the_size_of_the_data(
    world: World, cast: dict[str, User], settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    clients: dict[str | None, Client] = {}
    for role in ROLES:
        clients[role] = Client()
        if role:
            clients[role].force_login(cast[role])
    grow(world, 1)
    for _key, url in _urls(world):  # someone who is not signed in gets a session on the way
        clients[None].get(url)
    small = _visit_all(world, clients)
    grow(world, 3)
    large = _visit_all(world, clients)
    assert small.keys() == large.keys()
    rendered = [key for key, visit in small.items() if visit.status == 200]
    assert len(rendered) > 300, f"most pages render for someone ({len(rendered)} did)"
    # The public pages render for someone not signed in, so their growth is measured.
    for public_page in ("public:place", "public:site", "public:index"):
        assert (None, f"{public_page} #0 ") in rendered, public_page
    grew = []
    for key, before in small.items():
        if key[1].split(" ", 1)[0] in KNOWN_TO_GROW:
            continue
        after = large[key]
        if len(after.queries) != len(before.queries) or after.status != before.status:
            added = list((_shapes(after.queries) - _shapes(before.queries)).elements())[:2]
            grew.append(
                f"{key[0] or 'anonymous'} {after.url}: {len(before.queries)} -> "
                f"{len(after.queries)} queries (status {before.status} -> {after.status}); "
                f"more of {added}"
            )
    assert not grew, f"{len(grew)} page(s) grow with the data:\n" + "\n".join(grew[:60])


def test_every_url_is_opened_or_named_as_not_a_page() -> None:
    names = {name for name, _ in _url_patterns(get_resolver().url_patterns)}
    assert {"home", "ideas:list", "metrics:rows"} <= names
    assert set(NOT_PAGES) <= names
    assert set(OBJECT_PK) <= names and names >= SCOPED and set(ARGS_OF) <= names
