"""The outbox, e-mail choices, digests, unsubscribe and retries (leanhub/mail.py), run in the test
process. The worker itself, a real SMTP server and SIGKILL are in test_worker_mail.py."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from ideas import actions
from ideas import mail as idea_mail
from ideas.models import Idea, IdeaFollow
from leanhub import jobs, mail
from leanhub.models import EmailPreference, MailFrequency, OutgoingEmail
from tests.mail_helpers import free_port

S = Idea.Status
Out = OutgoingEmail.Status
SITE = "https://leanhub.example.gov.uk"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def idea(cast, team_a) -> Idea:
    return Idea.objects.create(
        team=team_a, author=cast["sam"], title="Pre-fill the claim form", problem="Typing twice"
    )


@pytest.fixture
def smtp_down(settings):
    """A real SMTP client against a port where nothing listens: connections are refused."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 5


def test_the_email_is_written_with_the_change_and_rolled_back_with_it(cast, idea, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.change_status(idea, to=S.ACCEPTED, by=cast["lee"])
        assert OutgoingEmail.objects.count() == 1
        raise RuntimeError("the change fails after the e-mail was written")
    assert not OutgoingEmail.objects.exists()

    actions.change_status(idea, to=S.ACCEPTED, by=cast["lee"])
    row = OutgoingEmail.objects.get()
    assert (row.recipient, row.kind, row.status) == (cast["sam"], idea_mail.UPDATES, Out.PENDING)
    assert mailoutbox == []  # sent by the worker, not inside the change
    assert mail.deliver_due() == 1
    row.refresh_from_db()
    assert row.status == Out.SENT and row.sent_at is not None
    assert mail.deliver_due() == 0 and len(mailoutbox) == 1  # sent once


def test_the_email_has_text_and_html_absolute_links_and_one_click_unsubscribe(
    cast, idea, mailoutbox
):
    actions.change_status(idea, to=S.ACCEPTED, by=cast["lee"])
    mail.deliver_due()
    [message] = mailoutbox
    link = SITE + idea.get_absolute_url()
    assert message.subject == "LeanHub: Your idea “Pre-fill the claim form” is now accepted."
    assert "Hello Sam" in message.body and link in message.body
    [(html, kind)] = message.alternatives
    assert kind == "text/html" and f'href="{link}"' in html
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{SITE}/email/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in message.body and f"{SITE}/accounts/email/" in html


def test_each_email_is_written_in_the_recipients_language(cast, idea, mailoutbox, settings):
    settings.LANGUAGE_CODE = "cy"  # what language_for() answers for now
    assert mail.language_for(cast["sam"]) == "cy"
    actions.change_status(idea, to=S.ACCEPTED, by=cast["lee"])
    mail.deliver_due()
    [(html, _kind)] = mailoutbox[0].alternatives
    assert '<html lang="cy">' in html


def test_one_click_unsubscribe_works_without_signing_in(client, cast, idea, mailoutbox):
    actions.change_status(idea, to=S.UNDER_REVIEW, by=cast["lee"])
    mail.deliver_due()
    url = mailoutbox[0].extra_headers["List-Unsubscribe"].strip("<>").removeprefix(SITE)
    # Opening the link (or a link checker fetching it) only asks.
    page = client.get(url)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert not EmailPreference.objects.exists()
    # The mail client's one-click POST (RFC 8058): no session, no CSRF token.
    client.handler.enforce_csrf_checks = True
    done = client.post(
        url,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert done.status_code == 200 and b"will get no more" in done.content
    pref = EmailPreference.objects.get(user=cast["sam"], kind=idea_mail.UPDATES)
    assert pref.frequency == MailFrequency.OFF
    actions.change_status(idea, to=S.ACCEPTED, by=cast["lee"])
    assert not OutgoingEmail.objects.filter(status=Out.PENDING).exists()


def test_a_forged_unsubscribe_link_changes_nothing_and_says_so(client, cast):
    token = mail.unsubscribe_token(cast["sam"], idea_mail.UPDATES)
    response = client.post(reverse("email-unsubscribe", args=[token[:-3] + "abc"]))
    assert response.status_code == 400 and b"not valid" in response.content
    assert not EmailPreference.objects.exists()


def test_the_preferences_page_is_in_the_menu_and_saves_each_kind(client, cast):
    client.force_login(cast["sam"])
    home = client.get(reverse("home")).content.decode()
    assert reverse("email-preferences") in home
    page = client.get(reverse("email-preferences")).content.decode()
    assert "Changes to your ideas and ideas you follow" in page and "Weekly digest" in page
    # Every kind the apps send (red tape's too) is on the form.
    chosen = {**dict.fromkeys(mail.KINDS, "daily"), idea_mail.UPDATES: "weekly"}
    chosen[idea_mail.REMINDERS] = "off"
    response = client.post(reverse("email-preferences"), chosen)
    assert response.status_code == 302
    assert mail.frequencies(cast["sam"]) == chosen
    bad = client.post(
        reverse("email-preferences"), {idea_mail.UPDATES: "hourly", idea_mail.REMINDERS: "now"}
    )
    assert bad.status_code == 400 and b"Select a valid choice" in bad.content
    assert mail.frequencies(cast["sam"])[idea_mail.UPDATES] == "weekly"  # nothing lost


def test_a_daily_digest_gathers_what_happened_and_what_is_waiting(cast, idea, team_a, mailoutbox):
    lee = cast["lee"]
    mail.set_frequencies(lee, {idea_mail.UPDATES: MailFrequency.DAILY})
    other = Idea.objects.create(team=team_a, author=cast["wendy"], title="Other", problem="P")
    IdeaFollow.objects.create(idea=other, user=lee)
    actions.add_comment(other, body="Tried it on Monday", by=cast["wendy"])
    actions.add_comment(other, body="Worked well", by=cast["sam"])
    assert OutgoingEmail.objects.filter(recipient=lee, status=Out.HELD).count() == 2
    mail.deliver_due()
    assert [m.to for m in mailoutbox] == [["wendy@example.org"]]  # the author, at once
    mailoutbox.clear()

    assert mail.send_weekly_digests() == 0  # lee chose daily
    assert mail.send_daily_digests() == 1
    assert mail.send_daily_digests() == 0  # a second run sends nothing more
    assert mail.deliver_due() == 1
    [digest] = mailoutbox
    assert digest.to == ["lee@example.org"] and digest.subject == "LeanHub: your daily digest"
    assert digest.body.count("commented on “Other”") == 2
    # Two ideas of lee's team wait for a first response.
    assert "2 ideas in your teams are waiting for a first response." in digest.body
    assert SITE + other.get_absolute_url() in digest.alternatives[0][0]
    assert "List-Unsubscribe" in digest.extra_headers
    assert not OutgoingEmail.objects.filter(status=Out.HELD).exists()


def test_a_weekly_digest_and_off(cast, idea, mailoutbox):
    mail.set_frequencies(cast["sam"], {idea_mail.UPDATES: MailFrequency.WEEKLY})
    actions.change_status(idea, to=S.UNDER_REVIEW, by=cast["lee"])
    assert mail.send_daily_digests() == 0 and mail.send_weekly_digests() == 1
    mail.deliver_due()
    assert mailoutbox[0].subject == "LeanHub: your weekly digest"
    mail.set_frequencies(cast["sam"], {idea_mail.UPDATES: MailFrequency.OFF})
    actions.change_status(idea, to=S.ACCEPTED, by=cast["lee"])
    assert mail.send_weekly_digests() == 0 and mail.deliver_due() == 0


def test_a_refused_connection_is_retried_with_backoff_then_given_up_and_logged(
    cast, idea, smtp_down, settings, caplog
):
    settings.EMAIL_RETRY_BASE_SECONDS = 60
    settings.EMAIL_MAX_ATTEMPTS = 3
    actions.change_status(idea, to=S.ACCEPTED, by=cast["lee"])
    waits = []
    with caplog.at_level(logging.WARNING, logger="leanhub.mail"):
        for _ in range(3):
            before = timezone.now()
            assert mail.deliver_due() == 0
            row = OutgoingEmail.objects.get()
            waits.append(round((row.next_attempt_at - before).total_seconds() / 60))
            OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # time passes
    assert waits[:2] == [1, 2]  # 1 minute, then 2
    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts) == (Out.FAILED, 3)
    assert "Connection refused" in row.last_error
    assert "gave up after 3 tries" in caplog.text
    state = mail.health()
    assert not state["ok"] and state["failed_today"] == 1
    assert "E-mail is not going out" in (mail.problem() or "")
    assert "Connection refused" in (mail.problem() or "")


def test_a_change_made_while_smtp_refuses_is_no_500(client, cast, idea, smtp_down):
    assert mail.problem() is None
    client.force_login(cast["lee"])
    response = client.post(reverse("ideas:respond", args=[idea.pk]), {"status": S.ACCEPTED})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == S.ACCEPTED
    assert OutgoingEmail.objects.get().status == Out.PENDING


def test_check_mail_says_clearly_when_the_server_refuses(db, smtp_down):
    with pytest.raises(CommandError, match=r"The e-mail server 127\.0\.0\.1:\d+ refused"):
        call_command("check_mail")


def test_the_workers_start_up_report_says_when_the_server_refuses(db, smtp_down, capsys, tmp_path):
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("startup_report")
    assert "mail" not in capsys.readouterr().err  # web processes never connect to it
    call_command("startup_report", "--mail")
    said = capsys.readouterr().err
    port = settings.EMAIL_PORT
    assert f"LeanHub is not ready: mail: The e-mail server 127.0.0.1:{port} refused" in said
    assert "Connection refused" in said


def test_readyz_says_email_is_not_going_out_but_stays_ready(
    client, cast, idea, smtp_down, tmp_path
):
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path / "media"
    assert client.get("/readyz").json()["checks"]["mail"] == "ok"
    actions.change_status(idea, to=S.ACCEPTED, by=cast["lee"])
    assert mail.deliver_due() == 0
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ready"
    said = response.json()["checks"]["mail"]
    assert said.startswith("E-mail is not going out: 1 e-mails are being retried")
    assert "Connection refused" in said


def test_a_claimed_email_is_not_taken_twice_until_its_claim_lapses(cast, idea):
    actions.change_status(idea, to=S.ACCEPTED, by=cast["lee"])
    assert len(mail._claim(10)) == 1
    assert mail._claim(10) == []  # another worker finds it taken
    OutgoingEmail.objects.update(claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    assert len(mail._claim(10)) == 1  # the first worker died: the claim lapsed


def test_the_periodic_jobs_are_scheduled_once(db):
    Schedule.objects.create(name=jobs.PREFIX + "gone", func="leanhub.mail.deliver_due")
    created = jobs.ensure_schedules()
    assert set(created) == set(jobs.PERIODIC)
    assert {
        jobs.PREFIX + "deliver e-mail",
        jobs.PREFIX + "daily digest",
        jobs.PREFIX + "weekly digest",
        jobs.PREFIX + "ideas daily",
        jobs.PREFIX + "close pulse weeks",
    } <= set(created)
    runs = dict(Schedule.objects.values_list("name", "next_run"))
    assert jobs.ensure_schedules() == []
    assert dict(Schedule.objects.values_list("name", "next_run")) == runs
    assert Schedule.objects.count() == len(jobs.PERIODIC)
    digest = Schedule.objects.get(name=jobs.PREFIX + "weekly digest")
    assert digest.schedule_type == Schedule.WEEKLY
    assert timezone.localtime(digest.next_run).weekday() == 0
    assert timezone.localtime(digest.next_run).hour == 7


def test_an_email_whose_address_went_away_is_not_sent(cast, idea, mailoutbox):
    actions.change_status(idea, to=S.ACCEPTED, by=cast["lee"])
    cast["sam"].email = ""
    cast["sam"].save()
    assert mail.deliver_due() == 0 and mailoutbox == []
    row = OutgoingEmail.objects.get()
    assert (row.status, row.last_error) == (Out.FAILED, "no address")


def test_an_administrator_tries_a_failed_email_again(client, cast, idea, mailoutbox):
    actions.change_status(idea, to=S.ACCEPTED, by=cast["lee"])
    OutgoingEmail.objects.update(status=Out.FAILED, attempts=12, last_error="SMTP was down")
    client.force_login(cast["ada"])
    row = OutgoingEmail.objects.get()
    response = client.post(
        reverse("admin:leanhub_outgoingemail_changelist"),
        {"action": "send_again", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    assert mail.deliver_due() == 1 and [m.to for m in mailoutbox] == [["sam@example.org"]]
