"""Keeping the stored search vectors current.

Projects: `search_index_project` runs when a project is published or updated (its skills and tags are set by
then, since services send those events last) and, as a fallback for saves outside the services, after any save
of a project row. Users: after a save touching the profile text, and whenever a freelancer's skills change.
On SQLite nothing is stored: the simple backend matches the columns directly.
"""

from collections.abc import Iterable

from django.db import connection

from . import sql


def _enabled() -> bool:
    return connection.vendor == "postgresql"


def search_index_project(project_id: int) -> None:
    search_index_projects([project_id])


def search_index_projects(project_ids: Iterable[int]) -> None:
    ids = [int(pk) for pk in project_ids if pk]
    if not ids or not _enabled():
        return
    with connection.cursor() as cursor:
        cursor.execute(sql.INDEX_PROJECTS, [ids])
        cursor.execute(sql.ADD_SEARCH_WORDS, [ids])


def search_index_user(user_id: int) -> None:
    search_index_users([user_id])


def search_index_users(user_ids: Iterable[int]) -> None:
    ids = [int(pk) for pk in user_ids if pk]
    if not ids or not _enabled():
        return
    with connection.cursor() as cursor:
        cursor.execute(sql.INDEX_USERS, [ids])


def search_reindex_all() -> None:
    """Rebuild every vector (after a bulk load, or a change of the weighting)."""
    if not _enabled():
        return
    with connection.cursor() as cursor:
        cursor.execute(sql.INDEX_ALL_PROJECTS)
        cursor.execute(sql.INDEX_ALL_USERS)
    search_words_rebuild()


def search_words_rebuild() -> None:
    """Recount the known title words from every public project (the "did you mean" table)."""
    if not _enabled():
        return
    with connection.cursor() as cursor:
        for statement in sql.REBUILD_SEARCH_WORDS:
            cursor.execute(statement)
