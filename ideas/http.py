"""What the ideas app's views read off a request, with the types the type checker cannot infer.

Django types ``request.user`` as a ``User`` or an ``AnonymousUser``, and knows nothing of the
``request.htmx`` that django-htmx's middleware adds. Views read both through these two functions
so that every view reads them the same way; neither checks or changes anything at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from leanhub.models import User


class _HtmxRequest(Protocol):
    htmx: HtmxDetails


def htmx(request: HttpRequest) -> HtmxDetails:
    """The htmx details ``HtmxMiddleware`` set on ``request`` (it does on every request): false
    for a plain browser request, true for one htmx sent."""
    return cast("_HtmxRequest", request).htmx


def signed_in_user(request: HttpRequest) -> User:
    """The person making ``request``. Only for views behind ``@login_required``, which sends
    everyone not signed in to the sign-in page before the view runs."""
    return cast("User", request.user)
