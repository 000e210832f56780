"""Search API on both databases: words, filters, shapes, bad input and query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from accounts.models import UserSkill
from accounts.tests.factories import FreelancerFactory, SkillFactory
from marketplace.models import ContractStatus, ExperienceLevel, Project, ProjectStatus, Visibility
from marketplace.services import projects as project_services
from marketplace.tests.factories import (
    CategoryFactory,
    ContractFactory,
    ProjectFactory,
    ProposalFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def ids(response):
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def catalog(client_user):
    web = CategoryFactory(name="Web", slug="web")
    frontend = CategoryFactory(name="Frontend", slug="frontend", parent=web)
    design = CategoryFactory(name="Design", slug="design")
    react, django = SkillFactory(name="React"), SkillFactory(name="Django")
    shop = ProjectFactory(client=client_user, title="React storefront for a bakery",
                          description="A shop with a cart and payments.", category=frontend, skills=[react],
                          budget_min=Decimal("2000"), budget_max=Decimal("5000"),
                          experience_level=ExperienceLevel.EXPERT)
    api = ProjectFactory(client=client_user, title="Inventory service",
                         description="An API for stock levels written in Python.", category=web, skills=[django],
                         budget_type="hourly", budget_min=Decimal("30"), budget_max=Decimal("60"),
                         tags=[TagFactory(name="backend")])
    logo = ProjectFactory(title="Logo for a bakery", description="A friendly logo, flat colours.",
                          category=design, budget_min=Decimal("100"), budget_max=Decimal("300"),
                          experience_level=ExperienceLevel.ENTRY)
    return {"shop": shop, "api": api, "logo": logo, "web": web, "react": react}


def test_projects_found_by_word_in_title_description_skill_and_tag(api, catalog):
    assert set(ids(api.get("/api/search/projects", {"q": "bakery"}))) == {catalog["shop"].pk, catalog["logo"].pk}
    assert ids(api.get("/api/search/projects?q=stock")) == [catalog["api"].pk]
    assert ids(api.get("/api/search/projects?q=react")) == [catalog["shop"].pk]
    assert ids(api.get("/api/search/projects/?q=backend")) == [catalog["api"].pk]


def test_every_word_must_match_and_minus_excludes(api, catalog):
    assert ids(api.get("/api/search/projects", {"q": "bakery logo"})) == [catalog["logo"].pk]
    assert ids(api.get("/api/search/projects", {"q": "bakery -logo"})) == [catalog["shop"].pk]


def test_filters_narrow_the_results(api, catalog):
    get = lambda **p: set(ids(api.get("/api/search/projects", p)))  # noqa: E731
    assert get(category="web") == {catalog["shop"].pk, catalog["api"].pk}  # includes the subcategory
    assert get(skills="React,Django") == {catalog["shop"].pk, catalog["api"].pk}
    assert set(ids(api.get("/api/search/projects?skills=react&skills=django"))) == {catalog["shop"].pk,
                                                                                   catalog["api"].pk}
    assert get(budget_type="Hourly") == {catalog["api"].pk}
    assert get(budget_min="1000") == {catalog["shop"].pk}
    assert get(budget_max="200") == {catalog["logo"].pk, catalog["api"].pk}
    assert get(experience_level="entry") == {catalog["logo"].pk}
    Project.objects.filter(pk=catalog["logo"].pk).update(created_at=timezone.now() - timedelta(days=40))
    assert catalog["logo"].pk not in get(posted_within="30")


def test_sort_newest_and_budget(api, catalog):
    Project.objects.filter(pk=catalog["shop"].pk).update(created_at=timezone.now() - timedelta(days=3))
    assert ids(api.get("/api/search/projects", {"sort": "newest"}))[-1] == catalog["shop"].pk
    assert ids(api.get("/api/search/projects", {"sort": "budget"}))[0] == catalog["shop"].pk


def test_response_is_paginated_with_count_and_query(api, catalog):
    body = api.get("/api/search/projects", {"q": "bakery", "page_size": 1}).json()
    assert body["count"] == 2 and body["query"] == "bakery" and len(body["results"]) == 1
    assert body["next"] and body["previous"] is None and body["count_is_estimate"] is False
    second = api.get(body["next"]).json()
    assert second["next"] is None and len(second["results"]) == 1
    row = body["results"][0]
    assert {"id", "title", "budget_min", "skills", "tags", "client", "category"} <= set(row)


def test_drafts_hidden_and_private_projects_stay_out_for_outsiders(api, outsider_api, client_user, catalog):
    ProjectFactory(client=client_user, title="Secret bakery draft", status=ProjectStatus.DRAFT)
    ProjectFactory(client=client_user, title="Private bakery", visibility=Visibility.PRIVATE)
    ProjectFactory(client=client_user, title="Hidden bakery", is_hidden=True)
    for caller in (api, outsider_api):
        found = set(ids(caller.get("/api/search/projects", {"q": "bakery"})))
        assert found == {catalog["shop"].pk, catalog["logo"].pk}
        assert ids(caller.get("/api/search/projects", {"q": "bakery", "status": "draft"})) == []


def test_client_finds_own_draft_with_status_filter(client_api, client_user, catalog):
    draft = ProjectFactory(client=client_user, title="Bakery menu draft", status=ProjectStatus.DRAFT)
    assert ids(client_api.get("/api/search/projects", {"q": "bakery", "status": "draft"})) == [draft.pk]


@pytest.mark.parametrize("params", [
    {"budget_min": "-5"}, {"budget_min": "NaN"}, {"budget_max": "Infinity"}, {"budget_min": "abc"},
    {"budget_min": "500", "budget_max": "100"}, {"sort": "cheapest"}, {"q": "x" * 2000},
    {"category": "no-such-category"}, {"posted_within": "-1"}, {"posted_within": "soon"},
    {"experience_level": "guru"}, {"budget_type": "barter"}, {"status": "lost"},
    {"skills": ",".join("abcdefghijklmnopqrstuvwxyz")},
])
def test_bad_project_filters_answer_400(api, params):
    response = api.get("/api/search/projects", params)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


@pytest.mark.parametrize("params", [
    {"min_rate": "-1"}, {"max_rate": "NaN"}, {"min_rate": "50", "max_rate": "10"}, {"min_rating": "9"},
    {"available": "maybe"}, {"q": "y" * 2000},
])
def test_bad_freelancer_filters_answer_400(api, params):
    assert api.get("/api/search/freelancers", params).status_code == 400


def test_odd_but_harmless_input_answers_200(api, catalog):
    for q in ('"unclosed', "-", "or or", "!!!", "c++", "100%", "_", "' OR 1=1 --", "日本語"):
        assert api.get("/api/search/projects", {"q": q}).status_code == 200, q
        assert api.get("/api/search/freelancers", {"q": q}).status_code == 200, q
        assert api.get("/api/search/autocomplete", {"q": q}).status_code == 200, q
    assert api.get("/api/search/projects", {"page": "x", "page_size": "-3"}).status_code == 200


def test_project_search_query_count_is_constant(api, django_assert_num_queries, client_user):
    # Count, page ids, page rows, skills, tags; PostgreSQL first asks the planner for its estimate.
    expected = 6 if connection.vendor == "postgresql" else 5
    react = SkillFactory(name="React")
    ProjectFactory(title="React app one", skills=[react], tags=[TagFactory(name="spa")])
    with django_assert_num_queries(expected):
        assert len(ids(api.get("/api/search/projects", {"q": "react", "sort": "relevance"}))) == 1
    ProjectFactory(title="React app two", skills=[react], tags=[TagFactory(name="pwa")])
    with django_assert_num_queries(expected):
        assert len(ids(api.get("/api/search/projects", {"q": "react", "sort": "relevance"}))) == 2


# Freelancers ---------------------------------------------------------------------------------------------------


@pytest.fixture
def people():
    python = SkillFactory(name="Python")
    ana = FreelancerFactory(name="Ana Lopez", title="Backend developer", bio="APIs and data pipelines",
                            hourly_rate=Decimal("80"), location="Lisbon")
    UserSkill.objects.create(user=ana, skill=python, proficiency_level=5)
    ben = FreelancerFactory(name="Ben Okafor", title="Illustrator", bio="Children's books and logos",
                            hourly_rate=Decimal("35"), location="Lagos")
    for _ in range(3):
        ContractFactory(freelancer=ben, status=ContractStatus.ACTIVE)
    return {"ana": ana, "ben": ben}


def test_freelancers_found_by_words_and_filters(api, people):
    get = lambda **p: [row["id"] for row in api.get("/api/search/freelancers", p).json()["results"]]  # noqa: E731
    assert get(q="pipelines") == [people["ana"].pk]
    assert get(q="python") == [people["ana"].pk]
    assert get(skills="python") == [people["ana"].pk]
    assert get(min_rate="50") == [people["ana"].pk]
    assert get(max_rate="50") == [people["ben"].pk]
    assert get(location="lagos") == [people["ben"].pk]
    assert get(available="true") == [people["ana"].pk]
    assert get(available="false") == [people["ben"].pk]
    assert get(min_rating="4") == []


def test_freelancer_card_shape(api, people):
    row = api.get("/api/search/freelancers", {"q": "pipelines"}).json()["results"][0]
    assert row["skills"] == ["Python"] and row["hourly_rate"] == 80 and row["available"] is True
    assert "email" not in row


def test_clients_are_not_found_as_freelancers(api, client_user, people):
    assert client_user.pk not in [r["id"] for r in api.get("/api/search/freelancers").json()["results"]]


def test_freelancer_search_query_count_is_constant(api, django_assert_num_queries, people):
    expected = 4 if connection.vendor == "postgresql" else 3
    with django_assert_num_queries(expected):
        assert api.get("/api/search/freelancers").json()["count"] == 2
    other = FreelancerFactory(name="Cleo")
    UserSkill.objects.create(user=other, skill=SkillFactory(name="Go"))
    with django_assert_num_queries(expected):
        assert api.get("/api/search/freelancers").json()["count"] == 3


# Global, autocomplete, trending ---------------------------------------------------------------------------------


def test_global_search_shape(api, catalog, people):
    for path in ("/api/search/global", "/api/search/", "/api/search"):
        body = api.get(path, {"q": "react"}).json()
        assert body["query"] == "react"
        assert set(body["results"]) == {"projects", "freelancers", "skills", "tags"}
        assert [p["id"] for p in body["results"]["projects"]] == [catalog["shop"].pk]
        assert [s["name"] for s in body["results"]["skills"]] == ["React"]
        assert body["total_results"] == sum(len(v) for v in body["results"].values())


def test_global_search_without_words_is_empty(api, catalog):
    assert api.get("/api/search/global").json()["total_results"] == 0


def test_autocomplete_suggests_skills_tags_categories_projects_and_freelancers(api, catalog, people):
    body = api.get("/api/search/autocomplete", {"q": "re"}).json()
    assert body["query"] == "re"
    assert {"id": catalog["react"].pk, "type": "skill", "text": "React"} in body["suggestions"]
    assert {"id": catalog["shop"].pk, "type": "project", "text": "React storefront for a bakery"} in (
        body["suggestions"])
    kinds = {s["type"] for s in api.get("/api/search/autocomplete", {"q": "Ana"}).json()["suggestions"]}
    assert "freelancer" in kinds
    assert api.get("/api/search/autocomplete").json() == {"query": "", "suggestions": []}


def test_autocomplete_hides_unpublished_projects(api, client_user):
    ProjectFactory(client=client_user, title="Zebra secret", status=ProjectStatus.DRAFT)
    assert api.get("/api/search/autocomplete", {"q": "zebra"}).json()["suggestions"] == []


def test_trending_projects_by_proposals_and_skills_by_use(api, catalog, freelancer, other_freelancer):
    ProposalFactory(project=catalog["logo"], freelancer=freelancer)
    ProposalFactory(project=catalog["logo"], freelancer=other_freelancer)
    ProposalFactory(project=catalog["api"], freelancer=freelancer)
    body = api.get("/api/search/trending", {"type": "projects"}).json()
    assert body["type"] == "projects"
    assert [i["id"] for i in body["items"]][:2] == [catalog["logo"].pk, catalog["api"].pk]
    assert body["items"][0]["score"] > body["items"][1]["score"]
    skills = api.get("/api/search/trending?type=skills").json()["items"]
    assert {s["name"] for s in skills} == {"React", "Django"}
    tags = api.get("/api/search/trending?type=tags").json()["items"]
    assert [t["name"] for t in tags] == ["backend"]
    people = api.get("/api/search/trending?type=freelancers").json()["items"]
    assert people[0]["id"] == freelancer.pk
    assert api.get("/api/search/trending?type=planets").status_code == 400


def test_trending_leaves_out_closed_projects(api, catalog, freelancer):
    ProposalFactory(project=catalog["logo"], freelancer=freelancer)
    Project.objects.filter(pk=catalog["logo"].pk).update(status=ProjectStatus.CANCELLED)
    assert api.get("/api/search/trending").json()["items"] == []


def test_edited_project_is_found_by_its_new_words(api, client_user, catalog):
    project_services.project_update(project=catalog["api"], actor=client_user, title="Warehouse robots",
                                    skills=["Rust"])
    assert ids(api.get("/api/search/projects", {"q": "warehouse"})) == [catalog["api"].pk]
    assert ids(api.get("/api/search/projects", {"q": "rust"})) == [catalog["api"].pk]


def test_large_results_rank_the_newest_window_and_flag_the_count(api, monkeypatch, catalog, people):
    """Above the exact-count limit the count is flagged as an estimate and ranking covers the newest matches."""
    from marketplace.search import backends, service

    monkeypatch.setattr(backends, "EXACT_COUNT", 1)
    monkeypatch.setattr(service, "EXACT_COUNT", 1)
    monkeypatch.setattr(service, "RANK_WINDOW", 1)
    body = api.get("/api/search/projects", {"q": "bakery"}).json()
    estimated = connection.vendor == "postgresql"  # SQLite counts exactly
    assert body["count"] >= 2 and body["count_is_estimate"] is estimated
    assert {row["id"] for row in body["results"]} <= {catalog["shop"].pk, catalog["logo"].pk}
    assert len(body["results"]) == 2  # the window grows to cover the page asked for
    people_body = api.get("/api/search/freelancers").json()
    assert people_body["count_is_estimate"] is estimated
    assert {row["id"] for row in people_body["results"]} == {people["ana"].pk, people["ben"].pk}


def test_min_rating_counts_only_visible_reviews(api, people):
    from datetime import timedelta

    from django.utils import timezone

    from marketplace.tests.factories import ContractFactory, ReviewFactory

    ana, ben = people["ana"], people["ben"]
    ReviewFactory(contract=ContractFactory(freelancer=ana, status=ContractStatus.COMPLETED), rating=5)
    ReviewFactory(contract=ContractFactory(freelancer=ana, status=ContractStatus.COMPLETED), rating=4)
    ReviewFactory(contract=ContractFactory(freelancer=ben, status=ContractStatus.COMPLETED), rating=3)
    # Neither a removed review nor one still hidden by the double-blind window lifts Ben's rating.
    ReviewFactory(contract=ContractFactory(freelancer=ben, status=ContractStatus.COMPLETED), rating=5,
                  is_removed=True)
    ReviewFactory(contract=ContractFactory(freelancer=ben, status=ContractStatus.COMPLETED), rating=5,
                  visible_at=timezone.now() + timedelta(days=3))

    def get(**params):
        body = api.get("/api/search/freelancers", params).json()
        return body["count"], [row["id"] for row in body["results"]]

    assert get(min_rating="4.5") == (1, [ana.pk])
    assert get(min_rating="3") == (2, [ana.pk, ben.pk])
    assert get(min_rating="3.5", q="python") == (1, [ana.pk])
