"""Escrow: funding through a gateway, release to the freelancer (with the platform fee), refund to the client,
and the dispute hooks (freeze, unfreeze, split).

Lock order, shared with marketplace: the contract row, then the milestone, then the escrow, then ledger accounts
(in id order). `escrow_lock` takes the first three; every service here starts with it.

A call to a payment provider never sits inside a transaction that holds these locks: funding and refunds are
split into "write the pending row and commit", "ask the provider", "apply the answer in a second short
transaction" (the manual gateway answers from memory, so it may be asked inside a transaction).
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.guards import require_verified_email
from accounts.models import User
from marketplace.models import Contract, ContractStatus, Milestone, MilestoneStatus
from marketplace.services import contracts as contract_services
from marketplace.services import milestones as milestone_services
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from megilance.money import quantize

from .. import events
from ..gateways.base import FAILED, PENDING, SUCCEEDED, FundingResult, GatewayError, get_gateway
from ..models import (
    MONEY_HOLDING_STATUSES,
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
from .fees import fee_compute, fee_record
from .ledger import ledger_account_get, ledger_post

logger = logging.getLogger(__name__)

# A payment the provider has not confirmed by then is given up (status expired) by the expiry task.
PENDING_FUNDING_HOURS = 24
# Milestone statuses in which the client alone may take the escrow back: the work is not handed in.
CLIENT_REFUNDABLE_MILESTONE = (MilestoneStatus.PENDING, MilestoneStatus.FUNDED, MilestoneStatus.IN_PROGRESS,
                               MilestoneStatus.REJECTED)
NOT_FUNDABLE_MILESTONE = (MilestoneStatus.APPROVED, MilestoneStatus.PAID)


def escrow_lock(*, escrow: Escrow) -> Escrow:
    """Lock the contract, the milestone (if any) and the escrow, in that order, and return a fresh escrow with
    the locked contract and milestone attached. Call inside a transaction."""
    contract = contract_services.contract_lock(contract=Contract(pk=escrow.contract_id))
    milestone = None
    if escrow.milestone_id:
        milestone = Milestone.objects.select_for_update().get(pk=escrow.milestone_id)
    locked = Escrow.objects.select_for_update().get(pk=escrow.pk)
    locked.contract = contract
    locked.milestone = milestone
    return locked


def _settle_status(escrow: Escrow) -> None:
    """The status that the amounts say: when nothing is left it is released if anything was released, else
    refunded. A disputed escrow stays disputed until the dispute settles it."""
    left = escrow.amount - escrow.released_amount - escrow.refunded_amount
    if escrow.status == EscrowStatus.DISPUTED and left > 0:
        return
    if left == 0:
        escrow.status = EscrowStatus.RELEASED if escrow.released_amount > 0 else EscrowStatus.REFUNDED
    elif escrow.released_amount > 0:
        escrow.status = EscrowStatus.PARTIALLY_RELEASED
    else:
        escrow.status = EscrowStatus.FUNDED


def _amount_or_remaining(amount, remaining: Decimal) -> Decimal:
    if amount in (None, ""):
        return remaining
    amount = quantize(amount)
    if amount <= 0:
        raise ApplicationError("The amount must be above zero.", errors={"amount": ["Must be above zero."]})
    if amount > remaining:
        raise ApplicationError(f"This escrow holds only {remaining}.", code="amount_exceeds_escrow",
                               errors={"amount": [f"At most {remaining}."]})
    return amount


# --- funding -------------------------------------------------------------------------------------------------


@transaction.atomic
def _escrow_open(*, contract: Contract, actor: User, milestone: Milestone | None, amount, gateway_name: str
                 ) -> Escrow:
    contract = contract_services.contract_lock(contract=contract)
    if actor.pk != contract.client_id:
        raise Forbidden("Only the client funds escrow.")
    contract_services.contract_check_not_disputed(contract)
    if contract.status != ContractStatus.ACTIVE:
        raise ApplicationError("Escrow can be funded only on an active contract.", code="contract_not_active")

    if milestone is not None:
        if milestone.contract_id != contract.pk:
            raise ApplicationError("This milestone belongs to another contract.",
                                   errors={"milestone_id": ["Not a milestone of this contract."]})
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if Escrow.objects.filter(milestone=milestone, status=EscrowStatus.PENDING).exists():
            raise Conflict("A payment for this milestone is already waiting for confirmation.",
                           code="funding_pending")
        if milestone.funded_at is not None or Escrow.objects.filter(
                milestone=milestone, status__in=MONEY_HOLDING_STATUSES).exists():
            raise Conflict("This milestone is already funded.", code="already_funded")
        if milestone.status in NOT_FUNDABLE_MILESTONE:
            raise ApplicationError("This milestone is already approved.", code="milestone_approved")
        # Fixed-price work is funded with exactly the milestone's amount.
        if amount not in (None, "") and quantize(amount) != milestone.amount:
            raise ApplicationError(f"This milestone is funded with its amount, {milestone.amount}.",
                                   errors={"amount": [f"Must be {milestone.amount}."]})
        amount = milestone.amount
    else:
        if amount in (None, ""):
            raise ApplicationError("Say how much to deposit.", errors={"amount": ["This field is required."]})
        amount = quantize(amount)
    if amount <= 0:
        raise ApplicationError("The amount must be above zero.", errors={"amount": ["Must be above zero."]})

    try:
        with transaction.atomic():
            escrow = Escrow.objects.create(
                contract=contract, milestone=milestone, client_id=contract.client_id, amount=amount,
                currency=contract.currency, gateway=gateway_name,
                expires_at=timezone.now() + timedelta(hours=PENDING_FUNDING_HOURS),
            )
    except IntegrityError:
        # The partial unique index on live escrow per milestone: another request won the race.
        raise Conflict("This milestone is already being funded.", code="already_funded") from None
    Payment.objects.create(
        payment_type=PaymentType.DEPOSIT if milestone is None else PaymentType.ESCROW_FUNDING,
        status=PaymentStatus.PENDING, from_user_id=contract.client_id, contract=contract, milestone=milestone,
        escrow=escrow, amount=amount, net_amount=amount, currency=escrow.currency, gateway=gateway_name,
        description=(f"Escrow for {milestone.title}" if milestone else f"Deposit for {contract.title}")[:255],
    )
    return escrow


def escrow_fund(*, contract: Contract, actor: User, milestone: Milestone | None = None, amount=None,
                gateway: str | None = None) -> Escrow:
    """The client puts money in escrow for a milestone (its amount) or as a deposit (any positive amount).

    Not atomic as a whole, on purpose: the pending escrow is committed before the provider is asked, and the
    answer is applied in its own transaction, so no lock is held while the provider thinks. The returned escrow
    carries `client_secret` when the payer still has to confirm in the browser (Stripe).
    """
    require_verified_email(actor)
    gateway_obj = get_gateway(gateway)
    escrow = _escrow_open(contract=contract, actor=actor, milestone=milestone, amount=amount,
                          gateway_name=gateway_obj.name)
    try:
        result = gateway_obj.create_funding(
            amount=escrow.amount, currency=escrow.currency, payer=actor,
            description=f"MegiLance escrow {escrow.pk} for contract {escrow.contract_id}",
            metadata={"escrow_id": escrow.pk, "contract_id": escrow.contract_id,
                      "milestone_id": escrow.milestone_id},
            idempotency_key=f"escrow-{escrow.pk}-funding",
        )
    except GatewayError as error:
        logger.warning("Funding escrow %s failed at the gateway: %s", escrow.pk, error)
        result = FundingResult(reference="", status=FAILED, failure_reason=error.message)

    if result.reference:
        Escrow.objects.filter(pk=escrow.pk, gateway_reference="").update(gateway_reference=result.reference)
        Payment.objects.filter(escrow=escrow, payment_type__in=[PaymentType.DEPOSIT, PaymentType.ESCROW_FUNDING]
                               ).update(gateway_reference=result.reference)
    if result.status == SUCCEEDED:
        escrow = escrow_confirm_funding(reference=result.reference, gateway_fee=result.fee)
    elif result.status == PENDING:
        escrow.refresh_from_db()
    else:
        _escrow_give_up(escrow_id=escrow.pk, reason=result.failure_reason or "The payment was declined.")
        raise ApplicationError(f"The payment did not go through: {result.failure_reason or 'declined'}.",
                               code="payment_failed", status_code=402)
    escrow.client_secret = result.client_secret
    return escrow


def _find_by_reference(reference: str) -> Escrow:
    escrow = Escrow.objects.filter(gateway_reference=reference).first() if reference else None
    if escrow is None:
        raise NotFound(f"No escrow has the payment reference {reference!r}.")
    return escrow


@transaction.atomic
def escrow_confirm_funding(*, reference: str, gateway_fee: Decimal | None = None) -> Escrow:
    """The provider confirmed the payment: the money enters the contract's escrow account and the milestone
    becomes funded. A repeated confirmation (a webhook delivered twice) changes nothing."""
    escrow = escrow_lock(escrow=_find_by_reference(reference))
    if escrow.status != EscrowStatus.PENDING:
        if escrow.status == EscrowStatus.EXPIRED:
            # Money arrived for a funding already given up: staff must refund it by hand; never fund twice.
            logger.error("Escrow %s was confirmed by the gateway after it expired (%s)", escrow.pk, reference)
            raise Conflict("This payment arrived after its escrow expired.", code="funding_expired")
        return escrow
    payment = Payment.objects.select_for_update().get(
        escrow=escrow, payment_type__in=[PaymentType.DEPOSIT, PaymentType.ESCROW_FUNDING])
    now = timezone.now()
    client = User(pk=escrow.client_id)
    ledger_post(
        kind=LedgerTransactionKind.FUNDING, escrow=escrow, payment=payment,
        description=f"Escrow {escrow.pk} funded ({reference})",
        lines=[
            (ledger_account_get(purpose=AccountPurpose.CLIENT_FUNDING, currency=escrow.currency, user=client),
             -escrow.amount),
            (ledger_account_get(purpose=AccountPurpose.ESCROW, currency=escrow.currency, contract=escrow.contract),
             escrow.amount),
        ],
    )
    escrow.status = EscrowStatus.FUNDED
    escrow.funded_at = now
    escrow.expires_at = None
    escrow.save(update_fields=["status", "funded_at", "expires_at", "updated_at"])
    payment.status = PaymentStatus.COMPLETED
    payment.completed_at = now
    payment.gateway_reference = reference
    payment.save(update_fields=["status", "completed_at", "gateway_reference"])

    gateway_fee = quantize(gateway_fee or 0)
    if gateway_fee > 0:
        # What the provider kept is the platform's cost: it comes out of platform revenue, never out of escrow.
        ledger_post(
            kind=LedgerTransactionKind.GATEWAY_FEE, escrow=escrow, payment=payment,
            description=f"Gateway fee on escrow {escrow.pk}",
            lines=[
                (ledger_account_get(purpose=AccountPurpose.PLATFORM_REVENUE, currency=escrow.currency), -gateway_fee),
                (ledger_account_get(purpose=AccountPurpose.GATEWAY_FEES, currency=escrow.currency), gateway_fee),
            ],
        )
        fee_record(payment=payment, breakdown=fee_compute(amount=escrow.amount, percent=Decimal("0")),
                   gateway_fee=gateway_fee)

    if escrow.milestone is not None:
        milestone_services.milestone_mark_funded(milestone=escrow.milestone)
    events.escrow_funded.send(sender=Escrow, escrow=escrow)
    return escrow


@transaction.atomic
def _escrow_give_up(*, escrow_id: int, reason: str) -> Escrow:
    escrow = escrow_lock(escrow=Escrow.objects.only("pk", "contract_id", "milestone_id").get(pk=escrow_id))
    if escrow.status != EscrowStatus.PENDING:
        return escrow
    escrow.status = EscrowStatus.EXPIRED
    escrow.failure_reason = reason[:255]
    escrow.save(update_fields=["status", "failure_reason", "updated_at"])
    Payment.objects.filter(escrow=escrow, status=PaymentStatus.PENDING).update(
        status=PaymentStatus.FAILED, failure_reason=reason[:255])
    events.escrow_funding_failed.send(sender=Escrow, escrow=escrow, reason=reason)
    return escrow


def escrow_fail_funding(*, reference: str, reason: str) -> Escrow:
    """The provider says the payment failed. Only a pending escrow changes (to expired); a repeat does nothing."""
    return _escrow_give_up(escrow_id=_find_by_reference(reference).pk, reason=reason or "The payment failed.")


def escrow_expire(*, escrow: Escrow, now=None) -> Escrow:
    """Give up a funding the provider never confirmed (called by the expiry task)."""
    now = now or timezone.now()
    if escrow.expires_at and escrow.expires_at > now:
        raise ApplicationError("This payment has not expired yet.", code="not_expired")
    return _escrow_give_up(escrow_id=escrow.pk, reason="The payment was not confirmed in time.")


# --- release ---------------------------------------------------------------------------------------------------


def _check_holds_money(escrow: Escrow, doing: str) -> None:
    if escrow.status == EscrowStatus.DISPUTED:
        raise Conflict("This escrow is frozen by a dispute.", code="escrow_disputed")
    if escrow.status == EscrowStatus.PENDING:
        raise ApplicationError("The payment for this escrow is not confirmed yet.", code="escrow_not_funded")
    if escrow.status == EscrowStatus.EXPIRED:
        raise ApplicationError("This escrow was never funded.", code="escrow_expired")
    if escrow.remaining <= 0:
        raise Conflict(f"Nothing is left to {doing}: this escrow is already {escrow.get_status_display().lower()}.",
                       code=f"already_{escrow.status}")


def _pay_freelancer(*, escrow: Escrow, amount: Decimal, actor: User | None, description: str) -> Payment:
    """Move `amount` of a locked escrow to the freelancer's pending balance, less the platform fee."""
    contract = escrow.contract
    breakdown = fee_compute(amount=amount)
    now = timezone.now()
    payment = Payment.objects.create(
        payment_type=PaymentType.RELEASE, status=PaymentStatus.COMPLETED, from_user_id=escrow.client_id,
        to_user_id=contract.freelancer_id, contract=contract, milestone=escrow.milestone, escrow=escrow,
        amount=breakdown.base_amount, fee_amount=breakdown.fee, net_amount=breakdown.net, currency=escrow.currency,
        description=description[:255], completed_at=now,
        available_at=now + timedelta(days=settings.SECURITY_PERIOD_DAYS),
    )
    fee_record(payment=payment, breakdown=breakdown)
    if breakdown.fee > 0:
        Payment.objects.create(
            payment_type=PaymentType.FEE, status=PaymentStatus.COMPLETED, from_user_id=contract.freelancer_id,
            contract=contract, milestone=escrow.milestone, escrow=escrow, amount=breakdown.fee,
            net_amount=breakdown.fee, currency=escrow.currency, completed_at=now,
            description=f"Platform fee {breakdown.percent}% on payment {payment.pk}",
        )
    freelancer = User(pk=contract.freelancer_id)
    ledger_post(
        kind=LedgerTransactionKind.RELEASE, escrow=escrow, payment=payment, actor=actor, description=description,
        lines=[
            (ledger_account_get(purpose=AccountPurpose.ESCROW, currency=escrow.currency, contract=contract),
             -breakdown.base_amount),
            (ledger_account_get(purpose=AccountPurpose.FREELANCER_PENDING, currency=escrow.currency,
                                user=freelancer), breakdown.net),
            (ledger_account_get(purpose=AccountPurpose.PLATFORM_REVENUE, currency=escrow.currency), breakdown.fee),
        ],
    )
    escrow.released_amount += breakdown.base_amount
    escrow.released_at = now
    return payment


