"""The OpenAPI schema and Swagger UI: served, valid, warning-free and without third-party assets."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db

FOUNDATION_PATHS = [
    "/api/auth/register/", "/api/auth/login/", "/api/auth/refresh/", "/api/auth/logout/", "/api/auth/me/",
    "/api/users/", "/api/users/{id}/", "/api/health/live/", "/api/health/ready/",
]


def test_the_schema_is_served_as_openapi_3(api):
    response = api.get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "MegiLance API"
    for path in FOUNDATION_PATHS:
        assert path in schema["paths"], path


def test_the_schema_is_served_without_the_slash_too(api):
    response = api.get("/api/schema")

    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_the_schema_documents_the_bearer_scheme_and_the_login_shape(api):
    schema = api.get("/api/schema/?format=json").json()

    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT"
    }
    login = schema["paths"]["/api/auth/login/"]["post"]
    assert {"200", "400", "401"} <= set(login["responses"])
    ref = login["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    props = schema["components"]["schemas"][ref]["properties"]
    assert {"access_token", "refresh_token", "token_type", "user", "requires_2fa"} <= set(props)


def test_money_is_typed_as_a_number_in_the_schema(api):
    schema = api.get("/api/schema/?format=json").json()

    rate = schema["components"]["schemas"]["UserPublic"]["properties"]["hourly_rate"]
    assert rate["type"] == "number"


def test_the_schema_validates_with_no_warnings(tmp_path):
    # --validate checks the document against the OpenAPI 3 JSON schema; --fail-on-warn turns any
    # drf-spectacular warning (an untyped field, a view it cannot introspect) into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3.")


@pytest.mark.parametrize("path", ["/api/docs/", "/api/docs"])
def test_swagger_ui_is_served_with_local_assets_only(api, path):
    response = api.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    for cdn in ("cdn.", "jsdelivr", "unpkg", "cdnjs", "googleapis"):
        assert cdn not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "Swagger UI references no assets"
    # Its start-up script comes from the docs URL itself (?script), so the page needs no inline script.
    own_script = [url for url in assets if url.startswith("/api/docs") and url.endswith("?script=")]
    assert len(own_script) == 1 and api.get(own_script[0]).status_code == 200
    for url in assets:
        if url in own_script:
            continue
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not shipped with the project"
