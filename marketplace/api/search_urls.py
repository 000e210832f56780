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

urlpatterns += [
    re_path(r"^ai/health/?$", views.AiHealthView.as_view(), name="ai-health"),
    re_path(r"^ai/match-freelancers/(?P<project_id>\d+)/?$", views.MatchFreelancersView.as_view(),
            name="ai-match-freelancers"),
    re_path(r"^ai/recommended-projects/?$", views.RecommendedProjectsView.as_view(), name="ai-recommended-projects"),
    re_path(r"^ai/estimate-price/?$", views.EstimatePriceView.as_view(), name="ai-estimate-price"),
]
