"""Earnings maturing: a release's net sits in the freelancer's pending balance for the security period
(settings.SECURITY_PERIOD_DAYS), then moves to the available balance, from which payouts are made."""

import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from megilance.api.exceptions import ApplicationError

from .. import events
from ..models import AccountPurpose, LedgerTransactionKind, Payment, PaymentStatus, PaymentType
from .ledger import ledger_account_get, ledger_post

logger = logging.getLogger(__name__)


@transaction.atomic
def payment_mature(*, payment: Payment, now=None) -> Payment:
    """Move one release's net from pending to available. Runs once: a matured payment is returned unchanged."""
    now = now or timezone.now()
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.matured_at is not None:
        return payment
    if payment.payment_type != PaymentType.RELEASE or payment.status != PaymentStatus.COMPLETED:
        raise ApplicationError("Only a completed release matures.", code="not_a_release")
    if payment.available_at and payment.available_at > now:
        raise ApplicationError("The security period of this payment has not ended.", code="not_mature")
    if payment.net_amount > 0:
        freelancer = User(pk=payment.to_user_id)
        ledger_post(
            kind=LedgerTransactionKind.MATURING, payment=payment,
            description=f"Security period of payment {payment.pk} ended",
            lines=[
                (ledger_account_get(purpose=AccountPurpose.FREELANCER_PENDING, currency=payment.currency,
                                    user=freelancer), -payment.net_amount),
                (ledger_account_get(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency=payment.currency,
                                    user=freelancer), payment.net_amount),
            ],
        )
    payment.matured_at = now
    payment.save(update_fields=["matured_at"])
    events.earnings_matured.send(sender=Payment, payment=payment)
    return payment


def payments_mature_due(*, now=None) -> int:
    """Mature every release whose security period has ended; one short transaction each. Returns how many."""
    now = now or timezone.now()
    due = (Payment.objects.filter(payment_type=PaymentType.RELEASE, status=PaymentStatus.COMPLETED,
                                  matured_at__isnull=True, available_at__lte=now)
           .order_by("pk").values_list("pk", flat=True))
    done = 0
    for pk in list(due):
        try:
            payment_mature(payment=Payment(pk=pk), now=now)
            done += 1
        except ApplicationError as error:
            logger.warning("Payment %s did not mature: %s", pk, error)
    return done
