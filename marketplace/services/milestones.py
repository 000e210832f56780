"""Milestones of a fixed-price contract and their status machine:

- pending -> funded (billing confirmed the escrow) -> in_progress (the freelancer starts)
- pending, funded, in_progress or rejected -> submitted (the freelancer hands in the work)
- submitted -> approved (the client accepts; billing releases the escrow) -> paid
- submitted -> rejected (the client sends it back with feedback)

Only the client plans milestones (create, edit, delete) and only while they are pending: once money is in
escrow for one, its amount is fixed. Every write locks the contract row, then the milestone (see contracts.py
for the lock order).
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden
from megilance.money import quantize

from .. import events
from ..models import Contract, ContractStatus, ContractType, Milestone, MilestoneStatus
from .contracts import contract_check_not_disputed, contract_lock, contract_sync_amount

SUBMITTABLE = (MilestoneStatus.PENDING, MilestoneStatus.FUNDED, MilestoneStatus.IN_PROGRESS,
               MilestoneStatus.REJECTED)
EDITABLE_FIELDS = ("title", "description", "amount", "due_date", "order")


def _lock(milestone: Milestone) -> tuple[Contract, Milestone]:
    """Lock the contract, then the milestone, and return fresh copies of both."""
    contract = contract_lock(contract=milestone.contract)
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    locked.contract = contract
    return contract, locked


def _check_plannable(contract: Contract, actor: User) -> None:
    if actor.pk != contract.client_id:
        raise Forbidden("Only the client plans the milestones.")
    contract_check_not_disputed(contract)
    if contract.contract_type != ContractType.FIXED:
        raise ApplicationError("Hourly contracts are paid by time, not milestones.", code="contract_hourly")
    if contract.status != ContractStatus.ACTIVE:
        raise ApplicationError("Milestones can be planned only on an active contract.", code="contract_not_active")


def _check_amount(amount) -> Decimal:
    amount = quantize(amount)
    if amount <= 0:
        raise ApplicationError("A milestone needs a positive amount.", errors={"amount": ["Must be above zero."]})
    return amount


@transaction.atomic
def milestone_create(
    *,
    contract: Contract,
    actor: User,
    title: str,
    amount: Decimal,
    description: str = "",
    due_date: datetime.date | None = None,
    order: int | None = None,
) -> Milestone:
    contract = contract_lock(contract=contract)
    _check_plannable(contract, actor)
    if order is None:
        order = (Milestone.objects.filter(contract=contract).aggregate(last=Max("order"))["last"] or 0) + 1
    milestone = Milestone.objects.create(
        contract=contract,
        title=title,
        description=description,
        amount=_check_amount(amount),
        currency=contract.currency,
        due_date=due_date,
        order=order,
    )
    contract_sync_amount(contract=contract)
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, actor: User, data: dict) -> Milestone:
    contract, milestone = _lock(milestone)
    _check_plannable(contract, actor)
    if milestone.status != MilestoneStatus.PENDING:
        raise ApplicationError("Only a pending milestone (not yet funded) can be changed.",
                               code="milestone_not_pending")
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.",
                               errors={name: ["Cannot be changed."] for name in sorted(unknown)})
    if "amount" in data:
        data = {**data, "amount": _check_amount(data["amount"])}
    for name, value in data.items():
        setattr(milestone, name, value)
    if data:
        milestone.save(update_fields=[*data, "updated_at"])
    if "amount" in data:
        contract_sync_amount(contract=contract)
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone, actor: User) -> None:
    contract, milestone = _lock(milestone)
    _check_plannable(contract, actor)
    if milestone.status != MilestoneStatus.PENDING:
        raise ApplicationError("Only a pending milestone (not yet funded) can be deleted.",
                               code="milestone_not_pending")
    milestone.delete()
    contract_sync_amount(contract=contract)


@transaction.atomic
def milestone_submit(*, milestone: Milestone, actor: User, deliverables: str,
                     attachments: list | None = None) -> Milestone:
    """The freelancer hands in the work. Resubmitting after a rejection keeps the client's feedback."""
    contract, milestone = _lock(milestone)
    if actor.pk != contract.freelancer_id:
        raise Forbidden("Only the freelancer submits work.")
    contract_check_not_disputed(contract)
    if contract.status != ContractStatus.ACTIVE:
        raise ApplicationError("Work can be submitted only on an active contract.", code="contract_not_active")
    if milestone.status in (MilestoneStatus.SUBMITTED, MilestoneStatus.APPROVED, MilestoneStatus.PAID):
        raise Conflict(f"This milestone is already {milestone.get_status_display().lower()}.",
                       code=f"already_{milestone.status}")
    if milestone.status not in SUBMITTABLE:
        raise ApplicationError("This milestone cannot be submitted now.", code="invalid_status")
    if not (deliverables or "").strip():
        raise ApplicationError("Describe what you deliver.", errors={"deliverables": ["This field is required."]})
    milestone.status = MilestoneStatus.SUBMITTED
    milestone.deliverables = deliverables.strip()
    update = ["status", "deliverables", "submitted_at", "updated_at"]
    if attachments is not None:
        milestone.attachments = attachments
        update.append("attachments")
    milestone.submitted_at = timezone.now()
    milestone.save(update_fields=update)
    events.milestone_submitted.send(sender=Milestone, milestone=milestone)
    return milestone


