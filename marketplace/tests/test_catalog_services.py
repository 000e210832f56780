import pytest

from accounts.tests.factories import SkillFactory
from marketplace.models import Category, ProjectStatus, Tag, TagType, Visibility
from marketplace.services import catalog
from megilance.api.exceptions import ApplicationError, Forbidden

from .factories import CategoryFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_recount_all_counts_only_open_public_visible_projects_filed_directly():
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)
    ProjectFactory(category=child)
    ProjectFactory(category=child)
    ProjectFactory(category=child, status=ProjectStatus.DRAFT)
    ProjectFactory(category=child, is_hidden=True)
    ProjectFactory(category=child, visibility=Visibility.INVITE_ONLY)
    Category.objects.update(project_count=99)
    catalog.categories_recount_all()
    assert dict(Category.objects.values_list("pk", "project_count")) == {parent.pk: 0, child.pk: 2}


def test_recount_ignores_missing_category_ids():
    catalog.categories_recount(category_ids=[None, None])


def test_tag_get_or_create_matches_names_in_any_case_and_keeps_slugs_unique():
    tag, created = catalog.tag_get_or_create(name="  Data   Science ")
    assert created and tag.name == "Data Science" and tag.slug == "data-science"
    again, created = catalog.tag_get_or_create(name="data science")
    assert not created and again.pk == tag.pk
    other, created = catalog.tag_get_or_create(name="Data-Science", type=TagType.SKILL)
    assert created and other.slug == "data-science-2"
    assert Tag.objects.count() == 2


def test_tag_needs_letters_or_digits():
    with pytest.raises(ApplicationError):
        catalog.tag_get_or_create(name="???")


def test_only_freelancers_list_skills(client_user, freelancer):
    with pytest.raises(Forbidden):
        catalog.user_skill_add(user=client_user, skill=SkillFactory())
    row = catalog.user_skill_add(user=freelancer, skill_name="Svelte", proficiency_level=5, years_of_experience=2)
    assert row.skill.name == "Svelte" and row.proficiency_level == 5


def test_user_skill_update_checks_the_level(freelancer):
    row = catalog.user_skill_add(user=freelancer, skill=SkillFactory())
    with pytest.raises(ApplicationError):
        catalog.user_skill_update(user_skill=row, proficiency_level=9)
    catalog.user_skill_update(user_skill=row, years_of_experience=4)
    row.refresh_from_db()
    assert row.years_of_experience == 4 and row.proficiency_level == 3
