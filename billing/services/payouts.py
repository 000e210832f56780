"""Payouts of a freelancer's available balance through the gateway, by hand or on the freelancer's schedule.

The money leaves the available balance in the ledger before the provider is asked (so it cannot be paid out
twice while the provider thinks); if the provider fails, a reversal puts it back.
"""

import calendar
import datetime
import logging
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from megilance.api.exceptions import ApplicationError, Forbidden, NotFound
from megilance.money import quantize

from .. import events
from ..gateways.base import FAILED, PENDING, SUCCEEDED, GatewayError, PayoutResult, get_gateway
from ..models import (
    AccountPurpose,
    LedgerTransactionKind,
    Payment,
    PaymentStatus,
    PaymentType,
    Payout,
    PayoutFrequency,
    PayoutSchedule,
    PayoutStatus,
)
from .ledger import ledger_account_get, ledger_accounts_lock, ledger_post

logger = logging.getLogger(__name__)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def next_payout_run(*, frequency: str, after: datetime.datetime) -> datetime.datetime:
    """The next payout day strictly after `after`, at 00:00 UTC: Mondays (weekly), the 1st and the 15th (twice
    monthly), the 1st (monthly)."""
    day = after.astimezone(datetime.UTC).date() + datetime.timedelta(days=1)
    if frequency == PayoutFrequency.WEEKLY:
        return _midnight(day + datetime.timedelta(days=(7 - day.weekday()) % 7))
    if frequency == PayoutFrequency.TWICE_MONTHLY:
        if day.day == 1 or day.day == 15:
            return _midnight(day)
        if day.day < 15:
            return _midnight(day.replace(day=15))
    elif day.day == 1:
        return _midnight(day)
    last = calendar.monthrange(day.year, day.month)[1]
    return _midnight(day.replace(day=last) + datetime.timedelta(days=1))


@transaction.atomic
def payout_schedule_set(*, freelancer: User, frequency: str, minimum_amount=None, currency: str | None = None,
                        is_active: bool = True) -> PayoutSchedule:
    """Create or change the freelancer's payout schedule."""
    if freelancer.role != Role.FREELANCER:
        raise Forbidden("Only freelancers have payouts.")
    if frequency not in PayoutFrequency.values:
        raise ApplicationError("Choose weekly, twice_monthly or monthly.",
                               errors={"frequency": [f"One of {', '.join(PayoutFrequency.values)}."]})
    minimum = quantize(minimum_amount if minimum_amount not in (None, "") else Decimal("50.00"))
    if minimum < 0:
        raise ApplicationError("The minimum cannot be negative.", errors={"minimum_amount": ["Must be 0 or more."]})
    now = timezone.now()
    schedule, _created = PayoutSchedule.objects.select_for_update().get_or_create(
        freelancer=freelancer,
        defaults={"frequency": frequency, "minimum_amount": minimum, "next_run_at": next_payout_run(
            frequency=frequency, after=now), "currency": currency or settings.DEFAULT_CURRENCY},
    )
    changed_frequency = schedule.frequency != frequency
    schedule.frequency = frequency
    schedule.minimum_amount = minimum
    schedule.currency = (currency or schedule.currency).upper()
    schedule.is_active = is_active
    if changed_frequency:
        schedule.next_run_at = next_payout_run(frequency=frequency, after=now)
    schedule.save()
    return schedule


@transaction.atomic
def _payout_record(*, freelancer: User, amount, currency: str, schedule: PayoutSchedule | None,
                   gateway_name: str) -> Payout:
    if freelancer.role != Role.FREELANCER:
        raise Forbidden("Only freelancers are paid out.")
    # Both accounts of the movement are locked up front, in id order: concurrent payout requests queue on them
    # and each sees the balance the previous one left, and no reversal can take them in the other order.
    available, paid_out = ledger_accounts_lock(
        ledger_account_get(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency=currency, user=freelancer),
        ledger_account_get(purpose=AccountPurpose.PAYOUTS, currency=currency, user=freelancer),
    )
    if available.balance <= 0:
        raise ApplicationError("There is no available balance to pay out.", code="nothing_to_pay_out")
    amount = available.balance if amount in (None, "") else quantize(amount)
    if amount <= 0:
        raise ApplicationError("The amount must be above zero.", errors={"amount": ["Must be above zero."]})
    if amount > available.balance:
        raise ApplicationError(f"Only {available.balance} {currency} is available.", code="insufficient_funds",
                               errors={"amount": [f"At most {available.balance}."]})
    payment = Payment.objects.create(
        payment_type=PaymentType.PAYOUT, status=PaymentStatus.PENDING, to_user=freelancer, amount=amount,
        net_amount=amount, currency=currency, gateway=gateway_name, description="Payout of available earnings",
    )
    payout = Payout.objects.create(freelancer=freelancer, amount=amount, currency=currency, payment=payment,
                                   schedule=schedule, gateway=gateway_name)
    ledger_post(
        kind=LedgerTransactionKind.PAYOUT, payment=payment, payout=payout, actor=freelancer,
        description=f"Payout {payout.pk}",
        lines=[
            (available, -amount),
            (paid_out, amount),
        ],
    )
    events.payout_created.send(sender=Payout, payout=payout)
    return payout


