"""Shared people and helpers for every test: alice the client, bob the freelancer, charlie the outsider,
and a staff member with no groups (sees the admin, may not act)."""

import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.tests.factories import DEFAULT_PASSWORD, ClientFactory, FreelancerFactory, StaffFactory

IN_CI = bool(os.environ.get("CI"))


def skip_or_fail(reason: str) -> None:
    """Locally a test may skip when a service is missing; in CI every such skip is an error."""
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so a missing service is an error)", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and not settings.IS_POSTGRES:
        skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        skip_or_fail("needs Redis: set REDIS_URL=redis://...")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles, lockouts and cached counters must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _celery_may_wait_for_results():
    """Celery keeps one process-wide flag that forbids `result.get()` once worker machinery has run in the process.
    Tests share processes under xdist, so each test starts with the flag off, as a fresh process would."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def client_user(db):
    return ClientFactory(email="alice@example.com", name="Alice Client")


@pytest.fixture
def freelancer(db):
    return FreelancerFactory(email="bob@example.com", name="Bob Freelancer")


@pytest.fixture
def outsider(db):
    """Another client who has nothing to do with the objects under test."""
    return ClientFactory(email="charlie@example.com", name="Charlie Outsider")


@pytest.fixture
def other_freelancer(db):
    return FreelancerFactory(email="dana@example.com", name="Dana Freelancer")


@pytest.fixture
def staff_user(db):
    """A staff member in no group: sees the admin but has no permissions."""
    return StaffFactory(email="staff@example.com", name="Sam Staff")


@pytest.fixture
def superuser(db):
    return StaffFactory(email="root@example.com", name="Root Admin", is_superuser=True)


@pytest.fixture
def api():
    return APIClient()


def _login(api_client: APIClient, user) -> APIClient:
    """Authenticate through the real login endpoint, as a client app would."""
    response = api_client.post("/api/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD},
                               format="json")
    assert response.status_code == 200, response.content
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}")
    api_client.tokens = response.json()
    return api_client


@pytest.fixture
def api_as():
    """api_as(user) -> an APIClient signed in as that user with a real JWT."""
    return lambda user: _login(APIClient(), user)


@pytest.fixture
def client_api(client_user, api_as):
    return api_as(client_user)


@pytest.fixture
def freelancer_api(freelancer, api_as):
    return api_as(freelancer)


@pytest.fixture
def outsider_api(outsider, api_as):
    return api_as(outsider)


@pytest.fixture
def staff_api(staff_user, api_as):
    return api_as(staff_user)
