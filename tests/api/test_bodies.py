"""JSON bodies the parser cannot take: refused with the error shape, never a crash."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ideas.models import Idea

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000],
    ids=["lists", "objects"],
)
def test_a_body_nested_too_deeply_for_the_parser_is_refused_with_400(api_as, sam, body):
    response = api_as(sam).post(reverse("api:ideas"), body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert "nested too deeply" in response.json()["error"]["message"]
    assert not Idea.objects.exists()
