"""Support's background jobs: fetch by id, call a service or a selector."""

import logging

from celery import shared_task
from django.utils import timezone

from .models import OPEN_TICKET_STATUSES, Dispute, DisputeStatus, SupportTicket

logger = logging.getLogger(__name__)


@shared_task(name="support.report_overdue")
def report_overdue() -> dict:
    """Log how many tickets wait past their first-response time and how many disputes are ready for a
    decision, so an on-call person sees a growing queue in the logs and the dashboard."""
    now = timezone.now()
    overdue = SupportTicket.objects.filter(status__in=OPEN_TICKET_STATUSES, first_responded_at__isnull=True,
                                           first_response_due_at__lt=now).count()
    decidable = Dispute.objects.exclude(status=DisputeStatus.RESOLVED).filter(respond_by__lte=now).count()
    if overdue or decidable:
        logger.warning("Support queue: %s overdue tickets, %s disputes ready for a decision", overdue, decidable)
    return {"overdue_tickets": overdue, "disputes_ready": decidable}
