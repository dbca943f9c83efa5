"""Invest-to-save cases: their figures (from :mod:`places.investment`) and the changes people make
to them. Every change goes through here, bumps the case's version, sends a signed-off case back
for sign-off and is audited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leanhub import audit, policy
from leanhub.models import Organisation, User
from metrics.models import Saving
from places import investment
from places.models import CaseFlow, CaseSaving, CaseShare, CaseSignOff, InvestCase

VERBS = {
    "place.case_created": _("started the case"),
    "place.case_flow_added": _("added an investment or benefit"),
    "place.case_flow_removed": _("removed an investment or benefit"),
    "place.case_shares_set": _("set the gain-share agreement"),
    "place.case_saving_linked": _("linked a verified saving"),
    "place.case_submitted": _("sent the case for sign-off"),
    "place.case_signed_off": _("signed off for an organisation"),
    "place.case_fully_signed_off": _("the case was signed off by every party"),
}

MONEY_KINDS = (Saving.Kind.CASHABLE, Saving.Kind.NON_CASHABLE, Saving.Kind.COST_AVOIDANCE)


@dataclass(frozen=True)
class PartyLine:
    organisation: Organisation
    invested: Decimal
    projected: Decimal
    realised: Decimal
    share: Decimal | None
    settlement: investment.Settlement | None
    signed_off_by: CaseSignOff | None


@dataclass(frozen=True)
class CaseFigures:
    npv: Decimal
    payback: Decimal | None
    discounted_payback: Decimal | None
    total_invested: Decimal
    total_projected: Decimal
    total_realised: Decimal
    net_by_year: list[tuple[int, Decimal]]
    parties: list[PartyLine]
    settlement_error: str
    all_signed: bool


def parties(case: InvestCase) -> list[Organisation]:
    ids = set(case.flows.values_list("organisation_id", flat=True)) | set(
        case.shares.values_list("organisation_id", flat=True)
    )
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


# What ``figures`` reads of a case: prefetch it for a list of cases so each adds no query.
FIGURES_PREFETCH = (
    Prefetch("flows", queryset=CaseFlow.objects.select_related("organisation")),
    Prefetch("shares", queryset=CaseShare.objects.select_related("organisation")),
    Prefetch("savings", queryset=CaseSaving.objects.select_related("saving")),
    Prefetch("sign_offs", queryset=CaseSignOff.objects.select_related("by")),
)


def figures(case: InvestCase) -> CaseFigures:
    if "flows" not in getattr(case, "_prefetched_objects_cache", {}):
        prefetch_related_objects([case], *FIGURES_PREFETCH)
    flows = list(case.flows.all())
    investments = [
        investment.Flow(str(f.organisation_id), f.year - case.first_year, f.amount)
        for f in flows
        if f.kind == CaseFlow.Kind.INVESTMENT
    ]
    benefits = [
        investment.Flow(str(f.organisation_id), f.year - case.first_year, f.amount)
        for f in flows
        if f.kind == CaseFlow.Kind.BENEFIT
    ]
    rate = case.discount_rate / 100
    invested: dict[int, Decimal] = defaultdict(Decimal)
    projected: dict[int, Decimal] = defaultdict(Decimal)
    for flow in flows:
        target = invested if flow.kind == CaseFlow.Kind.INVESTMENT else projected
        target[flow.organisation_id] += flow.amount
    realised: dict[int, Decimal] = defaultdict(Decimal)
    for link in case.savings.all():
        saving = link.saving
        if saving.status == Saving.Status.VERIFIED and saving.kind in MONEY_KINDS:
            realised[saving.benefits_id] += saving.amount
    shares = {s.organisation_id: s.percent for s in case.shares.all()}
    settlement_error = ""
    settled: dict[str, investment.Settlement] = {}
    try:
        rows = investment.gain_share(
            invested={str(k): v for k, v in invested.items()},
            received={str(k): v for k, v in realised.items()},
            shares={str(k): v / 100 for k, v in shares.items()},
        )
        settled = {row.organisation: row for row in rows}
    except investment.CaseError as error:
        settlement_error = str(error)
    signed = {s.organisation_id: s for s in case.sign_offs.all() if s.version == case.version}
    parties_by_pk = {f.organisation_id: f.organisation for f in flows}
    parties_by_pk.update((s.organisation_id, s.organisation) for s in case.shares.all())
    organisations = sorted(parties_by_pk.values(), key=lambda org: (org.name, org.pk))
    lines = [
        PartyLine(
            organisation=org,
            invested=invested.get(org.pk, Decimal(0)),
            projected=projected.get(org.pk, Decimal(0)),
            realised=realised.get(org.pk, Decimal(0)),
            share=shares.get(org.pk),
            settlement=settled.get(str(org.pk)),
            signed_off_by=signed.get(org.pk),
        )
        for org in organisations
    ]
    net = investment.net_by_year(investments, benefits)
    return CaseFigures(
        npv=investment.pence(investment.net_present_value(investments, benefits, rate)),
        payback=investment.payback_years(investments, benefits),
        discounted_payback=investment.payback_years(investments, benefits, rate=rate),
        total_invested=sum(invested.values(), Decimal(0)),
        total_projected=sum(projected.values(), Decimal(0)),
        total_realised=sum(realised.values(), Decimal(0)),
        net_by_year=[(case.first_year + i, amount) for i, amount in enumerate(net)],
        parties=lines,
        settlement_error=settlement_error,
        all_signed=bool(organisations) and all(line.signed_off_by for line in lines),
    )


def _changed(case: InvestCase, by: User, verb: str, payload: dict[str, str]) -> None:
    """A change to a case: a new version, and back to the parties for sign-off if it had any."""
    was = case.status
    case.version += 1
    if case.status != InvestCase.Status.DRAFT:
        case.status = InvestCase.Status.AWAITING
    case.save(update_fields=["version", "status"])
    audit.record(
        by, verb, case, {**payload, "version": str(case.version), "status_before": str(was)}
    )


def _check_order(case: InvestCase, kind: str, year: int) -> None:
    if case.benefits_may_precede_investment:
        return
    flows = case.flows.all()
    if kind == CaseFlow.Kind.BENEFIT:
        first_investment = flows.filter(kind=CaseFlow.Kind.INVESTMENT).order_by("year").first()
        if first_investment is not None and year < first_investment.year:
            raise ValidationError(
                gettext("This case does not allow benefits before the first investment (%(year)s).")
                % {"year": first_investment.year}
            )
    else:
        earliest_benefit = flows.filter(kind=CaseFlow.Kind.BENEFIT).order_by("year").first()
        if earliest_benefit is not None and earliest_benefit.year < year:
            raise ValidationError(
                gettext(
                    "A benefit is already dated %(year)s, before this investment; this case "
                    "does not allow that."
                )
                % {"year": earliest_benefit.year}
            )


@transaction.atomic
def add_flow(
    case: InvestCase, *, by: User, kind: str, organisation: Organisation, year: int, amount: Decimal
) -> CaseFlow:
    case = InvestCase.objects.select_for_update().get(pk=case.pk)
    if year < case.first_year:
        raise ValidationError(
            gettext("The case starts in %(year)s; a flow cannot come before it.")
            % {"year": case.first_year}
        )
    if amount <= 0:
        raise ValidationError(gettext("An amount must be more than zero."))
    _check_order(case, kind, year)
    flow, created = CaseFlow.objects.get_or_create(
        case=case, kind=kind, organisation=organisation, year=year, defaults={"amount": amount}
    )
    if not created:
        flow.amount += amount
        flow.save(update_fields=["amount"])
    _changed(
        case,
        by,
        "place.case_flow_added",
        {"kind": kind, "organisation": organisation.name, "year": str(year), "amount": str(amount)},
    )
    return flow


@transaction.atomic
def remove_flow(case: InvestCase, flow: CaseFlow, *, by: User) -> None:
    case = InvestCase.objects.select_for_update().get(pk=case.pk)
    payload = {
        "kind": flow.kind,
        "organisation": flow.organisation.name,
        "year": str(flow.year),
        "amount": str(flow.amount),
    }
    flow.delete()
    _changed(case, by, "place.case_flow_removed", payload)


@transaction.atomic
def set_shares(case: InvestCase, shares: dict[Organisation, Decimal], *, by: User) -> None:
    """Replace the gain-share agreement. The percentages must add up to 100."""
    total = sum(shares.values(), Decimal(0))
    if shares and total != 100:
        raise ValidationError(
            gettext("The shares add up to %(total)s %%; they must add up to 100 %%.")
            % {"total": total}
        )
    if any(value < 0 for value in shares.values()):
        raise ValidationError(gettext("A share cannot be negative."))
    case = InvestCase.objects.select_for_update().get(pk=case.pk)
    CaseShare.objects.filter(case=case).delete()
    CaseShare.objects.bulk_create(
        CaseShare(case=case, organisation=org, percent=percent)
        for org, percent in shares.items()
        if percent
    )
    _changed(
        case,
        by,
        "place.case_shares_set",
        {org.name: str(percent) for org, percent in shares.items()},
    )


@transaction.atomic
def link_saving(case: InvestCase, saving: Saving, *, by: User) -> None:
    case = InvestCase.objects.select_for_update().get(pk=case.pk)
    _, created = CaseSaving.objects.get_or_create(case=case, saving=saving)
    if created:
        # Realised benefit is a fact recorded by verification, not a change of the agreement:
        # the case is audited but does not go back for sign-off.
        audit.record(by, "place.case_saving_linked", case, {"saving": str(saving.pk)})


@transaction.atomic
def submit(case: InvestCase, *, by: User) -> None:
    case = InvestCase.objects.select_for_update().get(pk=case.pk)
    if not parties(case):
        raise ValidationError(gettext("Add at least one investment or benefit first."))
    if case.status == InvestCase.Status.DRAFT:
        case.status = InvestCase.Status.AWAITING
        case.save(update_fields=["status"])
        audit.record(by, "place.case_submitted", case, {"version": str(case.version)})


def may_sign_for(user: User, organisation: Organisation) -> bool:
    """Only a manager of the organisation itself speaks for it; not an administrator, not a
    partnership lead."""
    return organisation.pk in policy.scope_of(user).managed_org_ids


@transaction.atomic
def sign_off(case: InvestCase, organisation: Organisation, *, by: User, version: int) -> None:
    case = InvestCase.objects.select_for_update().get(pk=case.pk)
    if case.status == InvestCase.Status.DRAFT:
        raise ValidationError(gettext("The case has not been sent for sign-off yet."))
    if version != case.version:
        raise ValidationError(
            gettext("The case changed while you were reading it; read it again and sign off then.")
        )
    if organisation not in parties(case):
        raise ValidationError(
            gettext("%(organisation)s is not a party to this case.")
            % {"organisation": organisation}
        )
    if not may_sign_for(by, organisation):
        raise ValidationError(
            gettext("Only a manager of %(organisation)s can sign the case off for it.")
            % {"organisation": organisation}
        )
    CaseSignOff.objects.get_or_create(
        case=case, organisation=organisation, version=case.version, defaults={"by": by}
    )
    audit.record(
        by,
        "place.case_signed_off",
        case,
        {"organisation": organisation.name, "version": str(case.version)},
    )
    signed = set(
        CaseSignOff.objects.filter(case=case, version=case.version).values_list(
            "organisation_id", flat=True
        )
    )
    if {org.pk for org in parties(case)} <= signed:
        case.status = InvestCase.Status.SIGNED_OFF
        case.save(update_fields=["status"])
        audit.record(by, "place.case_fully_signed_off", case, {"version": str(case.version)})
