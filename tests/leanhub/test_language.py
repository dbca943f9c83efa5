"""English or Welsh: the switch in the header, each person's remembered choice, the browser's
choice when signed out, and e-mails in the recipient's language."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from leanhub.i18n import language_for
from leanhub.models import User
from metrics.models import Survey
from tests.welsh_helpers import ensure_welsh_compiled


@pytest.fixture(autouse=True)
def _welsh_compiled() -> None:
    ensure_welsh_compiled()


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _switch(html: str) -> str:
    found = re.search(r'<form class="language-switch".*?</form>', html, re.S)
    assert found, "the page has no language switch"
    return found.group(0)


# --- Signed out: the browser's choice -------------------------------------------------------


def test_a_welsh_browser_reads_the_sign_in_page_in_welsh(client, db):
    response = client.get(reverse("login"), headers={"accept-language": "cy"})
    html = _html(response)
    assert response["Content-Language"] == "cy"
    assert '<html lang="cy">' in html
    assert "Mewngofnodi i LeanHub" in html
    assert "Sign in to LeanHub" not in html


def test_an_english_browser_reads_it_in_english(client, db):
    html = _html(client.get(reverse("login"), headers={"accept-language": "en-GB,en;q=0.9"}))
    assert '<html lang="en-gb">' in html
    assert "Sign in to LeanHub" in html


def test_the_switch_is_a_keyboard_usable_post_form_naming_each_language_in_itself(client, db):
    switch = _switch(_html(client.get(reverse("login"))))
    assert 'method="post"' in switch
    assert f'action="{reverse("set_language")}"' in switch
    assert 'name="csrfmiddlewaretoken"' in switch
    assert '<input type="hidden" name="next" value="/accounts/login/">' in switch
    # The current language is marked, not offered; the other is a real button in its language.
    assert '<span lang="en-gb" aria-current="true">English</span>' in switch
    assert re.search(
        r'<button type="submit"[^>]* name="language" value="cy" lang="cy">Cymraeg</button>', switch
    )
    # The form is named in the page's language.
    assert 'aria-label="Language"' in switch
    welsh = _switch(_html(client.get(reverse("login"), headers={"accept-language": "cy"})))
    assert '<span lang="cy" aria-current="true">Cymraeg</span>' in welsh
    assert 'value="en-gb" lang="en-gb">English</button>' in welsh
    assert 'aria-label="Iaith"' in welsh


def test_switching_signed_out_is_remembered_by_the_browser(client, db):
    response = client.post(
        reverse("set_language"), {"language": "cy", "next": reverse("password_reset")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    # The cookie outranks the browser's Accept-Language.
    html = _html(client.get(reverse("password_reset"), headers={"accept-language": "en"}))
    assert '<html lang="cy">' in html
    assert "Ailosod eich cyfrinair" in html
    client.post(reverse("set_language"), {"language": "en-gb", "next": "/accounts/login/"})
    assert "Sign in to LeanHub" in _html(client.get(reverse("login")))


@pytest.fixture
def counter(site_a1) -> Survey:
    return Survey.objects.create(kind=Survey.Kind.CUSTOMER, title="Carrow counter", site=site_a1)


def test_the_public_survey_page_is_bilingual(client, counter):
    url = reverse("metrics:respond", args=[counter.token])
    english = _html(client.get(url))
    assert "Anything to add?" in english
    assert "Cymraeg</button>" in _switch(english)
    client.post(reverse("set_language"), {"language": "cy", "next": url})
    welsh = _html(client.get(url))
    assert '<html lang="cy">' in welsh
    assert "Unrhyw beth i'w ychwanegu?" in welsh
    assert "5 — Da iawn" in welsh
    assert "English</button>" in _switch(welsh)
    # Answering in Welsh works and thanks the person in Welsh.
    answered = _html(client.post(url, {"score": "5", "comment": "Diolch"}, follow=True))
    assert "Diolch. Mae eich ateb wedi'i gofnodi." in answered


# --- Signed in: the person's own choice -----------------------------------------------------


def test_switching_while_signed_in_is_remembered_on_the_account(client, sam, django_user_model):
    assert sam.language == ""
    client.force_login(sam)
    response = client.post(reverse("set_language"), {"language": "cy", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    sam.refresh_from_db()
    assert sam.language == "cy"
    # Another browser, with no cookie and asking for English, still gets Welsh once signed in.
    other = type(client)()
    other.force_login(sam)
    html = _html(other.get(reverse("home"), headers={"accept-language": "en"}))
    assert '<html lang="cy">' in html
    assert ">Codi syniad</a>" in html  # the navigation
    assert "<h1>Codi syniad</h1>" in html  # a frontline person's home page
    assert "Raise an idea" not in html


def test_the_persons_choice_outranks_the_browser_and_its_cookie(client, sam):
    sam.language = "en-gb"
    sam.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    client.force_login(sam)
    html = _html(client.get(reverse("home"), headers={"accept-language": "cy"}))
    assert '<html lang="en-gb">' in html
    assert "<h1>Raise an idea</h1>" in html


def test_no_choice_follows_the_browser(client, sam):
    client.force_login(sam)
    assert '<html lang="cy">' in _html(client.get("/", headers={"accept-language": "cy"}))
    assert '<html lang="en-gb">' in _html(client.get("/", headers={"accept-language": "en"}))


@pytest.mark.parametrize(
    "name, heading",
    [
        ("ideas:new", "<h1>Codi syniad</h1>"),
        ("ideas:list", "<h1>Syniadau</h1>"),
        ("kaizen:boards", "<h1>Byrddau kaizen</h1>"),
        ("notifications", "Hysbysiadau"),
        ("password_change", "Newid eich cyfrinair"),
    ],
)
def test_key_pages_read_in_welsh_for_a_welsh_speaker(client, sam, name, heading):
    sam.language = "cy"
    sam.save(update_fields=["language"])
    client.force_login(sam)
    html = _html(client.get(reverse(name)))
    assert '<html lang="cy">' in html
    assert heading in html
    assert "Neidio i'r prif gynnwys" in html  # the skip link
    assert "Allgofnodi" in html  # the account menu


def test_a_managers_dashboard_reads_in_welsh_with_welsh_dates(client, maya, site_a1):
    maya.language = "cy"
    maya.save(update_fields=["language"])
    client.force_login(maya)
    response = client.get(reverse("metrics:dashboard-scope", args=["site", site_a1.pk]))
    html = _html(response)
    assert '<html lang="cy">' in html
    assert "Syniadau a godwyd" in html
    months = (
        "Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr"
    )
    # The period shown above the figures, e.g. "1 Medi 2026 i 2 Rhagfyr 2026".
    assert re.search(rf"<p>\d+ ({months}) \d{{4}} i \d+ ({months}) \d{{4}}</p>", html)


def test_an_unknown_language_changes_nothing_and_breaks_nothing(client, sam):
    client.force_login(sam)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    sam.refresh_from_db()
    assert sam.language == ""
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    # Nothing at all, or a GET, just goes back.
    assert client.post(reverse("set_language"), {}).status_code == 302
    assert client.get(reverse("set_language")).status_code == 302
    sam.refresh_from_db()
    assert sam.language == ""


def test_the_switch_never_sends_anyone_off_site(client, db):
    response = client.post(
        reverse("set_language"), {"language": "cy", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


# --- Dates and numbers ----------------------------------------------------------------------


def test_dates_and_numbers_are_formatted_for_each_language():
    template = Template(
        '{% load humanize %}{{ day|date:"DATE_FORMAT" }}|{{ day|date:"j M Y" }}|'
        "{{ big|intcomma }}|{{ share|floatformat:1 }}"
    )
    context = Context({"day": date(2026, 12, 2), "big": 1234567, "share": 12.25})
    with translation.override("en-gb"):
        assert template.render(context) == "2 Dec 2026|2 Dec 2026|1,234,567|12.3"
    with translation.override("cy"):
        assert template.render(context) == "2 Rhagfyr 2026|2 Rhag 2026|1,234,567|12.3"


def test_no_template_spells_out_an_english_month():
    months = re.compile(
        r"\b(January|February|March|April|June|July|August|September|October|November|December)\b"
    )
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        assert not months.search(path.read_text(encoding="utf-8")), path


# --- E-mails: the recipient's language ------------------------------------------------------


def test_language_for_gives_the_persons_choice_or_the_default(db):
    assert language_for(User(language="cy")) == "cy"
    assert language_for(User(language="en-gb")) == "en-gb"
    assert language_for(User(language="")) == settings.LANGUAGE_CODE == "en-gb"
    assert language_for(User(language="xx")) == "en-gb"
    assert language_for(None) == "en-gb"


def test_a_password_reset_email_is_in_the_account_holders_language(client, sam, lee):
    sam.language = "cy"
    sam.save(update_fields=["language"])
    # Asked for from an English browser, written in Welsh for Sam.
    response = client.post(
        reverse("password_reset"), {"email": sam.email}, headers={"accept-language": "en"}
    )
    assert response.status_code == 302
    assert mail.outbox[-1].subject == "Ailosod cyfrinair LeanHub"
    assert "Mae'r ddolen yn gweithio unwaith." in mail.outbox[-1].body
    # Asked for from a Welsh browser, written in English for Lee, who chose nothing.
    client.post(reverse("password_reset"), {"email": lee.email}, headers={"accept-language": "cy"})
    assert mail.outbox[-1].subject == "LeanHub password reset"


def test_no_empty_catalogue_is_walked_and_every_word_reads_as_before():
    """leanhub.i18n.prune_empty_catalogues, run when the apps are ready: British English
    looks a word up in one catalogue (not behind six empty English ones), and the words,
    plurals included, read as gettext alone gives them."""
    from gettext import GNUTranslations

    from django.utils import translation
    from django.utils.translation import trans_real

    from leanhub.i18n import prune_empty_catalogues

    prune_empty_catalogues()  # as at start-up (a test before may have rebuilt the translations)
    for code in ("en-gb", "cy"):
        current = trans_real.translation(code)
        chain = []
        while current is not None:
            chain.append(current)
            current = getattr(current, "_fallback", None)
        assert not [t for t in chain if type(t) is GNUTranslations and set(t._catalog) <= {""}], (
            code
        )
    with translation.override("en-gb"):
        assert translation.gettext("Ideas") == "Ideas"
        assert translation.ngettext("%(count)s row imported.", "%(count)s rows imported.", 2) == (
            "%(count)s rows imported."
        )
    with translation.override("cy"):
        assert translation.gettext("Ideas") == "Syniadau"
        assert translation.gettext("Not a word LeanHub has") == "Not a word LeanHub has"
