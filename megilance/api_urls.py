"""Every API route, mounted at /api/. Each app contributes its own urls module."""

from django.urls import re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .api import exceptions, health
from .api.routers import routed_include

urlpatterns = [
    re_path(r"^health/live/?$", health.live, name="health-live"),
    re_path(r"^health/ready/?$", health.ready, name="health-ready"),
    re_path(r"^schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^docs/?$", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    routed_include("accounts.api.urls"),
    routed_include("accounts.uploads.api.urls"),
    routed_include("marketplace.api.urls"),
    routed_include("billing.api.urls"),
    routed_include("support.api.urls"),
    routed_include("engagement.api.urls"),
    # Last: anything not matched above is an unknown API route.
    re_path(r"^.*$", exceptions.api_not_found, name="api-not-found"),
]
