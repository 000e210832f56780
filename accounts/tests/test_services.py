"""The accounts services: the audit trail, login sessions (API and web), role changes and deactivation."""

import pytest
from django.contrib.sessions.models import Session

from accounts import services
from accounts.models import AuditLog, Role, SessionKind, User, UserSession
from accounts.tests.factories import ClientFactory, FreelancerFactory
from megilance.api.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


def _actions(user):
    return list(AuditLog.objects.filter(user=user).order_by("id").values_list("action", flat=True))


def _web_login(client, user, password):
    """Log in through the allauth form, as a browser does."""
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, response.content[:500]
    return response


# --- audit rows -----------------------------------------------------------------------------------------------


def test_audit_record_stores_who_what_and_where(rf, client_user, freelancer):
    request = rf.post("/x", HTTP_USER_AGENT="Firefox", REMOTE_ADDR="203.0.113.9")

    row = services.audit_record(action="test.thing", actor=client_user, user=freelancer, request=request,
                                target=freelancer, amount=12, note=object.__name__)

    assert (row.actor, row.user, row.action) == (client_user, freelancer, "test.thing")
    assert (row.target_type, row.target_id) == ("user", str(freelancer.pk))
    assert (row.ip_address, row.user_agent) == ("203.0.113.9", "Firefox")
    assert row.metadata == {"amount": 12, "note": "object"}


def test_audit_record_without_an_authenticated_actor_has_no_actor(rf):
    from django.contrib.auth.models import AnonymousUser

    row = services.audit_record(action="test.anon", actor=AnonymousUser())

    assert row.actor is None and row.user is None


def test_api_register_login_failed_login_and_logout_are_audited(api, password):
    api.post("/api/auth/register", {"email": "nia@example.com", "password": "a-Long-pass-phrase-9",
                                    "name": "Nia", "role": "client"}, format="json")
    user = User.objects.get(email="nia@example.com")
    api.post("/api/auth/login", {"email": "nia@example.com", "password": "wrong-one"}, format="json")
    tokens = api.post("/api/auth/login", {"email": "nia@example.com", "password": "a-Long-pass-phrase-9"},
                      format="json").json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    api.post("/api/auth/logout", {"refresh_token": tokens["refresh_token"]}, format="json")

    assert _actions(user) == [
        "user.registered", "auth.login_failed", "auth.login", "auth.session_revoked", "auth.logout",
    ]
    login = AuditLog.objects.get(user=user, action="auth.login")
    assert login.metadata["kind"] == SessionKind.API
    assert login.metadata["session_id"] == UserSession.objects.get(user=user).pk
    assert AuditLog.objects.get(user=user, action="auth.logout").metadata["kind"] == SessionKind.API


def test_a_failed_login_for_an_unknown_email_is_audited_without_a_user(api):
    api.post("/api/auth/login", {"email": "Ghost@Example.com", "password": "whatever-pass"}, format="json")

    row = AuditLog.objects.get(action="auth.login_failed")
    assert row.user is None
    assert row.metadata["email"] == "ghost@example.com"
    assert row.ip_address == "127.0.0.1"


