"""Notifications and e-mails are written in each recipient's language, not in the language of
whoever caused them (leanhub.i18n.Wording): a Welsh speaker reads Welsh when an English speaker
acts, and the other way round, in one and the same change."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, override

from ideas import actions
from ideas.models import Idea, IdeaFollow
from leanhub.models import Notification, OutgoingEmail

ROOT = Path(__file__).resolve().parents[2]
S = Idea.Status


def welsh(msgid: str) -> str:
    with override("cy"):
        words = gettext(msgid)
    assert words != msgid, f"no Welsh for {msgid!r}"
    return words


@pytest.fixture
def idea(cast, team_a) -> Idea:
    return Idea.objects.create(
        team=team_a, author=cast["sam"], title="Pre-fill the claim form", problem="Typing twice"
    )


def test_a_change_made_in_english_reaches_a_welsh_speaker_in_welsh(cast, idea, settings):
    settings.LANGUAGE_CODE = "en-gb"
    sam, jo, lee = cast["sam"], cast["maya"], cast["lee"]
    sam.language = "cy"
    sam.save(update_fields=["language"])
    IdeaFollow.objects.create(idea=idea, user=jo)  # maya chose nothing: the site's English
    with override("en-gb"):  # the lead's request is in English
        actions.change_status(idea, to=S.ACCEPTED, by=lee)
        assert translation.get_language() == "en-gb"  # and stays so

    to_sam = Notification.objects.get(recipient=sam).message
    to_jo = Notification.objects.get(recipient=jo).message
    assert to_jo == "An idea you follow, “Pre-fill the claim form”, is now accepted."
    status = str(welsh("Accepted")).lower()
    expected = welsh("Your idea “%(title)s” is now %(status)s.") % {
        "title": idea.title,
        "status": status,
    }
    assert to_sam == expected
    email = OutgoingEmail.objects.get(recipient=sam)
    assert email.message == expected
    assert email.subject == f"LeanHub: {expected}"[:200]
    assert OutgoingEmail.objects.get(recipient=jo).subject.startswith("LeanHub: An idea you follow")


def test_a_change_made_in_welsh_reaches_an_english_speaker_in_english(cast, idea, settings):
    settings.LANGUAGE_CODE = "en-gb"
    sam, lee = cast["sam"], cast["lee"]
    lee.language = "cy"
    lee.save(update_fields=["language"])
    with override("cy"):  # the commenter writes from a Welsh page
        actions.add_comment(idea, body="Da iawn", by=lee)
        actions.set_support(idea, on=True, by=lee)
    messages = set(Notification.objects.filter(recipient=sam).values_list("message", flat=True))
    name = str(lee)
    assert messages == {
        f"{name} commented on your idea “Pre-fill the claim form”.",
        f"{name} supports your idea “Pre-fill the claim form”.",
    }
    assert OutgoingEmail.objects.get(recipient=sam).subject.startswith("LeanHub: ")


def test_the_overdue_reminder_is_in_each_leads_language(cast, idea, settings):
    settings.LANGUAGE_CODE = "en-gb"
    lee = cast["lee"]
    lee.language = "cy"
    lee.save(update_fields=["language"])
    Idea.objects.filter(pk=idea.pk).update(created_at=idea.created_at.replace(year=2020))
    assert actions.remind_leads() >= 1
    message = Notification.objects.get(recipient=lee).message
    with override("cy"):
        expected = actions._overdue_message(idea.team.name, 1)
    assert message == expected and "waiting past" not in message


# --- Every call site passes words that can still be written in another language ------------

APPS = ["leanhub", "ideas", "kaizen", "metrics", "places", "signon", "api", "recognition"]
APPS += [p.name for p in ROOT.iterdir() if (p / "apps.py").exists() and p.name not in APPS]


def _eager_wordings(tree: ast.AST) -> list[int]:
    """Lines where notify(...) or mail.queue(...) is handed text already translated: a call of
    gettext/ngettext (or a % of one) as its ``message`` or ``subject``."""

    def translated_now(node: ast.expr) -> bool:
        if isinstance(node, ast.BinOp):
            return translated_now(node.left)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            return name in {"gettext", "ngettext", "pgettext", "npgettext", "_"}
        return False

    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name not in {"notify", "queue"}:
            continue
        for keyword in node.keywords:
            if keyword.arg in {"message", "subject"} and translated_now(keyword.value):
                lines.append(node.lineno)
    return lines


def test_no_call_site_fixes_the_words_in_the_actors_language():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for line in _eager_wordings(ast.parse(path.read_text(), str(path))):
                found.append(f"{path.relative_to(ROOT)}:{line}")
    assert found == [], "pass a function that builds the words (leanhub.i18n.Wording)"


def test_the_guard_finds_an_eager_wording():
    code = 'notify(people, message=gettext("%(a)s did it") % {"a": 1})\n'
    code += 'mail.queue(people, kind="k", subject=gettext("x"), message=lambda: gettext("y"))\n'
    assert _eager_wordings(ast.parse(code)) == [1, 2]
