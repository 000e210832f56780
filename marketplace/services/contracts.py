"""Contracts: created from an accepted proposal (or a direct hire), edited by the client, paused and resumed,
then completed or cancelled.

Lock order for every contract and milestone write: the contract row first, then its milestones (in id order),
then anything billing holds (escrow rows). Billing's receivers run inside these transactions and take their own
locks after ours, so the order holds across apps.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from accounts.models import Role, User
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from megilance.money import quantize

from .. import events
from ..models import (
    BudgetType,
    Contract,
    ContractStatus,
    ContractType,
    Milestone,
    MilestoneStatus,
    Project,
    ProjectStatus,
    Proposal,
)

# Milestones whose money sits in escrow: funded and not yet released. A rejected milestone that had been
# funded still holds its money until it is resubmitted and approved, or refunded.
MONEY_HELD = Q(status__in=[MilestoneStatus.FUNDED, MilestoneStatus.IN_PROGRESS, MilestoneStatus.SUBMITTED]) | Q(
    status=MilestoneStatus.REJECTED, funded_at__isnull=False
)
# Work handed in and waiting for the client's answer.
AWAITING_ANSWER = Q(status=MilestoneStatus.SUBMITTED)

CLIENT_EDITABLE_FIELDS = ("title", "description", "end_date", "weekly_limit_hours")

DISPUTED_MESSAGE = "This contract is under dispute; it stays as it is until the dispute is resolved."


def contract_lock(*, contract: Contract) -> Contract:
    """Re-read the contract under a row lock. Call inside a transaction."""
    return Contract.objects.select_for_update().get(pk=contract.pk)


def contract_check_not_disputed(contract: Contract) -> None:
    """The hook for disputes: while a dispute is open, nothing may complete, cancel or pay the contract."""
    if contract.status == ContractStatus.DISPUTED:
        raise ApplicationError(DISPUTED_MESSAGE, code="contract_disputed")


def contract_sync_amount(*, contract: Contract) -> Contract:
    """A fixed-price contract is worth what its milestones add up to. Call holding the contract lock."""
    total = Milestone.objects.filter(contract=contract).aggregate(total=Sum("amount"))["total"]
    total = quantize(total or Decimal("0"))
    if contract.amount != total:
        contract.amount = total
        contract.save(update_fields=["amount", "updated_at"])
    return contract


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
        _milestones_create(contract=contract, plan=plan)
    events.contract_created.send(sender=Contract, contract=contract)
    return contract


def _milestones_create(*, contract: Contract, plan: list[dict]) -> None:
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


@transaction.atomic
def contract_create(
    *,
    client: User,
    freelancer: User,
    project: Project,
    contract_type: str = ContractType.FIXED,
    title: str = "",
    description: str = "",
    amount: Decimal | None = None,
    hourly_rate: Decimal | None = None,
    weekly_limit_hours: Decimal | None = None,
    currency: str | None = None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    milestones: list[dict] | None = None,
) -> Contract:
    """A direct hire: the client offers a contract to a freelancer on one of the client's own projects,
    without a proposal. The project's status is left as it is (a client may hire several people on it)."""
    if client.role != Role.CLIENT:
        raise Forbidden("Only clients hire freelancers.")
    if project.client_id != client.pk:
        raise NotFound("Project not found.")
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED) or project.is_hidden:
        raise ApplicationError("This project is closed; hire on an open or running project.",
                               code="project_closed")
    if freelancer.role != Role.FREELANCER or not freelancer.is_active:
        raise ApplicationError("Choose an active freelancer to hire.", code="invalid",
                               errors={"freelancer_id": ["Not an active freelancer."]})
    if end_date and end_date < (start_date or timezone.localdate()):
        raise ApplicationError("The end date is before the start date.", errors={"end_date": ["Before start."]})

    is_hourly = contract_type == ContractType.HOURLY
    if is_hourly:
        if not hourly_rate or hourly_rate <= 0:
            raise ApplicationError("An hourly contract needs a positive hourly_rate.",
                                   errors={"hourly_rate": ["Required for an hourly contract."]})
        if milestones:
            raise ApplicationError("Hourly contracts are paid by time, not milestones.",
                                   errors={"milestones": ["Not allowed on an hourly contract."]})
    elif not milestones and (amount is None or amount <= 0):
        raise ApplicationError("A fixed-price contract needs a positive amount or milestones.",
                               errors={"amount": ["Required for a fixed-price contract."]})
    contract = Contract.objects.create(
        project=project,
        client=client,
        freelancer=freelancer,
        title=(title or project.title)[:200],
        description=description or project.description,
        contract_type=ContractType.HOURLY if is_hourly else ContractType.FIXED,
        amount=None if is_hourly else quantize(amount or 0),
        hourly_rate=quantize(hourly_rate) if is_hourly else None,
        weekly_limit_hours=(weekly_limit_hours if weekly_limit_hours is not None else Decimal("40.00"))
        if is_hourly else None,
        currency=(currency or project.currency).upper(),
        start_date=start_date or timezone.localdate(),
        end_date=end_date,
    )
    if not is_hourly:
        plan = milestones or [{"title": "Complete the project", "description": contract.description[:500],
                               "amount": contract.amount}]
        _milestones_create(contract=contract, plan=plan)
    events.contract_created.send(sender=Contract, contract=contract)
    return contract


