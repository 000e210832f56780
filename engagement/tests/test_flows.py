"""Through the real marketplace services: the events they send reach the right people."""

import pytest

from engagement.models import Notification
from engagement.tests.factories import UserFollowFactory
from marketplace.services import projects, proposals
from marketplace.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

LETTER = "I have built three route planners on Django and PostGIS and can start on Monday. " * 2


def kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("notification_type", flat=True))


def test_post_bid_and_hire_notify_each_person_once(client_user, freelancer, other_freelancer, outsider,
                                                   django_capture_on_commit_callbacks):
    UserFollowFactory(follower=other_freelancer, followee=client_user)
    with django_capture_on_commit_callbacks(execute=True):
        project = projects.project_create(client=client_user, category=CategoryFactory(), title="Route planner API",
                                          description="Plan delivery routes for forty vans every morning. " * 3,
                                          budget_type="fixed", budget_min=1000, budget_max=2000)
    assert kinds(other_freelancer) == ["followed_project"]

    won = proposals.proposal_submit(freelancer=freelancer, project=project, cover_letter=LETTER, bid_amount=1500)
    lost = proposals.proposal_submit(freelancer=other_freelancer, project=project, cover_letter=LETTER,
                                     bid_amount=1400)
    assert kinds(client_user) == ["proposal_submitted", "proposal_submitted"]

    proposals.proposal_accept(proposal=won, actor=client_user)
    assert kinds(freelancer) == ["contract_created", "proposal_accepted"]
    assert kinds(other_freelancer) == ["followed_project", "proposal_rejected"]
    assert Notification.objects.get(user=other_freelancer, notification_type="proposal_rejected").data[
        "proposal_id"] == lost.pk
    assert kinds(client_user) == ["contract_created", "proposal_submitted", "proposal_submitted"]
    assert kinds(outsider) == []


def test_milestone_money_flow_notifies_the_other_party_each_step(client_user, freelancer):
    from billing.services.escrow import escrow_fund
    from marketplace.services import milestones

    project = projects.project_create(client=client_user, category=CategoryFactory(), title="Logo refresh",
                                      description="A new logo and a one-page brand guide for a bakery. " * 3,
                                      budget_type="fixed", budget_min=300, budget_max=600)
    proposal = proposals.proposal_submit(freelancer=freelancer, project=project, cover_letter=LETTER,
                                         bid_amount=500)
    proposals.proposal_accept(proposal=proposal, actor=client_user)
    milestone = proposal.contract.milestones.get()
    Notification.objects.all().delete()

    escrow_fund(contract=proposal.contract, actor=client_user, milestone=milestone, gateway="manual")
    assert kinds(freelancer) == ["milestone_funded"] and kinds(client_user) == []

    milestone.refresh_from_db()
    milestones.milestone_submit(milestone=milestone, actor=freelancer, deliverables="Logo files and the guide.")
    assert kinds(client_user) == ["milestone_submitted"]

    milestone.refresh_from_db()
    milestones.milestone_approve(milestone=milestone, actor=client_user)
    assert kinds(freelancer) == ["escrow_released", "milestone_approved", "milestone_funded"]
    assert kinds(client_user) == ["milestone_submitted"]
