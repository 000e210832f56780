from django.db import migrations

from marketplace.search import sql


class Migration(migrations.Migration):
    """The freelancer search indexes and the backfill of users.search_vector, on PostgreSQL only. They live here
    rather than in accounts, which does not depend on the marketplace; IF NOT EXISTS keeps databases that got
    them from an earlier version of accounts 0003 as they are."""

    dependencies = [
        ("marketplace", "0006_search_statistics_recent"),
        ("accounts", "0003_search_vector"),
    ]

    operations = [
        migrations.RunPython(
            sql.run_if_postgres([*sql.EXTENSIONS, *(stmt for _, stmt in sql.USER_INDEXES), sql.INDEX_ALL_USERS]),
            sql.drop_if_postgres([name for name, _ in sql.USER_INDEXES]),
            elidable=False,
        ),
    ]
