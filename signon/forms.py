from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from leanhub.forms import ThrottledLoginForm
from leanhub.models import Organisation, Site, Team, User
from signon import placing
from signon.models import OrganisationSignOn, SignOnRule
from signon.providers import providers

if TYPE_CHECKING:
    _RuleModelForm = forms.ModelForm[SignOnRule]
    _SettingsModelForm = forms.ModelForm[OrganisationSignOn]
else:
    _RuleModelForm = forms.ModelForm
    _SettingsModelForm = forms.ModelForm


class SignOnLoginForm(ThrottledLoginForm):
    """The password form, which sends the people of an organisation that uses single sign-on
    only to their provider's button. The throttling of password attempts stays as it is."""

    error_messages = {
        **ThrottledLoginForm.error_messages,
        "sso_only": _(
            "Your organisation signs in with single sign-on, not a LeanHub password. Use the "
            "“Sign in with …” button below."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username:
            user = User.objects.filter(username=username).first()
            if user is not None and placing.local_password_refused(user):
                raise ValidationError(self.error_messages["sso_only"], code="sso_only")
        return super().clean()


class OrganisationSignOnForm(_SettingsModelForm):
    class Meta:
        model = OrganisationSignOn
        fields = ["local_passwords_allowed"]

    def clean_local_passwords_allowed(self) -> bool:
        allowed: bool = self.cleaned_data["local_passwords_allowed"]
        if not allowed and not providers():
            raise ValidationError(
                _(
                    "No single sign-on provider is set up, so nobody could sign in: set one up "
                    "before switching local passwords off."
                )
            )
        return allowed


class SignOnRuleForm(_RuleModelForm):
    class Meta:
        model = SignOnRule
        fields = ["match", "claim", "value", "provider", "role", "site", "team"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        site_field = self.fields["site"]
        team_field = self.fields["team"]
        assert isinstance(site_field, forms.ModelChoiceField)
        assert isinstance(team_field, forms.ModelChoiceField)
        site_field.queryset = Site.objects.filter(organisation=organisation).select_related(
            "organisation"
        )
        team_field.queryset = Team.objects.filter(site__organisation=organisation).select_related(
            "site"
        )
        keys = [p.key for p in providers()]
        if keys:
            self.fields["provider"].help_text = _(
                "Blank for any provider, or one of: %(keys)s."
            ) % {"keys": ", ".join(keys)}

    def clean_provider(self) -> str:
        key = str(self.cleaned_data.get("provider") or "").strip().lower()
        if key and key not in {p.key for p in providers()}:
            raise ValidationError(_("No provider has this key. Leave it blank for any provider."))
        return key
