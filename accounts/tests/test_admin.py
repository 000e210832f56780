"""The staff user admin: search, filters and the deactivate/reactivate actions that go through the services."""

import pytest

from accounts.models import AuditLog, Role, SessionKind, User, UserSession
from accounts.tests.factories import ClientFactory, FreelancerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def people(db):
    return {
        "zoe": ClientFactory(email="zoe.buyer@example.com", name="Zoe Buyer"),
        "yann": FreelancerFactory(email="yann@example.com", name="Yann Coder"),
        "xena": FreelancerFactory(email="xena@example.com", name="Xena Gone", is_active=False),
    }


def _listed(response):
    assert response.status_code == 200, response.status_code
    return {user.email for user in response.context["cl"].result_list}


def test_the_changelist_searches_by_email(admin_client, people):
    assert _listed(admin_client.get(CHANGELIST, {"q": "zoe.buyer@"})) == {"zoe.buyer@example.com"}


def test_the_changelist_searches_by_name(admin_client, people):
    assert _listed(admin_client.get(CHANGELIST, {"q": "Yann Coder"})) == {"yann@example.com"}


def test_the_changelist_filters_by_role(admin_client, people):
    listed = _listed(admin_client.get(CHANGELIST, {"role__exact": Role.FREELANCER}))

    assert listed == {"yann@example.com", "xena@example.com"}


def test_the_changelist_filters_by_activity(admin_client, people):
    assert _listed(admin_client.get(CHANGELIST, {"is_active__exact": "0"})) == {"xena@example.com"}
    assert "xena@example.com" not in _listed(admin_client.get(CHANGELIST, {"is_active__exact": "1"}))


def _act(client, action, *users):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [u.pk for u in users]})


def test_the_deactivate_action_goes_through_the_service(admin_client, superuser, people, api_as):
    zoe = people["zoe"]
    app = api_as(zoe)

    response = _act(admin_client, "deactivate_users", zoe, people["yann"])

    assert response.status_code == 302
    assert set(User.objects.filter(is_active=False).values_list("email", flat=True)) == {
        "zoe.buyer@example.com", "yann@example.com", "xena@example.com"
    }
    row = AuditLog.objects.get(action="user.deactivated", user=zoe)
    assert row.actor == superuser
    assert row.metadata["reason"] == "staff action in admin"
    assert UserSession.objects.get(user=zoe).revoked_reason == "deactivated"
    assert app.get("/api/auth/me").status_code == 401


def test_the_deactivate_action_skips_the_acting_staff_member(admin_client, superuser, people):
    _act(admin_client, "deactivate_users", superuser, people["zoe"])

    superuser.refresh_from_db()
    assert superuser.is_active is True
    assert admin_client.get(CHANGELIST).status_code == 200


def test_the_reactivate_action_goes_through_the_service(admin_client, superuser, people):
    xena = people["xena"]

    _act(admin_client, "reactivate_users", xena)

    xena.refresh_from_db()
    assert xena.is_active is True
    assert AuditLog.objects.get(action="user.reactivated", user=xena).actor == superuser


def test_changing_the_role_in_the_admin_goes_through_the_service(admin_client, superuser, people):
    zoe = people["zoe"]
    page = admin_client.get(f"{CHANGELIST}{zoe.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"role": Role.FREELANCER, "timezone": "UTC", "date_joined_0": zoe.date_joined.strftime("%Y-%m-%d"),
                 "date_joined_1": zoe.date_joined.strftime("%H:%M:%S"), "groups": [], "user_permissions": [],
                 "user_skills-TOTAL_FORMS": "0", "user_skills-INITIAL_FORMS": "0"})
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}

    response = admin_client.post(f"{CHANGELIST}{zoe.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    zoe.refresh_from_db()
    assert zoe.role == Role.FREELANCER
    row = AuditLog.objects.get(action="user.role_changed", user=zoe)
    assert (row.actor, row.metadata["new_role"]) == (superuser, Role.FREELANCER)


def test_a_staff_member_without_permissions_cannot_open_or_act(client, staff_user, people):
    client.force_login(staff_user)

    assert client.get(CHANGELIST).status_code == 403
    response = _act(client, "deactivate_users", people["zoe"])

    assert response.status_code == 403
    assert User.objects.get(pk=people["zoe"].pk).is_active is True
    assert not AuditLog.objects.filter(action="user.deactivated").exists()


def test_a_staff_member_with_view_permission_only_cannot_deactivate(client, staff_user, people):
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(staff_user)
    assert client.get(CHANGELIST).status_code == 200

    _act(client, "deactivate_users", people["zoe"])

    assert User.objects.get(pk=people["zoe"].pk).is_active is True
    assert not AuditLog.objects.filter(action="user.deactivated").exists()


def test_a_non_staff_user_is_sent_to_the_admin_login(client, client_user):
    client.force_login(client_user)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_audit_log_is_read_only_in_the_admin(admin_client, people, superuser):
    from accounts import services

    services.user_set_active(user=people["zoe"], is_active=False, actor=superuser)
    row = AuditLog.objects.get(action="user.deactivated")

    assert admin_client.get("/admin/accounts/auditlog/").status_code == 200
    assert admin_client.get("/admin/accounts/auditlog/add/").status_code == 403
    assert admin_client.post(f"/admin/accounts/auditlog/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_staff_can_revoke_sessions_from_the_admin(admin_client, api_as, client_user):
    app = api_as(client_user)
    session = UserSession.objects.get(user=client_user, kind=SessionKind.API)

    admin_client.post("/admin/accounts/usersession/",
                      {"action": "revoke_sessions", "_selected_action": [session.pk]})

    assert app.get("/api/auth/me").status_code == 401
