"""Refunds of escrowed money. The payer asks (refund_request); Finance staff approve or reject; an approved
refund is processed: the money leaves escrow in the ledger, then the provider is asked to pay it back.

States: requested -> approved -> processing -> processed (or failed: the money returns to escrow);
requested -> rejected or cancelled. A refund the rules let a party take alone (escrow_refund) starts approved.
"""

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from marketplace.models import MilestoneStatus
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from megilance.money import quantize

from .. import events
from ..gateways.base import FAILED, PENDING, SUCCEEDED, GatewayError, RefundResult, get_gateway
from ..models import (
    OPEN_REFUND_STATUSES,
    AccountPurpose,
    Escrow,
    EscrowStatus,
    LedgerTransactionKind,
    Payment,
    PaymentStatus,
    PaymentType,
    Refund,
    RefundStatus,
)
from .escrow import _settle_status, escrow_lock, refund_apply
from .ledger import ledger_account_get, ledger_post

logger = logging.getLogger(__name__)

REFUNDABLE_PAYMENT_TYPES = (PaymentType.ESCROW_FUNDING, PaymentType.DEPOSIT)
MANAGE_PERMISSION = "billing.change_refund"


def can_manage_refunds(user) -> bool:
    """Finance staff (and superusers) approve, reject and process refunds."""
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm(MANAGE_PERMISSION))


def _check_manager(actor: User) -> None:
    if not can_manage_refunds(actor):
        raise Forbidden("Only finance staff decide refunds.")


def _lock_refund(refund: Refund) -> Refund:
    return Refund.objects.select_for_update().get(pk=refund.pk)


def refundable_amount(*, escrow: Escrow) -> Decimal:
    """What a new request may still claim: the escrow's unreleased money less what open requests claim."""
    claimed = (Refund.objects.filter(escrow=escrow, status__in=OPEN_REFUND_STATUSES)
               .aggregate(total=Sum("amount"))["total"]) or Decimal("0.00")
    return max(escrow.remaining - claimed, Decimal("0.00"))


@transaction.atomic
def refund_request(*, payment: Payment, actor: User, amount, reason: str) -> Refund:
    """The payer asks for money back from an escrow funding or deposit; Finance staff decide."""
    if payment.from_user_id != actor.pk:
        raise NotFound("No such payment.")
    if payment.payment_type not in REFUNDABLE_PAYMENT_TYPES or payment.escrow_id is None:
        raise ApplicationError("Only an escrow funding or a deposit can be refunded.",
                               errors={"payment_id": ["Not a refundable payment."]})
    if payment.status != PaymentStatus.COMPLETED:
        raise ApplicationError("This payment has not been completed.", code="payment_not_completed")
    if not (reason or "").strip():
        raise ApplicationError("Say why you ask for a refund.", errors={"reason": ["This field is required."]})
    escrow = escrow_lock(escrow=payment.escrow)
    if escrow.status == EscrowStatus.DISPUTED:
        raise Conflict("This escrow is frozen by a dispute; the dispute decides the refund.", code="escrow_disputed")
    refundable = refundable_amount(escrow=escrow)
    amount = refundable if amount in (None, "") else quantize(amount)
    if amount <= 0:
        if refundable <= 0:
            raise Conflict("Nothing is left to refund on this payment.", code="nothing_refundable")
        raise ApplicationError("The amount must be above zero.", errors={"amount": ["Must be above zero."]})
    if amount > refundable:
        raise ApplicationError(f"At most {refundable} can still be refunded.", code="amount_exceeds_refundable",
                               errors={"amount": [f"At most {refundable}."]})
    refund = Refund.objects.create(payment=payment, escrow=escrow, requested_by=actor, amount=amount,
                                   currency=payment.currency, reason=reason.strip())
    events.refund_requested.send(sender=Refund, refund=refund)
    return refund