def payout_request(*, freelancer: User, amount=None, currency: str | None = None,
                   schedule: PayoutSchedule | None = None, gateway: str | None = None) -> Payout:
    """Pay out all (default) or part of the freelancer's available balance. The money leaves the balance in
    one transaction; the provider is asked after it commits (a remote provider never waits inside it)."""
    gateway_obj = get_gateway(gateway)
    payout = _payout_record(freelancer=freelancer, amount=amount,
                            currency=(currency or settings.DEFAULT_CURRENCY).upper(), schedule=schedule,
                            gateway_name=gateway_obj.name)
    if gateway_obj.is_remote and transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _payout_call_gateway(payout_id=payout.pk))
        return payout
    return _payout_call_gateway(payout_id=payout.pk)


def _payout_call_gateway(*, payout_id: int) -> Payout:
    payout = Payout.objects.select_related("freelancer").get(pk=payout_id)
    if payout.status != PayoutStatus.PROCESSING or payout.gateway_reference:
        return payout
    try:
        result = get_gateway(payout.gateway).payout(
            amount=payout.amount, currency=payout.currency, payee=payout.freelancer,
            metadata={"payout_id": payout.pk}, idempotency_key=f"payout-{payout.pk}",
        )
    except GatewayError as error:
        if error.retryable:
            logger.warning("Payout %s: the gateway did not answer (%s); it stays processing", payout.pk, error)
            return payout
        result = PayoutResult(reference="", status=FAILED, failure_reason=error.message)
    if result.reference:
        Payout.objects.filter(pk=payout.pk, gateway_reference="").update(gateway_reference=result.reference)
        Payment.objects.filter(pk=payout.payment_id).update(gateway_reference=result.reference)
    if result.status == SUCCEEDED:
        return _payout_settle(payout_id=payout.pk, succeeded=True)
    if result.status == PENDING:
        return Payout.objects.get(pk=payout.pk)
    return _payout_settle(payout_id=payout.pk, succeeded=False, reason=result.failure_reason or "refused")


@transaction.atomic
def _payout_settle(*, payout_id: int, succeeded: bool, reason: str = "") -> Payout:
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    if payout.status != PayoutStatus.PROCESSING:
        return payout  # Already settled: a repeated webhook changes nothing.
    payment = Payment.objects.select_for_update().get(pk=payout.payment_id)
    now = timezone.now()
    if succeeded:
        payout.status = PayoutStatus.PAID
        payout.paid_at = now
        payout.save(update_fields=["status", "paid_at", "updated_at"])
        payment.status = PaymentStatus.COMPLETED
        payment.completed_at = now
        payment.save(update_fields=["status", "completed_at"])
        events.payout_paid.send(sender=Payout, payout=payout)
        return payout
    freelancer = User(pk=payout.freelancer_id)
    ledger_post(
        kind=LedgerTransactionKind.PAYOUT_REVERSAL, payment=payment, payout=payout,
        description=f"Payout {payout.pk} failed: {reason}",
        lines=[
            (ledger_account_get(purpose=AccountPurpose.PAYOUTS, currency=payout.currency, user=freelancer),
             -payout.amount),
            (ledger_account_get(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency=payout.currency,
                                user=freelancer), payout.amount),
        ],
    )
    payout.status = PayoutStatus.FAILED
    payout.failed_at = now
    payout.failure_reason = reason[:255]
    payout.save(update_fields=["status", "failed_at", "failure_reason", "updated_at"])
    payment.status = PaymentStatus.FAILED
    payment.failure_reason = reason[:255]
    payment.save(update_fields=["status", "failure_reason"])
    events.payout_failed.send(sender=Payout, payout=payout, reason=reason)
    return payout


def _find(reference: str) -> Payout:
    payout = Payout.objects.filter(gateway_reference=reference).first() if reference else None
    if payout is None:
        raise NotFound(f"No payout has the reference {reference!r}.")
    return payout


def payout_mark_paid(*, reference: str) -> Payout:
    """The provider confirmed the payout (webhook). Idempotent."""
    return _payout_settle(payout_id=_find(reference).pk, succeeded=True)


def payout_mark_failed(*, reference: str, reason: str = "") -> Payout:
    """The provider could not pay (webhook): the money returns to the available balance. Idempotent."""
    return _payout_settle(payout_id=_find(reference).pk, succeeded=False, reason=reason or "The payout failed.")


def payouts_run_scheduled(*, now=None) -> int:
    """Pay out every active schedule that is due and whose available balance reaches its minimum. Returns the
    number of payouts made. A schedule whose balance is too small waits for its next day."""
    now = now or timezone.now()
    made = 0
    due = PayoutSchedule.objects.filter(is_active=True, next_run_at__lte=now).select_related("freelancer")
    for schedule in due.order_by("pk"):
        with transaction.atomic():
            locked = PayoutSchedule.objects.select_for_update().get(pk=schedule.pk)
            if locked.next_run_at > now:
                continue  # Another worker ran it.
            locked.last_run_at = now
            locked.next_run_at = next_payout_run(frequency=locked.frequency, after=now)
            locked.save(update_fields=["last_run_at", "next_run_at", "updated_at"])
        available = ledger_account_get(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency=schedule.currency,
                                       user=schedule.freelancer).balance
        if available <= 0 or available < schedule.minimum_amount:
            continue
        try:
            payout_request(freelancer=schedule.freelancer, currency=schedule.currency, schedule=schedule)
            made += 1
        except ApplicationError as error:
            logger.warning("Scheduled payout for %s skipped: %s", schedule.freelancer_id, error)
    return made
