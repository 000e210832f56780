from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.response import Response

from megilance.queries import planner_estimate, rows_in_order


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF page-number pagination: {count, next, previous, results}, `page` and `page_size` (max 100)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return super().get_paginated_response_schema(schema)


# --- big lists: estimated counts and keyset paging (API.md "Counts") ------------------------------------------

EXACT_COUNT_LIMIT = 10_000


class IdsFirstPaginator(Paginator):
    """Reads a page in two steps: the page's ids alone (the WHERE and ORDER BY over one table, which the indexes
    answer), then those rows with their joins. One query in one step would let PostgreSQL join every matching row
    before sorting and cutting the page, which costs thousands of lookups on a long list."""

    # A page starting before this row of a list in this order is read in one query: an index yields the rows in
    # that order, so PostgreSQL joins only the rows it returns (and the few it skips). None: always two steps.
    one_query_order: tuple | None = None
    one_query_before = 1_000

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if (self.one_query_order is not None and bottom < self.one_query_before
                and self._ordering() == self.one_query_order):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(rows_in_order(self.object_list, ids, ids_read_through_it=True), number, self)

    def _ordering(self) -> tuple:
        query = self.object_list.query
        if query.order_by:
            return tuple(query.order_by)
        return tuple(self.object_list.model._meta.ordering) if query.default_ordering else ()


class IdsFirstPagination(PageNumberPagination):
    """Page numbers and an exact count, with the page's ids read before its rows (long per-user lists)."""

    django_paginator_class = IdsFirstPaginator


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to 10,000 rows (a bounded `COUNT(*)` over at most 10,001 rows); above that, PostgreSQL's
    planner estimate for the same query stands in for the count, so a page of a list with millions of rows never
    scans them all just to print a number. SQLite (local runs) always counts exactly."""

    is_estimate = False
    # For a list most visitors see whole (the public projects): when the planner expects more rows than this,
    # its estimate answers at once and nothing is counted. Five times the exact limit leaves room for a poor
    # estimate, as search does.
    estimate_first_above: int | None = None
    # An estimate is a rough number already: the same list asked again within a minute reuses it.
    estimate_cache_seconds = 60

    @cached_property
    def count(self):
        postgresql = connection.vendor == "postgresql"
        estimate = None
        if self.estimate_first_above is not None and postgresql:
            estimate = planner_estimate(self.object_list, cache_seconds=self.estimate_cache_seconds)
            if estimate > self.estimate_first_above:
                self.is_estimate = True
                return estimate
        # The first 10,001 rows in any order are as many as in the list's order: no ORDER BY in the count.
        capped = self.object_list.order_by()[: EXACT_COUNT_LIMIT + 1].count()
        if capped <= EXACT_COUNT_LIMIT or not postgresql:
            return capped if capped <= EXACT_COUNT_LIMIT else self.object_list.count()
        self.is_estimate = True
        if estimate is None:
            estimate = planner_estimate(self.object_list, cache_seconds=self.estimate_cache_seconds)
        return max(estimate, capped)


class IdsFirstEstimatedCountPaginator(IdsFirstPaginator, EstimatedCountPaginator):
    """The estimated count, and the page's ids before its rows: for big lists whose rows carry joins."""


class PublicListPaginator(IdsFirstEstimatedCountPaginator):
    """A list everyone browses whole (projects): the planner's estimate first, the page's ids before its rows."""

    estimate_first_above = 5 * EXACT_COUNT_LIMIT
    one_query_order = ("-created_at", "-id")  # the newest-first index of projects


class NewestFirstKeysetPagination(pagination.CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class LargeListPagination(PageNumberPagination):
    """For the big lists: page numbers with `count` exact up to 10,000 and estimated above it
    (`count_is_estimate`), or `?cursor=` (empty to start, then follow `next`) for keyset paging, newest first,
    so that a deep page costs what the first one does. The queryset must be orderable by (-created_at, -id)."""

    django_paginator_class = EstimatedCountPaginator
    cursor_class = NewestFirstKeysetPagination

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor_paginator = self.cursor_class() if "cursor" in request.query_params else None
        if self.cursor_paginator is not None:
            return self.cursor_paginator.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.cursor_paginator is not None:
            return self.cursor_paginator.get_paginated_response(data)
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = self.page.paginator.is_estimate
        return response

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["count_is_estimate"] = {"type": "boolean"}
        result["required"] = ["results"]
        return result

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {"name": "cursor", "required": False, "in": "query", "schema": {"type": "string"},
             "description": "Keyset paging, newest first: pass it empty to start, then follow `next`."},
        ]


class JoinedLargeListPagination(LargeListPagination):
    """LargeListPagination for lists whose rows carry joins (projects, messages): page ids first, then rows."""

    django_paginator_class = IdsFirstEstimatedCountPaginator
