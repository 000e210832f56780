from django.db import migrations

from marketplace.search import sql


class Migration(migrations.Migration):
    """PostgreSQL only: finer statistics on the search vectors and a newest-first index over public open projects
    (see marketplace.search.sql)."""

    dependencies = [
        ("marketplace", "0005_search_prefix_indexes_c"),
    ]

    operations = [
        migrations.RunPython(
            sql.run_if_postgres([*sql.STATISTICS, sql.PROJECT_RECENT_INDEX[1]]),
            sql.drop_if_postgres([sql.PROJECT_RECENT_INDEX[0]]),
            elidable=False,
        ),
    ]
