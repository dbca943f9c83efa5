from django.core.management.base import BaseCommand

from metrics import pulses


class Command(BaseCommand):
    help = (
        "Give each staff pulse's measure the mean of every finished week with at least five "
        "answers (run daily; running it again changes nothing)."
    )

    def handle(self, *args, **options) -> None:
        written = pulses.close_weeks()
        self.stdout.write(f"Staff pulse weeks closed: {written}")
