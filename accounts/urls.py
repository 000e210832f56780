from django.urls import path

from . import settings_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("profile/", views.profile_edit, name="profile-edit"),
    path("people/<int:pk>/", views.profile_detail, name="profile-detail"),
    path("settings/sessions/", settings_views.sessions_page, name="account-sessions"),
    path("settings/sessions/<int:pk>/end/", settings_views.session_end, name="account-session-end"),
    path("settings/sessions/end-others/", settings_views.sessions_end_others, name="account-sessions-end-others"),
    path("settings/security-log/", settings_views.security_log_page, name="account-security-log"),
    path("settings/privacy/", settings_views.privacy_page, name="account-privacy"),
    path("privacy/exports/<int:pk>/download/", settings_views.export_download, name="privacy-export-download"),
]
