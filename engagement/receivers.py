"""Where engagement listens: every domain event that concerns a person becomes a notification (in-app row now,
email / push / SMS after the commit, by the person's preferences).

Receivers run inside the sender's transaction. A notification must never undo the business action that caused
it, so each receiver works in a savepoint and logs its own failure instead of raising. Events of billing and
support are connected only when those apps define them (getattr), so this module imports cleanly while they grow.
"""

import functools
import logging

from django.db import transaction

from accounts.models import User
from marketplace import events as market
from marketplace.models import ProjectStatus, Proposal

from . import events as own
from .models import NotificationType as T
from .services.notifications import notification_create

logger = logging.getLogger(__name__)


def _connect(module, name: str, handler) -> None:
    signal = getattr(module, name, None)
    if signal is not None:
        # Strong references: several handlers are built by factories and would otherwise be collected.
        signal.connect(handler, weak=False, dispatch_uid=f"engagement.{module.__name__}.{name}")


def safe(handler):
    @functools.wraps(handler)
    def wrapper(sender, **kwargs):
        try:
            with transaction.atomic():
                handler(**kwargs)
        except Exception:  # a notification failure must not roll back the business action
            logger.exception("engagement receiver %s failed", handler.__name__)

    return wrapper


def _notify(user, kind, title, message="", link="", **data):
    if isinstance(user, User):
        notification_create(user=user, notification_type=kind, title=title, message=message, link=link,
                            data={k: v for k, v in data.items() if v is not None})


def _money(amount, currency) -> str:
    return f"{amount} {currency}" if amount is not None else ""


def _contract_link(contract) -> str:
    return f"/contracts/{contract.pk}/"


# --- marketplace -------------------------------------------------------------------------------------------------

@safe
def on_proposal_submitted(*, proposal, **_):
    project = proposal.project
    _notify(project.client, T.PROPOSAL_SUBMITTED, f"New proposal on “{project.title}”",
            f"{proposal.freelancer.display_name} bid {_money(proposal.bid_amount, proposal.currency)}.",
            f"/projects/{project.pk}/proposals/", project_id=project.pk, proposal_id=proposal.pk)


@safe
def on_proposal_accepted(*, proposal, contract=None, other_proposal_ids=(), **_):
    project = proposal.project
    _notify(proposal.freelancer, T.PROPOSAL_ACCEPTED, f"Your proposal for “{project.title}” was accepted",
            "A contract has started. Check the milestones and say hello to your client.",
            _contract_link(contract) if contract else f"/projects/{proposal.project_id}/",
            project_id=proposal.project_id, proposal_id=proposal.pk, contract_id=getattr(contract, "pk", None))
    # The other bidders' proposals stay open in the data, but the project is filled: tell them.
    for other in Proposal.objects.filter(pk__in=list(other_proposal_ids or ())).select_related("freelancer"):
        _notify(other.freelancer, T.PROPOSAL_REJECTED, f"“{project.title}” was awarded to another freelancer",
                "Thanks for bidding. New projects are posted every day.", "/proposals/",
                project_id=project.pk, proposal_id=other.pk)


@safe
def on_proposal_rejected(*, proposal, **_):
    _notify(proposal.freelancer, T.PROPOSAL_REJECTED, f"Your proposal for “{proposal.project.title}” was declined",
            "The client chose another proposal. Keep going: new projects are posted every day.",
            "/proposals/", project_id=proposal.project_id, proposal_id=proposal.pk)


@safe
def on_contract_created(*, contract, **_):
    for user in (contract.client, contract.freelancer):
        _notify(user, T.CONTRACT_CREATED, f"Contract started: {contract.title}", "", _contract_link(contract),
                contract_id=contract.pk)


@safe
def on_contract_completed(*, contract, **_):
    for user in (contract.client, contract.freelancer):
        _notify(user, T.CONTRACT_COMPLETED, f"Contract completed: {contract.title}",
                "Leave a review: it helps the next person decide.", _contract_link(contract),
                contract_id=contract.pk)