@transaction.atomic
def refund_update(*, refund: Refund, actor: User, amount=None, reason: str | None = None) -> Refund:
    """The requester changes a request that nobody has decided yet."""
    # Lock order: the escrow's contract, milestone and escrow, then the refund row (as refund processing does).
    escrow = escrow_lock(escrow=Escrow.objects.only("pk", "contract_id", "milestone_id").get(pk=refund.escrow_id))
    refund = _lock_refund(refund)
    if refund.requested_by_id != actor.pk:
        raise Forbidden("Only the person who asked may change the request.")
    if refund.status != RefundStatus.REQUESTED:
        raise Conflict(f"This refund is already {refund.status}.", code=f"already_{refund.status}")
    fields = ["updated_at"]
    if amount not in (None, ""):
        amount = quantize(amount)
        refundable = refundable_amount(escrow=escrow) + refund.amount
        if amount <= 0 or amount > refundable:
            raise ApplicationError(f"The amount must be above zero and at most {refundable}.",
                                   errors={"amount": [f"At most {refundable}."]})
        refund.amount = amount
        fields.append("amount")
    if reason is not None:
        if not reason.strip():
            raise ApplicationError("Say why you ask for a refund.", errors={"reason": ["This field is required."]})
        refund.reason = reason.strip()
        fields.append("reason")
    refund.save(update_fields=fields)
    return refund


@transaction.atomic
def refund_cancel(*, refund: Refund, actor: User) -> Refund:
    refund = _lock_refund(refund)
    if refund.requested_by_id != actor.pk:
        raise Forbidden("Only the person who asked may cancel the request.")
    if refund.status != RefundStatus.REQUESTED:
        raise Conflict(f"This refund is already {refund.status}.", code=f"already_{refund.status}")
    refund.status = RefundStatus.CANCELLED
    refund.save(update_fields=["status", "updated_at"])
    return refund


def _decide(refund: Refund, actor: User, status: str, note: str) -> Refund:
    _check_manager(actor)
    refund = _lock_refund(refund)
    if refund.status != RefundStatus.REQUESTED:
        raise Conflict(f"This refund is already {refund.status}.", code=f"already_{refund.status}")
    refund.status = status
    refund.decided_by = actor
    refund.decided_at = timezone.now()
    refund.decision_note = (note or "").strip()
    refund.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    return refund


@transaction.atomic
def refund_approve(*, refund: Refund, actor: User, note: str = "") -> Refund:
    refund = _decide(refund, actor, RefundStatus.APPROVED, note)
    events.refund_approved.send(sender=Refund, refund=refund, actor=actor)
    return refund


@transaction.atomic
def refund_reject(*, refund: Refund, actor: User, note: str = "") -> Refund:
    if not (note or "").strip():
        raise ApplicationError("Tell the payer why the refund is rejected.", errors={"note": ["Required."]})
    refund = _decide(refund, actor, RefundStatus.REJECTED, note)
    events.refund_rejected.send(sender=Refund, refund=refund, actor=actor)
    return refund


@transaction.atomic
def _refund_take_from_escrow(*, refund: Refund, actor: User) -> Refund:
    _check_manager(actor)
    # Lock order: the escrow's contract, milestone and escrow first, then the refund row.
    escrow = escrow_lock(escrow=Escrow.objects.only("pk", "contract_id", "milestone_id").get(pk=refund.escrow_id))
    refund = _lock_refund(refund)
    if refund.status in (RefundStatus.PROCESSING, RefundStatus.PROCESSED):
        raise Conflict(f"This refund is already {refund.status}.", code=f"already_{refund.status}")
    if refund.status != RefundStatus.APPROVED:
        raise ApplicationError(f"Only an approved refund can be processed; this one is {refund.status}.",
                               code="refund_not_approved")
    if escrow.status == EscrowStatus.DISPUTED:
        raise Conflict("This escrow is frozen by a dispute.", code="escrow_disputed")
    refund_apply(escrow=escrow, refund=refund, actor=actor)
    return refund


def refund_process(*, refund: Refund, actor: User) -> Refund:
    """Finance staff carry out an approved refund: the money leaves escrow, then the provider pays it back.
    Runs once: processing a refund already processing or processed answers 409."""
    refund = _refund_take_from_escrow(refund=refund, actor=actor)
    return refund_submit_to_gateway(refund=refund)


def refund_submit_to_gateway(*, refund: Refund) -> Refund:
    """Ask the provider to pay a processing refund back. A remote provider is asked only after the current
    transaction commits (never while escrow locks are held); the manual gateway answers at once."""
    gateway = get_gateway(refund.gateway or None)
    if gateway.is_remote and transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _refund_call_gateway(refund_id=refund.pk))
        return refund
    return _refund_call_gateway(refund_id=refund.pk)


