"""The Welsh catalogue covers the interface, and every translation keeps its placeholders.

A message with no Welsh falls back to English, so a page turns half-English quietly: this fails
when fewer than 99 % of the messages have a Welsh translation (fuzzy ones, which Django does not
use, count as missing). A translation that drops, adds or renames a placeholder ("%(name)s",
"{name}", "%s", "%%") or an HTML tag would show the wrong thing or fail when the page is drawn.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import polib
import pytest

from tests.welsh_helpers import WELSH_PO

REQUIRED_COVERAGE = 0.99
# Named and positional printf placeholders, format() fields and HTML tags.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|%%|\{\w*\}|</?[a-zA-Z][^>]*>")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def mismatched_placeholders(entry: polib.POEntry) -> list[str]:
    """Each translation of ``entry`` whose placeholders differ from its English, described."""
    problems = []
    if entry.msgid_plural:
        english = [placeholders(entry.msgid), placeholders(entry.msgid_plural)]
        for form, text in sorted(entry.msgstr_plural.items()):
            # A form may follow the singular or the plural English, e.g. when the singular
            # leaves the count out ("one comment").
            if text and placeholders(text) not in english:
                problems.append(f"{entry.msgid!r} form {form}: {text!r}")
    elif entry.msgstr and placeholders(entry.msgstr) != placeholders(entry.msgid):
        problems.append(f"{entry.msgid!r}: {entry.msgstr!r}")
    return problems


def is_translated(entry: polib.POEntry) -> bool:
    if entry.fuzzy or entry.obsolete:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(WELSH_PO))


def test_at_least_99_percent_of_the_messages_are_in_welsh(catalogue):
    entries = [entry for entry in catalogue if not entry.obsolete]
    missing = [entry.msgid for entry in entries if not is_translated(entry)]
    coverage = 1 - len(missing) / len(entries)
    assert coverage >= REQUIRED_COVERAGE, (
        f"{coverage:.1%} of {len(entries)} messages are in Welsh; untranslated or fuzzy: "
        + "; ".join(missing[:20])
    )


def test_no_translation_is_left_fuzzy(catalogue):
    assert [entry.msgid for entry in catalogue if entry.fuzzy] == []


def test_every_plural_has_all_six_welsh_forms(catalogue):
    for entry in catalogue:
        if entry.msgid_plural and is_translated(entry):
            assert sorted(entry.msgstr_plural) == [0, 1, 2, 3, 4, 5], entry.msgid


def test_translations_keep_the_placeholders_of_the_english(catalogue):
    problems = [problem for entry in catalogue for problem in mismatched_placeholders(entry)]
    assert problems == []


def test_gettext_checks_the_catalogue(tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt compiles the catalogues: install gettext"
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(WELSH_PO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "english, welsh",
    [
        ("Saved “%(name)s”.", "Cadwyd."),  # dropped
        ("Idea %(number)s", "Syniad %(rhif)s"),  # renamed
        ("%(count)s%%", "%(count)s"),  # a literal percent sign lost
        ("<strong>%(who)s</strong>", "%(who)s"),  # the markup lost
        ("Edit {name}", "Golygu {enw}"),  # a format field renamed
    ],
)
def test_the_placeholder_check_finds_a_mistake(english, welsh):
    assert mismatched_placeholders(polib.POEntry(msgid=english, msgstr=welsh))


def test_the_placeholder_check_finds_a_mistake_in_a_plural_form():
    entry = polib.POEntry(
        msgid="%(count)s idea",
        msgid_plural="%(count)s ideas",
        msgstr_plural={0: "%(count)s syniad", 1: "%(count)s syniad", 2: "dau syniad"},
    )
    assert mismatched_placeholders(entry) == ["'%(count)s idea' form 2: 'dau syniad'"]


def test_the_coverage_check_counts_fuzzy_and_empty_entries_as_missing():
    assert not is_translated(polib.POEntry(msgid="Save", msgstr=""))
    assert not is_translated(polib.POEntry(msgid="Save", msgstr="Cadw", flags=["fuzzy"]))
    assert is_translated(polib.POEntry(msgid="Save", msgstr="Cadw"))
    assert not is_translated(
        polib.POEntry(msgid="a", msgid_plural="b", msgstr_plural={0: "x", 1: ""})
    )
