from django.db import migrations

from marketplace.search import sql


def drop_table(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS search_words")


class Migration(migrations.Migration):
    """The known title words for "did you mean" (marketplace.search.sql), on PostgreSQL only, filled from the
    public projects there are."""

    dependencies = [("marketplace", "0009_proposal_client")]

    operations = [
        migrations.RunPython(
            sql.run_if_postgres([*sql.EXTENSIONS, *sql.SEARCH_WORDS_TABLE, *sql.REBUILD_SEARCH_WORDS]),
            drop_table,
            elidable=False,
        ),
    ]