def _mark_milestone_paid(escrow: Escrow) -> None:
    milestone = escrow.milestone
    # Only approved work becomes paid; money released by hand before approval leaves the milestone as it is.
    if (milestone is not None and escrow.status == EscrowStatus.RELEASED
            and milestone.status == MilestoneStatus.APPROVED):
        escrow.milestone = milestone_services.milestone_mark_paid(milestone=milestone)


@transaction.atomic
def escrow_release(*, escrow: Escrow, actor: User | None, amount=None, reason: str = "") -> Payment:
    """Release all (default) or part of what the escrow holds to the freelancer. `actor` is the client, or None
    when the platform releases (auto-release). Runs once: releasing an escrow with nothing left answers 409."""
    escrow = escrow_lock(escrow=escrow)
    if actor is not None and actor.pk != escrow.contract.client_id:
        raise Forbidden("Only the client releases escrow.")
    _check_holds_money(escrow, "release")
    amount = _amount_or_remaining(amount, escrow.remaining)
    what = escrow.milestone.title if escrow.milestone else "deposit"
    payment = _pay_freelancer(escrow=escrow, amount=amount, actor=actor,
                              description=reason or f"Escrow release: {what}")
    _settle_status(escrow)
    escrow.save(update_fields=["released_amount", "released_at", "status", "updated_at"])
    _mark_milestone_paid(escrow)
    events.escrow_released.send(sender=Escrow, escrow=escrow, payment=payment, amount=amount, actor=actor)
    return payment


