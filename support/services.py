"""Every write of support: tickets, disputes and announcements. Each service checks who may act, records an audit
row and sends its domain event inside the transaction; emails leave after the commit (megilance.email)."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import audit_record
from billing.models import MONEY_HOLDING_STATUSES, Escrow, EscrowStatus
from billing.services.escrow import escrow_freeze, escrow_resolve_split
from marketplace.models import Contract, ContractStatus, Milestone
from marketplace.services.contracts import contract_lock
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden
from megilance.email import send_email
from megilance.money import quantize

from . import events
from .files import attachments_store
from .models import (
    DISPUTE_RESPONSE_DAYS,
    Announcement,
    AnnouncementType,
    Audience,
    Dispute,
    DisputeEvidence,
    DisputeStatus,
    DisputeType,
    SupportTicket,
    TicketCategory,
    TicketMessage,
    TicketPriority,
    TicketStatus,
)

TICKET_MANAGE_PERMISSION = "support.change_supportticket"
TICKET_VIEW_PERMISSION = "support.view_supportticket"
DISPUTE_MANAGE_PERMISSION = "support.change_dispute"
DISPUTE_VIEW_PERMISSION = "support.view_dispute"
ANNOUNCEMENT_MANAGE_PERMISSION = "support.change_announcement"


def _staff_with(user, permission: str) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff
                and user.has_perm(permission))


def can_manage_tickets(user) -> bool:
    """Staff of the Support group (and superusers) answer, assign, resolve and close every ticket."""
    return _staff_with(user, TICKET_MANAGE_PERMISSION)


def can_manage_disputes(user) -> bool:
    return _staff_with(user, DISPUTE_MANAGE_PERMISSION)


def _required(field: str, value: str, label: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(f"{label} is required.", errors={field: ["This field is required."]})
    if max_length and len(value) > max_length:
        raise ApplicationError(f"{label} is too long.", errors={field: [f"At most {max_length} characters."]})
    return value


def _choice(field: str, value, choices, default):
    if value in (None, ""):
        return default
    if value not in choices.values:
        raise ApplicationError(f"Unknown {field.replace('_', ' ')} {value!r}.",
                               errors={field: [f"Choose one of: {', '.join(choices.values)}."]})
    return value


# --- tickets ---------------------------------------------------------------------------------------------------


def _ticket_lock(ticket: SupportTicket) -> SupportTicket:
    # Lock only the ticket row: the people joined in are read, not changed.
    return SupportTicket.objects.select_for_update(of=("self",)).select_related("user", "assigned_to").get(
        pk=ticket.pk)


def _ticket_email(*, ticket: SupportTicket, message: TicketMessage | None, template: str, to: list[str]) -> None:
    to = [address for address in to if address]
    if not to:
        return
    send_email(to=to, template=template, context={
        "ticket_id": ticket.pk, "subject": ticket.subject, "status": ticket.get_status_display(),
        "author": (message.author.name or message.author.email) if message and message.author else "MegiLance",
        "body": message.body if message else ticket.description,
        "link": ticket.get_absolute_url(),
    })


@transaction.atomic
def ticket_create(*, user: User, subject: str, description: str, category: str = TicketCategory.OTHER,
                  priority: str = TicketPriority.MEDIUM, attachments=None, request=None) -> SupportTicket:
    """A user asks for help. The first-response due time follows the priority (urgent 2 h ... low 72 h)."""
    subject = _required("subject", subject, "A subject", 200)
    description = _required("description", description, "A description")
    category = _choice("category", category, TicketCategory, TicketCategory.OTHER)
    priority = _choice("priority", priority, TicketPriority, TicketPriority.MEDIUM)
    now = timezone.now()
    ticket = SupportTicket.objects.create(
        user=user, subject=subject, description=description, category=category, priority=priority,
        first_response_due_at=SupportTicket.due_for(priority, now), last_reply_at=now,
    )
    if attachments:
        ticket.attachments = attachments_store(files=attachments, prefix=f"support/tickets/{ticket.pk}")
        ticket.save(update_fields=["attachments"])
    audit_record(action="ticket.created", actor=user, request=request, target=ticket, priority=priority)
    events.ticket_created.send(sender=SupportTicket, ticket=ticket)
    _ticket_email(ticket=ticket, message=None, template="ticket_created", to=[user.email])
    return ticket


@transaction.atomic
def ticket_update(*, ticket: SupportTicket, actor: User, data: dict, request=None) -> SupportTicket:
    """The owner may correct an open ticket nobody answered yet; Support staff may re-triage any open ticket
    (category, priority). A new priority moves the due time while no answer was given."""
    ticket = _ticket_lock(ticket)
    staff = can_manage_tickets(actor)
    if not staff and actor.pk != ticket.user_id:
        raise Forbidden("Only the person who opened the ticket or support staff may change it.")
    if not ticket.is_open:
        raise Conflict("This ticket is finished; open a new one instead.", code="ticket_closed")
    allowed = {"category", "priority"} | ({"subject", "description"} if actor.pk == ticket.user_id else set())
    if not staff and ticket.first_responded_at is not None:
        raise Conflict("Support has answered already; reply in the conversation instead.", code="ticket_answered")
    changed = []
    for field in sorted(allowed & set(data)):
        value = data[field]
        if field == "subject":
            value = _required("subject", value, "A subject", 200)
        elif field == "description":
            value = _required("description", value, "A description")
        elif field == "category":
            value = _choice("category", value, TicketCategory, ticket.category)
        elif field == "priority":
            value = _choice("priority", value, TicketPriority, ticket.priority)
        if getattr(ticket, field) != value:
            setattr(ticket, field, value)
            changed.append(field)
    if "priority" in changed and ticket.first_responded_at is None:
        ticket.first_response_due_at = SupportTicket.due_for(ticket.priority, ticket.created_at)
        changed.append("first_response_due_at")
    if changed:
        ticket.save(update_fields=[*changed, "updated_at"])
        audit_record(action="ticket.updated", actor=actor, user=ticket.user, request=request, target=ticket,
                     fields=changed)
    return ticket


@transaction.atomic
def ticket_reply(*, ticket: SupportTicket, actor: User, body: str, attachments=None, request=None
                 ) -> TicketMessage:
    """Add a message to the conversation. A staff answer sets the first response and waits on the user; a user's
    answer puts the ticket back in staff's queue (and reopens a resolved ticket). Closed tickets take no replies."""
    ticket = _ticket_lock(ticket)
    staff = can_manage_tickets(actor) and actor.pk != ticket.user_id
    if not staff and actor.pk != ticket.user_id:
        raise Forbidden("Only the person who opened the ticket or support staff may reply.")
    if ticket.status == TicketStatus.CLOSED:
        raise Conflict("This ticket is closed; open a new one instead.", code="ticket_closed")
    body = _required("body", body, "A message")
    message = TicketMessage.objects.create(ticket=ticket, author=actor, body=body, is_staff_reply=staff)
    if attachments:
        message.attachments = attachments_store(files=attachments, prefix=f"support/tickets/{ticket.pk}")
        message.save(update_fields=["attachments"])
    now = timezone.now()
    ticket.last_reply_at = now
    fields = ["last_reply_at", "status", "updated_at"]
    if staff:
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
            fields.append("first_responded_at")
        if ticket.assigned_to_id is None:
            ticket.assigned_to = actor
            fields.append("assigned_to")
        ticket.status = TicketStatus.WAITING_ON_USER
    else:
        if ticket.status == TicketStatus.RESOLVED:
            ticket.resolved_at = None
            fields.append("resolved_at")
        ticket.status = TicketStatus.IN_PROGRESS if ticket.assigned_to_id else TicketStatus.OPEN
    ticket.save(update_fields=fields)
    audit_record(action="ticket.replied", actor=actor, user=ticket.user, request=request, target=ticket,
                 message_id=message.pk, staff=staff)
    events.ticket_replied.send(sender=SupportTicket, ticket=ticket, message=message, actor=actor)
    if staff:
        recipients = [ticket.user.email]
    else:
        recipients = [ticket.assigned_to.email] if ticket.assigned_to_id else []
    _ticket_email(ticket=ticket, message=message, template="ticket_reply", to=recipients)
    return message


