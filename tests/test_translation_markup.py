"""Every string a person reads is marked for translation, and the Welsh catalogue is usable.

The template check reads each template with Django's own template lexer: text between template
tags must contain no words (only whitespace, punctuation, numbers and symbols), except inside
{% blocktranslate %} and {% comment %}; literal text in the attributes a person sees or hears
(title, alt, placeholder, aria-label, aria-description, label, the value of a submit button,
an htmx confirmation, and the data-msg-* texts the page's scripts show) must come from a
translation tag too, and so must a literal `default:"…"` shown in place of a missing value.
Every template is held to this: none is left out.

The scripts in static/ get their words from the page (data-msg-* attributes, or a <template> of
messages), so the script check looks for English sentences in their string literals.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.apps.registry import Apps
from django.db import models
from django.template.base import Lexer, TokenType
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tests.welsh_helpers import ensure_welsh_compiled

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIRS = [ROOT / "templates"]

# Words that are the same in every language: the product's name.
UNTRANSLATED_WORDS = {"LeanHub"}

VISIBLE_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "label",
    "hx-confirm",
    "hx-prompt",
    "data-hx-confirm",
    "data-hx-prompt",
}
# Texts a script reads from the page to show (data-msg-sending="Sending…").
SCRIPT_MESSAGE_ATTRIBUTE = "data-msg-"
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
# Filters whose literal argument is shown to the reader in place of the value.
SHOWN_FILTER_ARGUMENT = re.compile(r"\|\s*(?:default|default_if_none)\s*:\s*(\"[^\"]*\"|'[^']*')")
WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Unmarked:
    line: int
    text: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.text!r}"


def _has_words(text: str) -> bool:
    return any(word not in UNTRANSLATED_WORDS for word in WORD.findall(text))


def _blank(source: str) -> str:
    """A stand-in for template code: a space, keeping its line breaks so line numbers hold."""
    return " " + "\n" * source.count("\n")


def _without_translated_parts(template_source: str) -> tuple[str, list[Unmarked]]:
    """The template with every tag, variable, comment and translated block blanked out, and the
    literal text that variables show (`default:"…"`)."""
    parts: list[str] = []
    shown: list[Unmarked] = []
    skipping_until: str | None = None
    for token in Lexer(template_source).tokenize():
        raw = token.contents
        if skipping_until is not None:
            if token.token_type == TokenType.BLOCK and raw.split()[0] in skipping_until:
                skipping_until = None
            parts.append(_blank(raw))
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(raw)
            continue
        if token.token_type == TokenType.BLOCK:
            name = raw.split()[0] if raw.split() else ""
            if name in {"blocktranslate", "blocktrans"}:
                skipping_until = "endblocktranslate endblocktrans"
            elif name == "comment":
                skipping_until = "endcomment"
            elif name == "block" and raw.split()[-1].endswith("_class"):
                # A block such as body_class fills a class attribute: names, not words to read.
                skipping_until = "endblock"
        elif token.token_type == TokenType.VAR:
            for literal in SHOWN_FILTER_ARGUMENT.findall(raw):
                if _has_words(literal[1:-1]):
                    shown.append(Unmarked(token.lineno or 0, "{{ " + raw + " }}"))
        parts.append(_blank(raw))
    return "".join(parts), shown


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Unmarked] = []
        self._raw_text_depth = 0

    def _note(self, text: str) -> None:
        if _has_words(text):
            # Reported at the line where the words start, not where the blank before them does.
            line = self.getpos()[0] + text[: len(text) - len(text.lstrip())].count("\n")
            self.found.append(Unmarked(line, " ".join(text.split())))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._raw_text_depth += 1
        values = dict(attrs)
        for name, value in attrs:
            if not value:
                continue
            if (
                name in VISIBLE_ATTRIBUTES
                or name.startswith(SCRIPT_MESSAGE_ATTRIBUTE)
                or (
                    name == "value"
                    and tag == "input"
                    and (values.get("type") or "").strip().lower() in BUTTON_INPUT_TYPES
                )
            ):
                self._note(value)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in {"script", "style"}:
            self._raw_text_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._raw_text_depth:
            self._raw_text_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._raw_text_depth:
            self._note(data)


def unmarked_text(template_source: str) -> list[Unmarked]:
    """The words in a template that a reader would see untranslated, with their line numbers."""
    html, shown = _without_translated_parts(template_source)
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return sorted(shown + collector.found, key=lambda u: u.line)


def _templates() -> list[tuple[str, Path]]:
    found = []
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt", ".svg", ".xml"}:
                found.append((path.relative_to(directory).as_posix(), path))
    return found


TEMPLATES = _templates()


@pytest.mark.parametrize("name,path", TEMPLATES, ids=lambda v: str(v))
def test_every_visible_string_in_the_template_is_marked_for_translation(
    name: str, path: Path
) -> None:
    found = unmarked_text(path.read_text(encoding="utf-8"))
    assert not found, f"templates/{name} has text outside a translation tag:\n" + "\n".join(
        f"  templates/{name}, {u}" for u in found
    )


@pytest.mark.parametrize(
    "source",
    [
        "<h1>Raise an idea</h1>",
        "{% block title %}Ideas{% endblock %}",
        '<a href="{% url "home" %}"{% if x %} aria-current="page"{% endif %}>Home</a>',
        "<p>{{ count }} idea{{ count|pluralize }}</p>",
        '<span title="Drag to move">⠿</span>',
        '<img src="x.png" alt="Photo {{ n }} of the idea">',
        '<input type="submit" value="Save">',
        '<input type="search" placeholder="Search ideas">',
        '<svg><title id="t">Cumulative flow</title></svg>',
        '<td>{{ name|default:"(new)" }}</td>',
        "{% translate 'Sign in' %} and then some",
        '<form hx-post="/x" hx-confirm="Delete the step “{{ name }}”?">',
        '<form class="idea-form" data-msg-sending="Sending…">',
        '<template id="m"><span data-count="1">That is about {n} hour a year.</span></template>',
    ],
)
def test_the_check_finds_unmarked_text(source):
    assert unmarked_text(source)


@pytest.mark.parametrize(
    "source",
    [
        "{% load i18n %}<h1>{% translate 'Raise an idea' %}</h1>",
        "{% blocktranslate trimmed with n=count %}\n  {{ n }} ideas\n{% endblocktranslate %}",
        "{% blocktranslate count n=count %}{{ n }} idea{% plural %}{{ n }} ideas"
        "{% endblocktranslate %}",
        '{% translate "Drag to move" as drag %}<span title="{{ drag }}">⠿</span>',
        "<p>{{ a }} · {{ b }} — 15–30 % £{{ c }} &nbsp;&middot;&times; … → ← 2024</p>",
        "{% comment %}Notes for developers{% endcomment %}<!-- an HTML comment -->",
        "{# a template comment #}<p>{{ x }}</p>",
        "{% block body_class %}board-page{% if huddle %} huddle{% endif %}{% endblock %}",
        "<script>const words = 'not for reading';</script><style>p::after{content:'x'}</style>",
        '<a class="brand" href="/">LeanHub</a>',
        '<td>{{ n|default:"—" }}</td><td>{{ d|date:"j M Y" }}</td>',
        '<td>{{ name|default:_("(new)") }}</td>',
        '<input type="hidden" name="on" value="yes"><button value="keep">{{ label }}</button>',
        '<form hx-confirm="{% blocktranslate with n=name %}Delete “{{ n }}”?{% endblocktranslate %}">',
        '<form data-msg-sending="{% translate "Sending…" %}" data-once>',
    ],
)
def test_the_check_passes_marked_text(source):
    assert unmarked_text(source) == []


# --- Browser-side text --------------------------------------------------------------------------

STATIC_DIR = ROOT / "static"
# Third-party code, shipped as it came.
VENDORED_DIRS = {"vendor"}
# English a script falls back on when its page gives it no text (a page that leaves the messages
# out): each is also in the template, marked for translation, and that is what people see.
JS_FALLBACKS = {
    ("ideas/ideas.js", "That is about {n} hours a year."),
    ("ideas/ideas.js", "Sending…"),
}
# Strings JavaScript itself gives meaning to.
JS_DIRECTIVES = {"use strict"}

# Comments and string literals, leftmost first, so a quote inside a comment and a comment marker
# inside a string are read as what they are. (A regular expression literal holding a quote would
# confuse this; none of ours does.)
JS_COMMENT_OR_STRING = re.compile(
    r"""//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`""",
    re.S,
)
# A word a person reads: two or more letters, perhaps with an apostrophe or hyphen inside and
# punctuation after.
JS_WORD = re.compile(r"^[^\W\d_]{2,}(?:['’-][^\W\d_]+)*[.,;:!?…]*$")
SENTENCE_END = ("…", ".", "!", "?", ":")