# --- refund ----------------------------------------------------------------------------------------------------


def funding_payment_of(escrow: Escrow) -> Payment:
    return Payment.objects.get(escrow=escrow, payment_type__in=[PaymentType.DEPOSIT, PaymentType.ESCROW_FUNDING])


def refund_apply(*, escrow: Escrow, refund: Refund, actor: User | None) -> Payment:
    """Move a refund's amount from a locked escrow to the client's refunds account and write its payment row.
    The refund then waits (processing) for the provider. Used by escrow_refund, refund_process and the split."""
    if refund.amount > escrow.remaining:
        raise Conflict(f"This escrow holds only {escrow.remaining}; it cannot refund {refund.amount}.",
                       code="amount_exceeds_escrow")
    payment = Payment.objects.create(
        payment_type=PaymentType.REFUND, status=PaymentStatus.PENDING, to_user_id=escrow.client_id,
        contract=escrow.contract, milestone=escrow.milestone, escrow=escrow, amount=refund.amount,
        net_amount=refund.amount, currency=escrow.currency, gateway=escrow.gateway,
        description=f"Refund of escrow {escrow.pk}",
    )
    ledger_post(
        kind=LedgerTransactionKind.REFUND, escrow=escrow, payment=payment, refund=refund, actor=actor,
        description=refund.reason[:255] or f"Refund of escrow {escrow.pk}",
        lines=[
            (ledger_account_get(purpose=AccountPurpose.ESCROW, currency=escrow.currency, contract=escrow.contract),
             -refund.amount),
            (ledger_account_get(purpose=AccountPurpose.REFUNDS, currency=escrow.currency,
                                user=User(pk=escrow.client_id)), refund.amount),
        ],
    )
    escrow.refunded_amount += refund.amount
    escrow.refunded_at = timezone.now()
    _settle_status(escrow)
    escrow.save(update_fields=["refunded_amount", "refunded_at", "status", "updated_at"])
    if escrow.milestone is not None and escrow.status == EscrowStatus.REFUNDED:
        _milestone_unfund(escrow.milestone)
    refund.status = RefundStatus.PROCESSING
    refund.refund_payment = payment
    refund.gateway = escrow.gateway
    refund.save(update_fields=["status", "refund_payment", "gateway", "updated_at"])
    events.escrow_refunded.send(sender=Escrow, escrow=escrow, refund=refund, amount=refund.amount, actor=actor)
    return payment


