"""API conventions every endpoint relies on: optional trailing slash, pagination, error shape, money as numbers."""

import re

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import resolve
from drf_spectacular.generators import EndpointEnumerator
from rest_framework import exceptions as drf_exceptions

from accounts.models import Role, User
from accounts.tests.factories import FreelancerFactory
from megilance.api import exceptions
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from megilance.api.filters import DjangoFilterBackend, asks_for_filters

pytestmark = pytest.mark.django_db


# --- trailing slash -------------------------------------------------------------------------------------------


def _api_paths() -> list[str]:
    paths = sorted({path for path, *_ in EndpointEnumerator().get_api_endpoints()})
    return [re.sub(r"\{[^}]+\}", "1", p).rstrip("/") for p in paths]


def test_every_api_route_resolves_with_and_without_the_trailing_slash():
    paths = _api_paths()
    assert "/api/auth/login" in paths
    missing = []
    for path in paths:
        bare, slashed = resolve(path), resolve(path + "/")
        if bare.func is exceptions.api_not_found and slashed.func is exceptions.api_not_found:
            continue  # the sample id "1" does not fit this route's pattern
        if bare.func is not slashed.func or exceptions.api_not_found in (bare.func, slashed.func):
            missing.append(path)
    assert not missing, f"served only with or only without the slash: {missing}"


