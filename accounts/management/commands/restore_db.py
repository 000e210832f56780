import subprocess

from django.core.management.base import BaseCommand, CommandError

from accounts.uploads.backups import backup_list, backup_restore


class Command(BaseCommand):
    help = "Restore a backup made by backup_db. Without --database-url it replaces the project's own database."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="backup name, e.g. db-20260101-021500.dump (omit to list)")
        parser.add_argument("--database-url", default="", help="restore into this database instead")
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the project's database")

    def handle(self, *args, name=None, database_url="", yes=False, **options):
        if not name:
            for backup in backup_list():
                self.stdout.write(backup)
            return
        if not database_url and not yes:
            answer = input(f"Replace the project's database with {name}? Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            backup_restore(name=name, database_url=database_url)
        except (FileNotFoundError, ValueError) as error:
            raise CommandError(str(error)) from error
        except subprocess.CalledProcessError as error:
            raise CommandError(f"Restore failed: {error.stderr.decode(errors='replace')[-2000:]}") from error
        self.stdout.write(self.style.SUCCESS(f"Restored {name}"))
