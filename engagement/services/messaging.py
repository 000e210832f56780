"""Conversations and messages between a client and a freelancer."""

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import audit_record
from marketplace.models import Contract, Project, Proposal
from megilance.api.exceptions import ApplicationError, Forbidden, NotFound

from .. import events
from ..models import Conversation, Message

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_BODY_CHARS = 10_000

EMAIL_RE = re.compile(r"[\w.+-]+\s*(?:@|\(at\)|\[at\])\s*[\w-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[\w-]+)+", re.I)
# Seven or more digits, allowing the separators people type in phone numbers ("+44 (0)20 7946-0958").
PHONE_RE = re.compile(r"(?:\+|\b)\d(?:[\s().-]{0,3}\d){6,}")
# Dates look like phone numbers to PHONE_RE ("by 2026-12-01"); they are taken out before the phone check.
DATE_RE = re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")


def contact_details_in(text: str) -> str:
    """The reason a text shares contact details, or "" when it does not."""
    reasons = []
    if EMAIL_RE.search(text or ""):
        reasons.append("email address")
    if PHONE_RE.search(DATE_RE.sub(" ", text or "")):
        reasons.append("phone number")
    return " and ".join(reasons)


def parties_have_contract(*, client_id: int, freelancer_id: int) -> bool:
    return Contract.objects.filter(client_id=client_id, freelancer_id=freelancer_id).exists()


@transaction.atomic
def conversation_get_or_create(*, user, project: Project | None = None, contract: Contract | None = None,
                               participant=None) -> tuple[Conversation, bool]:
    """The conversation about a contract, or about a project between its client and one bidder.

    A client may open one with any freelancer who proposed on the project; a freelancer only with the client of a
    project they proposed on. Anyone else gets 404 (they may not know the thread exists)."""
    if contract is not None:
        if not contract.is_party(user):
            raise NotFound("Contract not found.")
        defaults = {"project": contract.project, "client": contract.client, "freelancer": contract.freelancer,
                    "subject": contract.title}
        lookup = {"contract": contract}
    elif project is not None:
        if user.pk == project.client_id:
            if participant is None:
                raise ApplicationError("Say which freelancer to message (participant_id).",
                                       errors={"participant_id": ["This field is required."]})
            freelancer = participant
            if not Proposal.objects.filter(project=project, freelancer=freelancer).exists():
                raise ApplicationError("You can message freelancers who sent a proposal to this project.",
                                       code="not_a_bidder")
        elif Proposal.objects.filter(project=project, freelancer=user).exists():
            freelancer = user
        else:
            raise NotFound("Project not found.")
        lookup = {"project": project, "client_id": project.client_id, "freelancer": freelancer,
                  "contract": None}
        defaults = {"subject": project.title}
    else:
        raise ApplicationError("Give a project_id or a contract_id.", code="invalid")

    conversation = Conversation.objects.filter(**lookup).first()
    if conversation is not None:
        return conversation, False
    try:
        with transaction.atomic():
            return Conversation.objects.create(**lookup, **defaults), True
    except IntegrityError:
        # A concurrent request opened the same thread first: answer that one.
        return Conversation.objects.get(**lookup), False


@transaction.atomic
def message_send(*, conversation: Conversation, sender, body: str = "", attachment=None,
                 reply_to: Message | None = None) -> Message:
    if not conversation.is_participant(sender):
        raise NotFound("Conversation not found.")
    body = (body or "").strip()
    if not body and attachment is None:
        raise ApplicationError("Write a message or attach a file.", errors={"content": ["This field is required."]})
    if len(body) > MAX_BODY_CHARS:
        raise ApplicationError(f"A message is at most {MAX_BODY_CHARS} characters.",
                               errors={"content": ["Too long."]})
    if reply_to is not None and reply_to.conversation_id != conversation.pk:
        raise ApplicationError("You can only reply to a message of the same conversation.",
                               errors={"reply_to_id": ["Not in this conversation."]})
    if attachment is not None and attachment.size > MAX_ATTACHMENT_BYTES:
        raise ApplicationError("Attachments are limited to 10 MB.", errors={"attachment": ["File too large."]})
    if attachment is not None:
        from accounts.uploads.services import upload_check_file  # type by content and virus scan

        upload_check_file(file=attachment, kind="message_attachment")

    message = Message(conversation=conversation, sender=sender, recipient_id=conversation.other_party_id(sender),
                      body=body, reply_to=reply_to)
    # Contact details before a contract would let the parties take the work off the platform: staff review them.
    reason = contact_details_in(body)
    if reason and not (conversation.contract_id or parties_have_contract(client_id=conversation.client_id,
                                                                         freelancer_id=conversation.freelancer_id)):
        message.is_flagged = True
        message.flag_reason = f"Contact details before a contract: {reason}"
    if attachment is not None:
        message.attachment_name = attachment.name[:255]
        message.attachment_size = attachment.size
        message.attachment = attachment  # stored by the default storage when the row is saved
    message.save()
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at,
                                                           updated_at=timezone.now())
    events.message_sent.send(sender=Message, message=message)
    return message


@transaction.atomic
def message_mark_read(*, message: Message, user) -> Message:
    if user.pk != message.recipient_id:
        raise Forbidden("Only the recipient can mark a message as read.")
    if message.read_at is None:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
    return message


@transaction.atomic
def conversation_mark_read(*, conversation: Conversation, user) -> int:
    return Message.objects.filter(conversation=conversation, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now())


@transaction.atomic
def message_delete(*, message: Message, user) -> Message:
    """Soft delete: the row stays (for the thread's order and for staff review); the API and pages stop showing
    its text and attachment."""
    if user.pk != message.sender_id:
        raise Forbidden("Only the sender can delete a message.")
    if message.is_deleted:
        return message
    message.is_deleted = True
    message.deleted_at = timezone.now()
    message.save(update_fields=["is_deleted", "deleted_at"])
    return message


@transaction.atomic
def message_unflag(*, message: Message, actor) -> Message:
    """Staff reviewed a flagged message and found nothing to act on; the audit log keeps who decided."""
    if not message.is_flagged:
        return message
    reason = message.flag_reason
    Message.objects.filter(pk=message.pk).update(is_flagged=False)
    message.is_flagged = False
    audit_record(action="message_unflagged", actor=actor, user=message.sender, target=message, reason=reason)
    return message
