import pytest
from django.core.cache import cache
from django.db import connection

from accounts.models import Skill, UserSkill
from accounts.tests.factories import SkillFactory
from marketplace.models import ProjectStatus, ProjectTag, Tag, Visibility

from .factories import CategoryFactory, ProjectFactory, TagFactory

# Public project lists ask PostgreSQL's planner how many rows to expect before counting them.
ESTIMATE = 1 if connection.vendor == "postgresql" else 0

pytestmark = pytest.mark.django_db


# Skills --------------------------------------------------------------------------------------------------------


def test_skills_are_public_with_detail_and_categories(api):
    python = SkillFactory(name="Python", category="Programming")
    SkillFactory(name="Figma", category="Design")
    SkillFactory(name="Retired", category="Old", is_active=False)
    names = [row["name"] for row in api.get("/api/skills").json()["results"]]
    assert names == ["Figma", "Python"]
    assert api.get(f"/api/skills/{python.pk}").json()["category"] == "Programming"
    assert api.get("/api/skills/categories").json() == {"categories": ["Design", "Programming"]}
    assert api.get("/api/skills/999999").status_code == 404


def test_skills_filter_by_category_and_search(api):
    SkillFactory(name="Python", category="Programming")
    SkillFactory(name="Figma", category="Design")
    assert [r["name"] for r in api.get("/api/skills/?category=design").json()["results"]] == ["Figma"]
    assert [r["name"] for r in api.get("/api/skills/?search=pyth").json()["results"]] == ["Python"]


def test_skill_list_query_count_is_constant(api, django_assert_num_queries):
    SkillFactory.create_batch(3)
    with django_assert_num_queries(2):
        assert api.get("/api/skills/").json()["count"] == 3
    SkillFactory()
    with django_assert_num_queries(2):
        assert api.get("/api/skills/").json()["count"] == 4


def test_skills_are_read_only(client_api):
    assert client_api.post("/api/skills/", {"name": "Hacking"}, format="json").status_code == 405


# User skills ---------------------------------------------------------------------------------------------------


