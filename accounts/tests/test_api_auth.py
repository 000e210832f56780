"""The auth endpoints of API.md: register, login, refresh, logout and /api/auth/me."""

import pytest
from allauth.account.models import EmailAddress

from accounts.models import AuditLog, Role, SessionKind, User, UserSession
from accounts.tests.factories import ClientFactory, SkillFactory

pytestmark = pytest.mark.django_db

LOGIN_KEYS = {"access_token", "refresh_token", "token_type", "user", "requires_2fa"}
USER_KEYS = {
    "id", "email", "name", "role", "user_type", "bio", "title", "hourly_rate", "location", "timezone",
    "profile_image_url", "is_verified", "email_verified", "skills", "joined_at",
}


def _register(api, **overrides):
    payload = {"email": "new.person@example.com", "password": "a-Long-pass-phrase-9", "name": "New Person",
               "role": "freelancer", **overrides}
    return api.post("/api/auth/register", payload, format="json")


def _login(api, email, password):
    return api.post("/api/auth/login", {"email": email, "password": password}, format="json")


def _assert_error(response, status_code):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    return body


# --- register -------------------------------------------------------------------------------------------------


def test_register_creates_the_user_and_answers_201_with_the_user_object(api):
    response = _register(api)

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= USER_KEYS
    assert body["email"] == "new.person@example.com"
    assert body["name"] == "New Person"
    assert body["role"] == body["user_type"] == "freelancer"
    assert body["email_verified"] is False
    assert "password" not in body
    user = User.objects.get(email="new.person@example.com")
    assert user.check_password("a-Long-pass-phrase-9")
    assert user.is_staff is False and user.is_superuser is False
    assert EmailAddress.objects.filter(user=user, primary=True, verified=False).exists()


def test_register_lowercases_the_email(api):
    response = _register(api, email="Mixed.Case@Example.COM")

    assert response.status_code == 201, response.content
    assert response.json()["email"] == "mixed.case@example.com"


def test_register_accepts_full_name_and_user_type_aliases_of_old_clients(api):
    response = api.post(
        "/api/auth/register",
        {"email": "old.client@example.com", "password": "a-Long-pass-phrase-9", "full_name": "Old Client",
         "user_type": "client"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Old Client"
    assert response.json()["role"] == "client"


def test_register_without_a_role_makes_a_client(api):
    payload = {"email": "plain@example.com", "password": "a-Long-pass-phrase-9", "name": "Plain Person"}

    response = api.post("/api/auth/register", payload, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["role"] == "client"


def test_register_role_is_case_insensitive(api):
    response = _register(api, role="Freelancer")

    assert response.status_code == 201, response.content
    assert response.json()["role"] == "freelancer"


def test_register_with_a_duplicate_email_answers_400(api, client_user):
    response = _register(api, email=client_user.email.upper())

    body = _assert_error(response, 400)
    assert "email" in body["errors"]
    assert User.objects.filter(email__iexact=client_user.email).count() == 1


@pytest.mark.parametrize("role", ["admin", "ADMIN", "staff", "superuser", "nobody", "x" * 300])
def test_register_refuses_any_role_but_client_or_freelancer(api, role):
    response = _register(api, role=role)

    body = _assert_error(response, 400)
    assert body["code"] == "invalid"
    assert "role" in body["errors"]
    assert not User.objects.filter(email="new.person@example.com").exists()


@pytest.mark.parametrize("password", ["short1", "12345678901", "new.person@example.com", "password"])
def test_register_refuses_a_weak_password(api, password):
    response = _register(api, password=password)

    body = _assert_error(response, 400)
    assert body["code"] == "invalid"
    assert body["errors"]
    assert not User.objects.filter(email="new.person@example.com").exists()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"email": "not-an-email", "password": "a-Long-pass-phrase-9", "name": "X"},
        {"password": "a-Long-pass-phrase-9", "name": "X"},
        {"email": "a@example.com", "name": "X"},
        {"email": "a@example.com", "password": "a-Long-pass-phrase-9"},
        {"email": ["a@example.com"], "password": {"x": 1}, "name": 3},
    ],
)
def test_register_with_missing_or_malformed_fields_answers_400(api, payload):
    response = api.post("/api/auth/register", payload, format="json")

    body = _assert_error(response, 400)
    assert body["code"] == "invalid"
    assert isinstance(body["errors"], dict)


