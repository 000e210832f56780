"""Search pages. Included before the other page modules; every path here is under /search/ or /categories/."""

from django.urls import path

from . import search_pages as views

app_name = "search"

urlpatterns = [
    path("search/", views.search_projects, name="projects"),
    path("search/freelancers/", views.search_freelancers, name="freelancers"),
    path("search/autocomplete/", views.autocomplete, name="autocomplete"),
    path("search/saved/", views.saved_searches, name="saved"),
    path("search/saved/<int:pk>/delete/", views.saved_search_delete, name="saved-delete"),
    path("search/recommended/", views.recommended_fragment, name="recommended"),
    path("search/suggested/<int:project_id>/", views.suggested_fragment, name="suggested"),
    path("categories/", views.categories, name="categories"),
    path("categories/<slug:category_slug>/", views.search_projects, name="category"),
]