def test_the_audit_ip_is_the_one_the_trusted_proxy_saw(api, client_user, settings):
    settings.NUM_PROXIES = 1
    api.post("/api/auth/login", {"email": client_user.email, "password": "nope-nope"}, format="json",
             HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.7", REMOTE_ADDR="127.0.0.1")

    assert AuditLog.objects.get(action="auth.login_failed").ip_address == "198.51.100.7"


def test_a_spoofed_forwarded_header_is_ignored_without_a_proxy(api, client_user, settings):
    settings.NUM_PROXIES = 0
    api.post("/api/auth/login", {"email": client_user.email, "password": "nope-nope"}, format="json",
             HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert AuditLog.objects.get(action="auth.login_failed").ip_address == "127.0.0.1"


# --- web sessions ---------------------------------------------------------------------------------------------


def test_a_web_login_opens_a_web_session_row_and_is_audited(client, client_user, password):
    _web_login(client, client_user, password)

    session = UserSession.objects.get(user=client_user)
    assert session.kind == SessionKind.WEB
    assert session.session_key == client.session.session_key
    assert session.revoked_at is None
    assert "auth.login" in _actions(client_user)


def test_the_test_client_login_opens_a_web_session_row_too(client, client_user, password):
    assert client.login(email=client_user.email, password=password)

    assert UserSession.objects.filter(user=client_user, kind=SessionKind.WEB).count() == 1


def test_a_failed_web_login_is_audited(client, client_user):
    response = client.post("/accounts/login/", {"login": client_user.email, "password": "wrong-wrong"})

    assert response.status_code == 200  # the form again, with an error
    assert _actions(client_user) == ["auth.login_failed"]
    assert not UserSession.objects.filter(user=client_user).exists()


def test_a_web_logout_revokes_the_session_row_and_is_audited(client, client_user, password):
    _web_login(client, client_user, password)

    client.post("/accounts/logout/")

    session = UserSession.objects.get(user=client_user)
    assert session.revoked_at is not None
    assert session.revoked_reason == "logout"
    assert _actions(client_user)[-1] == "auth.logout"


def test_revoking_a_web_session_row_logs_the_browser_out(client, client_user, password):
    _web_login(client, client_user, password)
    assert client.get("/dashboard/").status_code == 200

    services.session_revoke(session=UserSession.objects.get(user=client_user), reason="stolen laptop")

    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- role changes ---------------------------------------------------------------------------------------------


def test_changing_the_role_is_audited_with_old_and_new(client_user, superuser):
    services.user_change_role(user=client_user, role=Role.FREELANCER, actor=superuser)

    client_user.refresh_from_db()
    assert client_user.role == Role.FREELANCER
    row = AuditLog.objects.get(action="user.role_changed", user=client_user)
    assert row.actor == superuser
    assert row.metadata == {"old_role": "client", "new_role": "freelancer"}


def test_the_admin_role_makes_staff_and_leaving_it_removes_staff(client_user, superuser):
    services.user_change_role(user=client_user, role=Role.ADMIN, actor=superuser)
    client_user.refresh_from_db()
    assert client_user.is_staff is True

    services.user_change_role(user=client_user, role=Role.CLIENT, actor=superuser)
    client_user.refresh_from_db()
    assert client_user.is_staff is False


def test_setting_the_same_role_writes_nothing(client_user, superuser):
    services.user_change_role(user=client_user, role=Role.CLIENT, actor=superuser)

    assert not AuditLog.objects.filter(action="user.role_changed").exists()


def test_an_unknown_role_is_refused(client_user, superuser):
    with pytest.raises(ApplicationError):
        services.user_change_role(user=client_user, role="emperor", actor=superuser)

    client_user.refresh_from_db()
    assert client_user.role == Role.CLIENT


def test_user_create_refuses_the_admin_role():
    with pytest.raises(ApplicationError) as error:
        services.user_create(email="x@example.com", password="a-Long-pass-phrase-9", name="X", role=Role.ADMIN)

    assert error.value.code == "invalid_role"
    assert not User.objects.filter(email="x@example.com").exists()


# --- deactivation ---------------------------------------------------------------------------------------------


def test_deactivation_kills_the_users_jwt_and_refresh_token(api_as, api, client_user, superuser):
    app = api_as(client_user)
    assert app.get("/api/auth/me").status_code == 200

    services.user_set_active(user=client_user, is_active=False, actor=superuser, reason="fraud review")

    assert app.get("/api/auth/me").status_code == 401
    refresh = api.post("/api/auth/refresh", {"refresh_token": app.tokens["refresh_token"]}, format="json")
    assert refresh.status_code == 401
    login = api.post("/api/auth/login", {"email": client_user.email, "password": "correct-horse-42"},
                     format="json")
    assert login.status_code == 401


def test_deactivation_ends_the_users_web_session(client, client_user, superuser, password):
    _web_login(client, client_user, password)
    key = client.session.session_key

    services.user_set_active(user=client_user, is_active=False, actor=superuser)

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/dashboard/").status_code == 302
    assert all(s.revoked_reason == "deactivated" for s in UserSession.objects.filter(user=client_user))


def test_deactivation_leaves_other_users_alone(api_as, client_user, outsider, superuser):
    charlie = api_as(outsider)

    services.user_set_active(user=client_user, is_active=False, actor=superuser)

    assert charlie.get("/api/auth/me").status_code == 200


def test_deactivate_and_reactivate_are_audited(client_user, superuser):
    services.user_set_active(user=client_user, is_active=False, actor=superuser, reason="chargebacks")
    services.user_set_active(user=client_user, is_active=True, actor=superuser, reason="cleared")

    rows = AuditLog.objects.filter(user=client_user, action__startswith="user.").order_by("id")
    assert [(r.action, r.actor, r.metadata["reason"]) for r in rows] == [
        ("user.deactivated", superuser, "chargebacks"),
        ("user.reactivated", superuser, "cleared"),
    ]


def test_a_reactivated_user_can_log_in_again_with_a_new_session(api, client_user, superuser, password):
    services.user_set_active(user=client_user, is_active=False, actor=superuser)
    services.user_set_active(user=client_user, is_active=True, actor=superuser)

    response = api.post("/api/auth/login", {"email": client_user.email, "password": password}, format="json")

    assert response.status_code == 200
    assert UserSession.objects.filter(user=client_user, revoked_at__isnull=True).count() == 1


def test_sessions_revoke_all_can_keep_the_current_session(client_user):
    keep = services.session_start(user=client_user, kind=SessionKind.API)
    services.session_start(user=client_user, kind=SessionKind.API)

    ended = services.sessions_revoke_all(user=client_user, except_session_id=keep.pk)

    assert ended == 1
    assert list(UserSession.objects.filter(user=client_user, revoked_at__isnull=True)) == [keep]


# --- profile and skills ---------------------------------------------------------------------------------------


def test_user_update_profile_only_touches_profile_fields(freelancer):
    services.user_update_profile(user=freelancer, data={"title": "Go developer", "role": "admin",
                                                        "is_staff": True, "email": "x@example.com"})

    freelancer.refresh_from_db()
    assert freelancer.title == "Go developer"
    assert (freelancer.role, freelancer.is_staff, freelancer.email) == ("freelancer", False, "bob@example.com")


def test_skills_get_or_create_matches_names_case_insensitively_and_keeps_order():
    first = services.skills_get_or_create(["Django", "  react  ", "django"])
    second = services.skills_get_or_create(["REACT", "Vue"])

    assert [s.name for s in first] == ["Django", "react"]
    assert [s.name for s in second] == ["react", "Vue"]
    assert second[0].pk == first[1].pk


def test_skills_with_colliding_slugs_get_distinct_slugs():
    a, b = services.skills_get_or_create(["C++", "C"])

    assert a.slug != b.slug


def test_two_freelancers_can_share_a_skill():
    one, two = FreelancerFactory(), FreelancerFactory()

    services.user_set_skills(user=one, names=["Python"])
    services.user_set_skills(user=two, names=["python", "SQL"])

    assert one.user_skills.get().skill == two.user_skills.first().skill


def test_the_manager_lowercases_emails_and_makes_admins_staff():
    user = User.objects.create_user(email="Mixed@Example.com", password="x-pass-123", role=Role.ADMIN)
    plain = ClientFactory(email="UPPER@EXAMPLE.COM")

    assert user.email == "mixed@example.com" and user.is_staff is True
    assert plain.email == "upper@example.com"
    assert User.objects.get_by_natural_key("MIXED@example.com") == user
