"""Recount the known words of public project titles that search uses to correct typos ("did you mean")."""

import time

from django.core.management.base import BaseCommand
from django.db import connection

from marketplace.search.indexing import search_words_rebuild


class Command(BaseCommand):
    help = "Rebuild the table of known title words used to correct typos in project searches (PostgreSQL)."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Typo correction needs PostgreSQL; nothing to do on this database.")
            return
        self.stdout.write("Counting the words of public project titles...")
        started = time.monotonic()
        search_words_rebuild()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_words")
            words = cursor.fetchone()[0]
        self.stdout.write(self.style.SUCCESS(f"{words} known words in {time.monotonic() - started:.1f}s."))
