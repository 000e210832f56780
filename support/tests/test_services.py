from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditLog
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden
from support import services
from support.models import SupportTicket, TicketPriority, TicketStatus
from support.tests.factories import AnnouncementFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("priority,hours", [("urgent", 2), ("high", 8), ("medium", 24), ("low", 72)])
def test_first_response_due_follows_priority(client_user, priority, hours):
    ticket = services.ticket_create(user=client_user, subject="Help", description="Please", priority=priority)
    assert ticket.first_response_due_at - ticket.created_at == pytest.approx(timedelta(hours=hours),
                                                                             abs=timedelta(seconds=5))


def test_overdue_is_a_ticket_without_answer_past_its_due_time():
    late = TicketFactory(first_response_due_at=timezone.now() - timedelta(minutes=1))
    answered = TicketFactory(first_response_due_at=timezone.now() - timedelta(minutes=1),
                             first_responded_at=timezone.now())
    assert late.is_overdue and not answered.is_overdue


def test_staff_raising_priority_moves_the_due_time(agent, client_user):
    ticket = services.ticket_create(user=client_user, subject="Help", description="Please",
                                    priority=TicketPriority.LOW)
    ticket = services.ticket_update(ticket=ticket, actor=agent, data={"priority": "urgent"})
    assert ticket.first_response_due_at - ticket.created_at < timedelta(hours=2, seconds=5)


def test_every_ticket_action_is_audited(agent, client_user):
    ticket = services.ticket_create(user=client_user, subject="Help", description="Please")
    services.ticket_assign(ticket=ticket, actor=agent)
    services.ticket_reply(ticket=ticket, actor=agent, body="Hi")
    services.ticket_resolve(ticket=ticket, actor=agent)
    services.ticket_close(ticket=ticket, actor=client_user)
    actions = set(AuditLog.objects.filter(target_type="supportticket", target_id=str(ticket.pk))
                  .values_list("action", flat=True))
    assert actions == {"ticket.created", "ticket.assigned", "ticket.replied", "ticket.resolved", "ticket.closed"}
    assert SupportTicket.objects.get(pk=ticket.pk).status == TicketStatus.CLOSED


def test_another_persons_reply_is_refused(outsider, client_user):
    ticket = TicketFactory(user=client_user)
    with pytest.raises(Forbidden):
        services.ticket_reply(ticket=ticket, actor=outsider, body="Hi")


def test_assigning_twice_to_the_same_person_is_409(agent):
    ticket = TicketFactory()
    services.ticket_assign(ticket=ticket, actor=agent)
    with pytest.raises(Conflict):
        services.ticket_assign(ticket=ticket, actor=agent)


def test_announcements_are_managed_by_support_only(agent, staff_user):
    with pytest.raises(Forbidden):
        services.announcement_create(actor=staff_user, title="x", content="y")
    now = timezone.now()
    with pytest.raises(ApplicationError):
        services.announcement_create(actor=agent, title="x", content="y", starts_at=now, ends_at=now)
    announcement = services.announcement_create(actor=agent, title="Release", content="New features",
                                                announcement_type="feature", audience="clients")
    assert announcement.author == agent
    services.announcement_deactivate(announcement=announcement, actor=agent)
    announcement.refresh_from_db()
    assert not announcement.is_active
    services.announcement_delete(announcement=AnnouncementFactory(), actor=agent)
    assert AuditLog.objects.filter(action__startswith="announcement.", actor=agent).count() == 3


def test_groups_exist_with_their_permissions():
    from django.contrib.auth.models import Group

    support = Group.objects.get(name="Support")
    assert support.permissions.filter(codename="change_dispute").exists()
    assert Group.objects.get(name="Finance").permissions.filter(codename="change_refund").exists()
    moderation = Group.objects.get(name="Moderation")
    assert set(moderation.permissions.values_list("codename", flat=True)) >= {
        "change_user", "change_project", "change_review", "change_message"}
