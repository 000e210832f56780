from django.urls import re_path

from megilance.api.routers import OptionalSlashRouter

from . import privacy_views, views
from . import security_views as sec

router = OptionalSlashRouter()
router.register("users", views.UserViewSet, basename="user")

urlpatterns = [
    re_path(r"^auth/register/?$", views.register, name="auth-register"),
    re_path(r"^auth/login/?$", views.login, name="auth-login"),
    re_path(r"^auth/refresh/?$", views.refresh, name="auth-refresh"),
    re_path(r"^auth/logout/?$", views.logout, name="auth-logout"),
    re_path(r"^auth/me/?$", views.me, name="auth-me"),
    re_path(r"^auth/verify-email/?$", sec.verify_email, name="auth-verify-email"),
    re_path(r"^auth/resend-verification/?$", sec.resend_verification, name="auth-resend-verification"),
    re_path(r"^auth/forgot-password/?$", sec.forgot_password, name="auth-forgot-password"),
    re_path(r"^auth/reset-password/?$", sec.reset_password, name="auth-reset-password"),
    re_path(r"^auth/2fa/verify-login/?$", sec.verify_login, name="auth-2fa-verify-login"),
    re_path(r"^auth/2fa/setup/?$", sec.mfa_setup, name="auth-2fa-setup"),
    re_path(r"^auth/2fa/enable/?$", sec.mfa_enable, name="auth-2fa-enable"),
    re_path(r"^auth/2fa/disable/?$", sec.mfa_disable, name="auth-2fa-disable"),
    re_path(r"^auth/2fa/regenerate-backup-codes/?$", sec.mfa_regenerate_codes, name="auth-2fa-regenerate"),
    re_path(r"^auth/2fa/status/?$", sec.mfa_status, name="auth-2fa-status"),
    re_path(r"^auth/sessions/?$", sec.SessionListView.as_view(), name="auth-sessions"),
    re_path(r"^auth/sessions/revoke-all/?$", sec.sessions_revoke_all, name="auth-sessions-revoke-all"),
    re_path(r"^auth/sessions/(?P<pk>[0-9]+)/?$", sec.SessionDetailView.as_view(), name="auth-session-detail"),
    re_path(r"^auth/audit-log/?$", sec.AuditLogListView.as_view(), name="auth-audit-log"),
    re_path(r"^users/me/export/?$", privacy_views.export_start, name="users-me-export"),
    re_path(r"^users/me/export/(?P<pk>[0-9]+)/?$", privacy_views.export_status, name="users-me-export-detail"),
    re_path(r"^users/me/delete/?$", privacy_views.erase_me, name="users-me-delete"),
    *router.urls,
]
