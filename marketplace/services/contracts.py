"""Contracts: created from an accepted proposal, then completed or cancelled."""

from decimal import Decimal

from django.db import transaction

from megilance.money import quantize

from .. import events
from ..models import BudgetType, Contract, ContractType, Milestone, Proposal


@transaction.atomic
def contract_create_from_proposal(*, proposal: Proposal, milestones: list[dict] | None = None) -> Contract:
    """Create the contract (and, for fixed price, its milestones) for an accepted proposal.

    Called by proposal_accept inside its transaction, holding the project's lock. Milestones come from the
    argument, else from the proposal's proposed milestones, else one milestone for the whole bid.
    """
    project = proposal.project
    is_hourly = project.budget_type == BudgetType.HOURLY
    contract = Contract.objects.create(
        project=project,
        proposal=proposal,
        client_id=project.client_id,
        freelancer_id=proposal.freelancer_id,
        title=project.title,
        description=project.description,
        contract_type=ContractType.HOURLY if is_hourly else ContractType.FIXED,
        amount=None if is_hourly else quantize(proposal.bid_amount),
        hourly_rate=quantize(proposal.hourly_rate) if is_hourly and proposal.hourly_rate else (
            quantize(proposal.bid_amount) if is_hourly else None
        ),
        weekly_limit_hours=Decimal("40.00") if is_hourly else None,
        currency=proposal.currency,
    )
    if not is_hourly:
        plan = milestones if milestones is not None else (proposal.milestones or [])
        if not plan:
            plan = [{"title": "Complete the project", "description": project.description[:500],
                     "amount": proposal.bid_amount}]
        Milestone.objects.bulk_create([
            Milestone(
                contract=contract,
                title=str(item.get("title") or f"Milestone {index}")[:200],
                description=str(item.get("description") or ""),
                amount=quantize(item["amount"]),
                currency=contract.currency,
                due_date=item.get("due_date") or None,
                order=index,
            )
            for index, item in enumerate(plan, start=1)
        ])
        total = sum((quantize(item["amount"]) for item in plan), Decimal("0.00"))
        if total != contract.amount:
            # The contract is worth what its milestones add up to.
            contract.amount = total
            contract.save(update_fields=["amount", "updated_at"])
    events.contract_created.send(sender=Contract, contract=contract)
    return contract