@safe
def on_contract_cancelled(*, contract, actor=None, **_):
    for user in (contract.client, contract.freelancer):
        if actor is None or user.pk != actor.pk:
            _notify(user, T.CONTRACT_CANCELLED, f"Contract cancelled: {contract.title}", "",
                    _contract_link(contract), contract_id=contract.pk)


def _milestone(kind, recipient_side, title, message=""):
    @safe
    def handler(*, milestone, actor=None, **_):
        contract = milestone.contract
        user = contract.client if recipient_side == "client" else contract.freelancer
        if actor is not None and actor.pk == user.pk:
            return
        _notify(user, kind, title.format(m=milestone), message.format(m=milestone), _contract_link(contract),
                contract_id=contract.pk, milestone_id=milestone.pk)

    handler.__name__ = f"on_{kind}"
    return handler


on_milestone_funded = _milestone(T.MILESTONE_FUNDED, "freelancer", "Milestone funded: {m.title}",
                                 "{m.amount} {m.currency} is in escrow. You can start the work.")
on_milestone_submitted = _milestone(T.MILESTONE_SUBMITTED, "client", "Work submitted for review: {m.title}",
                                    "Approve it to release the payment, or ask for changes.")
on_milestone_approved = _milestone(T.MILESTONE_APPROVED, "freelancer", "Milestone approved: {m.title}",
                                   "The client approved your work.")
on_milestone_rejected = _milestone(T.MILESTONE_REJECTED, "freelancer", "Changes requested: {m.title}",
                                   "The client asked for changes before approving.")


@safe
def on_review_submitted(*, review, **_):
    # The review stays blind until both sides reviewed (or the window closes), so the text is not included.
    _notify(review.reviewee, T.REVIEW_RECEIVED, f"{review.reviewer.display_name} reviewed your work",
            "It becomes visible when you have reviewed them too, or when the review window closes.",
            _contract_link(review.contract), contract_id=review.contract_id, review_id=review.pk)


@safe
def on_project_published(*, project, **_):
    from . import tasks

    if project.status != ProjectStatus.OPEN or project.is_hidden or project.visibility != "public":
        return
    # A popular client may have thousands of followers: the fan-out runs in a task after the commit, not in the
    # request that published the project.
    pk = project.pk
    transaction.on_commit(lambda: tasks.notify_followers_of_project.delay(pk), robust=True)


@safe
def on_profile_viewed(*, profile, viewer, **_):
    from .services.attention import profile_view_record

    profile_view_record(profile=profile, viewer=viewer)


@safe
def on_project_viewed(*, project, viewer, **_):
    from .services.attention import project_view_record

    project_view_record(project=project, viewer=viewer)


# --- engagement's own --------------------------------------------------------------------------------------------

@safe
def on_message_sent(*, message, **_):
    preview = message.body[:140] if message.body else f"Sent a file: {message.attachment_name}"
    _notify(message.recipient, T.NEW_MESSAGE, f"New message from {message.sender.display_name}", preview,
            f"/messages/{message.conversation_id}/", conversation_id=message.conversation_id, message_id=message.pk)


@safe
def on_user_followed(*, follow, **_):
    _notify(follow.followee, T.NEW_FOLLOWER, f"{follow.follower.display_name} follows you now", "",
            f"/people/{follow.follower_id}/", follower_id=follow.follower_id)


# --- billing (connected when billing/events.py defines them) -------------------------------------------------------

def _escrow_parties(escrow):
    contract = getattr(escrow, "contract", None)
    return (getattr(contract, "client", None) or getattr(escrow, "client", None),
            getattr(contract, "freelancer", None), contract)


@safe
def on_escrow_funded(*, escrow, **_):
    _, freelancer, contract = _escrow_parties(escrow)
    if getattr(escrow, "milestone_id", None):
        return  # a milestone's funding is announced by marketplace's milestone_funded
    _notify(freelancer, T.DEPOSIT_FUNDED, f"Deposit funded: {_money(escrow.amount, escrow.currency)}",
            getattr(contract, "title", ""), _contract_link(contract) if contract else "",
            escrow_id=escrow.pk)


