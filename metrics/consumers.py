"""Live dashboards: a socket joins one dashboard's group if the policy lets the user see it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from django.core.exceptions import PermissionDenied
from django.http import Http404

from leanhub.consumers import FragmentConsumer
from metrics import queries

if TYPE_CHECKING:
    from leanhub.models import User


class DashboardConsumer(FragmentConsumer):
    async def groups_for(self, user: User) -> list[str] | None:
        kwargs = self.scope["url_route"]["kwargs"]
        kind, pk = kwargs["kind"], int(kwargs["pk"])
        try:
            scope = await database_sync_to_async(queries.get_scope_for_user)(user, kind, pk)
        except (Http404, PermissionDenied):
            return None
        return [scope.group]