@transaction.atomic
def contract_update(*, contract: Contract, actor: User, data: dict) -> Contract:
    """The client edits the terms that do not move money: title, description, end date, weekly hour limit."""
    contract = contract_lock(contract=contract)
    if actor.pk != contract.client_id:
        raise Forbidden("Only the client may edit the contract.")
    if contract.status != ContractStatus.ACTIVE:
        raise ApplicationError("Only an active contract can be edited.", code="contract_not_active")
    unknown = set(data) - set(CLIENT_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.",
                               errors={name: ["Cannot be changed."] for name in sorted(unknown)})
    if "weekly_limit_hours" in data and contract.contract_type != ContractType.HOURLY:
        raise ApplicationError("Only hourly contracts have a weekly hour limit.",
                               errors={"weekly_limit_hours": ["Only for hourly contracts."]})
    if data.get("end_date") and data["end_date"] < contract.start_date:
        raise ApplicationError("The end date is before the start date.", errors={"end_date": ["Before start."]})
    for name, value in data.items():
        setattr(contract, name, value)
    if data:
        contract.save(update_fields=[*data, "updated_at"])
    return contract


def _check_nothing_held(contract: Contract, doing: str) -> None:
    milestones = Milestone.objects.filter(contract=contract)
    if milestones.filter(AWAITING_ANSWER).exists():
        raise ApplicationError(f"A milestone is waiting for approval; answer it before you {doing} the contract.",
                               code="milestone_submitted")
    if milestones.filter(MONEY_HELD).exists():
        raise ApplicationError(f"Money is still in escrow for this contract; release or refund it before you "
                               f"{doing} the contract.", code="money_in_escrow")


@transaction.atomic
def contract_complete(*, contract: Contract, actor: User) -> Contract:
    """The client closes the work. Refused while money is in escrow or work waits for an answer.

    Billing may refuse too: its receiver of contract_completed raises when a deposit is still held, which rolls
    this back.
    """
    contract = contract_lock(contract=contract)
    if actor.pk != contract.client_id:
        raise Forbidden("Only the client may complete the contract.")
    if contract.status == ContractStatus.COMPLETED:
        raise Conflict("This contract is already completed.", code="already_completed")
    contract_check_not_disputed(contract)
    if contract.status not in (ContractStatus.ACTIVE, ContractStatus.PAUSED):
        raise ApplicationError(f"A {contract.get_status_display().lower()} contract cannot be completed.",
                               code="contract_not_active")
    _check_nothing_held(contract, "complete")
    now = timezone.now()
    contract.status = ContractStatus.COMPLETED
    contract.completed_at = now
    contract.paused_at = None
    contract.save(update_fields=["status", "completed_at", "paused_at", "updated_at"])
    # The project is done when its last running contract is.
    running = Contract.objects.filter(project_id=contract.project_id).exclude(pk=contract.pk).filter(
        status__in=[ContractStatus.ACTIVE, ContractStatus.PAUSED, ContractStatus.DISPUTED])
    if not running.exists():
        Project.objects.filter(pk=contract.project_id, status=ProjectStatus.IN_PROGRESS).update(
            status=ProjectStatus.COMPLETED, updated_at=now)
    events.contract_completed.send(sender=Contract, contract=contract)
    return contract


@transaction.atomic
def contract_cancel(*, contract: Contract, actor: User, reason: str = "") -> Contract:
    """Either party ends the contract early. Refused while money is in escrow or work waits for an answer;
    the money has to be released, refunded or disputed first."""
    contract = contract_lock(contract=contract)
    if not contract.is_party(actor):
        raise Forbidden("Only the parties may cancel the contract.")
    if contract.status == ContractStatus.CANCELLED:
        raise Conflict("This contract is already cancelled.", code="already_cancelled")
    contract_check_not_disputed(contract)
    if contract.status not in (ContractStatus.ACTIVE, ContractStatus.PAUSED):
        raise ApplicationError(f"A {contract.get_status_display().lower()} contract cannot be cancelled.",
                               code="contract_not_active")
    _check_nothing_held(contract, "cancel")
    contract.status = ContractStatus.CANCELLED
    contract.cancelled_at = timezone.now()
    contract.paused_at = None
    contract.save(update_fields=["status", "cancelled_at", "paused_at", "updated_at"])
    events.contract_cancelled.send(sender=Contract, contract=contract, actor=actor, reason=reason)
    return contract


@transaction.atomic
def contract_pause(*, contract: Contract, actor: User | None) -> Contract:
    """The client holds the work (no new submissions or time). `actor=None` is the platform itself,
    e.g. after an hourly charge has failed for a week."""
    contract = contract_lock(contract=contract)
    if actor is not None and actor.pk != contract.client_id:
        raise Forbidden("Only the client may pause the contract.")
    if contract.status == ContractStatus.PAUSED:
        raise Conflict("This contract is already paused.", code="already_paused")
    contract_check_not_disputed(contract)
    if contract.status != ContractStatus.ACTIVE:
        raise ApplicationError("Only an active contract can be paused.", code="contract_not_active")
    contract.status = ContractStatus.PAUSED
    contract.paused_at = timezone.now()
    contract.save(update_fields=["status", "paused_at", "updated_at"])
    return contract


@transaction.atomic
def contract_resume(*, contract: Contract, actor: User | None) -> Contract:
    contract = contract_lock(contract=contract)
    if actor is not None and actor.pk != contract.client_id:
        raise Forbidden("Only the client may resume the contract.")
    if contract.status == ContractStatus.ACTIVE:
        raise Conflict("This contract is already active.", code="already_active")
    contract_check_not_disputed(contract)
    if contract.status != ContractStatus.PAUSED:
        raise ApplicationError("Only a paused contract can be resumed.", code="contract_not_paused")
    contract.status = ContractStatus.ACTIVE
    contract.paused_at = None
    contract.save(update_fields=["status", "paused_at", "updated_at"])
    return contract
