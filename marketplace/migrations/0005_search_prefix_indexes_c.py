from django.db import migrations

from marketplace.search import sql

PREFIX = [stmt for name, stmt in (*sql.PROJECT_INDEXES, *sql.USER_INDEXES) if name.endswith("_prefix_c")]


class Migration(migrations.Migration):
    """Autocomplete's "starts with" indexes move to lower(...) in the "C" collation, which also gives the order,
    so a common prefix no longer sorts every match (PostgreSQL only)."""

    dependencies = [
        ("marketplace", "0004_project_search_public_gin"),
        ("accounts", "0003_search_vector"),
    ]

    operations = [
        migrations.RunPython(
            sql.run_if_postgres([*(f"DROP INDEX IF EXISTS {name}" for name in sql.OLD_PREFIX_INDEXES), *PREFIX]),
            migrations.RunPython.noop,
            elidable=False,
        ),
    ]
