"""Dashboards: who lands where, who may see which, figures traceable to rows, bounded queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from metrics import queries
from metrics.models import Saving


def url(kind: str, pk: int) -> str:
    return reverse("metrics:dashboard-scope", args=[kind, pk])


@pytest.mark.parametrize(
    ("who", "kind"),
    [
        ("maya", "site"),
        ("dev", "organisation"),
        ("grace", "organisation"),
        ("pat", "place"),
        ("lee", "team"),
        ("sam", "team"),
        ("ada", "all"),
    ],
)
def test_the_dashboard_link_sends_each_person_to_their_own_scope(client, cast, who, kind):
    client.force_login(cast[who])
    response = client.get(reverse("metrics:dashboard"))
    assert response.status_code == 302
    assert f"/dashboard/{kind}/" in response.url
    assert client.get(response.url).status_code == 200


def test_someone_with_no_scope_has_no_dashboard(client, nobody):
    client.force_login(nobody)
    assert client.get(reverse("metrics:dashboard")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, team_a):
    response = client.get(url("team", team_a.pk))
    assert response.status_code == 302 and "/login" in response.url


def test_dashboards_refuse_post_with_405(client, maya, site_a1):
    client.force_login(maya)
    assert client.post(url("site", site_a1.pk)).status_code == 405


@pytest.mark.parametrize(
    ("who", "kind", "fixture", "status"),
    [
        ("grace", "site", "site_a1", 404),  # another organisation: not even seen
        ("olu", "team", "team_a", 404),
        ("sam", "site", "site_a1", 403),  # sees the site, but it is a manager's dashboard
        ("maya", "organisation", "org_a", 403),
        ("maya", "site", "site_a2", 403),
        ("pat", "team", "team_a", 403),
        ("lee", "place", "place", 403),
        ("dev", "all", None, 404),
    ],
)
def test_it_refuses_dashboards_outside_the_persons_scope(
    client, cast, request, who, kind, fixture, status
):
    client.force_login(cast[who])
    pk = request.getfixturevalue(fixture).pk if fixture else 0
    assert client.get(url(kind, pk)).status_code == status


def test_the_htmx_request_gets_only_the_dashboard_body(client, maya, site_a1):
    client.force_login(maya)
    full = client.get(url("site", site_a1.pk)).content.decode()
    partial = client.get(url("site", site_a1.pk), headers={"HX-Request": "true"}).content.decode()
    assert "<html" in full and "<html" not in partial
    assert 'id="dashboard-body"' in partial


def test_the_period_filter_rejects_an_end_before_the_start(client, maya, site_a1):
    client.force_login(maya)
    response = client.get(url("site", site_a1.pk), {"start": "2026-05-01", "end": "2026-01-01"})
    assert "The end date must be on or after the start date" in response.content.decode()


def test_idea_figures_are_computed_in_sql(team_a, sam, lee, wendy, make_ideas):
    now = timezone.now()
    ideas = make_ideas(4, team=team_a, author=sam)
    make_ideas(1, team=team_a, author=lee, kind=Idea.Kind.STOP_DOING,
               minutes_per_occurrence=Decimal("30"), occurrences_per_year=200,
               status=Idea.Status.IMPLEMENTED, implemented_at=now)  # fmt: skip
    for days, idea in zip([1, 3, 5, 100], ideas, strict=True):
        idea.first_response_at = idea.created_at + timedelta(days=days)
        idea.save()
    scope = queries.DashboardScope("team", team_a)
    f = queries.idea_figures(scope, queries.default_period())
    assert f["total"] == 5
    assert f["implemented"] == 1 and f["implementation_percent"] == Decimal("20.0")
    assert f["headcount"] == 2 and f["participants"] == 2  # sam and lee; wendy is another team
    assert f["participation_percent"] == Decimal("100.0")
    assert f["median_first_response_days"] == Decimal("4.0")  # median of 1, 3, 5, 100
    assert f["stop_doing_hours_proposed"] == Decimal("100")  # 30 min × 200 ÷ 60
    assert f["stop_doing_hours_realised"] == Decimal("100")


def test_ideas_waiting_beyond_the_promise_are_overdue(team_a, sam, make_ideas):
    _fresh, old = Idea.objects.bulk_create(
        [
            Idea(team=team_a, author=sam, title="Fresh", problem="p",
                 created_at=timezone.now() - timedelta(days=2)),
            Idea(team=team_a, author=sam, title="Old", problem="p",
                 created_at=timezone.now() - timedelta(days=8)),
        ]
    )  # fmt: skip
    scope = queries.DashboardScope("site", team_a.site)
    overdue = Idea.objects.filter(queries.overdue_q(scope))
    assert list(overdue) == [old]


def test_saving_figures_keep_recurring_and_one_off_apart_and_leave_out_rejected(
    team_a, lee, make_savings, django_assert_num_queries
):
    once = {"recurrence": "one_off"}
    make_savings(1, team=team_a, claimed_by=lee, amount=Decimal("100"), stage="projected")
    make_savings(1, team=team_a, claimed_by=lee, amount=Decimal("200"), status="verified")
    make_savings(1, team=team_a, claimed_by=lee, amount=Decimal("400"), kind="non_cashable")
    make_savings(
        1, team=team_a, claimed_by=lee, amount=Decimal("800"), status="rejected",
        rejection_reason="No",
    )  # fmt: skip
    make_savings(1, team=team_a, claimed_by=lee, amount=Decimal("50"), kind="time")
    make_savings(1, team=team_a, claimed_by=lee, amount=Decimal("3000"), status="verified", **once)
    make_savings(
        1, team=team_a, claimed_by=lee, amount=Decimal("700"), kind="cost_avoidance",
        stage="projected", **once,
    )  # fmt: skip
    make_savings(
        1, team=team_a, claimed_by=lee, amount=Decimal("20"), kind="time", status="verified", **once
    )
    scope = queries.DashboardScope("team", team_a)
    with django_assert_num_queries(1):
        f = queries.saving_figures(scope, queries.default_period())
    assert f == {
        "a_year": {
            "projected": Decimal("100"), "realised": Decimal("600"), "verified": Decimal("200"),
            "cashable": Decimal("300"), "non_cashable": Decimal("400"),
            "hours_projected": 0, "hours_realised": Decimal("50"), "hours_verified": 0,
        },
        "one_off": {
            "projected": Decimal("700"), "realised": Decimal("3000"), "verified": Decimal("3000"),
            "cashable": Decimal("3000"), "non_cashable": Decimal("700"),
            "hours_projected": 0, "hours_realised": Decimal("20"), "hours_verified": Decimal("20"),
        },
        "awaiting": 4,
    }  # fmt: skip


def test_the_savings_tile_says_which_figures_are_a_year_and_which_one_off(
    client, maya, site_a1, team_a, lee, make_savings
):
    make_savings(1, team=team_a, claimed_by=lee, amount=Decimal("12000"), status="verified")
    make_savings(
        1, team=team_a, claimed_by=lee, amount=Decimal("2500"), status="verified",
        recurrence="one_off",
    )  # fmt: skip
    client.force_login(maya)
    body = client.get(url("site", site_a1.pk)).content.decode()
    verified_a_year = body.split('id="savings-verified-a-year"')[1].split("</td>")[0]
    verified_one_off = body.split('id="savings-verified-one-off"')[1].split("</td>")[0]
    assert "£12,000 a year" in verified_a_year
    assert "£2,500 one-off" in verified_one_off
    assert "£14,500" not in body  # never added together


def tile_url(kind: str, pk: int) -> str:
    return reverse("metrics:savings-tile", args=[kind, pk])


def test_the_savings_tile_alone_shows_the_period_asked_for(
    client, maya, site_a1, team_a, lee, make_savings
):
    today = timezone.localdate()
    make_savings(1, team=team_a, claimed_by=lee, amount=Decimal("12000"), status="verified",
                 start_date=today - timedelta(days=10))  # fmt: skip
    make_savings(1, team=team_a, claimed_by=lee, amount=Decimal("2500"), status="verified",
                 recurrence="one_off", start_date=today - timedelta(days=200))  # fmt: skip
    client.force_login(maya)
    start, end = today - timedelta(days=30), today
    tile = client.get(tile_url("site", site_a1.pk), {"start": start, "end": end}).content.decode()
    assert tile.startswith('<section id="savings-tile"') and "<html" not in tile
    assert "£12,000 a year" in tile and "£0 one-off" in tile  # the one-off started before
    # It carries its period, so the next refetch and every drill link ask for the same one.
    assert f'name="start" value="{start:%Y-%m-%d}"' in tile
    assert f'name="end" value="{end:%Y-%m-%d}"' in tile
    rows = reverse("metrics:rows", args=["site", site_a1.pk, "verified"])
    assert f"{rows}?start={start:%Y-%m-%d}&amp;end={end:%Y-%m-%d}" in tile
    whole_year = client.get(tile_url("site", site_a1.pk)).content.decode()
    assert "£12,000 a year" in whole_year and "£2,500 one-off" in whole_year


def test_a_dashboard_on_any_period_is_live_and_its_tile_keeps_the_period(client, maya, site_a1):
    client.force_login(maya)
    body = client.get(url("site", site_a1.pk), {"start": "2026-01-01", "end": "2026-03-31"})
    html = body.content.decode()
    assert f'data-ws-connect="/ws/metrics/site/{site_a1.pk}/?lang=en-gb"' in html
    assert '<div id="savings-changed" hidden></div>' in html
    assert 'name="start" value="2026-01-01"' in html and 'name="end" value="2026-03-31"' in html


@pytest.mark.parametrize(
    ("who", "kind", "fixture", "status"),
    [("grace", "site", "site_a1", 404), ("olu", "team", "team_a", 404),
     ("sam", "site", "site_a1", 403), ("maya", "organisation", "org_a", 403),
     ("dev", "all", None, 404)],
)  # fmt: skip
def test_the_savings_tile_is_refused_outside_the_persons_scope(
    client, cast, request, who, kind, fixture, status
):
    client.force_login(cast[who])
    pk = request.getfixturevalue(fixture).pk if fixture else 0
    assert client.get(tile_url(kind, pk)).status_code == status


def test_the_savings_tile_needs_sign_in_and_refuses_post(client, maya, site_a1):
    response = client.get(tile_url("site", site_a1.pk))
    assert response.status_code == 302 and "/login" in response.url
    client.force_login(maya)
    assert client.post(tile_url("site", site_a1.pk)).status_code == 405


@pytest.mark.parametrize("n", [1, 40])
def test_the_savings_tile_query_count_is_flat(client, maya, site_a1, team_a, lee, make_savings, n,
                                              django_assert_max_num_queries):  # fmt: skip
    make_savings(n, team=team_a, claimed_by=lee)
    client.force_login(maya)
    # Session, user, site, memberships, the one savings aggregate, the notification count.
    with django_assert_max_num_queries(6):
        assert client.get(tile_url("site", site_a1.pk)).status_code == 200


def test_the_place_dashboard_shows_spend_and_who_invested_for_whom(
    client, pat, place, team_a, lee, org_a, org_b, make_savings
):
    make_savings(
        1, team=team_a, claimed_by=lee, amount=Decimal("71000000"), invested_by=org_a,
        benefits=org_b,
    )  # fmt: skip
    make_savings(
        1, team=team_a, claimed_by=lee, amount=Decimal("710000"), invested_by=org_a,
        benefits=org_b, recurrence="one_off",
    )  # fmt: skip
    client.force_login(pat)
    body = client.get(url("place", place.pk)).content.decode()
    assert "£7,100,000,000" in body  # total spend
    assert "£14,200" in body  # per head: 7.1 bn ÷ 500,000
    assert "£71,000,000" in body  # 1 % of spend
    assert "Realised savings, recurring</dt><dd>£71,000,000 a year" in body
    assert "Realised savings, one-off</dt><dd>£710,000 one-off" in body
    assert "1.0100%" in body  # (71,000,000 a year + 710,000 one-off) ÷ 7.1 bn
    assert 'Testshire Jobcentre</td><td>Testshire Police</td><td class="num">2</td>' in body
    flows = (
        client.get(reverse("metrics:rows", args=["place", place.pk, "flows"]), {"format": "csv"})
        .getvalue()
        .decode()
    )
    assert flows.splitlines() == [
        "Invested,Benefited,Savings,Recurring £ a year,One-off £",
        "Testshire Jobcentre,Testshire Police,2,71000000.00,710000.00",
    ]


def test_the_savings_rows_say_what_each_amount_is_in(client, maya, site_a1, team_a, lee,
                                                     make_savings):  # fmt: skip
    make_savings(1, team=team_a, claimed_by=lee, title="Yearly", amount=Decimal("12000"))
    make_savings(1, team=team_a, claimed_by=lee, title="Once", amount=Decimal("900"),
                 recurrence="one_off", kind="time")  # fmt: skip
    client.force_login(maya)
    response = client.get(
        reverse("metrics:rows", args=["site", site_a1.pk, "savings"]), {"format": "csv"}
    )
    lines = response.getvalue().decode().splitlines()
    assert lines[0].startswith("Saving,Improvement,Team,Type,Amount,Unit,Recurrence,")
    assert {line.split(",")[5] for line in lines[1:]} == {"£ a year", "hours one-off"}


def test_every_figure_links_to_its_rows_and_the_rows_download_as_csv(
    client, maya, site_a1, team_a, lee, make_savings
):
    make_savings(2, team=team_a, claimed_by=lee, status="verified")
    client.force_login(maya)
    rows_url = reverse("metrics:rows", args=["site", site_a1.pk, "verified"])
    assert rows_url in client.get(url("site", site_a1.pk)).content.decode()
    page = client.get(rows_url).content.decode()
    assert page.count("<tr>") == 3  # header + 2
    csv = client.get(rows_url, {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.getvalue().decode().count("\n") == 3


def test_the_printable_report_keeps_recurring_and_one_off_savings_apart(
    client, dev, org_a, team_a, lee, make_savings
):
    make_savings(1, team=team_a, claimed_by=lee, amount=Decimal("12000"))
    make_savings(1, team=team_a, claimed_by=lee, amount=Decimal("900"), recurrence="one_off")
    client.force_login(dev)
    body = client.get(url("organisation", org_a.pk), {"print": "1"}).content.decode()
    assert "Improvement report" in body
    realised = body.split('<th scope="row">Realised</th>')[1].split("</tr>")[0]
    assert "£12,000 a year" in realised and "£900 one-off" in realised


@pytest.mark.parametrize("n", [1, 40])
@pytest.mark.parametrize(
    ("who", "kind", "fixture"),
    [("lee", "team", "team_a"), ("maya", "site", "site_a1"), ("dev", "organisation", "org_a"),
     ("pat", "place", "place"), ("ada", "all", None)],
)  # fmt: skip
def test_dashboard_query_count_is_flat(
    client, cast, request, who, kind, fixture, n, team_a, sam, lee, make_ideas, make_savings,
    measure, django_assert_max_num_queries,
):  # fmt: skip
    from metrics.models import Outcome

    ideas = make_ideas(n, team=team_a, author=sam, status=Idea.Status.IMPLEMENTED,
                       implemented_at=timezone.now(), first_response_at=timezone.now())  # fmt: skip
    make_savings(n, team=team_a, claimed_by=lee)
    today = timezone.localdate()
    Outcome.objects.bulk_create(
        Outcome(idea=i, measure=measure, team=team_a, baseline_start=today - timedelta(days=60),
                baseline_end=today - timedelta(days=31), after_start=today - timedelta(days=30),
                after_end=today)
        for i in ideas
    )  # fmt: skip
    pk = request.getfixturevalue(fixture).pk if fixture else 0
    client.force_login(cast[who])
    with django_assert_max_num_queries(24):
        assert client.get(url(kind, pk)).status_code == 200


@pytest.mark.parametrize("n", [1, 40])
def test_rows_query_count_is_flat(client, maya, site_a1, team_a, lee, make_savings, n,
                                  django_assert_max_num_queries):  # fmt: skip
    make_savings(n, team=team_a, claimed_by=lee)
    client.force_login(maya)
    with django_assert_max_num_queries(10):
        client.get(reverse("metrics:rows", args=["site", site_a1.pk, "savings"]))


def test_navigation_offers_the_dashboard_to_managers(client, maya):
    client.force_login(maya)
    assert reverse("metrics:dashboard") in client.get(reverse("home")).content.decode()


def test_a_saving_outside_the_period_is_not_counted(team_a, lee, make_savings):
    make_savings(
        1, team=team_a, claimed_by=lee, start_date=timezone.localdate() - timedelta(days=800)
    )
    f = queries.saving_figures(queries.DashboardScope("team", team_a), queries.default_period())
    assert f["a_year"]["realised"] == 0 and f["one_off"]["realised"] == 0
    assert Saving.objects.count() == 1


@pytest.mark.parametrize("what", ["gains", "spend", "flows"])
def test_the_place_summary_tables_download_as_csv(client, pat, place, org_a, org_b, what):
    client.force_login(pat)
    response = client.get(
        reverse("metrics:rows", args=["place", place.pk, what]), {"format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = response.getvalue().decode().splitlines()
    if what == "spend":
        assert lines[1:] == ["Testshire Jobcentre,1450000000.00", "Testshire Police,310000000.00"]
    assert client.get(reverse("metrics:rows", args=["place", place.pk, what])).status_code == 200


def test_spend_tables_exist_only_for_places(client, maya, site_a1):
    client.force_login(maya)
    assert (
        client.get(reverse("metrics:rows", args=["site", site_a1.pk, "spend"])).status_code == 404
    )


def test_each_organisation_keeps_its_own_first_response_promise(team_a, team_b, sam, priya):
    team_b.site.organisation.first_response_days = 14
    team_b.site.organisation.save()
    ten_days = timezone.now() - timedelta(days=10)
    late, _on_time = Idea.objects.bulk_create(
        [
            Idea(team=team_a, author=sam, title="7-day promise", problem="p", created_at=ten_days),
            Idea(
                team=team_b, author=priya, title="14-day promise", problem="p", created_at=ten_days
            ),
        ]
    )
    scope = queries.DashboardScope("place", team_a.site.place)
    assert list(Idea.objects.filter(queries.overdue_q(scope))) == [late]


def test_the_overdue_figure_counts_the_ideas_its_rows_list(team_a, team_b, sam, priya):
    """The dashboards' figure (compiled once for each kind of scope and set of promises)
    counts exactly the ideas :func:`queries.overdue_q` selects, with one promise in scope or
    several."""
    ten_days = timezone.now() - timedelta(days=10)
    Idea.objects.bulk_create(
        [
            Idea(team=team_a, author=sam, title="Jobcentre", problem="p", created_at=ten_days),
            Idea(team=team_b, author=priya, title="Police", problem="p", created_at=ten_days),
        ]
    )
    place = team_a.site.place
    scopes = [
        queries.DashboardScope("team", team_a),
        queries.DashboardScope("site", team_b.site),
        queries.DashboardScope("organisation", team_a.site.organisation),
        queries.DashboardScope("place", place),
        queries.DashboardScope("all", None),
    ]

    def listed(scope: queries.DashboardScope) -> int:
        return Idea.objects.filter(scope.team_q("team__")).filter(queries.overdue_q(scope)).count()

    assert [queries.overdue_count(scope) for scope in scopes] == [1, 1, 1, 2, 2]
    team_b.site.organisation.first_response_days = 14
    team_b.site.organisation.save()
    scopes[1] = queries.DashboardScope("site", team_b.site)  # its organisation read again
    counts = [queries.overdue_count(scope) for scope in scopes]
    assert counts == [listed(scope) for scope in scopes] == [1, 0, 1, 1, 1]


@pytest.mark.parametrize("kind", ["team", "site", "organisation", "place", "all"])
def test_a_dashboards_row_links_are_the_addresses_of_its_rows(kind):
    """Made from one reversed address, each is what reverse gives for that drill."""
    from metrics import drills

    links = queries.RowLinks(kind, 7)
    for what in drills.DRILLS:
        assert links[what.replace("-", "_")] == reverse("metrics:rows", args=[kind, 7, what])
