from django.urls import URLResolver, include, re_path
from django.urls.resolvers import RegexPattern, RoutePattern
from rest_framework.routers import DefaultRouter, SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    """Serves every route with and without the trailing slash, with no redirect (a redirect loses a POST body)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trailing_slash = "/?"


class OptionalSlashDefaultRouter(DefaultRouter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trailing_slash = "/?"


_REGEX_SPECIAL = set("/\\.^$*+?{}[]()|")
_QUANTIFIERS = set("*+?{")


def _literal_head(pattern) -> str | None:
    """The text every path this pattern matches starts with, up to its first "/" or special character (an empty
    string when there is none), or None when that cannot be read off the pattern."""
    text = str(pattern.pattern)
    if isinstance(pattern.pattern, RegexPattern):
        text = text.removeprefix("^")
        head = []
        for char in text:
            if char in _REGEX_SPECIAL:
                if char in _QUANTIFIERS and head:
                    head.pop()  # the character before a quantifier may be missing from the path
                break
            head.append(char)
        return "".join(head)
    if isinstance(pattern.pattern, RoutePattern):
        return text.split("/", 1)[0].split("<", 1)[0]
    return None


def _heads(patterns) -> set[str] | None:
    """The first-segment texts of these patterns (descending into includes without a prefix); None when one of
    them can start with anything."""
    heads = set()
    for pattern in patterns:
        head = _literal_head(pattern)
        if head:
            heads.add(head)
            continue
        unprefixed = isinstance(pattern, URLResolver) and str(pattern.pattern).removeprefix("^") == ""
        inner = _heads(pattern.url_patterns) if unprefixed else None
        if inner is None:
            return None
        heads |= inner
    return heads


class _StartsWithPattern(RegexPattern):
    """The empty pattern of `re_path("", include(...))` (so reversing and the schema see what they always saw),
    which declines at once a path that starts with none of `heads`."""

    def __init__(self, heads):
        super().__init__("", is_endpoint=False)
        self.heads = tuple(sorted(heads))

    def match(self, path):
        if not path.startswith(self.heads):
            return None
        return super().match(path)


def routed_include(module: str) -> URLResolver:
    """`re_path("", include(module))` for a module of API routes, which passes over a path that starts with none
    of the texts its routes start with (read off the routes themselves) with one test, instead of trying each of
    its routes in turn (and collecting them all for a "not found"). Which view a path reaches does not change. A
    module with a route that can start with anything is included as it is."""
    resolver = re_path("", include(module))
    heads = _heads(resolver.url_patterns)
    if not heads:
        return resolver
    return URLResolver(_StartsWithPattern(heads), resolver.urlconf_name, app_name=resolver.app_name,
                       namespace=resolver.namespace)
