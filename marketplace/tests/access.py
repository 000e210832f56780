"""Marketplace routes with an object id that only their owners may reach (see tests/test_access_control.py).

Objects belong to world.client (alice) and world.freelancer (bob). Public reads (an open project, its tags,
categories, skills) are deliberately not listed: everyone may read those.
"""

from accounts.models import UserSkill
from accounts.tests.factories import SkillFactory
from marketplace.models import ProjectStatus, ProjectTag

from .factories import ProjectFactory, ProposalFactory, TagFactory


def _crud(path: str) -> list[tuple[str, str]]:
    return [("GET", path), ("PUT", path), ("PATCH", path), ("DELETE", path)]


def build(world) -> list[tuple[str, str]]:
    draft = ProjectFactory(client=world.client, status=ProjectStatus.DRAFT)
    open_project = ProjectFactory(client=world.client)
    tag = TagFactory()
    ProjectTag.objects.create(project=open_project, tag=tag)
    proposal = ProposalFactory(project=open_project, freelancer=world.freelancer)
    user_skill = UserSkill.objects.create(user=world.freelancer, skill=SkillFactory())

    routes = [
        # Projects: a draft is invisible to others; an open project is readable but not writable.
        *_crud(f"/api/projects/{draft.pk}"),
        ("POST", f"/api/projects/{draft.pk}/publish"),
        ("POST", f"/api/projects/{draft.pk}/cancel"),
        ("PUT", f"/api/projects/{open_project.pk}/"),
        ("PATCH", f"/api/projects/{open_project.pk}/"),
        ("DELETE", f"/api/projects/{open_project.pk}/"),
        ("POST", f"/api/projects/{open_project.pk}/cancel"),
        # Tags on projects: only the project's client adds or removes them.
        ("GET", f"/api/tags/projects/{draft.pk}/tags"),
        ("POST", f"/api/tags/projects/{draft.pk}/tags"),
        ("POST", f"/api/tags/projects/{open_project.pk}/tags"),
        ("DELETE", f"/api/tags/projects/{open_project.pk}/tags/{tag.pk}"),
        # Proposals: bob's bid is seen by bob and alice only.
        *_crud(f"/api/proposals/{proposal.pk}"),
        ("POST", f"/api/proposals/{proposal.pk}/accept"),
        ("POST", f"/api/proposals/{proposal.pk}/reject"),
        ("POST", f"/api/proposals/{proposal.pk}/shortlist"),
        ("POST", f"/api/proposals/{proposal.pk}/withdraw"),
        # A freelancer's own skill rows.
        *_crud(f"/api/user-skills/{user_skill.pk}/"),
    ]
    return routes