def _milestone_unfund(milestone: Milestone) -> None:
    # All of the milestone's money went back to the client: it is unfunded again and may be funded anew.
    # Marketplace has no service for this step; billing owns the funded flag's meaning, so it resets it here,
    # on the milestone row it already holds locked.
    fields = ["funded_at", "updated_at"]
    milestone.funded_at = None
    if milestone.status == MilestoneStatus.FUNDED:
        milestone.status = MilestoneStatus.PENDING
        fields.append("status")
    milestone.save(update_fields=fields)


@transaction.atomic
def _escrow_refund_record(*, escrow: Escrow, actor: User, amount, reason: str) -> Refund:
    escrow = escrow_lock(escrow=escrow)
    contract = escrow.contract
    if actor.pk == contract.freelancer_id:
        pass  # The freelancer may always give the money back: that is the agreement the rules ask for.
    elif actor.pk == contract.client_id:
        if escrow.milestone is not None and escrow.milestone.status not in CLIENT_REFUNDABLE_MILESTONE:
            raise Forbidden("The work was handed in: a refund now needs the freelancer's agreement or a dispute.",
                            code="refund_needs_agreement")
    else:
        raise Forbidden("Only the parties of the contract may refund escrow.")
    _check_holds_money(escrow, "refund")
    amount = _amount_or_remaining(amount, escrow.remaining)
    now = timezone.now()
    refund = Refund.objects.create(
        payment=funding_payment_of(escrow), escrow=escrow, requested_by=actor, amount=amount,
        currency=escrow.currency, reason=reason or "", status=RefundStatus.APPROVED, decided_by=actor,
        decided_at=now, decision_note="Refunded by a party of the contract; no approval needed.",
    )
    refund_apply(escrow=escrow, refund=refund, actor=actor)
    return refund


