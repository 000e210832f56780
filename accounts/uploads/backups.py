"""Database backups to storage (the private bucket or UPLOAD_PRIVATE_ROOT): PostgreSQL with `pg_dump -Fc`,
SQLite with its online backup API, and a retention policy that keeps the newest dump of each of the last
BACKUP_KEEP_DAILY days."""

import os
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import environ
from django.conf import settings
from django.core.files import File
from django.db import connection
from django.utils import timezone

from .storage import private_storage

PREFIX = "backups"


def _pg_args(db: dict) -> tuple[list[str], dict]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _is_postgres(db: dict) -> bool:
    return db["ENGINE"].endswith("postgresql")


def backup_list() -> list[str]:
    storage = private_storage()
    try:
        _, files = storage.listdir(PREFIX)
    except FileNotFoundError:
        return []
    return sorted(name for name in files if name.startswith("db-"))


def backup_create(*, now=None) -> str:
    """Dump the database to storage, prune old dumps, answer the backup's name."""
    now = now or timezone.now()
    db = connection.settings_dict
    postgres = _is_postgres(db)
    name = f"db-{now:%Y%m%d-%H%M%S}.{'dump' if postgres else 'sqlite3'}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        if postgres:
            args, env = _pg_args(db)
            subprocess.run(["pg_dump", "-Fc", "--no-owner", *args, "-f", str(path), db["NAME"]], env=env,
                           check=True, capture_output=True)
        else:
            if connection.in_atomic_block:
                # SQLite's backup would wait forever on the open write transaction of its own connection.
                raise RuntimeError("backup_db copies committed data: run it outside a transaction.")
            connection.ensure_connection()
            target = sqlite3.connect(path)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        with path.open("rb") as handle:
            private_storage().save(f"{PREFIX}/{name}", File(handle, name=name))
    backup_prune(keep=settings.BACKUP_KEEP_DAILY)
    return name


def backup_prune(*, keep: int) -> list[str]:
    """Keep the newest dump of each of the `keep` most recent days; delete the rest."""
    by_day: dict[str, str] = {}
    for name in backup_list():  # sorted oldest first, so the last of a day wins
        by_day[name[3:11]] = name
    kept = set(sorted(by_day.values())[-keep:]) if keep > 0 else set()
    deleted = [name for name in backup_list() if name not in kept]
    for name in deleted:
        private_storage().delete(f"{PREFIX}/{name}")
    return deleted


def backup_restore(*, name: str, database_url: str = "") -> None:
    """Restore the dump `name` into `database_url` (default: the project's own database)."""
    if name not in backup_list():
        raise FileNotFoundError(f"No backup named {name!r}.")
    db = environ.Env.db_url_config(database_url) if database_url else connection.settings_dict
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with private_storage().open(f"{PREFIX}/{name}", "rb") as source, path.open("wb") as target:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                target.write(chunk)
        if _is_postgres(db):
            if not name.endswith(".dump"):
                raise ValueError("A SQLite backup cannot be restored into PostgreSQL.")
            args, env = _pg_args(db)
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                            "--single-transaction", *args, "-d", db["NAME"], str(path)],
                           env=env, check=True, capture_output=True)
        else:
            if not name.endswith(".sqlite3"):
                raise ValueError("A PostgreSQL dump cannot be restored into SQLite.")
            source = sqlite3.connect(path)
            target = sqlite3.connect(db["NAME"])
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