def _looks_like_code(token: str) -> bool:
    """CSS selectors, URLs, attribute tests and BEM class names."""
    return token.startswith((".", "#")) or any(c in token for c in "[]=/<>") or "--" in token


def _is_prose(literal: str) -> bool:
    """Two or more words, or one capitalised word ending a sentence ("Sending…", "Saved!");
    never a CSS selector, a URL, an id, an event name or a directive."""
    if literal.strip() in JS_DIRECTIVES:
        return False
    tokens = literal.split()
    if any(_looks_like_code(token) for token in tokens):
        return False
    words = [token for token in tokens if JS_WORD.match(token)]
    if len(words) >= 2:
        return True
    return (
        len(tokens) == 1
        and bool(words)
        and words[0][0].isupper()
        and words[0].endswith(SENTENCE_END)
    )


def english_in_js(source: str) -> list[Unmarked]:
    """The string literals in a script that read as English a person would see."""
    found: list[Unmarked] = []
    for match in JS_COMMENT_OR_STRING.finditer(source):
        token = match.group()
        if token.startswith(("//", "/*")):
            continue
        literal = token[1:-1]
        if _is_prose(literal):
            found.append(Unmarked(source.count("\n", 0, match.start()) + 1, literal))
    return found


def _scripts() -> list[tuple[str, Path]]:
    return [
        (path.relative_to(STATIC_DIR).as_posix(), path)
        for path in sorted(STATIC_DIR.rglob("*.js"))
        if not VENDORED_DIRS & set(path.relative_to(STATIC_DIR).parts)
    ]


