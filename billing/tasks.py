"""Billing's background jobs (Celery beat, see CELERY_BEAT_SCHEDULE): each finds what is due and calls a
service per row, so one bad row never stops the others and a rerun never moves money twice."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from marketplace.models import ContractStatus, Milestone, MilestoneStatus
from marketplace.services.milestones import milestone_approve
from megilance.api.exceptions import ApplicationError

from .idempotency import idempotency_keys_purge
from .models import Escrow, EscrowStatus
from .services.escrow import escrow_expire
from .services.payments import payments_mature_due
from .services.payouts import payouts_run_scheduled

logger = logging.getLogger(__name__)


def milestones_due_for_auto_release(*, now=None):
    """Submitted work the client has not answered for ESCROW_AUTO_RELEASE_DAYS, with money in escrow."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ESCROW_AUTO_RELEASE_DAYS)
    return (
        Milestone.objects.filter(status=MilestoneStatus.SUBMITTED, submitted_at__lte=cutoff,
                                 contract__status__in=[ContractStatus.ACTIVE, ContractStatus.PAUSED],
                                 escrows__status__in=[EscrowStatus.FUNDED, EscrowStatus.PARTIALLY_RELEASED])
        .select_related("contract").distinct().order_by("pk")
    )


@shared_task(name="billing.auto_release_escrow")
def auto_release_escrow() -> int:
    """Approve, on the client's behalf, work left unanswered past the auto-release period. The approval releases
    the escrow through billing's receiver, exactly as if the client had clicked approve; a rerun finds the
    milestone approved and skips it."""
    released = 0
    for milestone in milestones_due_for_auto_release():
        try:
            # The client's silence counts as approval (the product's rule), so the client is the actor.
            milestone_approve(milestone=milestone, actor=milestone.contract.client)
            released += 1
        except ApplicationError as error:
            logger.warning("Auto-release of milestone %s skipped: %s", milestone.pk, error)
    return released


@shared_task(name="billing.mature_pending_earnings")
def mature_pending_earnings() -> int:
    """Move earnings past the security period from pending to available."""
    return payments_mature_due()


@shared_task(name="billing.run_scheduled_payouts")
def run_scheduled_payouts() -> int:
    return payouts_run_scheduled()


@shared_task(name="billing.expire_pending_fundings")
def expire_pending_fundings() -> int:
    """Give up fundings that the payment provider never confirmed."""
    expired = 0
    due = Escrow.objects.filter(status=EscrowStatus.PENDING, expires_at__lte=timezone.now()).order_by("pk")
    for escrow in due:
        try:
            escrow_expire(escrow=escrow)
            expired += 1
        except ApplicationError as error:
            logger.warning("Escrow %s did not expire: %s", escrow.pk, error)
    return expired


@shared_task(name="billing.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    return idempotency_keys_purge()
