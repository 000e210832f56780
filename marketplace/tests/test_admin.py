"""Staff tools: moderation actions go through the services (audited), staff without rights cannot act."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission

from accounts.models import AuditLog
from marketplace.models import Category, Project, Review

from .factories import (
    CategoryFactory,
    ContractFactory,
    MilestoneFactory,
    PortfolioItemFactory,
    ProjectFactory,
    ProposalFactory,
    ReviewFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

CHANGELISTS = ["category", "tag", "project", "proposal", "contract", "milestone", "portfolioitem", "review"]


@pytest.fixture
def world(client_user, freelancer):
    project = ProjectFactory(client=client_user, title="Warehouse scanner app")
    proposal = ProposalFactory(project=project, freelancer=freelancer)
    contract = ContractFactory(project=project, client=client_user, freelancer=freelancer)
    MilestoneFactory(contract=contract)
    PortfolioItemFactory(freelancer=freelancer)
    TagFactory(name="mobile")
    review = ReviewFactory(contract=contract, reviewer=client_user, reviewee=freelancer, comment="Rude words")
    return {"project": project, "proposal": proposal, "contract": contract, "review": review}


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def powerless_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("model", CHANGELISTS)
def test_superuser_opens_every_changelist_with_search_and_the_change_page(admin_client, world, model):
    assert admin_client.get(f"/admin/marketplace/{model}/").status_code == 200
    assert admin_client.get(f"/admin/marketplace/{model}/?q=scanner").status_code == 200


@pytest.mark.parametrize("model,key", [("project", "project"), ("contract", "contract"), ("review", "review"),
                                       ("proposal", "proposal")])
def test_change_pages_render_read_only(admin_client, world, model, key):
    response = admin_client.get(f"/admin/marketplace/{model}/{world[key].pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()


def test_a_crafted_post_to_a_read_only_page_changes_nothing(admin_client, world):
    project = world["project"]
    admin_client.post(f"/admin/marketplace/project/{project.pk}/change/", {"title": "Changed", "status": "cancelled"})
    project.refresh_from_db()
    assert project.title == "Warehouse scanner app" and project.status == "open"


def _action(client, model, action, ids, **extra):
    return client.post(f"/admin/marketplace/{model}/", {"action": action, ACTION_CHECKBOX_NAME: ids, **extra})


def test_hiding_asks_for_a_reason_first(admin_client, world):
    project = world["project"]
    response = _action(admin_client, "project", "hide_projects", [project.pk])
    assert response.status_code == 200
    assert "Reason" in response.content.decode()
    project.refresh_from_db()
    assert not project.is_hidden


def test_superuser_hides_a_project_with_a_reason_through_the_service(admin_client, world, superuser):
    project = world["project"]
    response = _action(admin_client, "project", "hide_projects", [project.pk], apply="1",
                       reason="Asks for payment outside the platform")
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.is_hidden and project.hidden_reason == "Asks for payment outside the platform"
    audit = AuditLog.objects.get(action="project.hidden")
    assert audit.actor == superuser and audit.target_id == str(project.pk)
    assert audit.metadata["reason"] == "Asks for payment outside the platform"


def test_hiding_without_a_reason_shows_the_form_again(admin_client, world):
    project = world["project"]
    response = _action(admin_client, "project", "hide_projects", [project.pk], apply="1", reason="")
    assert response.status_code == 200
    project.refresh_from_db()
    assert not project.is_hidden


def test_superuser_unhides_a_project(admin_client, world):
    project = world["project"]
    _action(admin_client, "project", "hide_projects", [project.pk], apply="1", reason="Spam")
    _action(admin_client, "project", "unhide_projects", [project.pk])
    project.refresh_from_db()
    assert not project.is_hidden
    assert AuditLog.objects.filter(action="project.unhidden").exists()


def test_hiding_an_already_hidden_project_is_reported_not_raised(admin_client, world):
    project = world["project"]
    _action(admin_client, "project", "hide_projects", [project.pk], apply="1", reason="Spam")
    response = _action(admin_client, "project", "hide_projects", [project.pk], apply="1", reason="Again")
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="project.hidden").count() == 1


def test_staff_without_permissions_can_neither_see_nor_hide(powerless_client, world):
    project = world["project"]
    assert powerless_client.get("/admin/marketplace/project/").status_code == 403
    response = _action(powerless_client, "project", "hide_projects", [project.pk], apply="1", reason="Nope")
    assert response.status_code == 403
    project.refresh_from_db()
    assert not project.is_hidden
    assert not AuditLog.objects.filter(action="project.hidden").exists()


def test_moderator_with_the_change_permission_may_hide(client, staff_user, world):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_project"),
                                    Permission.objects.get(codename="change_project"))
    client.force_login(staff_user)
    _action(client, "project", "hide_projects", [world["project"].pk], apply="1", reason="Duplicate posting")
    assert Project.objects.get(pk=world["project"].pk).is_hidden


def test_superuser_removes_and_restores_a_review_with_audit(admin_client, world, superuser):
    review = world["review"]
    _action(admin_client, "review", "remove_reviews", [review.pk], apply="1", reason="Insults the freelancer")
    review.refresh_from_db()
    assert review.is_removed and review.removed_by == superuser
    assert AuditLog.objects.get(action="review.removed").metadata["reason"] == "Insults the freelancer"
    _action(admin_client, "review", "restore_reviews", [review.pk])
    review.refresh_from_db()
    assert not review.is_removed
    assert AuditLog.objects.filter(action="review.restored").exists()


def test_staff_without_permissions_cannot_remove_a_review(powerless_client, world):
    response = _action(powerless_client, "review", "remove_reviews", [world["review"].pk], apply="1", reason="x")
    assert response.status_code == 403
    assert not Review.objects.get(pk=world["review"].pk).is_removed


def test_review_visibility_filter(admin_client, world):
    removed = admin_client.get("/admin/marketplace/review/?visibility=removed")
    published = admin_client.get("/admin/marketplace/review/?visibility=published")
    assert removed.status_code == published.status_code == 200
    assert removed.context["cl"].result_count == 0
    assert published.context["cl"].result_count == 1


def test_category_tree_sort_order_is_editable_in_the_list(admin_client):
    web = CategoryFactory(name="Web", sort_order=2)
    design = CategoryFactory(name="Design", sort_order=1)
    CategoryFactory(name="Frontend", parent=web, sort_order=1)
    page = admin_client.get("/admin/marketplace/category/").content.decode()
    # Tree order: Design, then Web followed by its child.
    assert page.index("<strong>Design</strong>") < page.index("<strong>Web</strong>") < page.index("└</span> Frontend")
    categories = list(Category.objects.order_by("pk"))
    data = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "3", "_save": "Save"}
    tree = [design, web, categories[2]]
    for index, category in enumerate(tree):
        data[f"form-{index}-id"] = category.pk
        data[f"form-{index}-sort_order"] = {"Design": 5}.get(category.name, category.sort_order)
        data[f"form-{index}-is_active"] = "on"
    assert admin_client.post("/admin/marketplace/category/", data).status_code == 302
    design.refresh_from_db()
    assert design.sort_order == 5


def test_a_category_cannot_move_under_its_own_child(admin_client):
    web = CategoryFactory(name="Web", slug="web")
    child = CategoryFactory(name="Frontend", slug="frontend", parent=web)
    response = admin_client.post(f"/admin/marketplace/category/{web.pk}/change/", {
        "name": "Web", "slug": "web", "parent": child.pk, "sort_order": 0, "is_active": "on",
        "children-TOTAL_FORMS": "0", "children-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    web.refresh_from_db()
    assert web.parent_id is None


def test_staff_without_permissions_cannot_edit_categories(powerless_client):
    web = CategoryFactory(name="Web")
    assert powerless_client.get(f"/admin/marketplace/category/{web.pk}/change/").status_code == 403
