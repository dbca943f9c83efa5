from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from ideas import queries
from ideas.models import Idea


@pytest.fixture
def existing(cast, team_a, team_b) -> dict[str, Idea]:
    def make(team, author, title, **extra) -> Idea:
        return Idea.objects.create(team=team, author=author, title=title, problem="p", **extra)

    return {
        "prefill": make(team_a, cast["sam"], "Pre-fill the address on the claim form"),
        "printer": make(team_a, cast["wendy"], "Move the printer next to the desks"),
        "police": make(team_b, cast["priya"], "Pre-fill the address on crime reports"),
    }


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_similar_ideas_are_found_while_typing_within_what_one_may_see(cast, existing, vendor):
    if vendor == "postgresql" and connection.vendor != "postgresql":
        pytest.skip("trigram search needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    found = queries.similar_ideas(cast["lee"], "prefill address claim form", vendor=vendor)
    assert found and found[0] == existing["prefill"]
    assert existing["police"] not in found  # another organisation's, not shared
    assert queries.similar_ideas(cast["lee"], "canteen opening hours", vendor=vendor) == []


def test_the_fallback_ranks_by_shared_words(cast, existing):
    found = queries.similar_ideas(cast["lee"], "printer desks claim", vendor="sqlite")
    assert found[0] == existing["printer"]


def test_duplicates_and_short_text_are_not_suggested(cast, existing):
    existing["prefill"].status = Idea.Status.DUPLICATE
    existing["prefill"].save()
    assert existing["prefill"] not in queries.similar_ideas(cast["lee"], "address claim form")
    assert queries.similar_ideas(cast["lee"], "pre") == []


def test_the_hint_is_an_htmx_fragment_and_a_page(client, cast, existing):
    client.force_login(cast["sam"])
    url = reverse("ideas:similar") + "?title=address+on+the+claim+form"
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="similar-ideas"')
    assert "Pre-fill the address on the claim form" in fragment
    assert "<h1>" in client.get(url).content.decode()


def test_the_hint_needs_sign_in(client, existing):
    assert client.get(reverse("ideas:similar") + "?title=claim").status_code == 302
