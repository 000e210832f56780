"""Two query helpers the big lists and search share."""

import json

from django.db import connection
from django.db.models import QuerySet


def planner_estimate(queryset: QuerySet) -> int:
    """How many rows PostgreSQL's planner expects `queryset` to return: planning only, no row is read."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def rows_in_order(queryset: QuerySet, ids: list) -> list:
    """The rows of `queryset` with these ids, in the order of `ids` (ids it does not hold are left out): the
    second step of reading a page's ids first and then only those rows with their joins."""
    if not ids:
        return []
    by_id = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
    return [by_id[pk] for pk in ids if pk in by_id]
