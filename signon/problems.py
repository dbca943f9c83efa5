"""What can go wrong in a sign-on, each with the words the person is shown."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class SignOnProblem(Exception):
    """A sign-on that cannot go on. Never a PermissionDenied, so that Django's authenticate()
    lets it through to the callback view, which shows the page."""

    title: Promise = _("Sign-in did not work")
    message: Promise = _("Something went wrong while signing you in. Please try again.")
    status = 400

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or str(self.message))
        self.detail = detail


class NotSetUp(SignOnProblem):
    title = _("Your account is not set up in LeanHub yet")
    message = _(
        "You signed in with your organisation's account, but LeanHub does not yet know which "
        "team or organisation you work in. Ask your team lead or your LeanHub administrator to "
        "add you, then sign in again."
    )
    status = 403


class AccountSwitchedOff(SignOnProblem):
    title = _("Your LeanHub account is switched off")
    message = _("Ask your LeanHub administrator if you should still have access.")
    status = 403


class MissingClaim(SignOnProblem):
    title = _("Your sign-in provider did not say who you are")
    message = _(
        "The provider did not send your e-mail address or account id, which LeanHub needs. "
        "Ask your IT team to release the e-mail claim to LeanHub."
    )


class BadToken(SignOnProblem):
    title = _("Your sign-in could not be checked")
    message = _(
        "The answer from your sign-in provider was not valid for LeanHub (it may have expired, "
        "or been meant for another service). Please start signing in again."
    )


class AmbiguousAccount(SignOnProblem):
    title = _("More than one LeanHub account has your e-mail address")
    message = _("Ask your LeanHub administrator to merge them, then sign in again.")
    status = 409


class ProviderDown(SignOnProblem):
    title = _("Your sign-in provider is not answering")
    message = _(
        "LeanHub could not reach your organisation's sign-in service. Try again in a few "
        "minutes; if it keeps happening, tell your IT team."
    )
    status = 503


class ProviderRefused(SignOnProblem):
    title = _("Your sign-in provider did not let you in")
    message = _(
        "The sign-in was cancelled or refused by your organisation's sign-in service. Please "
        "start again."
    )


class StaleAttempt(SignOnProblem):
    title = _("This sign-in has expired")
    message = _(
        "This sign-in link has already been used or is too old. Please start signing in again."
    )