SCRIPTS = _scripts()


@pytest.mark.parametrize("name,path", SCRIPTS, ids=lambda v: str(v))
def test_scripts_take_their_words_from_the_page(name: str, path: Path) -> None:
    found = [
        u
        for u in english_in_js(path.read_text(encoding="utf-8"))
        if (name, u.text) not in JS_FALLBACKS
    ]
    assert not found, (
        f"static/{name} has English in a string: give it to the script from the template "
        "(a data-msg-* attribute, marked for translation):\n"
        + "\n".join(f"  static/{name}, {u}" for u in found)
    )


def test_the_script_fallbacks_are_still_there() -> None:
    """A fallback no script holds any more is stale: drop it, so it cannot excuse a new one."""
    scripts = dict(SCRIPTS)
    stale = [
        (name, text)
        for name, text in JS_FALLBACKS
        if name not in scripts
        or text not in [u.text for u in english_in_js(scripts[name].read_text(encoding="utf-8"))]
    ]
    assert not stale


@pytest.mark.parametrize(
    "source",
    [
        'output.textContent = "That is about " + n + " hours a year.";',
        "button.textContent = 'Sending…';",
        "el.title = `Move ${name} up`;",
        'window.alert("Saved!");',
        'status.textContent = "Reconnecting, please wait";',
        'var url = "/a//b"; el.textContent = "Try again later"; // a "comment"',
    ],
)
def test_the_script_check_finds_english(source: str) -> None:
    assert english_in_js(source)


@pytest.mark.parametrize(
    "source",
    [
        '"use strict";',
        'document.querySelector(".field--error input, .field--error select");',
        'htmx.trigger(document.body, "resync"); el.dataset.live = "reconnecting";',
        '// After a websocket "comes back again", every live fragment refetches itself',
        '/* The "Add a card" column list comes anew */ var x = 1;',
        'htmx.ajax("POST", url, { target: "#" + board.id, swap: "outerHTML" });',
        'new DOMParser().parseFromString(text, "text/html");',
        "form.querySelector(\"input[name='kind']:checked\");",
        'n.toLocaleString("en-GB") + "%"; var url = "https://example.org/a b";',
        "button.textContent = form.dataset.msgSending;",
    ],
)
def test_the_script_check_passes_code(source: str) -> None:
    assert english_in_js(source) == []


# --- The Welsh catalogue ------------------------------------------------------------------------

WELSH_PO = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
WELSH_PLURALS = (
    "nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 :(n==6) ? 4 : 5;"
)


def test_the_welsh_catalogue_exists_with_welsh_plural_forms():
    # Long header lines are wrapped over several quoted strings: join them to read the header.
    po = WELSH_PO.read_text(encoding="utf-8").replace('"\n"', "")
    assert "Language: cy\\n" in po
    assert f"Plural-Forms: {WELSH_PLURALS}\\n" in po
    assert 'msgid "Raise an idea"' in po


