"""Query helpers the big lists and search share."""

import hashlib
import json

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.lookups import In
from django.db.models.sql.where import WhereNode


def planner_estimate(queryset: QuerySet, *, cache_seconds: int = 0) -> int:
    """How many rows PostgreSQL's planner expects `queryset` to return: planning only, no row is read. With
    `cache_seconds`, the same query (SQL and parameters) reuses its estimate for that long: planning a list's
    query can cost more than reading its page."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (`.none()`, an empty `IN`): no SQL at all
        return 0
    key = None
    if cache_seconds:
        text = repr((connection.settings_dict["NAME"], sql, params))
        key = f"planner-estimate:{hashlib.sha256(text.encode()).hexdigest()}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    rows = int(plan[0]["Plan"]["Plan Rows"])
    if key is not None:
        cache.set(key, rows, cache_seconds)
    return rows


def rows_in_order(queryset: QuerySet, ids: list, *, ids_read_through_it: bool = False) -> list:
    """The rows of `queryset` with these ids, in the order of `ids` (ids it does not hold are left out): the
    second step of reading a page's ids first and then only those rows with their joins. With
    `ids_read_through_it`, the ids were just read through this queryset's own filters, so the rows are looked up
    by id alone (its joins, columns and annotations stay): a visibility rule is not worked out twice."""
    if not ids:
        return []
    rows = queryset.order_by()
    if ids_read_through_it:
        rows.query.where = WhereNode()
    key = queryset.model._meta.pk.attname
    by_id = {row_values(row)[key]: row for row in rows.filter(AnyOf(F("pk"), ids))}  # instances or `.values()`
    return [by_id[pk] for pk in ids if pk in by_id]


def row_values(row) -> dict:
    """What a list row holds by name: a row read as a dictionary (`.values()`) is that dictionary; a model
    instance, its attributes (columns by attname, and annotations)."""
    return row if type(row) is dict else row.__dict__


def without_joined(queryset: QuerySet, *relations: str) -> QuerySet:
    """`queryset` with these relations no longer joined by `select_related` (its other joins stay): for a list
    that reads what it shows of them as annotations instead."""
    joined = queryset.query.select_related
    if not isinstance(joined, dict) or not any(name in joined for name in relations):
        return queryset
    kept = [name for name in joined if name not in relations]
    return queryset.select_related(None).select_related(*kept) if kept else queryset.select_related(None)


class AnyOf(In):
    """`pk__in=ids` that PostgreSQL receives as `pk = ANY(%s)` with one array: the statement's text stays the same
    for every page, so the driver parses it once (it parses a statement with more than 50 parameters again on
    every call). Other databases get the plain `IN (...)`. Use it as an expression: `.filter(AnyOf(F("pk"), ids))`."""

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql" or not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        return f"{lhs} = ANY(%s)", (*lhs_params, [field.get_db_prep_value(value, connection, prepared=True)
                                                   for value in values])


def any_of(column: str, values) -> tuple[str, list]:
    """`column` is one of `values`, for a hand-written statement: `(sql, params)`. PostgreSQL gets one array
    parameter (`column = ANY(%s)`): the statement's text is the same for every page, so the driver parses it once
    and reuses it, where a list of 100 placeholders is parsed again on every request. Other databases get
    `column IN (%s, ...)`."""
    values = list(values)
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values
