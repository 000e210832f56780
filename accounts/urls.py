from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("profile/", views.profile_edit, name="profile-edit"),
    path("people/<int:pk>/", views.profile_detail, name="profile-detail"),
]