def test_the_welsh_catalogue_compiles_and_loads(tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt compiles the catalogues: install gettext"
    mo = tmp_path / "django.mo"
    subprocess.run(
        [msgfmt, "--check", "-o", str(mo), str(WELSH_PO)], check=True, capture_output=True
    )
    with mo.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert catalogue.info()["language"] == "cy"
    assert catalogue.info()["plural-forms"] == WELSH_PLURALS
    # The messages read in Welsh (tests/test_welsh_catalogue.py checks them all); the plural
    # rule is Welsh.
    assert catalogue.gettext("Raise an idea") == "Codi syniad"
    assert catalogue.plural(2) == 2 and catalogue.plural(6) == 4


def test_welsh_can_be_switched_on():
    ensure_welsh_compiled()
    with translation.override("cy"):
        assert translation.get_language() == "cy"
        assert translation.get_language_info("cy")["name_local"] == "Cymraeg"
        assert translation.gettext("Raise an idea") == "Codi syniad"
    assert translation.get_language() == "en-gb"


def test_pages_are_in_english_by_default_at_the_same_address(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response["Content-Language"] == "en-gb"
    assert "Sign in to LeanHub" in response.content.decode()


def test_a_welsh_browser_gets_the_same_address_in_welsh(client):
    response = client.get(reverse("login"), headers={"accept-language": "cy"})
    assert response.status_code == 200
    assert response["Content-Language"] == "cy"


# --- Names of models and fields -----------------------------------------------------------------

# Admin pages, labels of model forms, uniqueness errors and exports name models and fields by
# their verbose names; Django makes one up from the attribute name, in English only, when the
# model gives none.
MODEL_APPS = ("leanhub", "ideas", "kaizen", "metrics", "recognition", "library")


def _named_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields a person can meet: concrete ones and many-to-many ones the model declares
    (inherited included), not reverse relations, the tables behind many-to-many, or the id."""
    return [
        field
        for field in model._meta.get_fields()
        if isinstance(field, models.Field) and not field.auto_created and field.name != "id"
    ]


def untranslated_names(model: type[models.Model]) -> list[str]:
    """Every name, help text or choice label of ``model`` and its fields that is a plain string
    rather than a lazy translation, as "Model.field: 'text'"."""
    found: list[str] = []
    meta = model._meta
    name = model.__name__
    # Django's own plural is lazy (a format of the singular) but never translated: only a plural
    # the model states itself counts.
    for label, value in (
        ("verbose_name", meta.original_attrs.get("verbose_name")),
        ("verbose_name_plural", meta.original_attrs.get("verbose_name_plural")),
    ):
        if not isinstance(value, Promise):
            found.append(f"{name}.Meta.{label}: {value!r}")
    for field in _named_fields(model):
        where = f"{name}.{field.name}"
        if not isinstance(field.verbose_name, Promise):
            found.append(f"{where}: {field.verbose_name!r}")
        if field.help_text and not isinstance(field.help_text, Promise):
            found.append(f"{where} help text: {field.help_text!r}")
        for _value, choice in field.flatchoices:
            if not isinstance(choice, Promise):
                found.append(f"{where} choice: {choice!r}")
    return found


@pytest.mark.parametrize(
    "model",
    [model for label in MODEL_APPS for model in django_apps.get_app_config(label).get_models()],
    ids=lambda model: model._meta.label,
)
def test_every_model_and_field_name_is_marked_for_translation(model: type[models.Model]) -> None:
    assert untranslated_names(model) == []


@pytest.mark.parametrize("label", MODEL_APPS)
def test_every_app_name_is_marked_for_translation(label: str) -> None:
    # The admin's index lists models under their app's name.
    assert isinstance(django_apps.get_app_config(label).verbose_name, Promise)


def test_the_name_check_finds_plain_strings() -> None:
    class Probe(models.Model):
        title = models.CharField(max_length=10)
        marked = models.CharField(_("marked"), max_length=10, help_text="Plain help.")
        kind = models.CharField(max_length=1, choices=[("a", _("A")), ("b", "B")])

        class Meta:
            apps = Apps()
            app_label = "probe"
            verbose_name = _("probe")

    assert untranslated_names(Probe) == [
        "Probe.Meta.verbose_name_plural: None",
        "Probe.title: 'title'",
        "Probe.marked help text: 'Plain help.'",
        "Probe.kind: 'kind'",
        "Probe.kind choice: 'B'",
    ]


def test_model_names_read_as_before_in_english() -> None:
    """Django's own made-up names, now marked, are the words it showed before."""
    from ideas.models import Idea

    assert str(Idea._meta.verbose_name_plural) == "ideas"
    assert str(Idea._meta.get_field("title").verbose_name) == "title"
