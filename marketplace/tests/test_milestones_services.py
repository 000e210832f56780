"""The milestone status machine as billing and the pages drive it through the services."""

from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace import events
from marketplace.models import Contract, ContractStatus, Milestone, MilestoneStatus
from marketplace.services import contracts, milestones
from marketplace.tests.factories import ContractFactory, MilestoneFactory, ProposalFactory
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(client_user, freelancer):
    return ContractFactory(project__client=client_user, freelancer=freelancer)


def set_status(milestone, status, **fields):
    Milestone.objects.filter(pk=milestone.pk).update(status=status, **fields)
    milestone.refresh_from_db()
    return milestone


def test_mark_funded_moves_pending_to_funded_and_sends_milestone_funded(contract):
    milestone = MilestoneFactory(contract=contract)
    sent = []
    events.milestone_funded.connect(lambda sender, **kw: sent.append(kw["milestone"].pk), weak=False,
                                    dispatch_uid="test-funded")
    try:
        milestone = milestones.milestone_mark_funded(milestone=milestone)
    finally:
        events.milestone_funded.disconnect(dispatch_uid="test-funded")
    assert milestone.status == MilestoneStatus.FUNDED and milestone.funded_at
    assert sent == [milestone.pk]


def test_mark_funded_twice_is_a_conflict(contract):
    milestone = milestones.milestone_mark_funded(milestone=MilestoneFactory(contract=contract))
    with pytest.raises(Conflict):
        milestones.milestone_mark_funded(milestone=milestone)


def test_funding_work_already_submitted_keeps_it_submitted(contract):
    milestone = set_status(MilestoneFactory(contract=contract), MilestoneStatus.SUBMITTED)
    milestone = milestones.milestone_mark_funded(milestone=milestone)
    assert milestone.status == MilestoneStatus.SUBMITTED and milestone.funded_at


def test_mark_paid_only_after_approval_and_once(contract):
    milestone = MilestoneFactory(contract=contract)
    with pytest.raises(ApplicationError):
        milestones.milestone_mark_paid(milestone=milestone)
    set_status(milestone, MilestoneStatus.APPROVED, approved_at=timezone.now())
    milestone = milestones.milestone_mark_paid(milestone=milestone)
    assert milestone.status == MilestoneStatus.PAID and milestone.paid_at
    with pytest.raises(Conflict):
        milestones.milestone_mark_paid(milestone=milestone)


def test_paid_milestone_cannot_be_approved_again(contract, client_user):
    milestone = set_status(MilestoneFactory(contract=contract), MilestoneStatus.PAID)
    with pytest.raises(Conflict):
        milestones.milestone_approve(milestone=milestone, actor=client_user)


def test_freelancer_starts_funded_work(contract, freelancer, client_user):
    milestone = milestones.milestone_mark_funded(milestone=MilestoneFactory(contract=contract))
    with pytest.raises(Forbidden):
        milestones.milestone_start(milestone=milestone, actor=client_user)
    milestone = milestones.milestone_start(milestone=milestone, actor=freelancer)
    assert milestone.status == MilestoneStatus.IN_PROGRESS
    with pytest.raises(Conflict):
        milestones.milestone_start(milestone=milestone, actor=freelancer)
    milestone = milestones.milestone_submit(milestone=milestone, actor=freelancer, deliverables="Done")
    assert milestone.status == MilestoneStatus.SUBMITTED


def test_unfunded_milestone_cannot_be_started(contract, freelancer):
    with pytest.raises(ApplicationError):
        milestones.milestone_start(milestone=MilestoneFactory(contract=contract), actor=freelancer)


def test_a_full_fixed_price_journey_from_a_proposal(client_user, freelancer):
    proposal = ProposalFactory(project__client=client_user, freelancer=freelancer, bid_amount=Decimal("900.00"),
                               milestones=[{"title": "Design", "amount": "300"}, {"title": "Build", "amount": 600}])
    contract = contracts.contract_create_from_proposal(proposal=proposal)
    assert contract.amount == Decimal("900.00")
    for milestone in contract.milestones.order_by("order"):
        milestone = milestones.milestone_mark_funded(milestone=milestone)
        milestone = milestones.milestone_submit(milestone=milestone, actor=freelancer, deliverables="Here it is")
        milestones.milestone_approve(milestone=milestone, actor=client_user)
    contract = contracts.contract_complete(contract=contract, actor=client_user)
    assert contract.status == ContractStatus.COMPLETED
    assert set(contract.milestones.values_list("status", flat=True)) == {MilestoneStatus.APPROVED}


def test_milestone_delete_leaves_amount_zero_when_none_remain(contract, client_user):
    milestone = MilestoneFactory(contract=contract, amount=Decimal("40.00"))
    milestones.milestone_delete(milestone=milestone, actor=client_user)
    assert Contract.objects.get(pk=contract.pk).amount == Decimal("0.00")
