from django.urls import re_path

from . import search_views as views

urlpatterns = [
    re_path(r"^search/projects/?$", views.ProjectSearchView.as_view(), name="search-projects"),
    re_path(r"^search/freelancers/?$", views.FreelancerSearchView.as_view(), name="search-freelancers"),
    re_path(r"^search/global/?$", views.GlobalSearchView.as_view(), name="search-global"),
    re_path(r"^search/?$", views.GlobalSearchView.as_view(), name="search"),
    re_path(r"^search/autocomplete/?$", views.AutocompleteView.as_view(), name="search-autocomplete"),
    re_path(r"^search/trending/?$", views.TrendingView.as_view(), name="search-trending"),
]
