"""Measures of sites, organisations and places: added and imported into by whoever runs them
(site and organisation managers, the place's partnership lead), refused to everyone else."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ideas.models import Idea
from leanhub.models import AuditEvent
from metrics.models import Measure, Observation

NEW = {"name": "Footfall", "unit": "visits", "improvement": "neutral", "frequency": "weekly"}
CSV = "measure,date,value,note\nFootfall,2026-01-05,410,\nfootfall,2026-01-12,395.5,half term\n"


def _upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("figures.csv", text.encode(), content_type="text/csv")


def _add_then_import(client, kind: str, pk: int) -> Measure:
    response = client.post(reverse("metrics:measure-new", args=[kind, pk]), NEW)
    measure = Measure.objects.get(name="Footfall")
    assert response.status_code == 302 and response.url == measure.get_absolute_url()
    response = client.post(reverse("metrics:import", args=[kind, pk]), {"file": _upload(CSV)})
    assert response.status_code == 302
    assert list(measure.observations.values_list("value", flat=True)) == [
        Decimal("410"),
        Decimal("395.5"),
    ]
    return measure


def test_a_site_manager_adds_a_site_measure_and_imports_figures_into_it(client, maya, site_a1):
    client.force_login(maya)
    measure = _add_then_import(client, "site", site_a1.pk)
    assert measure.site == site_a1 and measure.team is None and measure.created_by == maya
    assert AuditEvent.objects.filter(verb="measure.imported", actor=maya).count() == 1


def test_an_organisation_manager_adds_an_organisation_measure_and_imports_into_it(
    client, dev, org_a
):
    client.force_login(dev)
    measure = _add_then_import(client, "organisation", org_a.pk)
    assert measure.organisation == org_a and measure.site is None


def test_a_partnership_lead_adds_a_place_measure_and_imports_into_it(client, pat, place):
    client.force_login(pat)
    measure = _add_then_import(client, "place", place.pk)
    assert measure.place == place and measure.organisation is None


def test_an_organisation_manager_runs_the_measures_of_every_site_in_it(client, dev, site_a2):
    client.force_login(dev)
    assert client.get(reverse("metrics:measure-new", args=["site", site_a2.pk])).status_code == 200


@pytest.mark.parametrize(
    ("who", "kind", "fixture", "status"),
    [
        ("lee", "site", "site_a1", 403),  # sees their own site, does not manage it
        ("lee", "site", "site_b1", 404),  # another organisation's site
        ("lee", "organisation", "org_a", 403),
        ("lee", "place", "place", 403),
        ("maya", "organisation", "org_a", 403),  # a site manager does not run the organisation
        ("maya", "site", "site_a2", 403),  # nor a sibling site
        ("maya", "site", "site_b1", 404),
        ("grace", "organisation", "org_a", 404),
        ("dev", "place", "place", 403),
        ("pat", "site", "site_a1", 403),  # a partnership lead sees the place's sites
        ("pat", "organisation", "org_a", 404),
        ("sam", "team", "team_a", 403),
        ("nobody", "place", "place", 404),
    ],
)
def test_people_who_do_not_run_a_scope_may_neither_add_nor_import(
    client, cast, request, who, kind, fixture, status
):
    pk = request.getfixturevalue(fixture).pk
    client.force_login(cast[who])
    assert client.get(reverse("metrics:measure-new", args=[kind, pk])).status_code == status
    assert client.post(reverse("metrics:measure-new", args=[kind, pk]), NEW).status_code == status
    response = client.post(reverse("metrics:import", args=[kind, pk]), {"file": _upload(CSV)})
    assert response.status_code == status
    assert not Measure.objects.exists()


def test_an_unknown_kind_of_scope_is_not_found(client, ada, team_a):
    client.force_login(ada)
    assert client.get(reverse("metrics:measure-new", args=["board", team_a.pk])).status_code == 404
    assert client.get(reverse("metrics:import", args=["idea", team_a.pk])).status_code == 404


def test_a_csv_naming_a_measure_outside_the_chosen_scope_imports_nothing(
    client, maya, site_a1, team_a
):
    site_measure = Measure.objects.create(name="Footfall", unit="visits", site=site_a1)
    Measure.objects.create(name="Minutes per new claim", unit="minutes", team=team_a)
    client.force_login(maya)
    csv = (
        "measure,date,value\n"
        "Footfall,2026-01-05,410\n"
        "Minutes per new claim,2026-01-05,51\n"  # the team's measure: not a site measure
    )
    response = client.post(
        reverse("metrics:import", args=["site", site_a1.pk]), {"file": _upload(csv)}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "<td>3</td><td>Unknown measure “Minutes per new claim”.</td>" in body
    assert "<td>2</td>" not in body
    assert not Observation.objects.exists()
    assert not site_measure.observations.exists()


def test_the_import_page_names_the_scope_and_its_measures(client, pat, place):
    Measure.objects.create(name="Spend per head", unit="£", place=place)
    client.force_login(pat)
    body = client.get(reverse("metrics:import", args=["place", place.pk])).content.decode()
    assert "<h1>Import figures for Testshire (place)</h1>" in body
    assert "<q>Spend per head</q>" in body


def test_the_measures_page_offers_each_person_the_scopes_they_run(
    client, cast, team_a, site_a1, site_a2, org_a, place
):
    def offers(who: str) -> set[str]:
        client.force_login(cast[who])
        body = client.get(reverse("metrics:measures")).content.decode()
        found = set()
        for kind, obj in [("team", team_a), ("site", site_a1), ("site", site_a2),
                          ("organisation", org_a), ("place", place)]:  # fmt: skip
            new = reverse("metrics:measure-new", args=[kind, obj.pk])
            imports = reverse("metrics:import", args=[kind, obj.pk])
            if new in body:
                assert imports in body
                found.add(f"{kind} {obj.name}")
        return found

    assert offers("lee") == {"team New Claims"}
    assert offers("maya") == {"team New Claims", "site Carrow Jobcentre"}
    assert offers("dev") == {
        "team New Claims",
        "site Carrow Jobcentre",
        "site Penmoor Jobcentre",
        "organisation Testshire Jobcentre",
    }
    assert offers("pat") == {"place Testshire"}
    assert offers("sam") == set()


@pytest.mark.parametrize("who", ["maya", "dev"])
def test_the_measures_page_stays_within_its_query_budget_for_managers(
    client, cast, who, django_assert_max_num_queries
):
    client.force_login(cast[who])
    with django_assert_max_num_queries(10):
        assert client.get(reverse("metrics:measures")).status_code == 200


def test_a_site_measure_can_be_marked_with_a_change_from_any_team_on_the_site(
    client, maya, sam, site_a1, team_a, team_a_coaches, team_b
):
    measure = Measure.objects.create(name="Footfall", unit="visits", site=site_a1)
    ours = Idea.objects.create(
        team=team_a_coaches, author=sam, title="Greeter at the door", problem="p",
        status=Idea.Status.IMPLEMENTED,
    )  # fmt: skip
    Idea.objects.create(
        team=team_b, author=sam, title="Another site's change", problem="p",
        status=Idea.Status.IMPLEMENTED, shared_with_partners=True,
    )  # fmt: skip
    client.force_login(maya)
    body = client.get(measure.get_absolute_url()).content.decode()
    assert "Greeter at the door" in body and "Another site&#x27;s change" not in body
    response = client.post(
        reverse("metrics:measure-annotate", args=[measure.pk]),
        {"date": "2026-03-02", "label": "Greeter starts", "idea": ours.pk, "rebase": "on"},
    )
    assert response.status_code == 302
    assert measure.annotations.get().idea == ours
