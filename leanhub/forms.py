from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from leanhub import i18n, throttle
from leanhub.models import TeamAnnouncement, User

if TYPE_CHECKING:
    # Django's form classes are generic only in the stubs; at run time they take no arguments.
    _SetPasswordForm = SetPasswordForm[User]
    _TeamAnnouncementModelForm = forms.ModelForm[TeamAnnouncement]
else:
    _SetPasswordForm = SetPasswordForm
    _TeamAnnouncementModelForm = forms.ModelForm


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (YYYY-MM-DD) whatever the site's locale:
    a date input given "08/07/2026" shows empty, and saving the form would lose the date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class LabelledByRows(Protocol):
    """A model choice field whose labels are written from a few columns of each row."""

    empty_label: Any
    to_field_name: str | None
    label_fields: tuple[str, ...]

    def label_from_row(self, *values: Any) -> str: ...


class RowsChoiceIterator(ModelChoiceIterator):
    """A model choice field's choices read as rows of values, not model instances: a field
    offering an administrator 500 teams builds no team (and site) per option. The field names
    the columns its label needs (``label_fields``) and writes the label from them
    (``label_from_row``, as its ``label_from_instance`` would). Each value carries no instance,
    which only a widget reading ``value.instance`` would miss."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        field = cast("LabelledByRows", self.field)
        if field.empty_label is not None:
            yield ("", field.empty_label)
        key = field.to_field_name or "pk"
        for value, *label_values in self.queryset.values_list(key, *field.label_fields):
            # No instance: see above.
            instance: Any = None
            yield ModelChoiceIteratorValue(value, instance), field.label_from_row(*label_values)


class ThrottledLoginForm(AuthenticationForm):
    """The sign-in form, holding back a client that has guessed wrong too often for this
    account (:mod:`leanhub.throttle`) without checking its password."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That username and password do not match. Check them and try again."),
        # The same words whichever rule holds the client back, and whether or not the account
        # exists. Singular or plural by the "minutes" the ValidationError's params give.
        "throttled": ngettext_lazy(
            "Too many attempts from this browser; try again in %(minutes)s minute.",
            "Too many attempts from this browser; try again in %(minutes)s minutes.",
            "minutes",
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not (username and password):
            # A field is missing: nothing is tried, so nothing is counted or cleared.
            return super().clean()
        attempt = throttle.begin(throttle.client_for(self.request, username))
        if attempt.lock:
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": attempt.lock.minutes},
            )
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                attempt.failed()
            else:
                attempt.abandoned()
            raise
        attempt.succeeded()
        return cleaned


class ThrottleClearingSetPasswordForm(_SetPasswordForm):
    """Setting a new password through the reset link also forgets every failed sign-in to the
    account: the old password no longer matters."""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        throttle.clear_account(user.get_username())
        return user


class RecipientLanguagePasswordResetForm(PasswordResetForm):
    """The reset e-mail is written in the account holder's language (leanhub.i18n.language_for),
    not in the language of the browser that asked for it."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        with translation.override(i18n.language_for(context.get("user"))):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class TeamAnnouncementForm(_TeamAnnouncementModelForm):
    class Meta:
        model = TeamAnnouncement
        fields = ["message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 2, "maxlength": 280})}
        labels = {"message": _("Message to the team")}

    def clean_message(self) -> str:
        message: str = self.cleaned_data["message"].strip()
        if not message:
            raise ValidationError(_("Write a message before posting."))
        return message