@transaction.atomic
def ticket_assign(*, ticket: SupportTicket, actor: User, assignee: User | None = None, request=None
                  ) -> SupportTicket:
    """Give the ticket to a member of Support (the caller by default)."""
    if not can_manage_tickets(actor):
        raise Forbidden("Only support staff may assign tickets.")
    assignee = assignee or actor
    if not can_manage_tickets(assignee):
        raise ApplicationError("Tickets go to support staff only.", code="not_support_staff",
                               errors={"assignee_id": ["Not a member of support staff."]})
    ticket = _ticket_lock(ticket)
    if not ticket.is_open:
        raise Conflict("This ticket is finished.", code="ticket_closed")
    if ticket.assigned_to_id == assignee.pk:
        raise Conflict("The ticket is already assigned to this person.", code="already_assigned")
    ticket.assigned_to = assignee
    if ticket.status == TicketStatus.OPEN:
        ticket.status = TicketStatus.IN_PROGRESS
    ticket.save(update_fields=["assigned_to", "status", "updated_at"])
    audit_record(action="ticket.assigned", actor=actor, user=ticket.user, request=request, target=ticket,
                 assignee_id=assignee.pk)
    events.ticket_assigned.send(sender=SupportTicket, ticket=ticket, actor=actor)
    return ticket


