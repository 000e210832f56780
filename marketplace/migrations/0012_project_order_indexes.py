from django.db import migrations

from marketplace.search import sql

# The project list's other orders (marketplace.filters.PROJECT_ORDERINGS), walked in order like the newest-first
# index instead of sorting every open project. Expression indexes with NULLS LAST: PostgreSQL only.
ORDER_INDEXES = [
    ("projects_budget_high_idx",
     "CREATE INDEX IF NOT EXISTS projects_budget_high_idx ON projects (budget_max DESC NULLS LAST, id DESC)"),
    ("projects_budget_low_idx",
     "CREATE INDEX IF NOT EXISTS projects_budget_low_idx ON projects (budget_min ASC NULLS LAST, id DESC)"),
    ("projects_deadline_idx",
     "CREATE INDEX IF NOT EXISTS projects_deadline_idx ON projects (deadline ASC NULLS LAST, id DESC)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0011_proposal_freelancer_bids_index"),
    ]

    operations = [
        migrations.RunPython(
            sql.run_if_postgres([statement for _, statement in ORDER_INDEXES]),
            sql.drop_if_postgres([name for name, _ in ORDER_INDEXES]),
            elidable=False,
        ),
    ]
