"""List filtering through django-filter, without building a filter form for a request that asks for no filter."""

from django_filters import rest_framework as filters

# Query parameters that page or format a list and never filter it.
PAGING_PARAMETERS = frozenset({"page", "page_size", "cursor", "format"})


def asks_for_filters(query_params) -> bool:
    """Whether the request names anything besides paging: only then can a filter set change the rows (an empty
    form applies none of its filters)."""
    return any(name not in PAGING_PARAMETERS for name in query_params)


class DjangoFilterBackend(filters.DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if not asks_for_filters(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)