@transaction.atomic
def ticket_resolve(*, ticket: SupportTicket, actor: User, note: str = "", request=None) -> SupportTicket:
    """Support marks the question answered; the user may still reply (which reopens it) until it is closed."""
    if not can_manage_tickets(actor):
        raise Forbidden("Only support staff may resolve tickets.")
    ticket = _ticket_lock(ticket)
    if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise Conflict(f"This ticket is already {ticket.get_status_display().lower()}.",
                       code=f"already_{ticket.status}")
    ticket.status = TicketStatus.RESOLVED
    ticket.resolved_at = timezone.now()
    ticket.save(update_fields=["status", "resolved_at", "updated_at"])
    audit_record(action="ticket.resolved", actor=actor, user=ticket.user, request=request, target=ticket,
                 note=note)
    events.ticket_resolved.send(sender=SupportTicket, ticket=ticket, actor=actor)
    _ticket_email(ticket=ticket, message=None, template="ticket_resolved", to=[ticket.user.email])
    return ticket


@transaction.atomic
def ticket_close(*, ticket: SupportTicket, actor: User, request=None) -> SupportTicket:
    """The owner or Support ends the conversation for good."""
    ticket = _ticket_lock(ticket)
    if actor.pk != ticket.user_id and not can_manage_tickets(actor):
        raise Forbidden("Only the person who opened the ticket or support staff may close it.")
    if ticket.status == TicketStatus.CLOSED:
        raise Conflict("This ticket is already closed.", code="already_closed")
    now = timezone.now()
    ticket.status = TicketStatus.CLOSED
    ticket.closed_at = now
    ticket.resolved_at = ticket.resolved_at or now
    ticket.save(update_fields=["status", "closed_at", "resolved_at", "updated_at"])
    audit_record(action="ticket.closed", actor=actor, user=ticket.user, request=request, target=ticket)
    events.ticket_closed.send(sender=SupportTicket, ticket=ticket, actor=actor)
    return ticket


@transaction.atomic
def ticket_delete(*, ticket: SupportTicket, actor: User, request=None) -> None:
    """A ticket opened by mistake may be withdrawn by its owner until support has answered; staff with the delete
    permission may remove any."""
    ticket = _ticket_lock(ticket)
    if not _staff_with(actor, "support.delete_supportticket"):
        if actor.pk != ticket.user_id:
            raise Forbidden("Only the person who opened the ticket may withdraw it.")
        if ticket.first_responded_at is not None:
            raise Conflict("Support has answered already; close the ticket instead.", code="ticket_answered")
    audit_record(action="ticket.deleted", actor=actor, user=ticket.user, request=request, target=ticket,
                 subject=ticket.subject)
    ticket.delete()


# --- disputes --------------------------------------------------------------------------------------------------