def escrow_refund(*, escrow: Escrow, actor: User, amount=None, reason: str = "") -> Refund:
    """Give unreleased money back to the client: all (default) or part. The client alone may do it while the
    milestone's work is not handed in (or for a deposit); the freelancer may always do it. Runs once: refunding
    an escrow with nothing left answers 409. The provider is asked after the ledger movement has committed."""
    from .refunds import refund_submit_to_gateway

    refund = _escrow_refund_record(escrow=escrow, actor=actor, amount=amount, reason=reason)
    return refund_submit_to_gateway(refund=refund)


# --- disputes --------------------------------------------------------------------------------------------------


@transaction.atomic
def escrow_freeze(*, escrow: Escrow, reason: str, actor: User | None = None) -> Escrow:
    """A dispute was opened: nothing may be released or refunded until it is resolved."""
    escrow = escrow_lock(escrow=escrow)
    if escrow.status == EscrowStatus.DISPUTED:
        raise Conflict("This escrow is already frozen by a dispute.", code="already_disputed")
    if escrow.status not in (EscrowStatus.FUNDED, EscrowStatus.PARTIALLY_RELEASED) or escrow.remaining <= 0:
        raise ApplicationError("This escrow holds no money to freeze.", code="escrow_not_holding")
    escrow.status_before_dispute = escrow.status
    escrow.status = EscrowStatus.DISPUTED
    escrow.disputed_at = timezone.now()
    escrow.save(update_fields=["status", "status_before_dispute", "disputed_at", "updated_at"])
    events.escrow_disputed.send(sender=Escrow, escrow=escrow, reason=reason)
    return escrow