@safe
def on_escrow_funding_failed(*, escrow, reason="", **_):
    client, _, contract = _escrow_parties(escrow)
    _notify(client, T.FUNDING_FAILED, "Your payment did not go through", str(reason or ""),
            _contract_link(contract) if contract else "", escrow_id=escrow.pk)


@safe
def on_escrow_released(*, escrow, amount=None, payment=None, **_):
    _, freelancer, contract = _escrow_parties(escrow)
    amount = amount if amount is not None else getattr(payment, "amount", None)
    _notify(freelancer, T.ESCROW_RELEASED, f"Payment released: {_money(amount, escrow.currency)}",
            f"From the escrow of “{getattr(contract, 'title', '')}”, after the platform fee it reaches your balance.",
            _contract_link(contract) if contract else "", escrow_id=escrow.pk)


@safe
def on_escrow_refunded(*, escrow, amount=None, actor=None, **_):
    client, freelancer, contract = _escrow_parties(escrow)
    for user in (client, freelancer):
        if user is not None and (actor is None or user.pk != actor.pk):
            _notify(user, T.REFUND_DECIDED, f"Escrow refunded: {_money(amount, escrow.currency)}",
                    getattr(contract, "title", ""), _contract_link(contract) if contract else "",
                    escrow_id=escrow.pk)


@safe
def on_escrow_disputed(*, escrow, reason="", **_):
    client, freelancer, contract = _escrow_parties(escrow)
    for user in (client, freelancer):
        _notify(user, T.DISPUTE_OPENED, f"Dispute opened on “{getattr(contract, 'title', '')}”",
                "The escrow is frozen until the dispute is resolved.", _contract_link(contract) if contract else "",
                escrow_id=escrow.pk)


@safe
def on_escrow_split(*, escrow, client_amount=None, freelancer_amount=None, **_):
    client, freelancer, contract = _escrow_parties(escrow)
    for user, share in ((client, client_amount), (freelancer, freelancer_amount)):
        _notify(user, T.DISPUTE_RESOLVED, f"Dispute resolved: you receive {_money(share, escrow.currency)}",
                getattr(contract, "title", ""), _contract_link(contract) if contract else "", escrow_id=escrow.pk)


def _refund_decided(decision):
    @safe
    def handler(*, refund, **_):
        _notify(getattr(refund, "requested_by", None), T.REFUND_DECIDED,
                f"Refund {decision}: {_money(refund.amount, refund.currency)}", "", "/billing/",
                refund_id=refund.pk)

    handler.__name__ = f"on_refund_{decision}"
    return handler


on_refund_approved = _refund_decided("approved")
on_refund_rejected = _refund_decided("rejected")


@safe
def on_earnings_matured(*, payment, **_):
    _notify(getattr(payment, "to_user", None), T.PAYMENT_RECEIVED,
            f"{_money(payment.amount, payment.currency)} is now available",
            "The security period ended; you can withdraw it.", "/billing/", payment_id=payment.pk)


@safe
def on_payout_paid(*, payout, **_):
    _notify(payout.freelancer, T.PAYOUT_PAID, f"Payout sent: {_money(payout.amount, payout.currency)}", "",
            "/billing/", payout_id=payout.pk)


@safe
def on_payout_failed(*, payout, reason="", **_):
    _notify(payout.freelancer, T.PAYOUT_FAILED, f"Payout failed: {_money(payout.amount, payout.currency)}",
            str(reason or "Check your payout details."), "/billing/", payout_id=payout.pk)


def _invoice(kind, title):
    @safe
    def handler(*, invoice, **_):
        user = next((getattr(invoice, f, None) for f in ("recipient", "client", "to_user", "user")
                     if isinstance(getattr(invoice, f, None), User)), None)
        _notify(user, kind, title.format(number=getattr(invoice, "number", "") or ""), "", "/billing/",
                invoice_id=invoice.pk)

    handler.__name__ = f"on_{kind}"
    return handler


