"""Pagination that never counts a whole large list: past a cap, "2,000+" is enough to know."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows (a LIMITed subquery), so the cost of a page does not grow
    with the table. ``capped`` says whether there are more than ``cap``."""

    object_list: QuerySet[Any]
    cap = 2000
    capped = False

    @cached_property
    def count(self) -> int:
        # Only ids, without the per-row count annotations: counting needs nothing else.
        n = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)


M = TypeVar("M", bound=Model)


def paginate_capped(request: HttpRequest, queryset: QuerySet[M], *, per_page: int = 25) -> Page[M]:
    """The page of ``queryset`` that ``?page=`` asks for, counting at most a capped number of rows
    (see :class:`CappedPaginator`)."""
    return CappedPaginator(queryset, per_page).get_page(request.GET.get("page"))
