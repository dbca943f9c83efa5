"""The language each person reads LeanHub in: English or Welsh.

Signed out, Django's LocaleMiddleware picks the language from the language cookie (set by the
switch in the header) or else the browser's Accept-Language. Signed in, the person's own choice
(``User.language``, saved when they use the switch) wins on every request, on any browser;
blank means "whatever the browser asks for". E-mails and notifications go out in the
recipient's language (``language_for``), not the language of whoever caused them: the words are
passed as a function (``Wording``) and written once per language among the recipients.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views import i18n as django_i18n

from leanhub.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What a notification or an e-mail says. A function is called once for each language among its
# recipients, with that language active, so every gettext inside it (the sentence, a status,
# "the person who raised it", a date) comes out in the recipient's language, not the actor's.
# A plain string is fixed already: use it only for text in no language (a name, a title).
Wording: TypeAlias = "StrOrPromise | Callable[[], str]"


def resolve(wording: Wording) -> str:
    """The words in the language active now."""
    return wording() if callable(wording) else str(wording)


def in_language(wording: Wording, language: str) -> str:
    """The words written in ``language``."""
    with translation.override(language):
        return resolve(wording)


# Each language is named in itself on the switch, whatever language the page is in.
OWN_NAMES = {"en-gb": "English", "cy": "Cymraeg"}


def is_offered(code: str) -> bool:
    """True for a language LeanHub is offered in (settings.LANGUAGES)."""
    return code in {language for language, _name in settings.LANGUAGES}


def language_for(user: User | None) -> str:
    """The language to write to ``user`` in, e.g. for an e-mail: their own choice, else the
    site's default language. Works outside a request."""
    chosen = getattr(user, "language", "") or ""
    return chosen if is_offered(chosen) else settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """Switches to the signed-in person's chosen language. Goes after AuthenticationMiddleware
    (it reads request.user) and after LocaleMiddleware (it overrides the browser's choice)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        try:
            signed_in = user is not None and user.is_authenticated
        except DatabaseError:
            # The database (holding sessions and people) is down: the view meets the same
            # fault and answers 503 saying so (leanhub.service.UnavailableMiddleware).
            signed_in = False
        if signed_in:
            chosen = getattr(user, "language", "")
            if chosen and is_offered(chosen):
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        return self.get_response(request)


def language_choices() -> list[dict[str, str | bool]]:
    """The languages of the switch: code, name in that language, and whether it is current."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    return [
        {"code": code, "name": OWN_NAMES.get(code, code), "current": code == current}
        for code, _name in settings.LANGUAGES
    ]


def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch: Django's own view (it checks the language and the return address,
    and sets the language cookie for this browser), and for a signed-in person it also records
    the choice on their account so every browser they use follows it."""
    response = django_i18n.set_language(request)
    code = request.POST.get("language", "") if request.method == "POST" else ""
    user = request.user
    if is_offered(code) and user.is_authenticated and isinstance(user, User):
        if user.language != code:
            user.language = code
            user.save(update_fields=["language"])
        translation.activate(code)
    return response


def prune_empty_catalogues() -> None:
    """Drop the empty English catalogues from behind each language's translations.

    For British English, gettext also loads each package's ``en`` catalogue (Django's contrib
    apps ship one holding nothing but its header) and chains it behind the rest: six of them.
    LeanHub's own words are written in English, so they are in no catalogue for ``en-gb``, and
    every one of them walked all six before coming back as written: ~1,500 look-ups a page,
    10-25 µs each (a Welsh word found at once takes 5 µs). An empty catalogue translates
    nothing, so dropping it changes no word. Called once the apps are ready; a translation
    rebuilt later (a test changing the settings) keeps its chain, only slower."""
    from gettext import GNUTranslations

    from django.utils.translation import trans_real

    def empty(catalogue: object) -> bool:
        return type(catalogue) is GNUTranslations and set(catalogue._catalog) <= {""}  # type: ignore[attr-defined]

    for code, _name in settings.LANGUAGES:
        current: Any = trans_real.translation(code)
        while current is not None:
            behind: Any = getattr(current, "_fallback", None)
            while empty(behind):
                behind = behind._fallback
            current._fallback = behind
            current = behind
