"""Matching, recommended projects, price estimates and who may ask for them."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from accounts.models import UserSkill
from accounts.tests.factories import FreelancerFactory, SkillFactory, StaffFactory
from marketplace.models import ContractStatus, ExperienceLevel, ProjectStatus, ProposalStatus
from marketplace.tests.factories import (
    CategoryFactory,
    ContractFactory,
    ProjectFactory,
    ProposalFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def give(user, *skills):
    for skill in skills:
        UserSkill.objects.create(user=user, skill=skill)


@pytest.fixture
def market(client_user):
    react, django, figma = SkillFactory(name="React"), SkillFactory(name="Django"), SkillFactory(name="Figma")
    project = ProjectFactory(client=client_user, title="React and Django dashboard",
                             description="A dashboard for stock levels with charts.", skills=[react, django],
                             budget_type="hourly", budget_min=Decimal("40"), budget_max=Decimal("70"))
    full = FreelancerFactory(name="Full Match", title="Dashboard developer", bio="React and Django dashboards",
                             hourly_rate=Decimal("55"))
    give(full, react, django)
    half = FreelancerFactory(name="Half Match", title="Frontend", bio="Landing pages", hourly_rate=Decimal("150"))
    give(half, react)
    none = FreelancerFactory(name="Designer", title="Designer", bio="Logos", hourly_rate=Decimal("50"))
    give(none, figma)
    return {"project": project, "full": full, "half": half, "none": none, "react": react, "django": django}


def test_match_ranks_by_skills_and_rate_with_reasons(client_api, market):
    body = client_api.get(f"/api/ai/match-freelancers/{market['project'].pk}").json()
    assert body["project_id"] == market["project"].pk
    ids = [row["freelancer"]["id"] for row in body["results"]]
    assert ids == [market["full"].pk, market["half"].pk]  # the designer shares no skill
    top = body["results"][0]
    assert top["score"] > body["results"][1]["score"]
    assert any("2 of 2 required skills" in reason for reason in top["reasons"])
    assert any("fits the budget" in reason for reason in top["reasons"])
    assert any("outside the budget" in reason for reason in body["results"][1]["reasons"])


def test_rating_and_completed_contracts_lift_a_freelancer(client_api, client_user, market):
    twin = FreelancerFactory(name="Twin", title="Dashboard developer", bio="React and Django dashboards",
                             hourly_rate=Decimal("55"))
    give(twin, market["react"], market["django"])
    contract = ContractFactory(freelancer=twin, client=client_user, status=ContractStatus.COMPLETED)
    ReviewFactory(contract=contract, reviewer=client_user, reviewee=twin, rating=5)
    results = client_api.get(f"/api/ai/match-freelancers/{market['project'].pk}").json()["results"]
    assert results[0]["freelancer"]["id"] == twin.pk
    assert any("Completed 1 contract" in reason for reason in results[0]["reasons"])


def test_match_is_for_the_owner_or_staff_with_rights(api, outsider_api, freelancer_api, staff_api, market):
    path = f"/api/ai/match-freelancers/{market['project'].pk}"
    assert api.get(path).status_code == 401
    assert outsider_api.get(path).status_code == 404
    assert freelancer_api.get(path).status_code == 404
    assert staff_api.get(path).status_code == 404
    assert outsider_api.get("/api/ai/match-freelancers/999999").status_code == 404


def test_staff_with_the_view_permission_may_match(api_as, market):
    moderator = StaffFactory()
    moderator.user_permissions.add(Permission.objects.get(codename="view_project"))
    assert api_as(moderator).get(f"/api/ai/match-freelancers/{market['project'].pk}").status_code == 200


def test_match_query_count_is_constant(client_api, market, django_assert_num_queries):
    path = f"/api/ai/match-freelancers/{market['project'].pk}"
    with django_assert_num_queries(6):
        assert len(client_api.get(path).json()["results"]) == 2
    extra = FreelancerFactory(name="Another")
    give(extra, market["django"])
    with django_assert_num_queries(6):
        assert len(client_api.get(path).json()["results"]) == 3


def test_recommended_projects_for_a_freelancer(api_as, client_user, market):
    other = ProjectFactory(title="Figma mockups", skills=[SkillFactory(name="Figma")])
    ProjectFactory(title="Closed React job", skills=[market["react"]], status=ProjectStatus.COMPLETED)
    body = api_as(market["full"]).get("/api/ai/recommended-projects").json()
    assert [row["project"]["id"] for row in body["results"]] == [market["project"].pk]
    assert other.pk not in [row["project"]["id"] for row in body["results"]]
    assert body["results"][0]["reasons"]


def test_recommended_projects_leave_out_projects_already_bid_on(api_as, market):
    ProposalFactory(project=market["project"], freelancer=market["full"], status=ProposalStatus.SUBMITTED)
    assert api_as(market["full"]).get("/api/ai/recommended-projects").json()["results"] == []


def test_recommended_projects_are_for_freelancers(api, client_api, staff_api):
    assert api.get("/api/ai/recommended-projects").status_code == 401
    assert client_api.get("/api/ai/recommended-projects").status_code == 403
    assert staff_api.get("/api/ai/recommended-projects").status_code == 403


def test_recommended_projects_query_count_is_constant(api_as, market, django_assert_num_queries):
    caller = api_as(market["half"])
    with django_assert_num_queries(5):
        assert len(caller.get("/api/ai/recommended-projects").json()["results"]) == 1
    ProjectFactory(title="React widget", skills=[market["react"]])
    with django_assert_num_queries(5):
        assert len(caller.get("/api/ai/recommended-projects").json()["results"]) == 2


def test_estimate_price_from_comparable_completed_projects(client_api, market):
    web = CategoryFactory(name="Web", slug="web")
    for low in (1000, 2000, 3000, 4000, 5000):
        ProjectFactory(category=web, status=ProjectStatus.COMPLETED, budget_min=Decimal(low),
                       budget_max=Decimal(low), skills=[market["react"]],
                       experience_level=ExperienceLevel.EXPERT)
    ProjectFactory(category=web, status=ProjectStatus.OPEN, budget_min=Decimal(90000), budget_max=Decimal(90000))
    body = client_api.post("/api/ai/estimate-price", {"category": "web", "skills": ["React"],
                                                      "experience_level": "expert"}, format="json").json()
    assert body["currency"] == "USD" and body["based_on"] == 5
    assert body["low"] < body["median"] == 3000 < body["high"]
    assert body["criteria"] == ["category", "skills", "experience_level"]


def test_estimate_uses_agreed_contract_amounts_and_relaxes_criteria(client_api, client_user, market):
    for amount in (800, 900, 1000, 1100, 1200):
        project = ProjectFactory(status=ProjectStatus.COMPLETED, budget_min=Decimal(10), budget_max=Decimal(20000),
                                 skills=[market["django"]], experience_level=ExperienceLevel.ENTRY)
        ContractFactory(project=project, client=project.client, amount=Decimal(amount),
                        status=ContractStatus.COMPLETED)
    body = client_api.post("/api/ai/estimate-price", {"skills": "Django", "experience_level": "expert"},
                           format="json").json()
    assert body["based_on"] == 5 and body["median"] == 1000 and body["criteria"] == ["skills"]


def test_estimate_without_comparables_says_so(client_api):
    body = client_api.post("/api/ai/estimate-price", {}, format="json").json()
    assert body == {"currency": "USD", "low": None, "median": None, "high": None, "based_on": 0, "criteria": [],
                    "budget_type": "fixed"}


@pytest.mark.parametrize("payload", [{"category": "nope"}, {"experience_level": "guru"},
                                     {"budget_type": "barter"}, {"skills": 5}])
def test_estimate_bad_input_answers_400(client_api, payload):
    assert client_api.post("/api/ai/estimate-price", payload, format="json").status_code == 400


def test_estimate_needs_a_signed_in_user(api):
    assert api.post("/api/ai/estimate-price", {}, format="json").status_code == 401


def test_health(api):
    body = api.get("/api/ai/health").json()
    assert body["status"] == "ok" and body["search_backend"] in ("simple", "postgres")