def _dispute_escrow(*, contract: Contract, milestone: Milestone | None) -> Escrow:
    """The escrow a dispute freezes: the milestone's, or for a contract-level dispute the only one holding money."""
    holding = Escrow.objects.filter(contract=contract, status__in=MONEY_HOLDING_STATUSES).order_by("-pk")
    if milestone is not None:
        escrow = holding.filter(milestone=milestone).first()
        if escrow is None:
            raise ApplicationError("This milestone has no money in escrow to dispute.", code="nothing_in_escrow",
                                   errors={"milestone_id": ["No funded escrow."]})
        return escrow
    escrows = list(holding[:2])
    if not escrows:
        raise ApplicationError("This contract has no money in escrow to dispute.", code="nothing_in_escrow",
                               errors={"contract_id": ["No funded escrow."]})
    if len(escrows) > 1:
        raise ApplicationError("Several escrows hold money on this contract; name the milestone in dispute.",
                               code="milestone_required", errors={"milestone_id": ["Required for this contract."]})
    return escrows[0]


def _dispute_email(*, dispute: Dispute, template: str, to: list[User], **extra) -> None:
    contract = dispute.contract
    for user in to:
        send_email(to=user.email, template=template, context={
            "name": user.name or user.email, "dispute_id": dispute.pk, "contract_title": contract.title,
            "type": dispute.get_dispute_type_display(), "respond_by": dispute.respond_by.strftime("%Y-%m-%d %H:%M UTC"),
            "amount": str(dispute.frozen_amount), "currency": dispute.currency, "link": dispute.get_absolute_url(),
            **{key: str(value) for key, value in extra.items()},
        })


@transaction.atomic
def dispute_open(*, actor: User, contract: Contract, dispute_type: str, description: str,
                 milestone: Milestone | None = None, attachments=None, request=None) -> Dispute:
    """A party disputes a contract or one of its milestones. The escrow behind it freezes at once (billing), the
    contract shows as disputed, and the other party has DISPUTE_RESPONSE_DAYS to answer."""
    contract = contract_lock(contract=contract)
    if not contract.is_party(actor):
        raise Forbidden("Only the client or the freelancer of the contract may open a dispute.")
    if milestone is not None and milestone.contract_id != contract.pk:
        raise ApplicationError("This milestone belongs to another contract.", errors={"milestone_id": ["Unknown."]})
    dispute_type = _choice("dispute_type", dispute_type, DisputeType, DisputeType.OTHER)
    description = _required("description", description, "A description of the problem")
    escrow = _dispute_escrow(contract=contract, milestone=milestone)
    if escrow.status == EscrowStatus.DISPUTED:
        raise Conflict("A dispute about this money is already open.", code="already_disputed")
    escrow = escrow_freeze(escrow=escrow, reason=f"Dispute opened by {actor.email}: {dispute_type}", actor=actor)
    earlier = Dispute.objects.filter(contract=contract, status__in=[DisputeStatus.OPEN, DisputeStatus.UNDER_REVIEW]
                                     ).values_list("contract_status_before", flat=True).first()
    status_before = earlier or contract.status
    if contract.status != ContractStatus.DISPUTED:
        contract.status = ContractStatus.DISPUTED
        contract.save(update_fields=["status", "updated_at"])
    now = timezone.now()
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                contract=contract, milestone=escrow.milestone, escrow=escrow, raised_by=actor,
                dispute_type=dispute_type, description=description, frozen_amount=escrow.remaining,
                currency=escrow.currency, contract_status_before=status_before,
                respond_by=now + timedelta(days=DISPUTE_RESPONSE_DAYS),
            )
    except IntegrityError as error:
        raise Conflict("A dispute about this money is already open.", code="already_disputed") from error
    if attachments:
        paths = attachments_store(files=attachments, prefix=f"support/disputes/{dispute.pk}")
        DisputeEvidence.objects.create(dispute=dispute, submitted_by=actor, description=description,
                                       attachments=paths)
    audit_record(action="dispute.opened", actor=actor, request=request, target=dispute, contract_id=contract.pk,
                 escrow_id=escrow.pk, amount=str(dispute.frozen_amount), dispute_type=dispute_type)
    events.dispute_opened.send(sender=Dispute, dispute=dispute, actor=actor)
    other = contract.freelancer if actor.pk == contract.client_id else contract.client
    _dispute_email(dispute=dispute, template="dispute_opened", to=[other])
    return dispute


def _dispute_lock(dispute: Dispute) -> Dispute:
    return Dispute.objects.select_for_update(of=("self",)).select_related(
        "contract__client", "contract__freelancer").get(pk=dispute.pk)


