from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

admin.site.site_header = "MegiLance staff"
admin.site.site_title = "MegiLance staff"
admin.site.index_title = "Marketplace administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("megilance.api_urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("marketplace.search_urls")),
    path("", include("marketplace.urls")),
    path("", include("engagement.urls")),
    path("", include("billing.urls")),
    path("", include("billing.invoice_urls")),
    path("", include("support.urls")),
    path("", include("accounts.urls")),
]

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
