"""The metrics app's pages, one module per concern: ``dashboards`` (and the rows behind each
figure), ``measures`` (with their charts, imports and outcomes), ``savings`` (the ledger and its
verification) and ``surveys`` (including the public answer page)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from leanhub.models import User


class HtmxHttpRequest(HttpRequest):
    """A request as these views see it: django-htmx's middleware has added ``request.htmx``.
    For annotations only; Django never builds one (as django-htmx's documentation suggests)."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """The request of a view behind ``@login_required``: ``request.user`` is a signed-in
    :class:`~leanhub.models.User`, never an ``AnonymousUser``. For annotations only."""

    user: User
