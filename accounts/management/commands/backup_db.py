from django.core.management.base import BaseCommand

from accounts.uploads.backups import backup_create


class Command(BaseCommand):
    help = "Dump the database to storage (pg_dump -Fc on PostgreSQL) and prune dumps past the retention."

    def handle(self, *args, **options):
        name = backup_create()
        self.stdout.write(self.style.SUCCESS(f"Backup written: {name}"))
