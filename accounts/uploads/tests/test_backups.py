"""backup_db / restore_db: dumps to storage with a retention policy, restored into a scratch database."""

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from accounts.tests.factories import ClientFactory
from accounts.uploads import backups
from accounts.uploads.models import UploadedFile

TABLES = ["users", "uploaded_files", "audit_logs"]


def _counts(cursor) -> dict[str, int]:
    result = {}
    for table in TABLES:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        result[table] = cursor.fetchone()[0]
    return result


def _rows(db):
    owner = ClientFactory()
    ClientFactory()
    UploadedFile.objects.create(owner=owner, kind="project_file", status="clean", object_key="k/1", size=1)


# The SQLite path exists only on SQLite runs (CI runs PostgreSQL and allows no skipped test).
if not settings.IS_POSTGRES:
    # A backup copies committed data: the test commits its rows like the application would.
    @pytest.mark.django_db(transaction=True)
    def test_sqlite_backup_restores_into_a_scratch_file(tmp_path):
        _rows(None)
        with connection.cursor() as cursor:
            expected = _counts(cursor)

        call_command("backup_db")
        [name] = backups.backup_list()
        target = tmp_path / "scratch.sqlite3"
        call_command("restore_db", name, database_url=f"sqlite:///{target}")

        restored = sqlite3.connect(target)
        try:
            assert _counts(restored.cursor()) == expected
        finally:
            restored.close()


@pytest.mark.django_db(transaction=True)
def test_retention_keeps_the_newest_dump_of_each_recent_day(settings):
    settings.BACKUP_KEEP_DAILY = 2
    start = datetime(2026, 3, 1, 2, 15, tzinfo=UTC)
    for days, hour in [(0, 2), (1, 2), (1, 14), (2, 2), (3, 2)]:
        backups.backup_create(now=start + timedelta(days=days, hours=hour - 2))

    names = backups.backup_list()

    assert [name[3:18] for name in names] == ["20260303-021500", "20260304-021500"]


@pytest.mark.django_db
def test_restore_of_an_unknown_backup_is_an_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No backup"):
        call_command("restore_db", "db-19990101-000000.dump", database_url="sqlite:////tmp/none.sqlite3")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_into_a_scratch_database_with_the_same_row_counts():
    import psycopg

    _rows(None)
    with connection.cursor() as cursor:
        expected = _counts(cursor)
    db = connection.settings_dict
    scratch = f"megilance_restore_{uuid.uuid4().hex[:8]}"
    dsn = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None,
               "password": db["PASSWORD"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        call_command("backup_db")
        [name] = backups.backup_list()
        assert name.endswith(".dump")
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
        call_command("restore_db", name,
                     database_url=f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{scratch}")
        with psycopg.connect(dbname=scratch, **dsn) as restored:
            assert _counts(restored.cursor()) == expected
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
