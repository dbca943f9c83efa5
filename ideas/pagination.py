"""Pagination that never counts a whole large list: past a cap, "2,000+" is enough to know."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
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


def paginate_capped(request, queryset, *, per_page: int = 25) -> Page:
    return CappedPaginator(queryset, per_page).get_page(request.GET.get("page"))
