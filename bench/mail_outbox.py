"""Benchmark: the e-mail outbox. Writing e-mails for many recipients in one change, and the
worker's delivery rate to a real SMTP server on loopback (aiosmtpd).

Run against a database of its own (it creates data there):

    createdb -h 127.0.0.1 -U postgres leanhub_mail_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/leanhub_mail_bench DEBUG=1 \
        .venv/bin/python bench/mail_outbox.py [--people 500]

Prints the queries one queue() call makes for all the recipients, and e-mails per second for
deliver_due() (rendering both templates, one SMTP connection per run).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanhub.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from leanhub import mail  # noqa: E402
from leanhub.models import OutgoingEmail, User  # noqa: E402
from tests.mail_helpers import SmtpServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=500)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    User.objects.filter(username__startswith="bench-mail-").delete()
    OutgoingEmail.objects.all().delete()
    people = User.objects.bulk_create(
        User(username=f"bench-mail-{n}", email=f"person{n}@example.org", full_name=f"Person {n}")
        for n in range(args.people)
    )
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        mail.queue(
            people,
            kind="idea_updates",
            subject="LeanHub: your idea is now accepted",
            message="Your idea “Pre-fill the claim form” is now accepted.",
            url="/ideas/1/",
        )
    print(f"queue() for {args.people} recipients: {len(queries)} queries")

    smtp = SmtpServer()
    smtp.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    started = time.perf_counter()
    sent = 0
    while True:
        with CaptureQueriesContext(connection) as run_queries:
            n = mail.deliver_due()
        if not n:
            break
        sent += n
        per_email = len(run_queries) / n
    seconds = time.perf_counter() - started
    smtp.stop()
    assert sent == args.people == len(smtp.messages), (sent, len(smtp.messages))
    print(
        f"deliver_due(): {sent} e-mails in {seconds:.2f} s = {sent / seconds:.0f} e-mails/s "
        f"({per_email:.1f} queries per e-mail)"
    )
    User.objects.filter(username__startswith="bench-mail-").delete()


if __name__ == "__main__":
    main()
