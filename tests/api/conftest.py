"""API fixtures on top of the shared cast: tokens, and a client that sends one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from api import actions
from api.models import ApiToken
from leanhub.models import User


class TokenClient(Client):
    """A test client sending ``Authorization: Bearer <token>`` and JSON bodies."""

    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self.token = token

    def _auth(self, extra: dict[str, Any]) -> dict[str, Any]:
        if self.token is not None:
            extra.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return extra

    def get(self, path: str, data: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        return super().get(path, data, **self._auth(extra))

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        extra.setdefault("content_type", "application/json")
        return super().post(path, data, **self._auth(extra))

    def delete(self, path: str, data: Any = "", **extra: Any) -> Any:  # type: ignore[override]
        return super().delete(path, data, **self._auth(extra))


@pytest.fixture
def token_for() -> Callable[..., str]:
    """The text of a new personal token of ``user`` (read and write unless told)."""

    def make(user: User, *, scope: str = ApiToken.Scope.WRITE, days: int = 30) -> str:
        return actions.create_personal_token(name="Test", scope=scope, days=days, by=user).text

    return make


@pytest.fixture
def api_as(token_for) -> Callable[..., TokenClient]:
    def make(user: User, **kwargs: Any) -> TokenClient:
        return TokenClient(token_for(user, **kwargs))

    return make
