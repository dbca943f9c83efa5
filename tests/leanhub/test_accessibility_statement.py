from __future__ import annotations

from django.urls import reverse


def test_the_statement_is_open_to_everyone_and_linked_from_every_footer(client, cast):
    statement = client.get(reverse("accessibility"))
    assert statement.status_code == 200
    body = statement.content.decode()
    for heading in (
        "Accessibility statement for LeanHub",
        "Feedback and contact information",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert heading in body
    assert '<meta name="description" content="How accessible LeanHub is' in body
    client.force_login(cast["sam"])
    home = client.get(reverse("home")).content.decode()
    footer = home[home.index('<footer class="site-footer">') :]
    assert f'href="{reverse("accessibility")}"' in footer
