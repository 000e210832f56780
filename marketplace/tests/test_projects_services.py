from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory
from marketplace import events
from marketplace.models import Project, ProjectStatus, ProjectTag, Tag
from marketplace.services import projects as services
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden

from .factories import CategoryFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    group = Group.objects.create(name="Moderation test")
    group.permissions.add(*Permission.objects.filter(codename__in=["change_project", "view_project"]))
    staff = StaffFactory()
    staff.groups.add(group)
    return staff


@pytest.fixture
def caught():
    """Collects the marketplace events sent while the test runs."""
    seen = []

    def receiver(signal_name):
        def handle(sender, **kwargs):
            seen.append((signal_name, kwargs))
        return handle

    handlers = {name: receiver(name) for name in ("project_published", "project_updated", "project_hidden")}
    for name, handler in handlers.items():
        getattr(events, name).connect(handler, weak=False)
    yield seen
    for name, handler in handlers.items():
        getattr(events, name).disconnect(handler)


def test_create_rounds_budgets_and_publishes_with_an_event(client_user, caught):
    project = services.project_create(client=client_user, title=" Logo ", description="A logo",
                                      budget_min="10.005", budget_max=20)
    assert project.title == "Logo"
    assert project.budget_min == Decimal("10.01")
    assert project.status == ProjectStatus.OPEN
    assert [name for name, _ in caught] == ["project_published"]


def test_create_as_draft_sends_no_publish_event(client_user, caught):
    project = services.project_create(client=client_user, title="Logo", description="A logo", publish=False)
    assert project.status == ProjectStatus.DRAFT
    assert caught == []


def test_freelancer_cannot_create(freelancer):
    with pytest.raises(Forbidden):
        services.project_create(client=freelancer, title="T", description="D")


def test_update_refuses_fields_outside_the_editable_list(client_user):
    project = ProjectFactory(client=client_user)
    with pytest.raises(ApplicationError):
        services.project_update(project=project, actor=client_user, status=ProjectStatus.COMPLETED)
    with pytest.raises(ApplicationError):
        services.project_update(project=project, actor=client_user, proposal_count=5)


def test_update_by_another_client_is_forbidden(client_user, outsider):
    with pytest.raises(Forbidden):
        services.project_update(project=ProjectFactory(client=client_user), actor=outsider, title="x")


def test_update_sends_project_updated(client_user, caught):
    project = ProjectFactory(client=client_user)
    services.project_update(project=project, actor=client_user, title="Changed")
    assert [name for name, _ in caught] == ["project_updated"]


def test_tags_usage_count_follows_create_update_and_delete(client_user):
    project = services.project_create(client=client_user, title="T", description="D", tags=["api", "ux"])
    assert dict(Tag.objects.values_list("name", "usage_count")) == {"api": 1, "ux": 1}
    services.project_update(project=project, actor=client_user, tags=["api"])
    assert dict(Tag.objects.values_list("name", "usage_count")) == {"api": 1, "ux": 0}
    services.project_delete(project=project, actor=client_user)
    assert dict(Tag.objects.values_list("name", "usage_count")) == {"api": 0, "ux": 0}
    assert not ProjectTag.objects.exists()


def test_hide_is_audited_and_sends_the_event(client_user, moderator, caught):
    category = CategoryFactory()
    project = services.project_create(client=client_user, title="T", description="D", category=category)
    caught.clear()
    services.project_hide(project=project, actor=moderator, reason="Asks for payment outside the platform")
    project.refresh_from_db()
    assert project.is_hidden and project.hidden_reason.startswith("Asks for payment")
    log = AuditLog.objects.get(action="project.hidden")
    assert log.actor == moderator and log.user == client_user and log.target_id == str(project.pk)
    assert caught[0][0] == "project_hidden" and caught[0][1]["actor"] == moderator


def test_hide_twice_is_a_conflict_and_needs_a_reason(client_user, moderator):
    project = ProjectFactory(client=client_user)
    with pytest.raises(ApplicationError):
        services.project_hide(project=project, actor=moderator, reason=" ")
    services.project_hide(project=project, actor=moderator, reason="Spam")
    with pytest.raises(Conflict):
        services.project_hide(project=project, actor=moderator, reason="Spam")


def test_unhide_is_audited(client_user, moderator):
    project = ProjectFactory(client=client_user, is_hidden=True, hidden_reason="Spam")
    services.project_unhide(project=project, actor=moderator)
    project.refresh_from_db()
    assert not project.is_hidden and project.hidden_reason == ""
    assert AuditLog.objects.filter(action="project.unhidden", actor=moderator).exists()


def test_staff_without_rights_and_clients_cannot_hide(client_user, staff_user):
    project = ProjectFactory(client=client_user)
    for actor in (staff_user, client_user):
        with pytest.raises(Forbidden):
            services.project_hide(project=project, actor=actor, reason="Spam")
    assert not Project.objects.get(pk=project.pk).is_hidden


def test_moderator_sees_hidden_projects_through_the_api(api_as, moderator, client_user):
    project = ProjectFactory(client=client_user, is_hidden=True)
    assert api_as(moderator).get(f"/api/projects/{project.pk}").status_code == 200


def test_cancel_twice_is_a_conflict(client_user):
    project = ProjectFactory(client=client_user)
    services.project_cancel(project=project, actor=client_user)
    with pytest.raises(Conflict):
        services.project_cancel(project=project, actor=client_user)


def test_recount_proposals_ignores_withdrawn_ones(client_user):
    from marketplace.models import ProposalStatus

    from .factories import ProposalFactory

    project = ProjectFactory(client=client_user)
    ProposalFactory(project=project)
    ProposalFactory(project=project, status=ProposalStatus.REJECTED)
    ProposalFactory(project=project, status=ProposalStatus.WITHDRAWN)
    services.project_recount_proposals(project_id=project.pk)
    project.refresh_from_db()
    assert project.proposal_count == 2
