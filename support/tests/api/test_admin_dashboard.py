from decimal import Decimal

import pytest

from accounts.models import AuditLog, UserSession
from accounts.tests.factories import ClientFactory
from billing.services.escrow import escrow_release
from marketplace.models import ProjectStatus
from marketplace.tests.factories import ProjectFactory, ProposalFactory
from support.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

DASHBOARD = ["stats", "user-activity", "project-metrics", "financial-metrics", "top-freelancers", "top-clients",
             "recent-activity"]


@pytest.fixture
def money(client_user, funded_escrow):
    """alice paid 500 into escrow and released 300 to bob: the platform earned 30 in fees."""
    escrow_release(escrow=funded_escrow, actor=client_user, amount=Decimal("300.00"))
    return funded_escrow


@pytest.mark.parametrize("name", DASHBOARD)
def test_dashboard_is_staff_only(name, api, client_api):
    assert api.get(f"/api/admin/dashboard/{name}").status_code == 401
    assert client_api.get(f"/api/admin/dashboard/{name}").status_code == 403


def test_stats_are_real_numbers(staff_api, money, client_user):
    ProjectFactory(client=client_user, status=ProjectStatus.OPEN)
    ProposalFactory()
    data = staff_api.get("/api/admin/dashboard/stats").json()
    assert set(data) == {"total_users", "total_clients", "total_freelancers", "total_projects", "total_contracts",
                         "total_revenue", "active_projects", "pending_proposals"}
    assert data["total_revenue"] == 30.0 and isinstance(data["total_revenue"], float)
    assert data["total_contracts"] == 1 and data["pending_proposals"] >= 1
    assert data["total_clients"] >= 1 and data["total_freelancers"] >= 1
    assert data["total_users"] >= data["total_clients"] + data["total_freelancers"]


def test_financial_metrics_follow_the_fees(staff_api, money):
    data = staff_api.get("/api/admin/dashboard/financial-metrics/").json()
    assert data == {"total_revenue": 30.0, "revenue_this_month": 30.0, "revenue_this_week": 30.0,
                    "pending_payments": 0.0, "completed_payments": 500.0, "platform_fees_collected": 30.0}


def test_user_activity_counts_sessions_and_sign_ups(staff_api, staff_user):
    data = staff_api.get("/api/admin/dashboard/user-activity").json()
    # The staff member's own API log-in is a session seen just now.
    assert data["daily_active_users"] >= 1 and data["new_users_today"] >= 1
    assert set(data) == {"daily_active_users", "weekly_active_users", "monthly_active_users", "new_users_today",
                         "new_users_this_week", "new_users_this_month"}


def test_project_metrics(staff_api, money, client_user):
    ProjectFactory(client=client_user, status=ProjectStatus.OPEN)
    ProjectFactory(client=client_user, status=ProjectStatus.CANCELLED)
    data = staff_api.get("/api/admin/dashboard/project-metrics").json()
    assert data["cancelled_projects"] == 1 and data["open_projects"] >= 1
    assert data["total_project_value"] == 1000.0 and data["avg_project_value"] == 1000.0


def test_top_freelancers_and_clients(staff_api, money, client_user, freelancer):
    [top] = [f for f in staff_api.get("/api/admin/dashboard/top-freelancers").json() if f["id"] == freelancer.pk]
    assert top == {"id": freelancer.pk, "name": freelancer.name, "email": freelancer.email,
                   "total_earnings": 270.0, "completed_projects": 0, "average_rating": None}
    clients = staff_api.get("/api/admin/dashboard/top-clients").json()
    assert clients[0]["id"] == client_user.pk and clients[0]["total_spent"] == 500.0
    assert set(clients[0]) == {"id", "name", "email", "total_spent", "completed_projects", "active_projects"}


def test_top_lists_cost_the_same_for_more_people(staff_api, money, django_assert_num_queries):
    staff_api.get("/api/admin/dashboard/top-freelancers")
    with django_assert_num_queries(2):
        staff_api.get("/api/admin/dashboard/top-freelancers")
    ProposalFactory()  # another freelancer and client
    with django_assert_num_queries(2):
        staff_api.get("/api/admin/dashboard/top-freelancers")
    with django_assert_num_queries(2):
        staff_api.get("/api/admin/dashboard/top-clients")


def test_recent_activity(staff_api, money, client_user):
    TicketFactory(user=client_user, subject="Where is my invoice?")
    items = staff_api.get("/api/admin/dashboard/recent-activity?limit=50").json()
    kinds = {item["type"] for item in items}
    assert {"user_registered", "contract_started", "payment_release", "ticket_opened"} <= kinds
    assert all(set(item) == {"type", "description", "timestamp", "user_name", "amount"} for item in items)
    assert [i["timestamp"] for i in items] == sorted((i["timestamp"] for i in items), reverse=True)
    assert any(i["type"] == "payment_release" and i["amount"] == 300.0 for i in items)


def test_users_list_shape_and_filters(staff_api, client_user, freelancer, django_assert_num_queries):
    data = staff_api.get("/api/admin/users/list?role=freelancer").json()
    assert data["total"] == 1
    assert data["users"][0] == {"id": freelancer.pk, "email": freelancer.email, "name": freelancer.name,
                                "role": "freelancer", "user_type": "freelancer", "is_active": True,
                                "joined_at": data["users"][0]["joined_at"], "location": freelancer.location,
                                "hourly_rate": float(freelancer.hourly_rate)}
    assert staff_api.get("/api/admin/users/list?search=alice").json()["total"] == 1
    with django_assert_num_queries(3):
        before = staff_api.get("/api/admin/users/list").json()["total"]
    ClientFactory()
    with django_assert_num_queries(3):
        assert staff_api.get("/api/admin/users/list").json()["total"] == before + 1


def test_users_list_is_staff_only(api, client_api):
    assert api.get("/api/admin/users/list").status_code == 401
    assert client_api.get("/api/admin/users/list").status_code == 403


def test_moderator_toggles_status_which_ends_sessions_and_is_audited(moderator, api_as, client_user, client_api):
    moderator_api = api_as(moderator)
    response = moderator_api.post(f"/api/admin/users/{client_user.pk}/toggle-status", {"reason": "Chargebacks"},
                                  format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert not UserSession.objects.filter(user=client_user, revoked_at__isnull=True).exists()
    assert client_api.get("/api/support-tickets/").status_code == 401
    assert AuditLog.objects.filter(action="user.deactivated", user=client_user, actor=moderator).exists()
    response = moderator_api.post(f"/api/admin/users/{client_user.pk}/toggle-status", {}, format="json")
    assert response.json()["is_active"] is True


def test_toggle_status_needs_the_moderation_group(staff_api, client_api, client_user, freelancer):
    assert staff_api.post(f"/api/admin/users/{client_user.pk}/toggle-status", {}).status_code == 403
    assert client_api.post(f"/api/admin/users/{freelancer.pk}/toggle-status", {}).status_code == 403
    client_user.refresh_from_db()
    assert client_user.is_active


def test_toggle_status_of_yourself_is_400_and_unknown_is_404(moderator, api_as):
    moderator_api = api_as(moderator)
    assert moderator_api.post(f"/api/admin/users/{moderator.pk}/toggle-status", {}).status_code == 400
    assert moderator_api.post("/api/admin/users/999999/toggle-status", {}).status_code == 404