@transaction.atomic
def dispute_add_evidence(*, dispute: Dispute, actor: User, description: str, attachments=None, request=None
                         ) -> DisputeEvidence:
    """Either party (or Support) adds text and files. The other party's first evidence is their response."""
    dispute = _dispute_lock(dispute)
    party = dispute.contract.is_party(actor)
    if not party and not can_manage_disputes(actor):
        raise Forbidden("Only the parties and support staff may add evidence.")
    if not dispute.is_open:
        raise Conflict("This dispute is resolved.", code="dispute_resolved")
    description = _required("description", description, "A description")
    evidence = DisputeEvidence.objects.create(dispute=dispute, submitted_by=actor, description=description)
    if attachments:
        evidence.attachments = attachments_store(files=attachments, prefix=f"support/disputes/{dispute.pk}")
        evidence.save(update_fields=["attachments"])
    if party and actor.pk == dispute.other_party_id() and dispute.responded_at is None:
        dispute.responded_at = timezone.now()
        dispute.save(update_fields=["responded_at", "updated_at"])
    audit_record(action="dispute.evidence_added", actor=actor, request=request, target=dispute,
                 evidence_id=evidence.pk, files=len(evidence.attachments))
    events.dispute_evidence_added.send(sender=Dispute, dispute=dispute, evidence=evidence, actor=actor)
    return evidence


@transaction.atomic
def dispute_assign(*, dispute: Dispute, actor: User, assignee: User | None = None, request=None) -> Dispute:
    if not can_manage_disputes(actor):
        raise Forbidden("Only support staff may take disputes.")
    assignee = assignee or actor
    if not can_manage_disputes(assignee):
        raise ApplicationError("Disputes go to support staff only.", code="not_support_staff",
                               errors={"assignee_id": ["Not a member of support staff."]})
    dispute = _dispute_lock(dispute)
    if not dispute.is_open:
        raise Conflict("This dispute is resolved.", code="dispute_resolved")
    if dispute.assigned_to_id == assignee.pk:
        raise Conflict("The dispute is already assigned to this person.", code="already_assigned")
    dispute.assigned_to = assignee
    dispute.status = DisputeStatus.UNDER_REVIEW
    dispute.save(update_fields=["assigned_to", "status", "updated_at"])
    audit_record(action="dispute.assigned", actor=actor, request=request, target=dispute, assignee_id=assignee.pk)
    events.dispute_assigned.send(sender=Dispute, dispute=dispute, actor=actor)
    return dispute


def _amount(field: str, value) -> Decimal:
    try:
        amount = quantize(Decimal(str(value)))
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ApplicationError("Amounts must be numbers.", errors={field: ["A number is required."]}) from error
    if amount < 0:
        raise ApplicationError("Amounts cannot be negative.", errors={field: ["Must be zero or more."]})
    return amount


@transaction.atomic
def dispute_resolve(*, dispute: Dispute, actor: User, client_amount, freelancer_amount, resolution: str = "",
                    request=None, now=None) -> Dispute:
    """Staff decide: the frozen money is split between client (refund) and freelancer (release, platform fee
    taken) in one transaction with the dispute's own state, through billing's split service. The shares must add
    up to the frozen amount. Staff decide once the other party has answered or the response time has passed."""
    if not can_manage_disputes(actor):
        raise Forbidden("Only support staff may resolve disputes.")
    client_amount = _amount("client_amount", client_amount)
    freelancer_amount = _amount("freelancer_amount", freelancer_amount)
    # Lock order shared with billing and marketplace: contract first, then the rows that hang on it.
    contract_lock(contract=Contract(pk=dispute.contract_id))
    dispute = _dispute_lock(dispute)
    if not dispute.is_open:
        raise Conflict("This dispute is already resolved.", code="already_resolved")
    now = now or timezone.now()
    if dispute.responded_at is None and now < dispute.respond_by:
        raise ApplicationError(
            f"The other party has until {dispute.respond_by:%Y-%m-%d %H:%M} UTC to respond.",
            code="awaiting_response")
    if client_amount + freelancer_amount != dispute.frozen_amount:
        raise ApplicationError(
            f"The shares must add up to the frozen amount, {dispute.frozen_amount}.", code="invalid_split",
            errors={"client_amount": [f"client_amount + freelancer_amount must be {dispute.frozen_amount}."]})
    escrow_resolve_split(escrow=dispute.escrow, client_amount=client_amount, freelancer_amount=freelancer_amount,
                         actor=actor)
    dispute.status = DisputeStatus.RESOLVED
    dispute.client_amount = client_amount
    dispute.freelancer_amount = freelancer_amount
    dispute.resolution = (resolution or "").strip()
    dispute.resolved_by = actor
    dispute.resolved_at = now
    dispute.save(update_fields=["status", "client_amount", "freelancer_amount", "resolution", "resolved_by",
                                "resolved_at", "updated_at"])
    contract = dispute.contract
    others_open = Dispute.objects.filter(contract_id=contract.pk).exclude(pk=dispute.pk).exclude(
        status=DisputeStatus.RESOLVED).exists()
    if not others_open and contract.status == ContractStatus.DISPUTED:
        Contract.objects.filter(pk=contract.pk).update(
            status=dispute.contract_status_before or ContractStatus.ACTIVE, updated_at=now)
        contract.refresh_from_db(fields=["status", "updated_at"])
    audit_record(action="dispute.resolved", actor=actor, request=request, target=dispute,
                 client_amount=str(client_amount), freelancer_amount=str(freelancer_amount),
                 escrow_id=dispute.escrow_id)
    events.dispute_resolved.send(sender=Dispute, dispute=dispute, actor=actor)
    _dispute_email(dispute=dispute, template="dispute_resolved", to=[contract.client, contract.freelancer],
                   client_amount=client_amount, freelancer_amount=freelancer_amount,
                   resolution=dispute.resolution)
    return dispute