# --- support (connected when support/events.py defines them) ------------------------------------------------------

@safe
def on_ticket_replied(*, ticket, actor=None, **_):
    user = getattr(ticket, "user", None)
    if actor is not None and user is not None and actor.pk == user.pk:
        return
    _notify(user, T.TICKET_ANSWERED, f"Support answered: {getattr(ticket, 'subject', '')}", "",
            f"/support/tickets/{ticket.pk}/", ticket_id=ticket.pk)


@safe
def on_ticket_resolved(*, ticket, actor=None, **_):
    user = getattr(ticket, "user", None)
    if actor is not None and user is not None and actor.pk == user.pk:
        return
    _notify(user, T.TICKET_ANSWERED, f"Ticket resolved: {getattr(ticket, 'subject', '')}",
            "Reply if something is still not right: the ticket opens again.", f"/support/tickets/{ticket.pk}/",
            ticket_id=ticket.pk)


def _dispute(kind, title):
    @safe
    def handler(*, dispute, actor=None, **_):
        contract = getattr(dispute, "contract", None)
        for user in (getattr(contract, "client", None), getattr(contract, "freelancer", None)):
            if user is not None and (actor is None or user.pk != actor.pk):
                _notify(user, kind, title.format(c=getattr(contract, "title", "")), "",
                        _contract_link(contract) if contract else "", dispute_id=dispute.pk)

    handler.__name__ = f"on_{kind}"
    return handler


def connect() -> None:
    for name, handler in {
        "proposal_submitted": on_proposal_submitted, "proposal_accepted": on_proposal_accepted,
        "proposal_rejected": on_proposal_rejected, "contract_created": on_contract_created,
        "contract_completed": on_contract_completed, "contract_cancelled": on_contract_cancelled,
        "milestone_funded": on_milestone_funded, "milestone_submitted": on_milestone_submitted,
        "milestone_approved": on_milestone_approved, "milestone_rejected": on_milestone_rejected,
        "review_submitted": on_review_submitted, "project_published": on_project_published,
        "project_viewed": on_project_viewed,
    }.items():
        _connect(market, name, handler)
    from accounts import events as accounts_events

    _connect(accounts_events, "profile_viewed", on_profile_viewed)
    _connect(own, "message_sent", on_message_sent)
    _connect(own, "user_followed", on_user_followed)
    try:
        from support import events as support
    except ImportError:
        support = None
    try:
        from billing import events as billing
    except ImportError:
        billing = None
    if billing is not None:
        # Disputes are announced by support once it has its own events; until then by the escrow's state.
        if getattr(support, "dispute_opened", None) is None:
            _connect(billing, "escrow_disputed", on_escrow_disputed)
        if getattr(support, "dispute_resolved", None) is None:
            _connect(billing, "escrow_split", on_escrow_split)
        for name, handler in {
            "escrow_funded": on_escrow_funded, "escrow_funding_failed": on_escrow_funding_failed,
            "escrow_released": on_escrow_released, "escrow_refunded": on_escrow_refunded,
            "refund_approved": on_refund_approved, "refund_rejected": on_refund_rejected,
            "earnings_matured": on_earnings_matured, "payout_paid": on_payout_paid,
            "payout_failed": on_payout_failed,
            "invoice_issued": _invoice(T.INVOICE_ISSUED, "Invoice {number} issued"),
            "invoice_overdue": _invoice(T.INVOICE_OVERDUE, "Invoice {number} is overdue"),
        }.items():
            _connect(billing, name, handler)
    if support is not None:
        _connect(support, "ticket_replied", on_ticket_replied)
        _connect(support, "ticket_resolved", on_ticket_resolved)
        _connect(support, "dispute_opened", _dispute(T.DISPUTE_OPENED, "Dispute opened on “{c}”"))
        _connect(support, "dispute_resolved", _dispute(T.DISPUTE_RESOLVED, "Dispute resolved on “{c}”"))
