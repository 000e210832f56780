from django.urls import re_path

from megilance.api.routers import OptionalSlashRouter

from . import admin_views as admin
from .views import AnnouncementViewSet, DisputeViewSet, SeedPathTicketViewSet, SupportTicketViewSet

router = OptionalSlashRouter()
router.register("support-tickets", SupportTicketViewSet, basename="support-ticket")
# The seed's own paths for the same tickets (API.md, Conventions).
router.register("support/tickets", SeedPathTicketViewSet, basename="support-ticket-seed")
router.register("disputes", DisputeViewSet, basename="dispute")
router.register("announcements", AnnouncementViewSet, basename="announcement")

urlpatterns = [
    re_path(r"^admin/dashboard/stats/?$", admin.StatsView.as_view(), name="admin-dashboard-stats"),
    re_path(r"^admin/dashboard/user-activity/?$", admin.UserActivityView.as_view(),
            name="admin-dashboard-user-activity"),
    re_path(r"^admin/dashboard/project-metrics/?$", admin.ProjectMetricsView.as_view(),
            name="admin-dashboard-project-metrics"),
    re_path(r"^admin/dashboard/financial-metrics/?$", admin.FinancialMetricsView.as_view(),
            name="admin-dashboard-financial-metrics"),
    re_path(r"^admin/dashboard/top-freelancers/?$", admin.TopFreelancersView.as_view(),
            name="admin-dashboard-top-freelancers"),
    re_path(r"^admin/dashboard/top-clients/?$", admin.TopClientsView.as_view(), name="admin-dashboard-top-clients"),
    re_path(r"^admin/dashboard/recent-activity/?$", admin.RecentActivityView.as_view(),
            name="admin-dashboard-recent-activity"),
    re_path(r"^admin/users/list/?$", admin.UserListView.as_view(), name="admin-users-list"),
    re_path(r"^admin/users/(?P<user_id>\d+)/toggle-status/?$", admin.ToggleStatusView.as_view(),
            name="admin-users-toggle-status"),
    *router.urls,
]