# --- announcements -----------------------------------------------------------------------------------------------


def _check_announcer(actor: User) -> None:
    if not _staff_with(actor, ANNOUNCEMENT_MANAGE_PERMISSION):
        raise Forbidden("Only support staff may manage announcements.")


@transaction.atomic
def announcement_create(*, actor: User, title: str, content: str, announcement_type: str = AnnouncementType.INFO,
                        audience: str = Audience.EVERYONE, starts_at=None, ends_at=None, is_active: bool = True,
                        request=None) -> Announcement:
    _check_announcer(actor)
    starts_at = starts_at or timezone.now()
    if ends_at is not None and ends_at <= starts_at:
        raise ApplicationError("An announcement must end after it starts.", errors={"ends_at": ["After starts_at."]})
    announcement = Announcement.objects.create(
        title=_required("title", title, "A title", 200), content=_required("content", content, "The content"),
        announcement_type=_choice("announcement_type", announcement_type, AnnouncementType, AnnouncementType.INFO),
        audience=_choice("audience", audience, Audience, Audience.EVERYONE), starts_at=starts_at, ends_at=ends_at,
        is_active=is_active, author=actor,
    )
    audit_record(action="announcement.created", actor=actor, request=request, target=announcement)
    events.announcement_published.send(sender=Announcement, announcement=announcement, actor=actor)
    return announcement


ANNOUNCEMENT_FIELDS = ("title", "content", "announcement_type", "audience", "starts_at", "ends_at", "is_active")


@transaction.atomic
def announcement_update(*, announcement: Announcement, actor: User, data: dict, request=None) -> Announcement:
    _check_announcer(actor)
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    changed = []
    for field in ANNOUNCEMENT_FIELDS:
        if field in data and getattr(announcement, field) != data[field]:
            setattr(announcement, field, data[field])
            changed.append(field)
    if announcement.ends_at is not None and announcement.ends_at <= announcement.starts_at:
        raise ApplicationError("An announcement must end after it starts.", errors={"ends_at": ["After starts_at."]})
    _choice("announcement_type", announcement.announcement_type, AnnouncementType, None)
    _choice("audience", announcement.audience, Audience, None)
    if changed:
        announcement.save(update_fields=[*changed, "updated_at"])
        audit_record(action="announcement.updated", actor=actor, request=request, target=announcement,
                     fields=changed)
    return announcement


def announcement_deactivate(*, announcement: Announcement, actor: User, request=None) -> Announcement:
    return announcement_update(announcement=announcement, actor=actor, data={"is_active": False}, request=request)


@transaction.atomic
def announcement_delete(*, announcement: Announcement, actor: User, request=None) -> None:
    _check_announcer(actor)
    audit_record(action="announcement.deleted", actor=actor, request=request, target=announcement,
                 title=announcement.title)
    announcement.delete()