def test_register_cannot_make_staff_or_verified_users(api):
    response = _register(api, is_staff=True, is_superuser=True, is_verified=True, email_verified=True)

    assert response.status_code == 201, response.content
    user = User.objects.get(email="new.person@example.com")
    assert (user.is_staff, user.is_superuser, user.is_verified, user.email_verified) == (False, False, False, False)


def test_register_writes_an_audit_row(api):
    _register(api)

    user = User.objects.get(email="new.person@example.com")
    row = AuditLog.objects.get(action="user.registered", user=user)
    assert row.actor == user
    assert row.metadata["role"] == "freelancer"
    assert row.ip_address == "127.0.0.1"


def test_a_registered_user_can_log_in(api):
    _register(api)

    response = _login(api, "new.person@example.com", "a-Long-pass-phrase-9")

    assert response.status_code == 200, response.content


# --- login ----------------------------------------------------------------------------------------------------


def test_login_answers_the_token_pair_and_the_user(api, client_user, password):
    response = _login(api, client_user.email, password)

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == LOGIN_KEYS
    assert body["token_type"] == "bearer"
    assert body["requires_2fa"] is False
    assert body["access_token"] and body["refresh_token"] and body["access_token"] != body["refresh_token"]
    assert set(body["user"]) >= USER_KEYS
    assert body["user"]["id"] == client_user.pk
    assert body["user"]["email"] == client_user.email


def test_login_email_is_case_insensitive(api, client_user, password):
    response = _login(api, client_user.email.upper(), password)

    assert response.status_code == 200, response.content


def test_the_access_token_from_login_authenticates_requests(api, client_user, password):
    tokens = _login(api, client_user.email, password).json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")

    response = api.get("/api/auth/me")

    assert response.status_code == 200, response.content
    assert response.json()["id"] == client_user.pk


def test_login_with_a_wrong_password_answers_401_with_detail_and_code(api, client_user):
    response = _login(api, client_user.email, "wrong-password")

    body = _assert_error(response, 401)
    assert body["code"] == "invalid_credentials"
    assert "access_token" not in body
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_login_for_an_unknown_email_answers_the_same_401(api, client_user):
    unknown = _login(api, "nobody@example.com", "whatever-pass")
    wrong = _login(api, client_user.email, "whatever-pass")

    assert _assert_error(unknown, 401) == _assert_error(wrong, 401)


def test_login_of_an_inactive_user_answers_401(api, password):
    user = ClientFactory(is_active=False)

    response = _login(api, user.email, password)

    _assert_error(response, 401)
    assert not UserSession.objects.filter(user=user).exists()


def test_login_without_credentials_answers_400(api):
    response = api.post("/api/auth/login", {}, format="json")

    body = _assert_error(response, 400)
    assert set(body["errors"]) == {"email", "password"}


def test_login_with_a_stale_bearer_header_still_works(api, client_user, password):
    """A client holding an expired access token must still be able to log in again."""
    api.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    response = _login(api, client_user.email, password)

    assert response.status_code == 200, response.content


def test_login_opens_an_api_session_with_ip_and_user_agent(api, client_user, password):
    api.post("/api/auth/login", {"email": client_user.email, "password": password}, format="json",
             HTTP_USER_AGENT="MegiLanceApp/2.1")

    session = UserSession.objects.get(user=client_user)
    assert session.kind == SessionKind.API
    assert session.ip_address == "127.0.0.1"
    assert session.user_agent == "MegiLanceApp/2.1"
    assert session.revoked_at is None


