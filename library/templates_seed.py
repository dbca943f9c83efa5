"""The starting templates every team may begin from: entries of the library that belong to no
team, so everyone signed in finds them. Kept here as plain data, written by a data migration
(and refreshed by ``seed_demo``) so a new installation has them from its first day."""

from __future__ import annotations

from typing import Any

TEMPLATES: list[dict[str, Any]] = [
    {
        "key": "a3",
        "title": "A3 problem-solving sheet",
        "theme": "method",
        "summary": "One sheet that tells the story of a problem and its fix, from background to "
        "follow-up, so the team thinks it through and anyone can read it in five minutes.",
        "checklist": "Background: why this matters to the people we serve\n"
        "Current condition: what happens now, with a measure\n"
        "Target: what good looks like, and by when\n"
        "Root cause: ask why five times, with the people who do the work\n"
        "Countermeasures: what we will try, who does it, by when\n"
        "Check: what the measure did before and after\n"
        "Follow-up: the new standard work, and who else should know",
    },
    {
        "key": "5s",
        "title": "5S workplace audit",
        "theme": "workplace",
        "wastes": "motion,inventory",
        "summary": "Sort, set in order, shine, standardise, sustain: a walk round the workplace "
        "scoring each S, so what is needed is where it is needed and nothing else is.",
        "checklist": "Sort: only what is needed for today's work is here\n"
        "Set in order: everything has a marked place, and is in it\n"
        "Shine: desks, screens and equipment are clean and working\n"
        "Standardise: the way things are kept is written down and shown\n"
        "Sustain: the audit is repeated each month, and the score is on the board",
    },
    {
        "key": "standard-work",
        "title": "Standard work sheet",
        "theme": "method",
        "wastes": "defects,processing",
        "summary": "The current best way to do a task, written down step by step with its time "
        "and its checks, so everyone does it the same way and improves it from there.",
        "checklist": "Name the task, where it starts and where it ends\n"
        "List each step in order, with who does it\n"
        "Time each step, and note the takt time of the demand\n"
        "Mark the quality checks and the safety points\n"
        "Show the sheet where the work is done, and review it after each change",
    },
    {
        "key": "gemba",
        "title": "Gemba walk checklist",
        "theme": "method",
        "wastes": "waiting,talent",
        "summary": "Go and see where the work is done: a leader's walk with questions, not "
        "answers, that finds waste and shows respect for the people doing the work.",
        "checklist": "Agree the purpose of the walk with the team beforehand\n"
        "Follow one piece of work (a claim, a case, a patient) from start to end\n"
        "Ask: what gets in the way of doing this well today?\n"
        "Note waiting, rework, searching and handoffs you see\n"
        "Thank people, and say what you will do about what you heard\n"
        "Put what you found on the team's board within a day",
    },
]


def ensure_templates(entry_model: Any) -> None:
    """Create the starting templates that are missing (by title), leaving edited ones alone."""
    for template in TEMPLATES:
        if entry_model.objects.filter(team__isnull=True, title=template["title"]).exists():
            continue
        entry_model.objects.create(
            kind="template",
            title=template["title"],
            theme=template["theme"],
            wastes=template.get("wastes", ""),
            summary=template["summary"],
            checklist=template["checklist"],
        )