def test_freelancer_adds_a_skill_by_id(freelancer_api, freelancer):
    skill = SkillFactory(name="Django")
    response = freelancer_api.post("/api/user-skills", {"skill_id": skill.pk, "proficiency_level": 4,
                                                        "years_of_experience": 6}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["skill_name"] == "Django" and body["user_id"] == freelancer.pk
    assert body["proficiency_level"] == 4 and body["years_of_experience"] == 6 and body["is_verified"] is False


def test_freelancer_adds_a_new_skill_by_name(freelancer_api):
    response = freelancer_api.post("/api/user-skills/", {"skill_name": "Elm"}, format="json")
    assert response.status_code == 201
    assert Skill.objects.filter(name="Elm").exists()


@pytest.mark.parametrize("level", [0, 6, "high"])
def test_proficiency_outside_one_to_five_is_400(freelancer_api, level):
    skill = SkillFactory()
    response = freelancer_api.post("/api/user-skills/", {"skill_id": skill.pk, "proficiency_level": level},
                                   format="json")
    assert response.status_code == 400


def test_same_skill_twice_is_400(freelancer_api, freelancer):
    skill = SkillFactory()
    UserSkill.objects.create(user=freelancer, skill=skill)
    response = freelancer_api.post("/api/user-skills/", {"skill_id": skill.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_skill"


def test_client_cannot_add_skills_and_anonymous_is_401(client_api, api):
    skill = SkillFactory()
    assert client_api.post("/api/user-skills/", {"skill_id": skill.pk}, format="json").status_code == 403
    assert api.post("/api/user-skills/", {"skill_id": skill.pk}, format="json").status_code == 401
    assert api.get("/api/user-skills/").status_code == 401


def test_freelancer_updates_level_but_not_verification_or_skill(freelancer_api, freelancer):
    row = UserSkill.objects.create(user=freelancer, skill=SkillFactory(), proficiency_level=2)
    response = freelancer_api.patch(f"/api/user-skills/{row.pk}", {"proficiency_level": 5, "is_verified": True,
                                                                    "user_id": 1}, format="json")
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.proficiency_level == 5 and row.is_verified is False and row.user_id == freelancer.pk
    other = SkillFactory()
    assert freelancer_api.patch(f"/api/user-skills/{row.pk}", {"skill_id": other.pk},
                                format="json").status_code == 400


def test_freelancer_deletes_own_skill(freelancer_api, freelancer):
    row = UserSkill.objects.create(user=freelancer, skill=SkillFactory())
    assert freelancer_api.delete(f"/api/user-skills/{row.pk}").status_code == 204
    assert not UserSkill.objects.filter(pk=row.pk).exists()


def test_someone_elses_skill_rows_are_404(freelancer, other_freelancer, api_as):
    row = UserSkill.objects.create(user=freelancer, skill=SkillFactory())
    intruder = api_as(other_freelancer)
    assert intruder.get(f"/api/user-skills/{row.pk}").status_code == 404
    assert intruder.patch(f"/api/user-skills/{row.pk}", {"proficiency_level": 1}, format="json").status_code == 404
    assert intruder.delete(f"/api/user-skills/{row.pk}").status_code == 404
    assert intruder.get("/api/user-skills/").json()["count"] == 0
    assert UserSkill.objects.filter(pk=row.pk, proficiency_level=3).exists()


def test_user_skill_list_query_count_is_constant(freelancer_api, freelancer, django_assert_num_queries):
    for _ in range(3):
        UserSkill.objects.create(user=freelancer, skill=SkillFactory())
    # session, count, page (skill joined)
    with django_assert_num_queries(3):
        assert freelancer_api.get("/api/user-skills/").json()["count"] == 3
    UserSkill.objects.create(user=freelancer, skill=SkillFactory())
    with django_assert_num_queries(3):
        assert freelancer_api.get("/api/user-skills/").json()["count"] == 4


# Categories ----------------------------------------------------------------------------------------------------


@pytest.fixture
def tree():
    web = CategoryFactory(name="Web", slug="web", sort_order=1)
    design = CategoryFactory(name="Design", slug="design", sort_order=2)
    frontend = CategoryFactory(name="Frontend", slug="frontend", parent=web)
    backend = CategoryFactory(name="Backend", slug="backend", parent=web)
    react = CategoryFactory(name="React", slug="react", parent=frontend)
    CategoryFactory(name="Archived", slug="archived", is_active=False)
    return {"web": web, "design": design, "frontend": frontend, "backend": backend, "react": react}


def test_category_tree_nests_children(api, tree):
    body = api.get("/api/categories/tree").json()
    assert [node["slug"] for node in body] == ["web", "design"]
    web = body[0]
    assert [child["slug"] for child in web["children"]] == ["backend", "frontend"]
    assert web["children"][1]["children"][0]["slug"] == "react"
    assert web["children"][1]["children"][0]["children"] == []


def test_category_list_and_detail_by_slug(api, tree):
    body = api.get("/api/categories/").json()
    assert {row["slug"] for row in body["results"]} == {"web", "design", "frontend", "backend", "react"}
    detail = api.get("/api/categories/frontend").json()
    assert detail["parent"] == "web" and detail["parent_id"] == tree["web"].pk
    assert api.get("/api/categories/archived").status_code == 404
    assert api.get("/api/categories/nope").status_code == 404


def test_category_projects_include_subcategories_and_only_open_visible(api, tree, client_user):
    inside = [ProjectFactory(category=tree["web"]), ProjectFactory(category=tree["react"]),
              ProjectFactory(category=tree["backend"])]
    ProjectFactory(category=tree["design"])
    ProjectFactory(category=tree["react"], status=ProjectStatus.DRAFT, client=client_user)
    ProjectFactory(category=tree["react"], is_hidden=True)
    ProjectFactory(category=tree["react"], visibility=Visibility.PRIVATE)
    ProjectFactory(category=tree["react"], status=ProjectStatus.IN_PROGRESS)
    body = api.get("/api/categories/web/projects").json()
    assert {row["id"] for row in body["results"]} == {p.pk for p in inside}
    frontend = api.get("/api/categories/frontend/projects/").json()
    assert {row["id"] for row in frontend["results"]} == {inside[1].pk}
    assert api.get("/api/categories/nope/projects").status_code == 404


def test_category_projects_take_project_filters(api, tree):
    react = SkillFactory(name="React")
    wanted = ProjectFactory(category=tree["react"], skills=[react])
    ProjectFactory(category=tree["react"])
    body = api.get("/api/categories/web/projects?skills=react").json()
    assert [row["id"] for row in body["results"]] == [wanted.pk]


def test_owner_does_not_see_own_draft_in_category_listing(client_api, client_user, tree):
    ProjectFactory(category=tree["web"], client=client_user, status=ProjectStatus.DRAFT)
    assert client_api.get("/api/categories/web/projects").json()["count"] == 0


def test_category_list_query_count_is_constant(api, tree, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert api.get("/api/categories/").json()["count"] == 5
    CategoryFactory(parent=tree["design"])
    with django_assert_num_queries(2):
        assert api.get("/api/categories/").json()["count"] == 6
    with django_assert_num_queries(1):
        api.get("/api/categories/tree")


def test_category_projects_query_count_is_constant(api, tree, django_assert_num_queries):
    def add():
        ProjectFactory(category=tree["react"], skills=[SkillFactory()], tags=[TagFactory()])

    for _ in range(3):
        add()
    # category, category tree ids, (the planner's estimate on PostgreSQL), count, the page (newest first, near the
    # top: one query), skill and tag names
    with django_assert_num_queries(5 + ESTIMATE):
        assert api.get("/api/categories/web/projects").json()["count"] == 3
    add()
    cache.clear()  # the estimate is kept for a minute: plan again, as for a new list
    with django_assert_num_queries(5 + ESTIMATE):
        assert api.get("/api/categories/web/projects").json()["count"] == 4


def test_categories_are_read_only(client_api, tree):
    assert client_api.post("/api/categories/", {"name": "Mine"}, format="json").status_code == 405
    assert client_api.delete("/api/categories/web").status_code == 405


# Tags ----------------------------------------------------------------------------------------------------------


def test_tag_create_is_idempotent_on_name(client_api):
    first = client_api.post("/api/tags/", {"name": "Machine Learning"}, format="json")
    assert first.status_code == 201
    assert first.json()["slug"] == "machine-learning"
    again = client_api.post("/api/tags", {"name": "machine learning"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Tag.objects.count() == 1


def test_tag_create_needs_a_signed_in_user_and_a_real_name(api, client_api):
    assert api.post("/api/tags/", {"name": "x"}, format="json").status_code == 401
    assert client_api.post("/api/tags/", {"name": "!!!"}, format="json").status_code == 400
    assert client_api.post("/api/tags/", {"name": "ok", "type": "weird"}, format="json").status_code == 400


def test_tag_by_id_or_slug_and_popular(api):
    busy = TagFactory(name="Busy", slug="busy", usage_count=9)
    TagFactory(name="Quiet", slug="quiet", usage_count=1)
    TagFactory(name="Unused", slug="unused", usage_count=0)
    assert api.get(f"/api/tags/{busy.pk}").json()["name"] == "Busy"
    assert api.get("/api/tags/busy/").json()["id"] == busy.pk
    assert api.get("/api/tags/nothing").status_code == 404
    assert [t["name"] for t in api.get("/api/tags/popular").json()] == ["Busy", "Quiet"]
    assert [t["name"] for t in api.get("/api/tags/popular?limit=1").json()] == ["Busy"]


def test_tag_list_and_popular_query_counts_are_constant(api, django_assert_num_queries):
    for n in range(3):
        TagFactory(usage_count=n + 1)
    with django_assert_num_queries(2):
        assert api.get("/api/tags/").json()["count"] == 3
    with django_assert_num_queries(1):
        assert len(api.get("/api/tags/popular").json()) == 3
    TagFactory(usage_count=7)
    with django_assert_num_queries(2):
        assert api.get("/api/tags/").json()["count"] == 4
    with django_assert_num_queries(1):
        assert len(api.get("/api/tags/popular").json()) == 4


def test_owner_tags_and_untags_a_project_and_usage_count_follows(client_api, client_user, api):
    project = ProjectFactory(client=client_user)
    added = client_api.post(f"/api/tags/projects/{project.pk}/tags", {"name": "Urgent"}, format="json")
    assert added.status_code == 201
    assert added.json()["usage_count"] == 1
    assert client_api.post(f"/api/tags/projects/{project.pk}/tags/", {"name": "urgent"},
                           format="json").status_code == 200
    tag = Tag.objects.get(name="Urgent")
    assert [t["name"] for t in api.get(f"/api/tags/projects/{project.pk}/tags").json()] == ["Urgent"]
    assert client_api.delete(f"/api/tags/projects/{project.pk}/tags/{tag.pk}").status_code == 204
    tag.refresh_from_db()
    assert tag.usage_count == 0
    assert client_api.delete(f"/api/tags/projects/{project.pk}/tags/{tag.pk}").status_code == 404


def test_project_tags_by_existing_tag_id(client_api, client_user):
    project = ProjectFactory(client=client_user)
    tag = TagFactory()
    response = client_api.post(f"/api/tags/projects/{project.pk}/tags", {"tag_id": tag.pk}, format="json")
    assert response.status_code == 201
    assert ProjectTag.objects.filter(project=project, tag=tag).exists()


@pytest.mark.parametrize("who", ["outsider_api", "freelancer_api", "staff_api"])
def test_only_the_owner_changes_project_tags(request, client_user, who):
    project = ProjectFactory(client=client_user)
    tag = TagFactory()
    ProjectTag.objects.create(project=project, tag=tag)
    intruder = request.getfixturevalue(who)
    assert intruder.post(f"/api/tags/projects/{project.pk}/tags", {"name": "spam"},
                         format="json").status_code == 404
    assert intruder.delete(f"/api/tags/projects/{project.pk}/tags/{tag.pk}").status_code == 404
    assert ProjectTag.objects.filter(project=project).count() == 1


def test_anonymous_cannot_change_project_tags(api, client_user):
    project = ProjectFactory(client=client_user)
    assert api.post(f"/api/tags/projects/{project.pk}/tags", {"name": "x"}, format="json").status_code == 401


def test_tags_of_a_draft_are_hidden_from_others(api, client_api, client_user):
    draft = ProjectFactory(client=client_user, status=ProjectStatus.DRAFT)
    assert api.get(f"/api/tags/projects/{draft.pk}/tags").status_code == 404
    assert client_api.get(f"/api/tags/projects/{draft.pk}/tags").status_code == 200


def test_project_tags_query_count_is_constant(api, client_user, django_assert_num_queries):
    project = ProjectFactory(client=client_user, tags=[TagFactory(), TagFactory()])
    # project (visibility), tags
    with django_assert_num_queries(2):
        assert len(api.get(f"/api/tags/projects/{project.pk}/tags").json()) == 2
    ProjectTag.objects.create(project=project, tag=TagFactory())
    with django_assert_num_queries(2):
        assert len(api.get(f"/api/tags/projects/{project.pk}/tags").json()) == 3
