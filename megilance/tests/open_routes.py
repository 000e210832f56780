"""A module of routes of which one can start with anything (for the routing tests)."""

from django.http import HttpResponse
from django.urls import re_path

urlpatterns = [
    re_path(r"^named/$", lambda request: HttpResponse("named"), name="named"),
    re_path(r"^(?P<slug>[a-z]+)/$", lambda request, slug: HttpResponse(slug), name="any"),
]
