from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Skill
from accounts.tests.factories import ClientFactory, SkillFactory
from marketplace.models import BudgetType, Category, ExperienceLevel, Project, ProjectStatus, Visibility
from marketplace.services import projects as project_services

from .factories import CategoryFactory, ProjectFactory, ProposalFactory, TagFactory

pytestmark = pytest.mark.django_db


def payload(**overrides):
    data = {
        "title": "Online shop for a bakery",
        "description": "A small shop with a cart, Stripe checkout and an admin for orders.",
        "budget_type": "fixed",
        "budget_min": 500,
        "budget_max": 1500,
        "skills": ["Django", "React"],
    }
    data.update(overrides)
    return data


# Creating ------------------------------------------------------------------------------------------------------


def test_client_posts_project_and_it_opens(client_api, client_user):
    response = client_api.post("/api/projects/", payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open"
    assert body["client_id"] == client_user.pk
    assert body["client"] == {"id": client_user.pk, "name": "Alice Client"}
    assert body["budget_min"] == 500 and body["budget_max"] == 1500
    assert body["published_at"] is not None


def test_path_without_trailing_slash_answers_too(client_api):
    assert client_api.post("/api/projects", payload(), format="json").status_code == 201
    assert client_api.get("/api/projects").status_code == 200


def test_skills_as_comma_separated_string_answer_a_list(client_api):
    response = client_api.post("/api/projects/", payload(skills="React, Node.js ,,React"), format="json")
    assert response.status_code == 201, response.content
    assert sorted(response.json()["skills"]) == ["Node.js", "React"]


def test_unknown_skills_are_created_and_known_ones_reused(client_api):
    existing = SkillFactory(name="Django")
    response = client_api.post("/api/projects/", payload(skills=["django", "Rust"]), format="json")
    assert response.status_code == 201
    assert sorted(response.json()["skills"]) == ["Django", "Rust"]
    assert Skill.objects.filter(name="Rust").exists()
    assert Skill.objects.filter(name__iexact="django").count() == 1
    assert Project.objects.get().skills.filter(pk=existing.pk).exists()


def test_skills_of_the_wrong_type_are_400(client_api):
    response = client_api.post("/api/projects/", payload(skills={"a": 1}), format="json")
    assert response.status_code == 400
    assert "skills" in response.json()["errors"]


def test_budget_type_is_case_insensitive(client_api):
    response = client_api.post("/api/projects/", payload(budget_type="HOURLY", experience_level="Expert"),
                               format="json")
    assert response.status_code == 201, response.content
    assert response.json()["budget_type"] == "hourly"
    assert response.json()["experience_level"] == "expert"


def test_unknown_budget_type_is_400(client_api):
    assert client_api.post("/api/projects/", payload(budget_type="barter"), format="json").status_code == 400


@pytest.mark.parametrize("given", ["web-development", "Web Development", "WEB DEVELOPMENT"])
def test_category_by_slug_or_name_answers_slug_and_name(client_api, given):
    CategoryFactory(name="Web Development", slug="web-development")
    response = client_api.post("/api/projects/", payload(category=given), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["category"] == "web-development"
    assert response.json()["category_name"] == "Web Development"


def test_unknown_category_is_400(client_api):
    response = client_api.post("/api/projects/", payload(category="underwater-basket-weaving"), format="json")
    assert response.status_code == 400
    assert "category" in response.json()["errors"]


def test_tags_are_a_list_of_names(client_api):
    response = client_api.post("/api/projects/", payload(tags="ecommerce, Urgent"), format="json")
    assert response.status_code == 201
    assert sorted(response.json()["tags"]) == ["Urgent", "ecommerce"]


def test_budget_min_above_max_is_400(client_api):
    response = client_api.post("/api/projects/", payload(budget_min=2000, budget_max=100), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["budget_max"]
    assert not Project.objects.exists()


def test_negative_budget_is_400(client_api):
    assert client_api.post("/api/projects/", payload(budget_min=-5), format="json").status_code == 400


def test_missing_title_is_400_not_500(client_api):
    data = payload()
    del data["title"]
    assert client_api.post("/api/projects/", data, format="json").status_code == 400


def test_freelancer_cannot_post_a_project(freelancer_api):
    response = freelancer_api.post("/api/projects/", payload(), format="json")
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_anonymous_cannot_post_a_project(api):
    assert api.post("/api/projects/", payload(), format="json").status_code == 401


def test_status_draft_on_create_keeps_a_draft(client_api):
    response = client_api.post("/api/projects/", payload(status="draft"), format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert response.json()["published_at"] is None


@pytest.mark.parametrize("status", ["in_progress", "completed", "cancelled", "on_hold"])
def test_create_refuses_any_status_but_draft_or_open(client_api, status):
    response = client_api.post("/api/projects/", payload(status=status), format="json")
    assert response.status_code == 400
    assert not Project.objects.exists()


def test_create_ignores_client_id_proposal_count_and_hidden_flag(client_api, client_user, outsider):
    response = client_api.post(
        "/api/projects/",
        payload(client_id=outsider.pk, client={"id": outsider.pk}, proposal_count=42, is_hidden=True,
                published_at="2001-01-01T00:00:00Z"),
        format="json",
    )
    assert response.status_code == 201
    project = Project.objects.get()
    assert project.client_id == client_user.pk
    assert project.proposal_count == 0
    assert project.is_hidden is False
    assert project.published_at.year == timezone.now().year


# Updating ------------------------------------------------------------------------------------------------------


def test_owner_updates_fields_skills_and_tags(client_api, client_user):
    project = ProjectFactory(client=client_user)
    response = client_api.patch(f"/api/projects/{project.pk}", {
        "title": "New title", "skills": "Go,Python", "tags": ["backend"], "budget_type": "Hourly",
    }, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "New title"
    assert sorted(body["skills"]) == ["Go", "Python"]
    assert body["tags"] == ["backend"]
    assert body["budget_type"] == "hourly"


def test_update_checks_budget_range_against_stored_values(client_api, client_user):
    project = ProjectFactory(client=client_user, budget_min=Decimal("500"), budget_max=Decimal("900"))
    response = client_api.patch(f"/api/projects/{project.pk}", {"budget_min": 1000}, format="json")
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.budget_min == Decimal("500.00")


def test_patch_cannot_write_client_status_or_counters(client_api, client_user, outsider):
    project = ProjectFactory(client=client_user)
    response = client_api.patch(f"/api/projects/{project.pk}", {
        "client_id": outsider.pk, "proposal_count": 99, "is_hidden": True,
    }, format="json")
    assert response.status_code == 200
    project.refresh_from_db()
    assert (project.client_id, project.proposal_count, project.is_hidden) == (client_user.pk, 0, False)
    for status in ("in_progress", "completed", "draft", "on_hold"):
        response = client_api.patch(f"/api/projects/{project.pk}", {"status": status}, format="json")
        assert response.status_code == 400, status
        project.refresh_from_db()
        assert project.status == ProjectStatus.OPEN


def test_patch_status_open_publishes_a_draft(client_api, client_user):
    project = ProjectFactory(client=client_user, status=ProjectStatus.DRAFT)
    response = client_api.patch(f"/api/projects/{project.pk}", {"status": "open"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert response.json()["published_at"] is not None


def test_patch_status_cancelled_cancels(client_api, client_user):
    project = ProjectFactory(client=client_user)
    response = client_api.patch(f"/api/projects/{project.pk}", {"status": "cancelled"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


def test_publish_action_opens_a_draft_and_twice_is_409(client_api, client_user):
    project = ProjectFactory(client=client_user, status=ProjectStatus.DRAFT)
    assert client_api.post(f"/api/projects/{project.pk}/publish").status_code == 200
    assert client_api.post(f"/api/projects/{project.pk}/publish").status_code == 409


def test_cancel_action_refuses_a_project_in_progress(client_api, client_user):
    project = ProjectFactory(client=client_user, status=ProjectStatus.IN_PROGRESS)
    assert client_api.post(f"/api/projects/{project.pk}/cancel").status_code == 400


def test_cancelled_project_cannot_be_edited(client_api, client_user):
    project = ProjectFactory(client=client_user, status=ProjectStatus.CANCELLED)
    assert client_api.patch(f"/api/projects/{project.pk}", {"title": "x"}, format="json").status_code == 400


@pytest.mark.parametrize("who", ["outsider_api", "freelancer_api", "staff_api"])
def test_someone_elses_open_project_cannot_be_changed(request, client_user, who):
    project = ProjectFactory(client=client_user)
    api = request.getfixturevalue(who)
    assert api.patch(f"/api/projects/{project.pk}", {"title": "Mine now"}, format="json").status_code == 404
    assert api.delete(f"/api/projects/{project.pk}").status_code == 404
    assert api.post(f"/api/projects/{project.pk}/cancel").status_code == 404
    project.refresh_from_db()
    assert project.title != "Mine now" and project.status == ProjectStatus.OPEN


def test_anonymous_cannot_change_a_project(api, client_user):
    project = ProjectFactory(client=client_user)
    assert api.patch(f"/api/projects/{project.pk}", {"title": "x"}, format="json").status_code == 401
    assert api.delete(f"/api/projects/{project.pk}").status_code == 401


# Deleting ------------------------------------------------------------------------------------------------------


def test_owner_deletes_a_project_without_proposals(client_api, client_user):
    project = ProjectFactory(client=client_user)
    assert client_api.delete(f"/api/projects/{project.pk}/").status_code == 204
    assert not Project.objects.filter(pk=project.pk).exists()


def test_deleting_a_project_with_proposals_is_refused(client_api, client_user):
    project = ProjectFactory(client=client_user)
    ProposalFactory(project=project)
    response = client_api.delete(f"/api/projects/{project.pk}/")
    assert response.status_code == 400
    assert response.json()["code"] == "has_proposals"
    assert Project.objects.filter(pk=project.pk).exists()


# Who sees what -------------------------------------------------------------------------------------------------


@pytest.fixture
def mixed_projects(client_user):
    other = ClientFactory()
    return {
        "open": ProjectFactory(client=client_user),
        "draft": ProjectFactory(client=client_user, status=ProjectStatus.DRAFT),
        "hidden": ProjectFactory(client=client_user, is_hidden=True),
        "private": ProjectFactory(client=client_user, visibility=Visibility.PRIVATE),
        "in_progress": ProjectFactory(client=client_user, status=ProjectStatus.IN_PROGRESS),
        "others_open": ProjectFactory(client=other),
        "others_draft": ProjectFactory(client=other, status=ProjectStatus.DRAFT),
    }


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_sees_only_open_public_visible_projects(api, mixed_projects):
    assert _ids(api.get("/api/projects/")) == {mixed_projects["open"].pk, mixed_projects["others_open"].pk}


def test_owner_sees_all_their_own_projects(client_api, mixed_projects):
    expected = {p.pk for key, p in mixed_projects.items() if key != "others_draft"}
    assert _ids(client_api.get("/api/projects/")) == expected
    assert client_api.get(f"/api/projects/{mixed_projects['draft'].pk}").status_code == 200


def test_freelancer_never_sees_another_clients_draft(freelancer_api, mixed_projects):
    assert _ids(freelancer_api.get("/api/projects/")) == {mixed_projects["open"].pk,
                                                           mixed_projects["others_open"].pk}
    for key in ("draft", "hidden", "private", "in_progress", "others_draft"):
        assert freelancer_api.get(f"/api/projects/{mixed_projects[key].pk}").status_code == 404, key


def test_freelancer_keeps_seeing_a_project_they_bid_on(freelancer_api, freelancer, mixed_projects):
    project = mixed_projects["in_progress"]
    ProposalFactory(project=project, freelancer=freelancer)
    assert freelancer_api.get(f"/api/projects/{project.pk}").status_code == 200


def test_staff_without_rights_sees_only_public_projects(staff_api, mixed_projects):
    assert staff_api.get(f"/api/projects/{mixed_projects['draft'].pk}").status_code == 404


def test_superuser_sees_every_project(api_as, superuser, mixed_projects):
    assert _ids(api_as(superuser).get("/api/projects/")) == {p.pk for p in mixed_projects.values()}


# Filters and ordering ------------------------------------------------------------------------------------------


def test_filter_by_category_includes_subcategories(api):
    web = CategoryFactory(slug="web", name="Web")
    frontend = CategoryFactory(slug="frontend", name="Frontend", parent=web)
    react = CategoryFactory(slug="react-apps", name="React apps", parent=frontend)
    design = CategoryFactory(slug="design", name="Design")
    inside = [ProjectFactory(category=web), ProjectFactory(category=frontend), ProjectFactory(category=react)]
    ProjectFactory(category=design)
    assert _ids(api.get("/api/projects/?category=web")) == {p.pk for p in inside}
    assert _ids(api.get("/api/projects/?category=Frontend")) == {inside[1].pk, inside[2].pk}
    assert _ids(api.get("/api/projects/?category=nothing-here")) == set()


def test_filter_by_skills_comma_separated_or_repeated_matches_any(api):
    react, django, go = SkillFactory(name="React"), SkillFactory(name="Django"), SkillFactory(name="Go")
    with_react = ProjectFactory(skills=[react])
    with_django = ProjectFactory(skills=[django, react])
    ProjectFactory(skills=[go])
    assert _ids(api.get("/api/projects/?skills=react")) == {with_react.pk, with_django.pk}
    assert _ids(api.get("/api/projects/?skills=Django,Nothing")) == {with_django.pk}
    assert _ids(api.get("/api/projects/?skills=Django&skills=React")) == {with_react.pk, with_django.pk}


def test_filter_by_status_budget_type_and_experience(client_api, client_user):
    hourly = ProjectFactory(client=client_user, budget_type=BudgetType.HOURLY,
                            experience_level=ExperienceLevel.EXPERT)
    draft = ProjectFactory(client=client_user, status=ProjectStatus.DRAFT)
    ProjectFactory(client=client_user)
    assert _ids(client_api.get("/api/projects/?budget_type=Hourly")) == {hourly.pk}
    assert _ids(client_api.get("/api/projects/?experience_level=expert")) == {hourly.pk}
    assert _ids(client_api.get("/api/projects/?status=draft")) == {draft.pk}


def test_filter_by_budget_range(api):
    small = ProjectFactory(budget_min=Decimal("50"), budget_max=Decimal("200"))
    medium = ProjectFactory(budget_min=Decimal("500"), budget_max=Decimal("1000"))
    large = ProjectFactory(budget_min=Decimal("5000"), budget_max=Decimal("9000"))
    assert _ids(api.get("/api/projects/?budget_min=900")) == {medium.pk, large.pk}
    assert _ids(api.get("/api/projects/?budget_max=600")) == {small.pk, medium.pk}
    assert _ids(api.get("/api/projects/?budget_min=300&budget_max=2000")) == {medium.pk}


def test_filter_by_posted_within_days_and_client(api, client_user):
    recent = ProjectFactory(client=client_user)
    old = ProjectFactory(published_at=timezone.now() - timedelta(days=40))
    Project.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    assert _ids(api.get("/api/projects/?posted_within=7")) == {recent.pk}
    assert _ids(api.get(f"/api/projects/?client_id={client_user.pk}")) == {recent.pk}


def test_invalid_filter_value_is_400(api):
    assert api.get("/api/projects/?budget_min=lots").status_code == 400
    assert api.get("/api/projects/?ordering=random").status_code == 400


def test_ordering_newest_and_by_budget(api):
    cheap = ProjectFactory(budget_min=Decimal("10"), budget_max=Decimal("20"))
    pricey = ProjectFactory(budget_min=Decimal("1000"), budget_max=Decimal("5000"))
    middle = ProjectFactory(budget_min=Decimal("100"), budget_max=Decimal("300"))

    def order(query):
        return [row["id"] for row in api.get(f"/api/projects/?ordering={query}").json()["results"]]

    assert order("newest") == [middle.pk, pricey.pk, cheap.pk]
    assert order("budget_high") == [pricey.pk, middle.pk, cheap.pk]
    assert order("budget_low") == [cheap.pk, middle.pk, pricey.pk]
    assert order("-budget") == order("budget_high")


def test_cursor_paging_walks_every_project_once(api):
    created = {ProjectFactory().pk for _ in range(5)}
    seen, url = [], "/api/projects/?cursor=&page_size=2"
    while url:
        body = api.get(url).json()
        seen.extend(row["id"] for row in body["results"])
        url = body["next"]
    assert sorted(seen) == sorted(created)


def test_page_number_paging_reports_exact_count(api):
    for _ in range(3):
        ProjectFactory()
    body = api.get("/api/projects/?page_size=2").json()
    assert body["count"] == 3 and body["count_is_estimate"] is False and len(body["results"]) == 2


# Query counts --------------------------------------------------------------------------------------------------


# The project list asks PostgreSQL's planner how many rows to expect before it counts (PublicListPaginator).
ESTIMATE = 1 if connection.vendor == "postgresql" else 0


def _full_project(**kwargs):
    return ProjectFactory(skills=[SkillFactory(), SkillFactory()], tags=[TagFactory(), TagFactory()], **kwargs)


def test_project_list_query_count_is_constant_for_anonymous(api, django_assert_num_queries):
    for _ in range(3):
        _full_project()
    # (the planner's estimate on PostgreSQL), count, the page (newest first, near the top: one query), skill and
    # tag names
    with django_assert_num_queries(3 + ESTIMATE):
        assert len(api.get("/api/projects/").json()["results"]) == 3
    _full_project()
    cache.clear()  # the estimate is cached for a minute: plan again, as for a new list
    with django_assert_num_queries(3 + ESTIMATE):
        assert len(api.get("/api/projects/").json()["results"]) == 4


def test_project_list_query_count_is_constant_for_a_client(client_api, client_user, django_assert_num_queries):
    for _ in range(3):
        _full_project(client=client_user)
    # session, (estimate), count, the page, skill and tag names
    with django_assert_num_queries(4 + ESTIMATE):
        assert len(client_api.get("/api/projects/").json()["results"]) == 3
    _full_project(client=client_user)
    cache.clear()
    with django_assert_num_queries(4 + ESTIMATE):
        assert len(client_api.get("/api/projects/").json()["results"]) == 4


def test_project_list_names_skills_and_tags_as_the_detail_does(api):
    project = ProjectFactory(skills=[SkillFactory(name="React"), SkillFactory(name="Django")],
                             tags=[TagFactory(name="urgent"), TagFactory(name="backend")])
    bare = ProjectFactory()

    rows = {row["id"]: row for row in api.get("/api/projects/").json()["results"]}
    detail = api.get(f"/api/projects/{project.pk}").json()

    assert rows[project.pk]["skills"] == detail["skills"] == ["Django", "React"]
    assert rows[project.pk]["tags"] == detail["tags"] == ["backend", "urgent"]
    assert rows[bare.pk]["skills"] == [] and rows[bare.pk]["tags"] == []
    assert rows[project.pk] == detail


@pytest.mark.postgres
def test_a_project_list_the_planner_expects_to_be_huge_is_not_counted(api, monkeypatch):
    for _ in range(3):
        ProjectFactory()
    monkeypatch.setattr("megilance.api.pagination.planner_estimate", lambda queryset, **options: 2_500_000)

    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/projects/?page_size=2").json()

    assert body["count"] == 2_500_000 and body["count_is_estimate"] is True
    assert len(body["results"]) == 2 and body["next"]
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.postgres
def test_the_planners_estimate_is_reused_for_a_minute(api):
    ProjectFactory()

    def explains(path):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(path).status_code == 200
        return len([q for q in queries.captured_queries if q["sql"].startswith("EXPLAIN")])

    assert explains("/api/projects/") == 1
    assert explains("/api/projects/") == 0  # the same list again: its cached estimate
    assert explains("/api/projects/?budget_type=hourly") == 1  # another list is planned anew


@pytest.mark.postgres
def test_a_project_list_the_planner_expects_to_be_small_is_counted_exactly(api, monkeypatch):
    for _ in range(3):
        ProjectFactory()
    monkeypatch.setattr("megilance.api.pagination.planner_estimate", lambda queryset, **options: 40_000)

    body = api.get("/api/projects/?page_size=2").json()

    assert body["count"] == 3 and body["count_is_estimate"] is False


def test_newest_pages_near_the_top_come_from_one_query_and_other_orders_read_ids_first(api):
    cheap, pricey = (_full_project(budget_min=Decimal(low), budget_max=Decimal(high))
                     for low, high in (("100", "200"), ("5000", "9000")))

    def page_queries(path):
        with CaptureQueriesContext(connection) as queries:
            rows = api.get(path).json()["results"]
        pages = [q["sql"] for q in queries.captured_queries if 'FROM "projects"' in q["sql"] and "COUNT(" not in
                 q["sql"].upper() and not q["sql"].startswith("EXPLAIN")]
        return [row["id"] for row in rows], pages

    newest, pages = page_queries("/api/projects/")
    assert newest == [pricey.pk, cheap.pk] and len(pages) == 1
    by_budget, pages = page_queries("/api/projects/?ordering=budget_high")
    assert by_budget == [pricey.pk, cheap.pk] and len(pages) == 2  # the ids on one table, then those rows
    assert 'AS "pk"' in pages[0]


def test_project_list_shows_a_client_without_a_name_as_the_detail_does(api):
    nameless = ClientFactory(name="", email="dana.lee@example.com")
    project = ProjectFactory(client=nameless)

    row = api.get("/api/projects/").json()["results"][0]

    assert row["client"] == api.get(f"/api/projects/{project.pk}").json()["client"]
    assert row["client"] == {"id": nameless.pk, "name": "dana.lee"}


def test_project_list_shows_the_category_as_the_detail_does(api):
    filed = ProjectFactory(category=CategoryFactory(slug="web-apps", name="Web apps"))
    unfiled = ProjectFactory(category=None)

    rows = {row["id"]: row for row in api.get("/api/projects/").json()["results"]}

    assert (rows[filed.pk]["category"], rows[filed.pk]["category_name"]) == ("web-apps", "Web apps")
    assert (rows[unfiled.pk]["category"], rows[unfiled.pk]["category_name"]) == (None, None)
    for project in (filed, unfiled):
        assert rows[project.pk] == api.get(f"/api/projects/{project.pk}").json()


def test_project_detail_answers_404_for_unknown_id(api):
    assert api.get("/api/projects/999999").status_code == 404


# project_count on categories -----------------------------------------------------------------------------------


def test_category_project_count_follows_projects(client_api, client_user):
    web = CategoryFactory(slug="web")
    design = CategoryFactory(slug="design")

    def counts():
        return {c.slug: c.project_count for c in Category.objects.filter(pk__in=[web.pk, design.pk])}

    project_id = client_api.post("/api/projects/", payload(category="web"), format="json").json()["id"]
    draft_id = client_api.post("/api/projects/", payload(category="web", status="draft"),
                               format="json").json()["id"]
    assert counts() == {"web": 1, "design": 0}
    client_api.post(f"/api/projects/{draft_id}/publish")
    assert counts() == {"web": 2, "design": 0}
    client_api.patch(f"/api/projects/{project_id}", {"category": "design"}, format="json")
    assert counts() == {"web": 1, "design": 1}
    client_api.patch(f"/api/projects/{project_id}", {"visibility": "private"}, format="json")
    assert counts() == {"web": 1, "design": 0}
    client_api.post(f"/api/projects/{draft_id}/cancel")
    assert counts() == {"web": 0, "design": 0}
    client_api.delete(f"/api/projects/{project_id}")
    assert counts() == {"web": 0, "design": 0}


def test_category_project_count_drops_when_staff_hide_a_project(client_user, superuser):
    web = CategoryFactory(slug="web")
    project = project_services.project_create(client=client_user, title="T", description="D", category=web)
    web.refresh_from_db()
    assert web.project_count == 1
    project_services.project_hide(project=project, actor=superuser, reason="Spam")
    web.refresh_from_db()
    assert web.project_count == 0
    project_services.project_unhide(project=project, actor=superuser)
    web.refresh_from_db()
    assert web.project_count == 1


@pytest.mark.postgres
@pytest.mark.parametrize(("ordering", "index"), [
    ("budget_high", "projects_budget_high_idx"), ("budget_low", "projects_budget_low_idx"),
    ("deadline", "projects_deadline_idx"), ("newest", "projects_public_recent"),
])
def test_each_project_order_can_walk_an_index_instead_of_sorting(ordering, index):
    from marketplace.filters import ProjectFilter
    from marketplace.selectors import project_public_list

    ids = ProjectFilter({"ordering": ordering}, queryset=project_public_list()).qs.values_list("pk", flat=True)[:20]
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")  # a few test rows would otherwise be sorted in memory
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan and "Sort" not in plan, plan
