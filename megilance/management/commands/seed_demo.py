from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from megilance import seeding
from megilance.progress import ProgressBar


class Command(BaseCommand):
    help = "Create (or bring up to date) the MegiLance demo data. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG=False.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to seed demo data with DEBUG=False. Pass --force if you mean it.")
        for layer, seeder in seeding.seeders():
            label = f"{layer}: {seeder.__name__.removeprefix('seed_')}"
            # Each seeder says how many steps it takes (`steps`) and advances the bar as it goes.
            with ProgressBar(getattr(seeder, "steps", 1), label, stream=self.stdout) as bar, transaction.atomic():
                seeder(bar)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in as client1@example.com / password123."))
