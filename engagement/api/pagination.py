"""Page numbers by default; `cursor` switches to keyset paging for the big lists (messages, notifications), so that
a deep page costs what the first one does."""

from rest_framework.pagination import CursorPagination

from megilance.api.pagination import LargeListPagination


class NewestFirstCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class PageOrCursorPagination(LargeListPagination):
    def __init__(self):
        self._cursor = None

    def paginate_queryset(self, queryset, request, view=None):
        if "cursor" in request.query_params:
            self._cursor = NewestFirstCursorPagination()
            return self._cursor.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self._cursor is not None:
            return self._cursor.get_paginated_response(data)
        return super().get_paginated_response(data)

    # The `cursor` query parameter is documented by LargeListPagination.
