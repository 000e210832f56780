"""Pages of the marketplace. Included before accounts.urls, so `/dashboard/` and `/people/<pk>/` here answer
instead of the accounts placeholders; `{% url 'dashboard' %}` and `{% url 'profile-detail' %}` keep working because
the paths are the same."""

from django.urls import path

from . import views

app_name = "marketplace"

urlpatterns = [
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/mine/", views.my_projects, name="project-mine"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:pk>/publish/", views.project_publish, name="project-publish"),
    path("projects/<int:pk>/proposals/", views.project_proposals, name="project-proposals"),
    path("projects/<int:pk>/bid/", views.proposal_create, name="proposal-create"),
    path("proposals/", views.my_proposals, name="proposal-mine"),
    path("proposals/<int:pk>/shortlist/", views.proposal_shortlist, name="proposal-shortlist"),
    path("proposals/<int:pk>/reject/", views.proposal_reject, name="proposal-reject"),
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="proposal-accept"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal-withdraw"),
    path("contracts/", views.contract_list, name="contract-list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/milestones/", views.milestone_create, name="milestone-create"),
    path("contracts/<int:pk>/complete/", views.contract_complete, name="contract-complete"),
    path("contracts/<int:pk>/review/", views.review_create, name="review-create"),
    path("milestones/<int:pk>/submit/", views.milestone_submit, name="milestone-submit"),
    path("milestones/<int:pk>/start/", views.milestone_start, name="milestone-start"),
    path("milestones/<int:pk>/approve/", views.milestone_approve, name="milestone-approve"),
    path("milestones/<int:pk>/reject/", views.milestone_reject, name="milestone-reject"),
    path("freelancers/", views.freelancer_list, name="freelancer-list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("people/<int:pk>/", views.profile_detail, name="profile-detail"),
]

