from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from support.models import SupportTicket
from support.tasks import report_overdue
from support.tests.factories import TicketFactory


def test_the_overdue_report_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "support.report_overdue" in tasks


@pytest.mark.django_db
def test_the_overdue_report_counts_tickets_past_their_first_response_time():
    ticket = TicketFactory()
    assert report_overdue()["overdue_tickets"] == 0
    SupportTicket.objects.filter(pk=ticket.pk).update(first_response_due_at=timezone.now() - timedelta(minutes=1))
    assert report_overdue()["overdue_tickets"] == 1
