from django.db import migrations

from marketplace.search import sql

PUBLIC_GIN = [stmt for name, stmt in sql.PROJECT_INDEXES if name == "projects_search_public_gin"]


class Migration(migrations.Migration):

    dependencies = [
        ("marketplace", "0003_search_vector"),
    ]

    operations = [
        # PostgreSQL only: a GIN index over the projects everyone may find (see marketplace.search.sql).
        migrations.RunPython(sql.run_if_postgres(PUBLIC_GIN), sql.drop_if_postgres(["projects_search_public_gin"]),
                             elidable=False),
    ]
