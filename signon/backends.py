"""Authentication backends: OpenID Connect through mozilla-django-oidc, one provider at a time,
and Django's password backend refusing people whose organisation uses single sign-on only."""

from __future__ import annotations

from typing import Any

import jwt
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from leanhub.models import User
from signon import placing
from signon.models import SignOnIdentity
from signon.problems import (
    AccountSwitchedOff,
    AmbiguousAccount,
    BadToken,
    MissingClaim,
    NotSetUp,
    ProviderDown,
    ProviderRefused,
)
from signon.providers import Provider, ProviderUnavailable, discover, timeout

# Seconds of clock difference allowed between LeanHub and the provider.
CLOCK_LEEWAY = 60


class LocalPasswordBackend(ModelBackend):
    """Django's username and password check, except for people whose organisation has switched
    local passwords off (the sign-in form says so first; this also covers the admin's form)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if isinstance(user, User) and placing.local_password_refused(user):
            return None
        return user if isinstance(user, User) else None


class SignOnBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """The authorization-code flow with one provider, named by the callback view.

    The library checks the token's signature and nonce; this class adds what an ID token must
    also satisfy (issuer, audience, expiry), finds the person by their provider account or
    e-mail address, and places a newcomer by the rules (:mod:`signon.placing`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads one provider's settings here; ours come with each sign-in.
        self.UserModel = get_user_model()
        self.provider: Provider | None = None
        self.issuer = ""

    def get_settings(self, attr: str, *args: Any) -> Any:
        overrides: dict[str, Any] = {
            "OIDC_RP_SCOPES": self.provider.scopes if self.provider else "openid email",
            "OIDC_AUTHENTICATION_CALLBACK_URL": "signon-callback",
            "OIDC_STORE_ID_TOKEN": True,
            "OIDC_TIMEOUT": timeout(),
            "OIDC_CREATE_USER": True,
        }
        if attr in overrides:
            return overrides[attr]
        return import_from_settings(attr, *args)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        provider = kwargs.pop("provider", None)
        if request is None or not isinstance(provider, Provider):
            return None
        self.configure(provider)
        try:
            user: User | None = super().authenticate(
                request, nonce=kwargs.get("nonce"), code_verifier=kwargs.get("code_verifier")
            )
        except requests.HTTPError as error:
            # The token endpoint refused the code (used twice, too old, wrong client secret).
            raise ProviderRefused(str(error)) from error
        except (requests.ConnectionError, requests.Timeout) as error:
            raise ProviderDown(str(error)) from error
        return user

    def get_user(self, user_id: int) -> User | None:
        """The signed-in person of a session, while their account is switched on (the library's
        own version skips that check, which Django's password backend makes)."""
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None

    def configure(self, provider: Provider) -> None:
        """Point the library's settings at ``provider``'s endpoints, from its discovery."""
        try:
            config = discover(provider)
        except ProviderUnavailable as error:
            raise ProviderDown(str(error)) from error
        self.provider = provider
        self.issuer = str(config["issuer"])
        self.OIDC_OP_TOKEN_ENDPOINT = config["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = config.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = config["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_SIGN_ALGO = provider.sign_algo
        self.OIDC_RP_IDP_SIGN_KEY = None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        if not token:
            raise BadToken("the provider sent no ID token")
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except (SuspiciousOperation, jwt.PyJWTError, KeyError, ValueError) as error:
            raise BadToken(str(error)) from error
        return payload

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        """The signature, by the one algorithm configured, and the claims every ID token must
        carry for LeanHub: its issuer, LeanHub's client id as audience, and a time still to come."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise BadToken(f"signed with {header.get('alg')!r}, not {self.OIDC_RP_SIGN_ALGO!r}")
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                leeway=CLOCK_LEEWAY,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise BadToken("the ID token has expired") from error
        except jwt.InvalidAudienceError as error:
            raise BadToken("the ID token is meant for another client") from error
        except jwt.InvalidIssuerError as error:
            raise BadToken("the ID token comes from another issuer") from error
        except jwt.PyJWTError as error:
            raise BadToken(f"the ID token is not valid: {error}") from error
        audience = claims.get("aud")
        several = isinstance(audience, list) and len(audience) > 1
        if several and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise BadToken("the ID token names several audiences but not LeanHub as azp")
        return claims

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The ID token's claims, completed by the userinfo endpoint when there is one (some
        providers put groups only in the ID token, others only behind userinfo)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            info = super().get_userinfo(access_token, id_token, payload)
            if not isinstance(info, dict):
                raise BadToken("the userinfo answer is not a JSON object")
            if info.get("sub") != payload.get("sub"):
                raise BadToken("the userinfo answer is about someone else")
            claims.update(info)
        return claims

    def email_of(self, claims: dict[str, Any]) -> str:
        assert self.provider is not None
        value = claims.get(self.provider.email_claim)
        email = str(value).strip() if isinstance(value, str) else ""
        if "@" not in email:
            raise MissingClaim(f"no {self.provider.email_claim!r} claim")
        return email

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        assert self.provider is not None
        provider = self.provider
        claims = self.get_userinfo(access_token, id_token, payload)
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise MissingClaim("no 'sub' claim")
        email = self.email_of(claims)
        rules = placing.matching_rules(provider.key, claims, email)
        with transaction.atomic():
            identity = (
                SignOnIdentity.objects.select_related("user")
                .filter(provider=provider.key, subject=subject)
                .first()
            )
            if identity is not None:
                user = identity.user
                identity.last_signed_in_at = timezone.now()
                identity.save(update_fields=["last_signed_in_at"])
            else:
                user = self._existing_by_email(claims, email) or self.create_user_placed(
                    claims, email, rules
                )
                SignOnIdentity.objects.create(user=user, provider=provider.key, subject=subject)
            if not user.is_active:
                raise AccountSwitchedOff()
            placing.place(user, rules)
            if not user.is_superuser and not user.memberships.exists():
                raise NotSetUp(email)
        return user

    def _existing_by_email(self, claims: dict[str, Any], email: str) -> User | None:
        """A LeanHub account with this e-mail address, which the provider has verified (a
        provider that says nothing of verification, such as Entra ID, vouches for its own
        directory)."""
        if claims.get("email_verified") is False:
            return None
        users = list(User.objects.filter(email__iexact=email)[:2])
        if len(users) > 1:
            raise AmbiguousAccount(email)
        return users[0] if users else None

    def create_user_placed(self, claims: dict[str, Any], email: str, rules: list[Any]) -> User:
        if not rules:
            raise NotSetUp(email)
        user = User(
            username=self._free_username(email),
            email=email,
            full_name=str(claims.get("name") or "")[:150],
        )
        user.set_unusable_password()
        user.save()
        return user

    def _free_username(self, email: str) -> str:
        base = slugify(email.partition("@")[0]).replace("-", ".")[:140] or "user"
        candidate, n = base, 1
        while User.objects.filter(username__iexact=candidate).exists():
            n += 1
            candidate = f"{base}{n}"
        return candidate