def test_each_login_opens_its_own_session(api, client_user, password):
    _login(api, client_user.email, password)
    _login(api, client_user.email, password)

    assert UserSession.objects.filter(user=client_user, kind=SessionKind.API).count() == 2


# --- refresh --------------------------------------------------------------------------------------------------


def test_refresh_answers_a_new_pair(api, client_user, password):
    tokens = _login(api, client_user.email, password).json()

    response = api.post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["refresh_token"] != tokens["refresh_token"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert api.get("/api/auth/me").json()["id"] == client_user.pk


def test_a_refresh_token_used_twice_answers_401(api, client_user, password):
    tokens = _login(api, client_user.email, password).json()
    first = api.post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json")
    assert first.status_code == 200

    again = api.post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json")

    _assert_error(again, 401)


def test_the_rotated_refresh_token_keeps_working(api, client_user, password):
    tokens = _login(api, client_user.email, password).json()
    second = api.post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json").json()

    third = api.post("/api/auth/refresh", {"refresh_token": second["refresh_token"]}, format="json")

    assert third.status_code == 200, third.content
    # Rotation stays within the same session row.
    assert UserSession.objects.filter(user=client_user).count() == 1


def test_refresh_of_a_revoked_session_answers_401(api, client_user, password):
    tokens = _login(api, client_user.email, password).json()
    from accounts import services

    services.session_revoke(session=UserSession.objects.get(user=client_user), reason="test")

    response = api.post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json")

    body = _assert_error(response, 401)
    assert body["code"] == "session_revoked"


def test_refresh_of_a_deactivated_user_answers_401(api, client_user, password):
    tokens = _login(api, client_user.email, password).json()
    User.objects.filter(pk=client_user.pk).update(is_active=False)

    response = api.post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json")

    _assert_error(response, 401)


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c"])
def test_refresh_with_garbage_is_refused(api, token):
    response = api.post("/api/auth/refresh", {"refresh_token": token}, format="json")

    assert response.status_code in (400, 401)
    _assert_error(response, response.status_code)


def test_refresh_with_an_access_token_answers_401(api, client_user, password):
    tokens = _login(api, client_user.email, password).json()

    response = api.post("/api/auth/refresh", {"refresh_token": tokens["access_token"]}, format="json")

    _assert_error(response, 401)


# --- logout ---------------------------------------------------------------------------------------------------


def test_logout_kills_the_refresh_token_and_the_access_token_of_that_session(api, client_user, password):
    tokens = _login(api, client_user.email, password).json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")

    response = api.post("/api/auth/logout", {"refresh_token": tokens["refresh_token"]}, format="json")

    assert response.status_code == 200, response.content
    assert isinstance(response.json()["detail"], str)
    _assert_error(api.get("/api/auth/me"), 401)
    api.credentials()
    _assert_error(api.post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json"), 401)
    session = UserSession.objects.get(user=client_user)
    assert session.revoked_at is not None
    assert session.revoked_reason == "logout"


def test_logout_leaves_the_users_other_sessions_alone(api_as, client_user):
    phone = api_as(client_user)
    laptop = api_as(client_user)

    phone.post("/api/auth/logout", {"refresh_token": phone.tokens["refresh_token"]}, format="json")

    assert laptop.get("/api/auth/me").status_code == 200
    assert phone.get("/api/auth/me").status_code == 401


def test_logout_without_authentication_answers_401(api, client_user, password):
    tokens = _login(api, client_user.email, password).json()

    response = api.post("/api/auth/logout", {"refresh_token": tokens["refresh_token"]}, format="json")

    _assert_error(response, 401)
    assert UserSession.objects.get(user=client_user).revoked_at is None


def test_logout_with_another_users_refresh_token_is_refused(api_as, client_user, outsider):
    alice = api_as(client_user)
    charlie = api_as(outsider)

    response = charlie.post("/api/auth/logout", {"refresh_token": alice.tokens["refresh_token"]}, format="json")

    _assert_error(response, 401)
    assert UserSession.objects.get(user=client_user).revoked_at is None
    assert alice.get("/api/auth/me").status_code == 200


def test_logout_without_a_refresh_token_answers_400(client_api):
    response = client_api.post("/api/auth/logout", {}, format="json")

    body = _assert_error(response, 400)
    assert "refresh_token" in body["errors"]


# --- me -------------------------------------------------------------------------------------------------------


def test_me_requires_authentication(api):
    for method in ("get", "put", "patch"):
        response = getattr(api, method)("/api/auth/me", {}, format="json")
        _assert_error(response, 401)


def test_me_answers_the_current_user_with_email(client_api, client_user):
    response = client_api.get("/api/auth/me")

    assert response.status_code == 200
    body = response.json()
    assert set(body) >= USER_KEYS
    assert body["email"] == client_user.email
    assert body["user_type"] == "client"


def test_patch_me_updates_profile_fields(freelancer_api, freelancer):
    response = freelancer_api.patch(
        "/api/auth/me",
        {"bio": "I build APIs.", "title": "Backend developer", "hourly_rate": 72.5, "location": "Porto",
         "timezone": "Europe/Lisbon", "skills": ["Django", "PostgreSQL"]},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["hourly_rate"] == 72.5
    assert body["skills"] == ["Django", "PostgreSQL"]
    freelancer.refresh_from_db()
    assert (freelancer.title, freelancer.location, freelancer.timezone) == ("Backend developer", "Porto",
                                                                            "Europe/Lisbon")
    assert str(freelancer.hourly_rate) == "72.50"


def test_patch_me_accepts_full_name(client_api, client_user):
    response = client_api.patch("/api/auth/me", {"full_name": "Alice Renamed"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Alice Renamed"


def test_put_me_replaces_the_profile(client_api, client_user):
    response = client_api.put("/api/auth/me", {"name": "Alice P", "bio": "", "title": "Buyer"}, format="json")

    assert response.status_code == 200, response.content
    client_user.refresh_from_db()
    assert (client_user.name, client_user.title) == ("Alice P", "Buyer")


def test_patch_me_replaces_the_skill_list(freelancer_api, freelancer):
    SkillFactory(name="Go")
    freelancer_api.patch("/api/auth/me", {"skills": ["Go", "Rust"]}, format="json")

    response = freelancer_api.patch("/api/auth/me", {"skills": ["Rust"]}, format="json")

    assert response.json()["skills"] == ["Rust"]


@pytest.mark.parametrize(
    "payload",
    [
        {"hourly_rate": -5},
        {"hourly_rate": "lots"},
        {"timezone": "Mars/Olympus"},
        {"name": "x" * 151},
        {"skills": "not a list"},
    ],
)
def test_patch_me_with_bad_values_answers_400(client_api, payload):
    response = client_api.patch("/api/auth/me", payload, format="json")

    body = _assert_error(response, 400)
    assert body["code"] == "invalid"
    assert body["errors"]


@pytest.mark.parametrize("method", ["put", "patch"])
def test_me_cannot_change_role_email_staff_or_verification(client_api, client_user, method):
    response = getattr(client_api, method)(
        "/api/auth/me",
        {"name": "Alice", "role": Role.ADMIN, "user_type": Role.FREELANCER, "email": "evil@example.com",
         "is_staff": True, "is_superuser": True, "is_active": False, "is_verified": True, "email_verified": False,
         "id": 999, "joined_at": "2001-01-01T00:00:00Z"},
        format="json",
    )

    assert response.status_code in (200, 400), response.content
    client_user.refresh_from_db()
    assert client_user.role == Role.CLIENT
    assert client_user.email == "alice@example.com"
    assert client_user.is_staff is False and client_user.is_superuser is False
    assert client_user.is_active is True
    assert client_user.is_verified is False
    assert client_user.email_verified is True
    assert client_user.pk != 999
    assert not User.objects.filter(email="evil@example.com").exists()
