"""What support holds about a person, for GDPR export and erasure.

Tickets and their conversations are the person's own requests: erasure deletes the tickets they opened and
blanks what they wrote in other tickets. Disputes are retained: they decided where money went, and the payment
records they explain must be kept (billing/privacy_parts.py). Erasure strips the person's free text from them
(descriptions and evidence, attached files removed) and keeps the amounts, dates and decision. Staff assignment
and authorship of announcements are staff work records, not personal data of a customer."""

from django.core.files.storage import default_storage
from django.db.models import Q

from accounts import privacy

from .models import Dispute, DisputeEvidence, SupportTicket, TicketMessage

ERASED = "[erased at the person's request]"


def _when(value) -> str | None:
    return value.isoformat() if value else None


def export_tickets(user) -> list:
    tickets = SupportTicket.objects.filter(user=user).prefetch_related("messages").order_by("pk")
    return [
        {"id": t.pk, "subject": t.subject, "description": t.description, "category": t.category,
         "priority": t.priority, "status": t.status, "attachments": t.attachments, "created_at": _when(t.created_at),
         "messages": [{"from_staff": m.is_staff_reply, "body": m.body, "attachments": m.attachments,
                       "created_at": _when(m.created_at)} for m in t.messages.all()]}
        for t in tickets
    ]


def export_ticket_messages(user) -> list:
    """Messages the person wrote in tickets that are not theirs (staff answers)."""
    return [{"ticket_id": m.ticket_id, "body": m.body, "created_at": _when(m.created_at)}
            for m in TicketMessage.objects.filter(author=user).exclude(ticket__user=user).order_by("pk")]


def export_disputes(user) -> list:
    disputes = Dispute.objects.filter(Q(contract__client=user) | Q(contract__freelancer=user)).prefetch_related(
        "evidence").order_by("pk")
    return [
        {"id": d.pk, "contract_id": d.contract_id, "milestone_id": d.milestone_id, "raised_by_you": d.raised_by_id
         == user.pk, "type": d.dispute_type, "description": d.description if d.raised_by_id == user.pk else "",
         "status": d.status, "frozen_amount": f"{d.frozen_amount:.2f}", "currency": d.currency,
         "client_amount": f"{d.client_amount:.2f}" if d.client_amount is not None else None,
         "freelancer_amount": f"{d.freelancer_amount:.2f}" if d.freelancer_amount is not None else None,
         "resolution": d.resolution, "created_at": _when(d.created_at), "resolved_at": _when(d.resolved_at),
         "your_evidence": [{"description": e.description, "attachments": e.attachments,
                            "created_at": _when(e.created_at)}
                           for e in d.evidence.all() if e.submitted_by_id == user.pk]}
        for d in disputes
    ]


def _delete_files(paths) -> None:
    for path in paths or []:
        default_storage.delete(path)


def erase_tickets(user) -> None:
    for ticket in SupportTicket.objects.filter(user=user).prefetch_related("messages"):
        _delete_files(ticket.attachments)
        for message in ticket.messages.all():
            _delete_files(message.attachments)
    SupportTicket.objects.filter(user=user).delete()
    for message in TicketMessage.objects.filter(author=user):
        _delete_files(message.attachments)
    TicketMessage.objects.filter(author=user).update(body=ERASED, attachments=[])


def erase_disputes(user) -> None:
    Dispute.objects.filter(raised_by=user).update(description=ERASED)
    for evidence in DisputeEvidence.objects.filter(submitted_by=user):
        _delete_files(evidence.attachments)
    DisputeEvidence.objects.filter(submitted_by=user).update(description=ERASED, attachments=[])


privacy.register("support_tickets", lambda user: {"tickets": export_tickets(user),
                                                  "replies_in_other_tickets": export_ticket_messages(user)},
                 erase_tickets, models=("support.SupportTicket", "support.TicketMessage"))
privacy.register("disputes", export_disputes, erase_disputes, models=("support.Dispute", "support.DisputeEvidence"))
privacy.exclude("support.Announcement", "Written by staff for everyone; the author is a staff work record.")