def _check_answerable(contract: Contract, milestone: Milestone, actor: User, verb: str, done: str) -> None:
    if actor.pk != contract.client_id:
        raise Forbidden(f"Only the client may {verb} the work.")
    contract_check_not_disputed(contract)
    if milestone.status == done or (done == MilestoneStatus.APPROVED and milestone.status == MilestoneStatus.PAID):
        # Billing marks approved work paid in the approval's own transaction, so a repeat usually finds `paid`.
        raise Conflict(f"This milestone is already {milestone.get_status_display().lower()}.",
                       code=f"already_{done}")
    if milestone.status != MilestoneStatus.SUBMITTED:
        raise ApplicationError(f"Only submitted work can be {done}; this milestone is "
                               f"{milestone.get_status_display().lower()}.", code="milestone_not_submitted")
    if contract.status not in (ContractStatus.ACTIVE, ContractStatus.PAUSED):
        raise ApplicationError("This contract is closed.", code="contract_not_active")


@transaction.atomic
def milestone_start(*, milestone: Milestone, actor: User) -> Milestone:
    """The freelancer tells the client that work on a funded milestone has begun."""
    contract, milestone = _lock(milestone)
    if actor.pk != contract.freelancer_id:
        raise Forbidden("Only the freelancer starts the work.")
    contract_check_not_disputed(contract)
    if milestone.status == MilestoneStatus.IN_PROGRESS:
        raise Conflict("This milestone is already in progress.", code="already_in_progress")
    if milestone.status != MilestoneStatus.FUNDED or contract.status != ContractStatus.ACTIVE:
        raise ApplicationError("Only a funded milestone of an active contract can be started.",
                               code="milestone_not_funded")
    milestone.status = MilestoneStatus.IN_PROGRESS
    milestone.save(update_fields=["status", "updated_at"])
    return milestone


@transaction.atomic
def milestone_approve(*, milestone: Milestone, actor: User) -> Milestone:
    """The client accepts the work. milestone_approved is sent inside this transaction: billing's receiver
    releases the escrow there, and if the release fails the approval rolls back with it.

    The milestone row lock makes a second, simultaneous approval wait and then see `approved` (409), so the
    escrow is released exactly once.
    """
    contract, milestone = _lock(milestone)
    _check_answerable(contract, milestone, actor, "approve", MilestoneStatus.APPROVED)
    milestone.status = MilestoneStatus.APPROVED
    milestone.approved_at = timezone.now()
    milestone.save(update_fields=["status", "approved_at", "updated_at"])
    events.milestone_approved.send(sender=Milestone, milestone=milestone, actor=actor)
    return milestone


@transaction.atomic
def milestone_reject(*, milestone: Milestone, actor: User, feedback: str) -> Milestone:
    """The client sends the work back with feedback; the money stays in escrow for the resubmission."""
    contract, milestone = _lock(milestone)
    _check_answerable(contract, milestone, actor, "reject", MilestoneStatus.REJECTED)
    if not (feedback or "").strip():
        raise ApplicationError("Tell the freelancer what to change.", errors={"feedback": ["This field is required."]})
    milestone.status = MilestoneStatus.REJECTED
    milestone.feedback = feedback.strip()
    milestone.rejected_at = timezone.now()
    milestone.save(update_fields=["status", "feedback", "rejected_at", "updated_at"])
    events.milestone_rejected.send(sender=Milestone, milestone=milestone, actor=actor)
    return milestone


@transaction.atomic
def milestone_mark_funded(*, milestone: Milestone) -> Milestone:
    """Billing calls this when the escrow for the milestone is confirmed. Call it before locking the escrow
    row (lock order: contract, milestone, escrow). Work already submitted keeps its status; only the funding
    time is recorded."""
    _contract, milestone = _lock(milestone)
    if milestone.funded_at is not None:
        raise Conflict("This milestone is already funded.", code="already_funded")
    if milestone.status in (MilestoneStatus.APPROVED, MilestoneStatus.PAID):
        raise ApplicationError("This milestone is already approved.", code="milestone_approved")
    milestone.funded_at = timezone.now()
    if milestone.status == MilestoneStatus.PENDING:
        milestone.status = MilestoneStatus.FUNDED
    milestone.save(update_fields=["status", "funded_at", "updated_at"])
    events.milestone_funded.send(sender=Milestone, milestone=milestone)
    return milestone


@transaction.atomic
def milestone_mark_paid(*, milestone: Milestone) -> Milestone:
    """Billing calls this once the approved milestone's money has reached the freelancer's balance."""
    _contract, milestone = _lock(milestone)
    if milestone.status == MilestoneStatus.PAID:
        raise Conflict("This milestone is already paid.", code="already_paid")
    if milestone.status != MilestoneStatus.APPROVED:
        raise ApplicationError("Only an approved milestone can be paid.", code="milestone_not_approved")
    milestone.status = MilestoneStatus.PAID
    milestone.paid_at = timezone.now()
    milestone.save(update_fields=["status", "paid_at", "updated_at"])
    return milestone
