"""The marketplace pages: who sees what, and that every form posts through the services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Skill, UserSkill
from accounts.tests.factories import FreelancerFactory
from marketplace.models import (
    BudgetType,
    Contract,
    ContractStatus,
    ContractType,
    ExperienceLevel,
    MilestoneStatus,
    Project,
    ProjectStatus,
    Proposal,
    ProposalStatus,
    Review,
    TimeEntry,
    TimeEntryStatus,
    Visibility,
)
from marketplace.services import proposals as proposal_services

from .factories import (
    CategoryFactory,
    ContractFactory,
    MilestoneFactory,
    PortfolioItemFactory,
    ProjectFactory,
    ProposalFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

COVER = "I have built three dashboards like this one with Django and React and can start on Monday."


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def project(client_user):
    return ProjectFactory(client=client_user, title="Delivery dashboard in React")


@pytest.fixture
def proposal(project, freelancer):
    return ProposalFactory(project=project, freelancer=freelancer, bid_amount=Decimal("1200.00"))


@pytest.fixture
def contract(client_user, freelancer):
    contract = ContractFactory(project__client=client_user, client=client_user, freelancer=freelancer,
                               amount=Decimal("1500.00"))
    return contract


# Browsing ------------------------------------------------------------------------------------------------------


def test_browse_shows_open_public_projects_to_anyone(client, project, client_user):
    ProjectFactory(client=client_user, title="Secret draft", status=ProjectStatus.DRAFT)
    ProjectFactory(client=client_user, title="Private one", visibility=Visibility.PRIVATE)
    ProjectFactory(client=client_user, title="Hidden by staff", is_hidden=True)
    response = client.get("/projects/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Delivery dashboard in React" in html
    for title in ("Secret draft", "Private one", "Hidden by staff"):
        assert title not in html


def test_browse_filters_by_parent_category_skills_type_experience_and_text(client, client_user):
    web = CategoryFactory(name="Web", slug="web")
    frontend = CategoryFactory(name="Frontend", slug="frontend", parent=web)
    django = Skill.objects.create(name="Django", slug="django")
    match = ProjectFactory(client=client_user, title="Shop rebuild", category=frontend, skills=[django],
                           budget_type=BudgetType.HOURLY, experience_level=ExperienceLevel.EXPERT)
    ProjectFactory(client=client_user, title="Logo design", budget_type=BudgetType.HOURLY,
                   experience_level=ExperienceLevel.EXPERT)
    ProjectFactory(client=client_user, title="Fixed shop", category=frontend, skills=[django])
    url = "/projects/?category=web&skills=django&budget_type=hourly&experience_level=expert&q=shop"
    html = client.get(url).content.decode()
    assert match.title in html
    assert "Logo design" not in html and "Fixed shop" not in html


def test_browse_ignores_nonsense_filters(client, project):
    response = client.get("/projects/?budget_min=lots&category=nope&sort=%27&page=abc")
    assert response.status_code == 200
    assert project.title in response.content.decode()


def test_browse_htmx_request_gets_only_the_results(client, project):
    response = client.get("/projects/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="project-results"' in html
    assert "<html" not in html


# The page-wide parts (session, banners) are other apps' business, so the list tests take the count for N rows as
# measured (bounded) and require exactly that count for N+1.


def test_browse_query_count_is_the_same_for_n_and_n_plus_one_projects(client, client_user,
                                                                       django_assert_max_num_queries,
                                                                       django_assert_num_queries):
    skill = Skill.objects.create(name="React", slug="react")
    for _ in range(3):
        ProjectFactory(client=client_user, skills=[skill])
    client.get("/projects/")  # warm up sessions and content types
    with django_assert_max_num_queries(8) as n_rows:
        client.get("/projects/")
    ProjectFactory(client=client_user, skills=[skill], category=CategoryFactory(parent=CategoryFactory()))
    with django_assert_num_queries(len(n_rows)):
        client.get("/projects/")


def test_browse_paginates(client, client_user):
    for index in range(14):
        ProjectFactory(client=client_user, title=f"Paged project {index:02d}")
    first = client.get("/projects/").content.decode()
    second = client.get("/projects/?page=2").content.decode()
    assert "Page 1 of 2" in first
    assert first.count('data-testid="project-card"') == 12
    assert second.count('data-testid="project-card"') == 2


# Project detail and bidding ------------------------------------------------------------------------------------


def test_open_project_is_public(client, project):
    response = client.get(f"/projects/{project.pk}/")
    assert response.status_code == 200
    assert "Log in to bid" in response.content.decode()


def test_draft_is_404_for_outsider_and_200_for_owner(client, as_user, client_user, outsider):
    draft = ProjectFactory(client=client_user, status=ProjectStatus.DRAFT)
    assert client.get(f"/projects/{draft.pk}/").status_code == 404
    assert as_user(outsider).get(f"/projects/{draft.pk}/").status_code == 404
    assert as_user(client_user).get(f"/projects/{draft.pk}/").status_code == 200


def test_freelancer_sees_the_proposal_form_and_the_client_does_not(as_user, project, freelancer, outsider):
    assert 'data-testid="proposal-form"' in as_user(freelancer).get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="proposal-form"' not in as_user(outsider).get(f"/projects/{project.pk}/").content.decode()


def test_proposal_form_submits_through_the_service(as_user, project, freelancer):
    response = as_user(freelancer).post(f"/projects/{project.pk}/bid/", {
        "cover_letter": COVER, "estimated_hours": "20", "hourly_rate": "50", "availability": "Monday"})
    assert response.status_code == 302
    proposal = Proposal.objects.get(project=project, freelancer=freelancer)
    assert proposal.bid_amount == Decimal("1000.00")  # hours x rate, computed by proposal_submit
    project.refresh_from_db()
    assert project.proposal_count == 1


def test_short_cover_letter_is_refused_with_the_form_shown_again(as_user, project, freelancer):
    response = as_user(freelancer).post(f"/projects/{project.pk}/bid/", {"cover_letter": "Hire me",
                                                                         "bid_amount": "900"})
    assert response.status_code == 400
    assert "at least 50 characters" in response.content.decode()
    assert not Proposal.objects.exists()


def test_second_live_bid_is_refused_by_the_service(as_user, project, freelancer, proposal):
    # The page hides the form once a live bid exists; a replayed POST still reaches the service rule.
    response = as_user(freelancer).post(f"/projects/{project.pk}/bid/", {"cover_letter": COVER,
                                                                         "bid_amount": "900"})
    assert response.status_code == 400
    assert "already have a proposal" in response.content.decode()
    assert Proposal.objects.filter(project=project).count() == 1


def test_client_may_not_bid(as_user, project, outsider):
    response = as_user(outsider).post(f"/projects/{project.pk}/bid/", {"cover_letter": COVER, "bid_amount": "1"})
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_bid_on_hidden_project_is_404(as_user, client_user, freelancer):
    hidden = ProjectFactory(client=client_user, is_hidden=True)
    response = as_user(freelancer).post(f"/projects/{hidden.pk}/bid/", {"cover_letter": COVER, "bid_amount": "1"})
    assert response.status_code == 404


# Posting and editing -------------------------------------------------------------------------------------------


def test_post_project_page_is_for_clients(client, as_user, client_user, freelancer):
    assert client.get("/projects/new/").status_code == 302  # to the login page
    assert as_user(freelancer).get("/projects/new/").status_code == 403
    assert as_user(client_user).get("/projects/new/").status_code == 200


def test_posting_a_project_publishes_it_with_skills_and_tags(as_user, client_user):
    category = CategoryFactory(name="Web development")
    response = as_user(client_user).post("/projects/new/", {
        "title": "Inventory API", "description": "A REST API for our warehouse stock, with tests.",
        "category": category.pk, "budget_type": "fixed", "budget_min": "800", "budget_max": "1600",
        "experience_level": "intermediate", "visibility": "public", "skills": "Django, PostgreSQL, django",
        "tags": "api, long-term", "publish": "1",
    })
    project = Project.objects.get(title="Inventory API")
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert project.status == ProjectStatus.OPEN and project.published_at is not None
    assert sorted(project.skills.values_list("name", flat=True)) == ["Django", "PostgreSQL"]
    assert sorted(project.tags.values_list("name", flat=True)) == ["api", "long-term"]
    category.refresh_from_db()
    assert category.project_count == 1  # kept by the service, which the page went through


def test_saving_a_draft_keeps_it_private(as_user, client_user):
    as_user(client_user).post("/projects/new/", {
        "title": "Draft idea", "description": "Not ready yet.", "budget_type": "hourly",
        "experience_level": "entry", "visibility": "public", "save_draft": "1"})
    assert Project.objects.get(title="Draft idea").status == ProjectStatus.DRAFT


def test_budget_range_upside_down_is_a_form_error(as_user, client_user):
    response = as_user(client_user).post("/projects/new/", {
        "title": "Upside down", "description": "x" * 20, "budget_type": "fixed", "budget_min": "900",
        "budget_max": "100", "experience_level": "entry", "visibility": "public"})
    assert response.status_code == 400
    assert not Project.objects.filter(title="Upside down").exists()


def test_edit_project_owner_only(as_user, project, outsider, client_user):
    assert as_user(outsider).get(f"/projects/{project.pk}/edit/").status_code == 404
    response = as_user(client_user).post(f"/projects/{project.pk}/edit/", {
        "title": "Delivery dashboard (React + maps)", "description": project.description, "budget_type": "fixed",
        "budget_min": "500", "budget_max": "2000", "experience_level": "expert", "visibility": "public",
        "skills": "React, Leaflet"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Delivery dashboard (React + maps)" and project.budget_max == Decimal("2000.00")
    assert sorted(project.skills.values_list("name", flat=True)) == ["Leaflet", "React"]


def test_publishing_a_draft_from_its_page(as_user, client_user, outsider):
    draft = ProjectFactory(client=client_user, status=ProjectStatus.DRAFT)
    assert as_user(outsider).post(f"/projects/{draft.pk}/publish/").status_code == 404
    as_user(client_user).post(f"/projects/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.OPEN


def test_my_projects_lists_only_mine(as_user, project, outsider):
    ProjectFactory(client=outsider, title="Charlie's project")
    html = as_user(project.client).get("/projects/mine/").content.decode()
    assert project.title in html and "Charlie's project" not in html


# Comparing and deciding ----------------------------------------------------------------------------------------


def test_compare_proposals_owner_only(as_user, project, proposal, outsider, freelancer):
    owner_page = as_user(project.client).get(f"/projects/{project.pk}/proposals/")
    assert owner_page.status_code == 200
    assert proposal.freelancer.display_name in owner_page.content.decode()
    assert as_user(outsider).get(f"/projects/{project.pk}/proposals/").status_code == 404
    assert as_user(freelancer).get(f"/projects/{project.pk}/proposals/").status_code == 403


def test_compare_shows_rating_from_visible_reviews_only(as_user, project, proposal):
    ReviewFactory(contract__freelancer=proposal.freelancer, reviewee=proposal.freelancer, rating=4)
    ReviewFactory(contract__freelancer=proposal.freelancer, reviewee=proposal.freelancer, rating=1,
                  visible_at=timezone.now() + timedelta(days=3))
    html = as_user(project.client).get(f"/projects/{project.pk}/proposals/").content.decode()
    assert "Rated 4.0 out of 5 from 1 review" in html


def test_shortlist_with_htmx_swaps_the_card(as_user, project, proposal):
    response = as_user(project.client).post(f"/proposals/{proposal.pk}/shortlist/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="proposal-{proposal.pk}"' in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SHORTLISTED


def test_reject_without_javascript_redirects_back(as_user, project, proposal, outsider):
    assert as_user(outsider).post(f"/proposals/{proposal.pk}/reject/").status_code == 404
    response = as_user(project.client).post(f"/proposals/{proposal.pk}/reject/")
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/proposals/"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED


def test_accept_asks_first_then_starts_the_contract(as_user, project, proposal, other_freelancer):
    ProposalFactory(project=project, freelancer=other_freelancer)
    page = as_user(project.client).get(f"/proposals/{proposal.pk}/accept/")
    assert page.status_code == 200
    assert "1 other bidder is told" in page.content.decode()
    assert not Contract.objects.exists()
    response = as_user(project.client).post(f"/proposals/{proposal.pk}/accept/")
    contract = Contract.objects.get(proposal=proposal)
    assert response["Location"] == f"/contracts/{contract.pk}/"
    project.refresh_from_db()
    assert project.status == ProjectStatus.IN_PROGRESS


def test_accepting_twice_shows_an_error_and_makes_one_contract(as_user, project, proposal):
    as_user(project.client).post(f"/proposals/{proposal.pk}/accept/")
    response = as_user(project.client).post(f"/proposals/{proposal.pk}/accept/", follow=True)
    assert "already been accepted" in response.content.decode()
    assert Contract.objects.count() == 1


def test_outsider_cannot_accept(as_user, proposal, outsider):
    assert as_user(outsider).get(f"/proposals/{proposal.pk}/accept/").status_code == 404
    assert as_user(outsider).post(f"/proposals/{proposal.pk}/accept/").status_code == 404
    assert not Contract.objects.exists()


# Freelancer's proposals ----------------------------------------------------------------------------------------


def test_my_proposals_and_withdraw(as_user, proposal, freelancer, other_freelancer):
    page = as_user(freelancer).get("/proposals/")
    assert page.status_code == 200 and proposal.project.title in page.content.decode()
    assert as_user(other_freelancer).post(f"/proposals/{proposal.pk}/withdraw/").status_code == 404
    as_user(freelancer).post(f"/proposals/{proposal.pk}/withdraw/")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN


def test_my_proposals_is_for_freelancers(as_user, client_user):
    assert as_user(client_user).get("/proposals/").status_code == 403


# Contracts and milestones --------------------------------------------------------------------------------------


def test_contract_pages_for_the_parties_only(as_user, contract, outsider, other_freelancer):
    for person in (contract.client, contract.freelancer):
        assert as_user(person).get(f"/contracts/{contract.pk}/").status_code == 200
        assert contract.title in as_user(person).get("/contracts/").content.decode()
    for person in (outsider, other_freelancer):
        assert as_user(person).get(f"/contracts/{contract.pk}/").status_code == 404
        assert contract.title not in as_user(person).get("/contracts/").content.decode()


def test_contract_list_query_count_is_constant(as_user, client_user, freelancer, django_assert_max_num_queries,
                                               django_assert_num_queries):
    ContractFactory(project__client=client_user, client=client_user, freelancer=freelancer)
    page = as_user(client_user)
    page.get("/contracts/")
    with django_assert_max_num_queries(8) as n_rows:
        page.get("/contracts/")
    MilestoneFactory(contract=ContractFactory(project__client=client_user, client=client_user, freelancer=freelancer))
    with django_assert_num_queries(len(n_rows)):
        page.get("/contracts/")


def test_client_adds_a_milestone_and_the_freelancer_may_not(as_user, contract):
    response = as_user(contract.client).post(f"/contracts/{contract.pk}/milestones/", {
        "title": "Design approved", "amount": "400", "description": "Figma screens"})
    assert response.status_code == 302
    assert contract.milestones.get().title == "Design approved"
    assert as_user(contract.freelancer).post(f"/contracts/{contract.pk}/milestones/", {
        "title": "Sneaky", "amount": "1"}).status_code == 403


def test_milestone_submit_then_reject_then_approve(as_user, contract):
    milestone = MilestoneFactory(contract=contract, status=MilestoneStatus.FUNDED, funded_at=timezone.now())
    freelancer, client = as_user(contract.freelancer), None
    response = freelancer.post(f"/milestones/{milestone.pk}/submit/", {"deliverables": "https://example.com/pr/1"})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SUBMITTED
    client = as_user(contract.client)
    assert client.post(f"/milestones/{milestone.pk}/reject/", {"feedback": ""}).status_code == 400
    client.post(f"/milestones/{milestone.pk}/reject/", {"feedback": "The export button is missing."})
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.REJECTED and "export" in milestone.feedback
    as_user(contract.freelancer).post(f"/milestones/{milestone.pk}/submit/", {"deliverables": "Added export."})
    as_user(contract.client).post(f"/milestones/{milestone.pk}/approve/")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.APPROVED


def test_milestone_actions_belong_to_the_right_side(as_user, contract, outsider):
    milestone = MilestoneFactory(contract=contract, status=MilestoneStatus.SUBMITTED)
    assert as_user(contract.freelancer).post(f"/milestones/{milestone.pk}/approve/").status_code == 403
    assert as_user(contract.client).post(f"/milestones/{milestone.pk}/submit/",
                                         {"deliverables": "x"}).status_code == 403
    assert as_user(outsider).post(f"/milestones/{milestone.pk}/approve/").status_code == 404
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SUBMITTED


def test_completing_and_reviewing_a_contract(as_user, contract):
    MilestoneFactory(contract=contract, status=MilestoneStatus.APPROVED)
    page = as_user(contract.client).get(f"/contracts/{contract.pk}/").content.decode()
    assert 'data-testid="complete-contract"' in page
    as_user(contract.client).post(f"/contracts/{contract.pk}/complete/")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED
    as_user(contract.client).post(f"/contracts/{contract.pk}/review/", {"rating": "5", "comment": "Great work",
                                                                       "quality": "5"})
    review = Review.objects.get(contract=contract, reviewer=contract.client)
    assert review.rating == 5 and not review.is_visible  # blind until the freelancer reviews too
    page = as_user(contract.freelancer).get(f"/contracts/{contract.pk}/").content.decode()
    assert "has reviewed you" in page and "Great work" not in page
    as_user(contract.freelancer).post(f"/contracts/{contract.pk}/review/", {"rating": "4"})
    page = as_user(contract.freelancer).get(f"/contracts/{contract.pk}/").content.decode()
    assert "Great work" in page


def test_review_before_completion_is_refused(as_user, contract):
    response = as_user(contract.client).post(f"/contracts/{contract.pk}/review/", {"rating": "5"})
    assert response.status_code == 400
    assert not Review.objects.exists()


# Freelancer directory and profile ------------------------------------------------------------------------------


def test_freelancer_directory_filters_by_skill(client):
    figma = FreelancerFactory(name="Fiona Figma")
    UserSkill.objects.create(user=figma, skill=Skill.objects.create(name="Figma", slug="figma"))
    FreelancerFactory(name="Kai Kotlin")
    html = client.get("/freelancers/?skills=figma").content.decode()
    assert "Fiona Figma" in html and "Kai Kotlin" not in html


def test_freelancer_directory_query_count_is_constant(client, django_assert_max_num_queries,
                                                      django_assert_num_queries):
    skill = Skill.objects.create(name="Go", slug="go")
    for _ in range(2):
        UserSkill.objects.create(user=FreelancerFactory(), skill=skill)
    client.get("/freelancers/")
    with django_assert_max_num_queries(5) as n_rows:
        client.get("/freelancers/")
    UserSkill.objects.create(user=FreelancerFactory(), skill=skill)
    with django_assert_num_queries(len(n_rows)):
        client.get("/freelancers/")


def test_profile_shows_portfolio_and_only_visible_reviews(client, freelancer):
    PortfolioItemFactory(freelancer=freelancer, title="Route planner for bakeries")
    ReviewFactory(contract__freelancer=freelancer, reviewee=freelancer, comment="Fast and careful")
    ReviewFactory(contract__freelancer=freelancer, reviewee=freelancer, comment="Still blind",
                  visible_at=timezone.now() + timedelta(days=5))
    ReviewFactory(contract__freelancer=freelancer, reviewee=freelancer, comment="Removed one", is_removed=True)
    html = client.get(f"/people/{freelancer.pk}/").content.decode()
    assert "Route planner for bakeries" in html
    assert "Fast and careful" in html
    assert "Still blind" not in html and "Removed one" not in html


def test_inactive_person_profile_is_404(client, freelancer):
    freelancer.is_active = False
    freelancer.save()
    assert client.get(f"/people/{freelancer.pk}/").status_code == 404


# Dashboards ----------------------------------------------------------------------------------------------------


def test_client_dashboard_shows_work_waiting_for_approval(as_user, contract):
    MilestoneFactory(contract=contract, title="Maps integration", status=MilestoneStatus.SUBMITTED,
                     submitted_at=timezone.now())
    html = as_user(contract.client).get("/dashboard/").content.decode()
    assert "Work waiting for your approval" in html and "Maps integration" in html


def test_freelancer_dashboard_recommends_projects_matching_skills(as_user, freelancer, client_user):
    react = Skill.objects.create(name="React", slug="react")
    UserSkill.objects.create(user=freelancer, skill=react)
    ProjectFactory(client=client_user, title="React storefront", skills=[react])
    ProjectFactory(client=client_user, title="Tax advice")
    html = as_user(freelancer).get("/dashboard/").content.decode()
    # Matching projects come first; newer others fill the list.
    assert html.index("React storefront") < html.index("Tax advice")


def test_dashboard_needs_sign_in(client):
    assert client.get("/dashboard/").status_code == 302


def test_staff_dashboard_falls_back_to_the_accounts_page(as_user, superuser):
    assert as_user(superuser).get("/dashboard/").status_code == 200


def test_accepting_through_the_service_shows_the_contract_to_both(as_user, project, proposal):
    proposal_services.proposal_accept(proposal=proposal, actor=project.client)
    contract = Contract.objects.get(proposal=proposal)
    for person in (project.client, proposal.freelancer):
        assert contract.title in as_user(person).get("/contracts/").content.decode()


def test_client_sees_a_fund_button_on_a_pending_milestone_and_the_freelancer_a_note(as_user, contract):
    MilestoneFactory(contract=contract, status=MilestoneStatus.PENDING)
    client_page = as_user(contract.client).get(f"/contracts/{contract.pk}/").content.decode()
    assert 'data-testid="fund-milestone"' in client_page
    freelancer_page = as_user(contract.freelancer).get(f"/contracts/{contract.pk}/").content.decode()
    assert 'data-testid="fund-milestone"' not in freelancer_page and "Not funded yet" in freelancer_page


def test_hourly_contract_shows_logged_weeks(as_user, client_user, freelancer):
    contract = ContractFactory(project__client=client_user, client=client_user, freelancer=freelancer,
                               contract_type=ContractType.HOURLY, amount=None, hourly_rate=Decimal("50.00"),
                               weekly_limit_hours=Decimal("20"))
    start = timezone.now() - timedelta(days=8)
    TimeEntry.objects.create(user=freelancer, contract=contract, start_time=start,
                             end_time=start + timedelta(hours=3), duration_minutes=180,
                             hourly_rate=Decimal("50.00"), amount=Decimal("150.00"), status=TimeEntryStatus.SUBMITTED,
                             week_start=(start - timedelta(days=start.weekday())).date())
    html = as_user(client_user).get(f"/contracts/{contract.pk}/").content.decode()
    assert 'data-testid="time-weeks"' in html and "$150" in html


def test_freelancer_directory_htmx_request_gets_only_the_results(client, freelancer):
    response = client.get("/freelancers/?q=bob", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="freelancer-results"' in html and "<html" not in html
    assert freelancer.display_name in html


def test_my_projects_and_my_proposals_query_counts_are_constant(as_user, client_user, freelancer,
                                                                django_assert_max_num_queries,
                                                                django_assert_num_queries):
    ProposalFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    for person, url in ((client_user, "/projects/mine/"), (freelancer, "/proposals/")):
        page = as_user(person)
        page.get(url)
        with django_assert_max_num_queries(8) as n_rows:
            page.get(url)
        ProposalFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
        with django_assert_num_queries(len(n_rows)):
            page.get(url)
