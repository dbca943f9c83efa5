"""Sign-on: who may use a password, which rules place a newcomer, and whose account is whose."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leanhub.models import Organisation, Role, Site, Team

# The roles a rule may give: administrators and place partnership leads are named by hand.
RULE_ROLES = [
    (Role.STAFF.value, Role.STAFF.label),
    (Role.LEAD.value, Role.LEAD.label),
    (Role.MANAGER.value, Role.MANAGER.label),
]


class OrganisationSignOn(models.Model):
    """How the people of one organisation sign in. No row: local passwords are allowed."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="sign_on_settings",
        verbose_name=_("organisation"),
    )
    local_passwords_allowed = models.BooleanField(
        _("local passwords allowed"),
        default=True,
        help_text=_("Untick to make this organisation's people sign in with single sign-on only."),
    )

    class Meta:
        verbose_name = _("organisation sign-on settings")
        verbose_name_plural = _("organisation sign-on settings")

    def __str__(self) -> str:
        return str(self.organisation)


def claim_values(value: object) -> list[str]:
    """A claim as a list of strings: a list claim (``groups``) item by item, anything else whole."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item is not None]
    if isinstance(value, bool):
        return [str(value).lower()]
    return [str(value)]


class SignOnRule(models.Model):
    """When a person's claims match, they get this role in this organisation, site or team."""

    class Match(models.TextChoices):
        CLAIM = "claim", _("a claim contains a value")
        EMAIL_DOMAIN = "email_domain", _("the e-mail address is at a domain")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="sign_on_rules",
        verbose_name=_("organisation"),
    )
    provider = models.CharField(
        _("provider"),
        max_length=40,
        blank=True,
        help_text=_("The provider's key, e.g. entra; blank for any provider."),
    )
    match = models.CharField(_("match"), max_length=20, choices=Match, default=Match.CLAIM)
    claim = models.CharField(
        _("claim"),
        max_length=100,
        blank=True,
        default="groups",
        help_text=_("The claim to look in, e.g. groups, roles or hd."),
    )
    value = models.CharField(
        _("value"),
        max_length=200,
        help_text=_("The group or value the claim must contain, or the e-mail domain."),
    )
    role = models.CharField(_("role"), max_length=20, choices=RULE_ROLES, default=Role.STAFF)
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sign_on_rules",
        verbose_name=_("site"),
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sign_on_rules",
        verbose_name=_("team"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("sign-on rule")
        verbose_name_plural = _("sign-on rules")
        ordering = ["organisation__name", "pk"]

    def __str__(self) -> str:
        return gettext("%(condition)s → %(role)s of %(scope)s") % {
            "condition": self.condition,
            "role": self.get_role_display(),
            "scope": self.scope_object,
        }

    @property
    def condition(self) -> str:
        if self.match == self.Match.EMAIL_DOMAIN:
            return gettext("e-mail at %(domain)s") % {"domain": self.value}
        return gettext("claim “%(claim)s” contains “%(value)s”") % {
            "claim": self.claim,
            "value": self.value,
        }

    @property
    def scope_object(self) -> Team | Site | Organisation:
        return self.team or self.site or self.organisation

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.value = self.value.strip()
        self.claim = self.claim.strip()
        self.provider = self.provider.strip().lower()
        if self.match == self.Match.EMAIL_DOMAIN:
            self.value = self.value.lstrip("@").lower()
            if "@" in self.value or "." not in self.value:
                errors["value"] = gettext("Give a domain such as council.example.gov.uk.")
        elif not self.claim:
            errors["claim"] = gettext("Name the claim to look in, e.g. groups.")
        if self.team_id and self.site_id:
            errors["site"] = gettext("Choose a team or a site, not both.")
        if (
            self.organisation_id
            and self.team is not None
            and self.team.site.organisation_id != self.organisation_id
        ):
            errors["team"] = gettext("Choose a team of this organisation.")
        if (
            self.organisation_id
            and self.site is not None
            and self.site.organisation_id != self.organisation_id
        ):
            errors["site"] = gettext("Choose a site of this organisation.")
        if self.role in (Role.STAFF, Role.LEAD) and not self.team_id:
            errors["team"] = gettext("Frontline staff and team leads belong to a team: choose one.")
        if errors:
            raise ValidationError(errors)

    def matches(self, provider_key: str, claims: Mapping[str, object], email: str) -> bool:
        if self.provider and self.provider != provider_key:
            return False
        if self.match == self.Match.EMAIL_DOMAIN:
            return email.lower().rpartition("@")[2] == self.value.lower()
        return self.value in claim_values(claims.get(self.claim))


class SignOnIdentity(models.Model):
    """One provider's account (its ``sub``) tied to one LeanHub person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sign_on_identities",
        verbose_name=_("user"),
    )
    provider = models.CharField(_("provider"), max_length=40)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_signed_in_at = models.DateTimeField(_("last signed in at"), default=timezone.now)

    class Meta:
        verbose_name = _("sign-on identity")
        verbose_name_plural = _("sign-on identities")
        ordering = ["provider", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="one_user_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"
