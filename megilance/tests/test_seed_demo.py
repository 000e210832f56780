"""`manage.py seed_demo`: the demo people, safe to run twice, refused on a production-like setup."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from accounts.models import Role, User

pytestmark = pytest.mark.django_db

CLIENTS = ["client1@example.com", "client2@example.com", "client3@example.com", "sarah.client@example.com"]
FREELANCERS = [f"freelancer{i}@example.com" for i in range(1, 6)]


def _seed(**kwargs):
    out = StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        _seed()

    assert not User.objects.exists()


def test_seed_demo_runs_with_debug_on(settings):
    settings.DEBUG = True

    assert "Demo data ready" in _seed()
    assert User.objects.filter(email="client1@example.com").exists()


def test_seed_demo_creates_the_admin_as_a_superuser():
    _seed(force=True)

    admin = User.objects.get(email="admin@megilance.com")
    assert admin.is_superuser and admin.is_staff and admin.is_active
    assert admin.role == Role.ADMIN
    assert admin.check_password("admin123")
    assert admin.email_verified


def test_seed_demo_creates_the_clients_and_freelancers_with_believable_profiles():
    _seed(force=True)

    for email in CLIENTS:
        user = User.objects.get(email=email)
        assert user.role == Role.CLIENT and not user.is_staff
        assert user.check_password("password123")
        assert user.name and user.bio and user.location
    for email in FREELANCERS:
        user = User.objects.get(email=email)
        assert user.role == Role.FREELANCER and not user.is_staff
        assert user.check_password("password123")
        assert user.name and user.title and user.bio and user.hourly_rate > 0
        assert user.user_skills.count() >= 3


def test_seed_demo_is_idempotent():
    _seed(force=True)
    first = _row_counts()

    _seed(force=True)

    assert _row_counts() == first


def test_seed_demo_restores_a_demo_profile_that_was_edited():
    _seed(force=True)
    User.objects.filter(email="freelancer1@example.com").update(title="Changed", role=Role.CLIENT)

    _seed(force=True)

    user = User.objects.get(email="freelancer1@example.com")
    assert user.role == Role.FREELANCER and user.title != "Changed"


def test_every_demo_account_can_log_in_through_the_api(api):
    _seed(force=True)
    accounts = [("admin@megilance.com", "admin123"), *[(email, "password123") for email in CLIENTS + FREELANCERS]]

    for email, password in accounts:
        response = api.post("/api/auth/login", {"email": email, "password": password}, format="json")
        assert response.status_code == 200, (email, response.content)
        assert response.json()["access_token"]
        assert response.json()["user"]["email"] == email


def test_demo_freelancers_are_public_with_their_skills(api):
    _seed(force=True)

    listing = api.get("/api/users/?role=freelancer&page_size=100").json()

    assert listing["count"] == len(FREELANCERS)
    assert all(person["skills"] for person in listing["results"])
    assert all(person["email"] is None for person in listing["results"])