@transaction.atomic
def escrow_unfreeze(*, escrow: Escrow, actor: User | None = None) -> Escrow:
    """The dispute ended without moving money: the escrow goes back to what it was."""
    escrow = escrow_lock(escrow=escrow)
    if escrow.status != EscrowStatus.DISPUTED:
        raise Conflict("This escrow is not frozen.", code="not_disputed")
    escrow.status = escrow.status_before_dispute or EscrowStatus.FUNDED
    escrow.status_before_dispute = ""
    escrow.save(update_fields=["status", "status_before_dispute", "updated_at"])
    events.escrow_unfrozen.send(sender=Escrow, escrow=escrow, actor=actor)
    return escrow


@transaction.atomic
def _escrow_split_record(*, escrow: Escrow, client_amount, freelancer_amount, actor: User | None
                         ) -> tuple[Escrow, Refund | None]:
    escrow = escrow_lock(escrow=escrow)
    if escrow.status != EscrowStatus.DISPUTED:
        raise Conflict("Only an escrow frozen by a dispute can be split.", code="not_disputed")
    client_amount = quantize(client_amount or 0)
    freelancer_amount = quantize(freelancer_amount or 0)
    if client_amount < 0 or freelancer_amount < 0:
        raise ApplicationError("Amounts cannot be negative.", code="invalid_split")
    remaining = escrow.amount - escrow.released_amount - escrow.refunded_amount
    if client_amount + freelancer_amount != remaining:
        raise ApplicationError(f"The shares must add up to what the escrow holds, {remaining}.",
                               code="invalid_split",
                               errors={"client_amount": [f"client_amount + freelancer_amount must be {remaining}."]})
    # The dispute's decision replaces the freeze; the amounts then settle the final status.
    escrow.status = escrow.status_before_dispute or EscrowStatus.FUNDED
    escrow.status_before_dispute = ""
    if freelancer_amount > 0:
        _pay_freelancer(escrow=escrow, amount=freelancer_amount, actor=actor,
                        description=f"Dispute decision on escrow {escrow.pk}: freelancer's share")
    _settle_status(escrow)
    escrow.save(update_fields=["released_amount", "released_at", "status", "status_before_dispute",
                               "updated_at"])
    refund = None
    if client_amount > 0:
        now = timezone.now()
        refund = Refund.objects.create(
            payment=funding_payment_of(escrow), escrow=escrow, requested_by=actor or User(pk=escrow.client_id),
            amount=client_amount, currency=escrow.currency, reason="Dispute decision: client's share",
            status=RefundStatus.APPROVED, decided_by=actor, decided_at=now,
            decision_note="Decided in a dispute.",
        )
        refund_apply(escrow=escrow, refund=refund, actor=actor)
    _mark_milestone_paid(escrow)
    events.escrow_split.send(sender=Escrow, escrow=escrow, client_amount=client_amount,
                             freelancer_amount=freelancer_amount, actor=actor)
    return escrow, refund


def escrow_resolve_split(*, escrow: Escrow, client_amount, freelancer_amount, actor: User | None) -> Escrow:
    """Settle a frozen escrow as a dispute decided: `freelancer_amount` is released (the platform fee applies)
    and `client_amount` is refunded through the provider. The two must add up to what the escrow holds."""
    from .refunds import refund_submit_to_gateway

    escrow, refund = _escrow_split_record(escrow=escrow, client_amount=client_amount,
                                          freelancer_amount=freelancer_amount, actor=actor)
    if refund is not None:
        refund_submit_to_gateway(refund=refund)
        escrow.refresh_from_db()
    return escrow
