from django.urls import re_path

from megilance.api.routers import OptionalSlashRouter

from . import views

router = OptionalSlashRouter()
router.register("users", views.UserViewSet, basename="user")

urlpatterns = [
    re_path(r"^auth/register/?$", views.register, name="auth-register"),
    re_path(r"^auth/login/?$", views.login, name="auth-login"),
    re_path(r"^auth/refresh/?$", views.refresh, name="auth-refresh"),
    re_path(r"^auth/logout/?$", views.logout, name="auth-logout"),
    re_path(r"^auth/me/?$", views.me, name="auth-me"),
    *router.urls,
]
