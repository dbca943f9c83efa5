"""Who is calling the API, what their token lets them do, and how often.

``Authorization: Bearer <token>`` names a personal or service token (``api.models.ApiToken``);
a browser signed in to LeanHub uses its session instead, with Django's CSRF check on every
change. A token's scope is read here (read-only tokens may only read); what the caller may see
and do is the policy's, as on the pages.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken, split_token_text
from leanhub.models import User

if TYPE_CHECKING:
    from rest_framework.views import APIView

# A token's last use is written at most this often: not one write per request.
LAST_USED_EVERY = timedelta(minutes=1)


class TokenAuthenticationFailed(exceptions.AuthenticationFailed):
    """401 with a ``code`` saying what is wrong with the token."""


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer lh_<prefix>_<secret>``. Absent: not this scheme (the session may
    still authenticate). Present but unknown, malformed, expired or revoked: 401 saying which."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise TokenAuthenticationFailed(
                _("Send the token as “Authorization: Bearer <token>”."), code="malformed_token"
            )
        try:
            text = parts[1].decode()
        except UnicodeDecodeError:
            raise TokenAuthenticationFailed(
                _("That is not a LeanHub token."), code="invalid_token"
            ) from None
        split = split_token_text(text)
        token = None
        if split is not None:
            token = ApiToken.objects.select_related("user").filter(prefix=split[0]).first()
        if token is None or split is None or not token.matches(split[1]):
            raise TokenAuthenticationFailed(_("That is not a LeanHub token."), code="invalid_token")
        if token.is_revoked:
            raise TokenAuthenticationFailed(_("This token was revoked."), code="token_revoked")
        if token.is_expired:
            raise TokenAuthenticationFailed(_("This token has expired."), code="token_expired")
        if not token.user.is_active:
            raise TokenAuthenticationFailed(
                _("The account this token acts for is switched off."), code="account_inactive"
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class TokenScope(BasePermission):
    """A signed-in caller; a read-only token may only read."""

    message = _("This token may only read: make a read and write token to change anything.")
    code = "read_only_token"

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        token = request.auth
        if isinstance(token, ApiToken) and request.method not in SAFE_METHODS:
            return token.may_write
        return True


class PerTokenThrottle(SimpleRateThrottle):
    """Calls per token (or per signed-in person using the session), at ``API_RATE_LIMIT``
    (e.g. "600/minute"); over it, 429 with ``Retry-After``."""

    scope = "api"

    def get_rate(self) -> str | None:
        # Read at each request, not once at import, so the setting can change (and tests set it).
        return str(settings.API_RATE_LIMIT) if settings.API_RATE_LIMIT else None

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
