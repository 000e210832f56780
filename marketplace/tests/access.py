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
    routes += _contract_routes(world)
    routes += _time_routes(world)
    return routes


def _contract_routes(world) -> list[tuple[str, str]]:
    """Contracts, milestones, portfolio items and reviews between alice and bob."""
    from datetime import timedelta

    from django.utils import timezone

    from marketplace.models import ContractStatus, MilestoneStatus

    from .factories import ContractFactory, MilestoneFactory, PortfolioItemFactory, ReviewFactory

    contract = ContractFactory(project__client=world.client, freelancer=world.freelancer)
    pending = MilestoneFactory(contract=contract)
    submitted = MilestoneFactory(contract=contract, status=MilestoneStatus.SUBMITTED, funded_at=timezone.now())
    done = ContractFactory(project__client=world.client, freelancer=world.freelancer,
                           status=ContractStatus.COMPLETED, completed_at=timezone.now())
    hidden = ReviewFactory(contract=done, visible_at=timezone.now() + timedelta(days=14))
    visible = ReviewFactory(contract=done, reviewer=world.freelancer, reviewee=world.client)
    item = PortfolioItemFactory(freelancer=world.freelancer)
    return [
        # Only the two parties see a contract and its milestones.
        ("GET", f"/api/contracts/{contract.pk}"),
        ("PATCH", f"/api/contracts/{contract.pk}/"),
        *[("POST", f"/api/contracts/{contract.pk}/{action}") for action in ("complete", "cancel", "pause", "resume")],
        *_crud(f"/api/milestones/{pending.pk}"),
        ("POST", f"/api/milestones/{pending.pk}/submit"),
        ("POST", f"/api/milestones/{submitted.pk}/approve"),
        ("POST", f"/api/milestones/{submitted.pk}/reject"),
        # Portfolios are public to read; only bob changes his.
        ("PUT", f"/api/portfolio/{item.pk}"),
        ("PATCH", f"/api/portfolio/{item.pk}"),
        ("DELETE", f"/api/portfolio/{item.pk}"),
        # A review still blind is alice's alone; a published one is not anyone's to change or remove.
        *_crud(f"/api/reviews/{hidden.pk}"),
        ("POST", f"/api/reviews/{hidden.pk}/reply"),
        ("PATCH", f"/api/reviews/{visible.pk}"),
        ("DELETE", f"/api/reviews/{visible.pk}"),
        ("POST", f"/api/reviews/{visible.pk}/reply"),
        ("POST", f"/api/reviews/{visible.pk}/remove"),
        ("POST", f"/api/reviews/{visible.pk}/restore"),
    ]


def _time_routes(world) -> list[tuple[str, str]]:
    """Time entries and work logs on an hourly contract between alice and bob."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from marketplace.models import ContractType, WorkLog
    from marketplace.services import time as time_services

    from .factories import ContractFactory

    hourly = ContractFactory(project__client=world.client, freelancer=world.freelancer, amount=None,
                             contract_type=ContractType.HOURLY, hourly_rate=Decimal("50.00"))
    running = time_services.time_entry_start(contract=hourly, actor=world.freelancer)
    now = timezone.now()
    start = max(now - timedelta(hours=1), now.replace(hour=0, minute=0, second=0, microsecond=0))
    done = time_services.time_entry_create_manual(contract=hourly, actor=world.freelancer, start_time=start,
                                                  end_time=start + timedelta(minutes=1))
    log = WorkLog.objects.create(contract=hourly, user=world.freelancer, date=now.date(), hours_worked=2)
    routes = []
    for entry in (running, done):
        routes += [*_crud(f"/api/time-entries/{entry.pk}"), ("POST", f"/api/time-entries/{entry.pk}/stop"),
                   ("PUT", f"/api/time-entries/{entry.pk}/stop"), ("POST", f"/api/time-entries/{entry.pk}/approve"),
                   ("POST", f"/api/time-entries/{entry.pk}/reject")]
    return [
        *routes,
        ("GET", f"/api/time-entries/summary?contract_id={hourly.pk}"),
        ("POST", "/api/time-entries/submit-week"),
        ("POST", "/api/time-entries/approve-week"),
        *_crud(f"/api/work-logs/{log.pk}"),
    ]
