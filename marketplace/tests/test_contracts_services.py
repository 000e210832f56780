"""Contract services as proposal_accept, billing and the pages call them."""

from decimal import Decimal

import pytest

from marketplace import events
from marketplace.models import BudgetType, ContractStatus, ContractType, MilestoneStatus
from marketplace.services import contracts
from marketplace.tests.factories import ContractFactory, ProjectFactory, ProposalFactory
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden

pytestmark = pytest.mark.django_db


def test_proposal_without_a_plan_gets_one_milestone_for_the_whole_bid(client_user, freelancer):
    proposal = ProposalFactory(project__client=client_user, freelancer=freelancer, bid_amount=Decimal("1200.00"))
    contract = contracts.contract_create_from_proposal(proposal=proposal)
    assert contract.contract_type == ContractType.FIXED and contract.amount == Decimal("1200.00")
    assert contract.client == client_user and contract.freelancer == freelancer
    assert list(contract.milestones.values_list("amount", "status")) == [(Decimal("1200.00"), "pending")]


def test_explicit_plan_wins_and_the_amount_is_its_sum(client_user, freelancer):
    proposal = ProposalFactory(project__client=client_user, freelancer=freelancer, bid_amount=Decimal("1000.00"),
                               milestones=[{"title": "Ignored", "amount": "1000"}])
    plan = [{"title": "Wireframes", "amount": "199.995"}, {"title": "Build", "amount": 800}]
    contract = contracts.contract_create_from_proposal(proposal=proposal, milestones=plan)
    assert contract.amount == Decimal("1000.00")  # 199.995 rounds half up to 200.00
    assert list(contract.milestones.order_by("order").values_list("title", flat=True)) == ["Wireframes", "Build"]


def test_hourly_project_gives_an_hourly_contract_without_milestones(client_user, freelancer):
    proposal = ProposalFactory(project__client=client_user, project__budget_type=BudgetType.HOURLY,
                               freelancer=freelancer, bid_amount=Decimal("0"), hourly_rate=Decimal("55.00"))
    contract = contracts.contract_create_from_proposal(proposal=proposal)
    assert contract.contract_type == ContractType.HOURLY and contract.amount is None
    assert contract.hourly_rate == Decimal("55.00") and contract.weekly_limit_hours == Decimal("40.00")
    assert not contract.milestones.exists()


def test_a_receiver_refusing_completion_rolls_it_back(client_user, freelancer):
    contract = ContractFactory(project__client=client_user, freelancer=freelancer)

    def deposit_still_held(sender, **kwargs):
        raise ApplicationError("A deposit is still held.", code="money_in_escrow")

    events.contract_completed.connect(deposit_still_held, weak=False, dispatch_uid="test-deposit")
    try:
        with pytest.raises(ApplicationError):
            contracts.contract_complete(contract=contract, actor=client_user)
    finally:
        events.contract_completed.disconnect(dispatch_uid="test-deposit")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE and contract.completed_at is None
    assert contract.project.status == "in_progress"


def test_the_platform_may_pause_a_contract(client_user, freelancer):
    contract = ContractFactory(project__client=client_user, freelancer=freelancer)
    assert contracts.contract_pause(contract=contract, actor=None).status == ContractStatus.PAUSED
    with pytest.raises(Conflict):
        contracts.contract_pause(contract=contract, actor=None)


def test_disputed_contract_cannot_be_paused_or_resumed(client_user, freelancer):
    contract = ContractFactory(project__client=client_user, freelancer=freelancer, status=ContractStatus.DISPUTED)
    for service in (contracts.contract_pause, contracts.contract_resume):
        with pytest.raises(ApplicationError) as refused:
            service(contract=contract, actor=client_user)
        assert refused.value.code == "contract_disputed"


def test_direct_hire_by_a_freelancer_is_forbidden(freelancer, other_freelancer):
    project = ProjectFactory()
    with pytest.raises(Forbidden):
        contracts.contract_create(client=freelancer, freelancer=other_freelancer, project=project,
                                  amount=Decimal("10"))


def test_direct_hire_with_milestones_on_an_hourly_contract_is_refused(client_user, freelancer):
    project = ProjectFactory(client=client_user)
    with pytest.raises(ApplicationError):
        contracts.contract_create(client=client_user, freelancer=freelancer, project=project,
                                  contract_type=ContractType.HOURLY, hourly_rate=Decimal("30"),
                                  milestones=[{"title": "x", "amount": 5}])


def test_completion_leaves_unfunded_milestones_pending(client_user, freelancer):
    proposal = ProposalFactory(project__client=client_user, freelancer=freelancer)
    contract = contracts.contract_create_from_proposal(proposal=proposal)
    contracts.contract_complete(contract=contract, actor=client_user)
    assert set(contract.milestones.values_list("status", flat=True)) == {MilestoneStatus.PENDING}