def _refund_call_gateway(*, refund_id: int) -> Refund:
    refund = Refund.objects.select_related("escrow").get(pk=refund_id)
    if refund.status != RefundStatus.PROCESSING:
        return refund
    gateway = get_gateway(refund.gateway or None)
    try:
        result = gateway.refund(reference=refund.escrow.gateway_reference, amount=refund.amount,
                                currency=refund.currency, idempotency_key=f"refund-{refund.pk}",
                                metadata={"refund_id": refund.pk, "escrow_id": refund.escrow_id})
    except GatewayError as error:
        if error.retryable:
            # The provider may have acted: keep it processing; a retry with the same key is safe.
            logger.warning("Refund %s: the gateway did not answer (%s); it stays processing", refund.pk, error)
            return refund
        result = RefundResult(reference="", status=FAILED, failure_reason=error.message)
    if result.reference:
        Refund.objects.filter(pk=refund.pk, gateway_reference="").update(gateway_reference=result.reference)
        Payment.objects.filter(pk=refund.refund_payment_id).update(gateway_reference=result.reference)
    if result.status == SUCCEEDED:
        return _refund_settle(refund_id=refund.pk, succeeded=True)
    if result.status == PENDING:
        return Refund.objects.get(pk=refund.pk)
    return _refund_settle(refund_id=refund.pk, succeeded=False, reason=result.failure_reason or "declined")


@transaction.atomic
def _refund_settle(*, refund_id: int, succeeded: bool, reason: str = "") -> Refund:
    escrow_id = Refund.objects.values_list("escrow_id", flat=True).get(pk=refund_id)
    escrow = escrow_lock(escrow=Escrow.objects.only("pk", "contract_id", "milestone_id").get(pk=escrow_id))
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status != RefundStatus.PROCESSING:
        return refund  # Already settled: a repeated webhook changes nothing.
    payment = Payment.objects.select_for_update().get(pk=refund.refund_payment_id)
    now = timezone.now()
    if succeeded:
        refund.status = RefundStatus.PROCESSED
        refund.processed_at = now
        refund.save(update_fields=["status", "processed_at", "updated_at"])
        payment.status = PaymentStatus.COMPLETED
        payment.completed_at = now
        payment.save(update_fields=["status", "completed_at"])
        events.refund_processed.send(sender=Refund, refund=refund)
        return refund
    # The provider could not pay it back: the money returns to escrow and the escrow holds it again.
    ledger_post(
        kind=LedgerTransactionKind.REFUND_REVERSAL, escrow=escrow, payment=payment, refund=refund,
        description=f"Refund {refund.pk} failed: {reason}",
        lines=[
            (ledger_account_get(purpose=AccountPurpose.REFUNDS, currency=escrow.currency,
                                user=User(pk=escrow.client_id)), -refund.amount),
            (ledger_account_get(purpose=AccountPurpose.ESCROW, currency=escrow.currency, contract=escrow.contract),
             refund.amount),
        ],
    )
    escrow.refunded_amount -= refund.amount
    was_refunded = escrow.status == EscrowStatus.REFUNDED
    _settle_status(escrow)
    escrow.save(update_fields=["refunded_amount", "status", "updated_at"])
    milestone = escrow.milestone
    if was_refunded and milestone is not None and milestone.funded_at is None:
        # Undo what the refund did to the milestone: it is funded again.
        milestone.funded_at = escrow.funded_at
        fields = ["funded_at", "updated_at"]
        if milestone.status == MilestoneStatus.PENDING:
            milestone.status = MilestoneStatus.FUNDED
            fields.append("status")
        milestone.save(update_fields=fields)
    refund.status = RefundStatus.FAILED
    refund.failure_reason = reason[:255]
    refund.save(update_fields=["status", "failure_reason", "updated_at"])
    payment.status = PaymentStatus.FAILED
    payment.failure_reason = reason[:255]
    payment.save(update_fields=["status", "failure_reason"])
    events.refund_failed.send(sender=Refund, refund=refund, reason=reason)
    return refund


def _find(reference: str) -> Refund:
    refund = Refund.objects.filter(gateway_reference=reference).first() if reference else None
    if refund is None:
        raise NotFound(f"No refund has the reference {reference!r}.")
    return refund


def refund_mark_processed(*, reference: str) -> Refund:
    """The provider confirmed the refund (webhook). Idempotent."""
    return _refund_settle(refund_id=_find(reference).pk, succeeded=True)


def refund_mark_failed(*, reference: str, reason: str = "") -> Refund:
    """The provider could not pay the refund back (webhook): the money returns to escrow. Idempotent."""
    return _refund_settle(refund_id=_find(reference).pk, succeeded=False, reason=reason or "The refund failed.")