@pytest.mark.parametrize(
    "path", ["/api/users", "/api/users/", "/api/health/live", "/api/health/live/", "/api/schema", "/api/docs/"]
)
def test_get_paths_answer_without_a_redirect(api, path):
    response = api.get(path)

    assert response.status_code == 200, (path, response.status_code)


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/auth/login/"])
def test_a_post_to_login_works_with_or_without_the_slash(api, client_user, password, path):
    response = api.post(path, {"email": client_user.email, "password": password}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["access_token"]


@pytest.mark.parametrize("path", ["/api/auth/me", "/api/auth/me/"])
def test_patch_me_works_with_or_without_the_slash(client_api, path):
    response = client_api.patch(path, {"title": "Buyer"}, format="json")

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("suffix", ["", "/"])
def test_a_user_detail_answers_with_or_without_the_slash(api, freelancer, suffix):
    assert api.get(f"/api/users/{freelancer.pk}{suffix}").status_code == 200


# --- pagination -----------------------------------------------------------------------------------------------


def _people(n):
    User.objects.bulk_create(
        [User(email=f"bulk{i}@example.com", name=f"Bulk {i}", role=Role.CLIENT) for i in range(n)]
    )


def test_lists_use_the_drf_page_shape_with_twenty_by_default(api):
    _people(25)

    body = api.get("/api/users/").json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 25
    assert len(body["results"]) == 20
    assert body["previous"] is None
    assert "page=2" in body["next"]


def test_page_and_page_size_choose_the_page(api):
    _people(7)

    body = api.get("/api/users/?page=2&page_size=3").json()

    assert [u["name"] for u in body["results"]] == ["Bulk 3", "Bulk 4", "Bulk 5"]
    assert "page=3" in body["next"] and "page_size=3" in body["next"]
    assert body["previous"] is not None


def test_page_size_is_capped_at_one_hundred(api):
    _people(105)

    body = api.get("/api/users/?page_size=1000").json()

    assert body["count"] == 105
    assert len(body["results"]) == 100


def test_a_page_past_the_end_answers_404_json(api):
    _people(2)

    response = api.get("/api/users/?page=9")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page_size=abc", "page_size=-1"])
def test_odd_paging_params_never_answer_500(api, query):
    _people(2)

    response = api.get(f"/api/users/?{query}")

    assert response.status_code in (200, 404), response.content


# --- errors ---------------------------------------------------------------------------------------------------


def test_a_validation_error_answers_400_with_detail_code_and_errors(api):
    response = api.post("/api/auth/register", {"email": "nope"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert isinstance(body["detail"], str) and body["detail"]
    assert {"email", "password"} <= set(body["errors"])


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2", b"\xff\xfe", b'"just a string"', b"[]", b"null"])
def test_malformed_or_unexpected_json_answers_400_not_500(api, raw):
    response = api.post("/api/auth/login", raw, content_type="application/json")

    assert response.status_code == 400, response.content
    assert set(response.json()) >= {"detail", "code"}


def test_an_unsupported_content_type_answers_415(api):
    response = api.post("/api/auth/login", b"email=x", content_type="text/csv")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize("path", ["/api/does-not-exist", "/api/does-not-exist/", "/api/users/1/nothing", "/api/"])
def test_an_unknown_api_route_answers_404_json(api, path):
    for method in ("get", "post", "delete"):
        response = getattr(api, method)(path)
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_a_method_the_route_does_not_take_answers_405_json(api):
    response = api.delete("/api/auth/login")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_a_missing_token_answers_401_with_a_bearer_challenge(api):
    response = api.get("/api/auth/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def _handle(exc):
    response = exceptions.exception_handler(exc, {})
    return response.status_code, response.data


@pytest.mark.parametrize(
    "exc,status_code,code",
    [
        (ApplicationError("No."), 400, "invalid"),
        (ApplicationError("Odd.", code="odd", status_code=422), 422, "odd"),
        (Conflict("Already released."), 409, "conflict"),
        (Forbidden("Clients only."), 403, "permission_denied"),
        (NotFound("Gone."), 404, "not_found"),
        (Http404(), 404, "not_found"),
        (DjangoPermissionDenied(), 403, "permission_denied"),
        (drf_exceptions.Throttled(wait=3), 429, "throttled"),
    ],
)
def test_the_handler_maps_every_error_to_detail_and_code(exc, status_code, code):
    got_status, body = _handle(exc)

    assert got_status == status_code
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    assert "errors" not in body


def test_the_handler_keeps_the_field_errors_of_an_application_error():
    _, body = _handle(ApplicationError("Bad role.", code="invalid_role", errors={"role": ["Bad role."]}))

    assert body == {"detail": "Bad role.", "code": "invalid_role", "errors": {"role": ["Bad role."]}}


def test_the_handler_turns_a_django_validation_error_into_400():
    status_code, body = _handle(DjangoValidationError({"amount": ["Must be positive."]}))

    assert status_code == 400
    assert body["code"] == "invalid"
    assert body["errors"] == {"amount": ["Must be positive."]}
    assert body["detail"] == "amount: Must be positive."


def test_the_handler_turns_a_plain_django_validation_error_into_non_field_errors():
    status_code, body = _handle(DjangoValidationError("Dates overlap."))

    assert status_code == 400
    assert body["errors"] == {"non_field_errors": ["Dates overlap."]}
    assert body["detail"] == "Dates overlap."


def test_the_handler_leaves_unknown_exceptions_to_django():
    assert exceptions.exception_handler(RuntimeError("boom"), {}) is None


# --- money as numbers -----------------------------------------------------------------------------------------


def test_decimals_are_json_numbers_not_strings(api):
    person = FreelancerFactory(hourly_rate="65.50")

    response = api.get(f"/api/users/{person.pk}")

    assert b'"hourly_rate":65.5' in response.content
    assert response.json()["hourly_rate"] == 65.5


# List filtering: no filter form for a request that only pages -----------------------------------------------


@pytest.mark.parametrize(("params", "asks"), [
    ({}, False), ({"page": "2", "page_size": "50"}, False), ({"cursor": ""}, False), ({"format": "json"}, False),
    ({"status": "active"}, True), ({"page": "1", "ordering": "-created_at"}, True), ({"unknown": "1"}, True),
])
def test_only_paging_parameters_ask_for_no_filter(params, asks):
    assert asks_for_filters(params) is asks


def test_the_filter_backend_skips_the_form_only_when_nothing_is_asked(monkeypatch):
    from django_filters import rest_framework as filters

    calls = []
    monkeypatch.setattr(filters.DjangoFilterBackend, "filter_queryset",
                        lambda self, request, queryset, view: calls.append(dict(request.query_params)) or "filtered")
    request = type("Request", (), {})()
    request.query_params = {"page": "3"}
    assert DjangoFilterBackend().filter_queryset(request, "rows", view=None) == "rows"
    request.query_params = {"page": "3", "status": "active"}
    assert DjangoFilterBackend().filter_queryset(request, "rows", view=None) == "filtered"
    assert calls == [{"page": "3", "status": "active"}]


@pytest.mark.django_db
def test_a_bad_filter_value_still_answers_400(freelancer_api):
    response = freelancer_api.get("/api/contracts/?status=nonsense&page_size=5")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


# --- routing: each app's API routes are tried only for paths they can match ------------------------------------


def test_an_apps_routes_are_skipped_at_once_for_paths_they_cannot_match():
    from django.urls import get_resolver

    from megilance.api.routers import _StartsWithPattern

    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/")
    guarded = {p.urlconf_name.__name__: p.pattern.heads for p in api.url_patterns
               if isinstance(p.pattern, _StartsWithPattern)}
    assert set(guarded) == {"accounts.api.urls", "accounts.uploads.api.urls", "marketplace.api.urls",
                            "billing.api.urls", "support.api.urls", "engagement.api.urls"}
    assert "notifications" in guarded["engagement.api.urls"]
    assert "projects" in guarded["marketplace.api.urls"] and "projects" in guarded["engagement.api.urls"]
    # The schema and reversing see the plain include they always saw.
    assert all(str(p.pattern) == "" for p in api.url_patterns if isinstance(p.pattern, _StartsWithPattern))

    assert resolve("/api/notifications/").url_name == "notification-list"
    assert resolve("/api/projects/4/views").url_name == "project-views"  # marketplace first, then engagement
    assert resolve("/api/notificationsx/").func is exceptions.api_not_found


def test_route_heads_are_read_off_the_routes_and_an_open_route_keeps_the_include_as_it_is():
    from django.urls import include, path, re_path

    from megilance.api.routers import _heads, _literal_head, routed_include

    def view(request):
        return None

    assert _literal_head(re_path(r"^items?/(?P<pk>\d+)$", view)) == "item"  # "s" may be missing
    assert _literal_head(re_path(r"^me\.(?P<format>json)$", view)) == "me"
    assert _literal_head(path("time-entries/<int:pk>/", view)) == "time-entries"
    assert _literal_head(re_path(r"^(?:a|b)/$", view)) == ""
    assert _heads([re_path(r"^x/$", view), re_path("", include([path("y/", view)]))]) == {"x", "y"}
    assert _heads([re_path(r"^x/$", view), re_path(r"^.*$", view)]) is None

    plain = routed_include("megilance.tests.open_routes")
    assert type(plain.pattern).__name__ == "RegexPattern"
