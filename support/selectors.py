"""Reads of support, scoped to who may see them: people see their own tickets and the disputes of their
contracts; Support staff see everything."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    OPEN_TICKET_STATUSES,
    Announcement,
    Audience,
    Dispute,
    DisputeEvidence,
    SupportTicket,
    TicketMessage,
)
from .services import DISPUTE_VIEW_PERMISSION, TICKET_VIEW_PERMISSION, _staff_with


def can_see_all_tickets(user) -> bool:
    return _staff_with(user, TICKET_VIEW_PERMISSION)


def can_see_all_disputes(user) -> bool:
    return _staff_with(user, DISPUTE_VIEW_PERMISSION)


def tickets_visible_to(user) -> QuerySet[SupportTicket]:
    if not user or not user.is_authenticated:
        return SupportTicket.objects.none()
    tickets = SupportTicket.objects.select_related("user", "assigned_to").annotate(
        message_count=Count("messages", distinct=True))
    if can_see_all_tickets(user):
        return tickets
    return tickets.filter(user=user)


def ticket_messages_of(ticket: SupportTicket) -> QuerySet[TicketMessage]:
    return ticket.messages.select_related("author").order_by("created_at", "id")


def ticket_with_messages(user, pk: int) -> SupportTicket | None:
    return tickets_visible_to(user).prefetch_related(
        Prefetch("messages", queryset=TicketMessage.objects.select_related("author").order_by("created_at", "id"))
    ).filter(pk=pk).first()


def tickets_in_queue(tickets: QuerySet[SupportTicket], *, view: str, user) -> QuerySet[SupportTicket]:
    """The staff queue views over open tickets: unassigned, mine or overdue (no first answer past the due time)."""
    tickets = tickets.filter(status__in=OPEN_TICKET_STATUSES)
    if view == "unassigned":
        return tickets.filter(assigned_to__isnull=True)
    if view == "mine":
        return tickets.filter(assigned_to=user)
    if view == "overdue":
        return tickets.filter(first_responded_at__isnull=True, first_response_due_at__lt=timezone.now())
    return tickets


def disputes_visible_to(user) -> QuerySet[Dispute]:
    if not user or not user.is_authenticated:
        return Dispute.objects.none()
    disputes = Dispute.objects.select_related(
        "contract", "contract__client", "contract__freelancer", "milestone", "escrow", "raised_by", "assigned_to",
        "resolved_by",
    ).prefetch_related(
        Prefetch("evidence", queryset=DisputeEvidence.objects.select_related("submitted_by").order_by("created_at",
                                                                                                      "id")))
    if can_see_all_disputes(user):
        return disputes
    return disputes.filter(Q(contract__client=user) | Q(contract__freelancer=user))


def announcements_active_for(user, *, now=None) -> QuerySet[Announcement]:
    """What is showing now for this person: everyone's, plus their role's. Anonymous visitors see 'everyone'."""
    now = now or timezone.now()
    audiences = [Audience.EVERYONE]
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    if role == "client":
        audiences.append(Audience.CLIENTS)
    elif role == "freelancer":
        audiences.append(Audience.FREELANCERS)
    elif user is not None and user.is_authenticated and user.is_staff:
        audiences += [Audience.CLIENTS, Audience.FREELANCERS]
    return (Announcement.objects.filter(is_active=True, starts_at__lte=now, audience__in=audiences)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now)).select_related("author")
            .order_by("-starts_at", "-id"))
