"""Seeing and ending one's sessions (API and page), and one's own security log."""

import pytest

from accounts import services
from accounts.models import AuditLog, UserSession

pytestmark = pytest.mark.django_db


def test_sessions_lists_the_callers_open_sessions_with_the_current_one_marked(api_as, client_user, outsider):
    first = api_as(client_user)
    second = api_as(client_user)
    api_as(outsider)

    response = second.get("/api/auth/sessions")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 2
    assert {r["id"] for r in rows} == set(UserSession.objects.filter(user=client_user).values_list("id", flat=True))
    assert [r["current"] for r in rows] == [True, False]  # newest first: the second log-in
    assert first.get("/api/auth/sessions").json()["results"][1]["current"] is True


def test_sessions_list_query_count_does_not_grow_with_rows(api_as, client_user, django_assert_num_queries):
    api = api_as(client_user)
    api.get("/api/auth/sessions")
    with django_assert_num_queries(3) as n:  # session check, count, page
        api.get("/api/auth/sessions")
    services.session_start(user=client_user, kind="api")
    with django_assert_num_queries(len(n)):
        api.get("/api/auth/sessions")


def test_deleting_a_session_ends_it_and_its_tokens(api_as, client_user):
    victim = api_as(client_user)
    me = api_as(client_user)
    sid = UserSession.objects.filter(user=client_user).order_by("id").first().pk

    response = me.delete(f"/api/auth/sessions/{sid}")

    assert response.status_code == 204
    assert victim.get("/api/auth/me").status_code == 401
    assert me.get("/api/auth/me").status_code == 200


def test_another_users_session_answers_404_and_stays_open(client_api, outsider_api, client_user):
    sid = UserSession.objects.get(user=client_user).pk
    assert outsider_api.delete(f"/api/auth/sessions/{sid}").status_code == 404
    assert client_api.get("/api/auth/me").status_code == 200


@pytest.mark.parametrize("method,path", [("post", "/api/auth/sessions/revoke-all"), ("delete", "/api/auth/sessions")])
def test_log_out_everywhere_else_keeps_only_the_calling_session(api_as, client_user, method, path):
    others = [api_as(client_user), api_as(client_user)]
    me = api_as(client_user)

    response = getattr(me, method)(path)

    assert response.status_code == 200
    assert response.json()["revoked"] == 2
    assert all(o.get("/api/auth/me").status_code == 401 for o in others)
    assert me.get("/api/auth/me").status_code == 200
    assert AuditLog.objects.filter(user=client_user, action="auth.logout_everywhere").exists()


def test_sessions_endpoints_need_authentication(api):
    assert api.get("/api/auth/sessions").status_code == 401
    assert api.delete("/api/auth/sessions/1").status_code == 401
    assert api.post("/api/auth/sessions/revoke-all").status_code == 401


def test_the_sessions_page_lists_and_ends_sessions(client, api_as, client_user, password):
    api_session = api_as(client_user)
    client.post("/accounts/login/", {"login": client_user.email, "password": password})

    page = client.get("/settings/sessions/")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="session-row"') == 2
    assert 'data-testid="current-session"' in page.content.decode()

    client.post("/settings/sessions/end-others/")

    assert api_session.get("/api/auth/me").status_code == 401
    assert client.get("/settings/sessions/").content.decode().count('data-testid="session-row"') == 1


def test_the_sessions_page_cannot_end_someone_elses_session(client, api_as, client_user, outsider, password):
    api_as(outsider)
    client.post("/accounts/login/", {"login": client_user.email, "password": password})
    sid = UserSession.objects.get(user=outsider).pk

    assert client.post(f"/settings/sessions/{sid}/end/").status_code == 404
    assert UserSession.objects.get(pk=sid).revoked_at is None


def test_audit_log_shows_only_the_callers_own_rows(api_as, client_user, outsider, api):
    api.post("/api/auth/login", {"email": client_user.email, "password": "wrong-one"}, format="json")
    mine = api_as(client_user)
    api_as(outsider)

    response = mine.get("/api/auth/audit-log")

    assert response.status_code == 200
    actions = [r["action"] for r in response.json()["results"]]
    assert "auth.login" in actions and "auth.login_failed" in actions
    ids = {r["id"] for r in response.json()["results"]}
    assert ids == set(AuditLog.objects.filter(user=client_user).values_list("id", flat=True))


def test_audit_log_query_count_does_not_grow_with_rows(api_as, client_user, django_assert_num_queries):
    api = api_as(client_user)
    api.get("/api/auth/audit-log")
    with django_assert_num_queries(3) as n:
        api.get("/api/auth/audit-log")
    services.audit_record(action="auth.test", actor=client_user)
    with django_assert_num_queries(len(n)):
        api.get("/api/auth/audit-log")


def test_staff_actions_show_in_the_users_security_log_page(client, client_user, superuser, password):
    services.user_change_role(user=client_user, role="freelancer", actor=superuser)
    client.post("/accounts/login/", {"login": client_user.email, "password": password})

    page = client.get("/settings/security-log/").content.decode()

    assert "Role changed by staff" in page
    assert "by MegiLance staff" in page


def test_security_pages_need_a_signed_in_user(client):
    assert client.get("/settings/sessions/").status_code == 302
    assert client.get("/settings/security-log/").status_code == 302
