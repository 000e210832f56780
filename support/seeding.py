"""Support's demo data: a support agent and a moderator, tickets in every state with conversations, an open and a
resolved dispute (resolved through the real split, so the ledger balances), and current and past announcements.
Everything goes through the services, then timestamps are moved back so the queue reads like weeks of use.
Safe to run twice: each row is found by its subject, description or title before it is made."""

from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Role, User
from billing.models import Escrow, EscrowStatus
from billing.services import escrow as escrow_services
from marketplace.models import Contract, ContractStatus, MilestoneStatus
from marketplace.services import projects as project_services
from marketplace.services import proposals as proposal_services

from . import services
from .groups import groups_sync
from .models import Announcement, AnnouncementType, Audience, Dispute, SupportTicket, TicketMessage

DEMO_PASSWORD = "password123"
STAFF = [
    {"email": "support@megilance.com", "name": "Priya Support", "title": "Customer support", "group": "Support"},
    {"email": "moderation@megilance.com", "name": "Jonas Moderation", "title": "Trust & Safety",
     "group": "Moderation"},
    {"email": "finance@megilance.com", "name": "Fatima Finance", "title": "Finance", "group": "Finance"},
]

# (user email, subject, description, category, priority, age in days, conversation, final state)
# A conversation line is (who, text): "user" or "staff". Final state: open, assigned, waiting, resolved, closed.
TICKETS = [
    ("client1@example.com", "Invoice shows the wrong company name",
     "The invoice for the data-cleaning milestone shows my old company name. Can it be reissued to "
     "Brightpath Analytics Ltd?", "billing", "medium", 6,
     [("staff", "Thanks Daniel. Invoices take the name from your billing profile at the time they are issued. "
                "Update it under Billing > Profile and I will reissue this one."),
      ("user", "Done, the profile now says Brightpath Analytics Ltd."),
      ("staff", "Reissued: you will find the corrected invoice in your billing history.")], "resolved"),
    ("freelancer1@example.com", "Payout still pending after the security period",
     "My release from three weeks ago is still listed as pending. The security period should be over.",
     "billing", "high", 2,
     [("staff", "Looking at it now. Can you confirm the payout account you connected is still active?"),
      ("user", "Yes, it shows as connected in my settings.")], "assigned"),
    ("client2@example.com", "Cannot upload a brief larger than 8 MB",
     "The upload on the new project form stops at about 80% with larger PDFs.", "technical", "medium", 1, [],
     "open"),
    ("freelancer2@example.com", "Please merge my two accounts",
     "I signed up twice by mistake (mei.chen@... and this one). Can the portfolio move to this account?",
     "account", "low", 9,
     [("staff", "We can move portfolio items but not reviews. Reply to confirm and we will do it this week."),
      ("user", "Confirmed, thank you."),
      ("staff", "All four portfolio items are now on this account. The other account is closed.")], "closed"),
    ("client3@example.com", "Freelancer unresponsive for a week",
     "The freelancer on our security review has not answered messages for seven days and a milestone is due.",
     "project", "urgent", 0.2, [], "open"),
    ("sarah.client@example.com", "How do I add a second milestone to a running contract?",
     "We agreed on extra work with the writer. Where do I add it?", "project", "low", 4,
     [("staff", "Open the contract, then Milestones > Add milestone. The freelancer sees it right away and you "
                "can fund it when you are ready. Does that work for you?")], "waiting"),
    ("freelancer3@example.com", "Two-factor codes rejected", "My authenticator codes are refused since I changed "
     "phones.", "account", "high", 0.5, [], "overdue"),
]

ANNOUNCEMENTS = [
    {"title": "Hourly contracts are here",
     "content": "Track time with the new timer and get paid weekly from approved hours.",
     "announcement_type": AnnouncementType.FEATURE, "audience": Audience.EVERYONE, "starts": -3, "ends": 21},
    {"title": "Scheduled maintenance on Sunday 02:00-03:00 UTC",
     "content": "Payouts requested during the window are sent right after it.",
     "announcement_type": AnnouncementType.MAINTENANCE, "audience": Audience.FREELANCERS, "starts": -1, "ends": 5},
    {"title": "Check your billing details before year end",
     "content": "Invoices use the company name and tax id of your billing profile.",
     "announcement_type": AnnouncementType.INFO, "audience": Audience.CLIENTS, "starts": -2, "ends": None},
    {"title": "Card payments were delayed",
     "content": "Some card payments took up to an hour to confirm. All are confirmed now.",
     "announcement_type": AnnouncementType.WARNING, "audience": Audience.EVERYONE, "starts": -40, "ends": -38},
]

OPEN_DISPUTE = "Designs delivered for the second milestone ignore the brand guide we agreed on (colours, type)."
RESOLVED_DISPUTE = "Half of the promised features were delivered before the deadline; the rest never came."


def _ago(days: float):
    return timezone.now() - timedelta(days=days)


def _staff() -> dict[str, User]:
    groups_sync()
    people = {}
    for data in STAFF:
        user = User.objects.filter(email=data["email"]).first()
        if user is None:
            user = User.objects.create_user(email=data["email"], password=DEMO_PASSWORD, role=Role.ADMIN,
                                            name=data["name"], title=data["title"], is_staff=True,
                                            email_verified=True)
            EmailAddress.objects.get_or_create(user=user, email=user.email,
                                               defaults={"primary": True, "verified": True})
        user.groups.add(Group.objects.get(name=data["group"]))
        people[data["group"]] = user
    return people


def _seed_tickets(agent: User) -> None:
    for email, subject, description, category, priority, age, conversation, final in TICKETS:
        user = User.objects.filter(email=email).first()
        if user is None or SupportTicket.objects.filter(user=user, subject=subject).exists():
            continue
        ticket = services.ticket_create(user=user, subject=subject, description=description, category=category,
                                        priority=priority)
        if final not in ("open", "overdue"):
            services.ticket_assign(ticket=ticket, actor=agent)
        for who, text in conversation:
            services.ticket_reply(ticket=ticket, actor=agent if who == "staff" else user, body=text)
        if final in ("resolved", "closed"):
            services.ticket_resolve(ticket=ticket, actor=agent)
        if final == "closed":
            services.ticket_close(ticket=ticket, actor=user)
        # Spread the history back from now: the ticket opened `age` days ago, each answer a few hours later.
        created = _ago(age)
        SupportTicket.objects.filter(pk=ticket.pk).update(
            created_at=created, first_response_due_at=SupportTicket.due_for(priority, created))
        step = timedelta(days=age) / (len(conversation) + 2)
        when = created
        for message in TicketMessage.objects.filter(ticket=ticket).order_by("pk"):
            when += step
            TicketMessage.objects.filter(pk=message.pk).update(created_at=when)
        ticket.refresh_from_db()
        changes = {"last_reply_at": when}
        if ticket.first_responded_at:
            first = TicketMessage.objects.filter(ticket=ticket, is_staff_reply=True).order_by("pk").first()
            changes["first_responded_at"] = first.created_at
        if ticket.resolved_at:
            changes["resolved_at"] = when + step / 2
        if ticket.closed_at:
            changes["closed_at"] = when + step
        SupportTicket.objects.filter(pk=ticket.pk).update(**changes)


def _funded_escrows():
    return (Escrow.objects.filter(status=EscrowStatus.FUNDED, contract__status=ContractStatus.ACTIVE,
                                  milestone__isnull=False)
            .exclude(disputes__isnull=False).select_related("contract", "milestone").order_by("pk"))


def _fallback_escrow() -> Escrow | None:
    """Without the marketplace and billing demo rows, make a small funded contract through the services."""
    client = User.objects.filter(role=Role.CLIENT, is_active=True).order_by("pk").first()
    freelancer = User.objects.filter(role=Role.FREELANCER, is_active=True).order_by("pk").first()
    if client is None or freelancer is None:
        return None
    title = "Landing page redesign (support demo)"
    contract = Contract.objects.filter(project__title=title).first()
    if contract is None:
        project = project_services.project_create(
            client=client, title=title, budget_type="fixed", budget_min=Decimal("400.00"),
            budget_max=Decimal("800.00"),
            description="Redesign of our product landing page in two steps: wireframes, then the final design "
                        "with responsive layouts.")
        proposal = proposal_services.proposal_submit(
            project=project, freelancer=freelancer, bid_amount=Decimal("600.00"), availability="This week",
            cover_letter="I have redesigned a dozen SaaS landing pages; wireframes in three days, the final "
                         "design a week later.")
        proposal_services.proposal_accept(proposal=proposal, actor=client, milestones=[
            {"title": "Wireframes", "amount": Decimal("200.00")},
            {"title": "Final design", "amount": Decimal("400.00")}])
        contract = Contract.objects.get(proposal=proposal)
    for milestone in contract.milestones.order_by("order"):
        if not Escrow.objects.filter(milestone=milestone).exists():
            escrow_services.escrow_fund(contract=contract, actor=contract.client, milestone=milestone)
    return _funded_escrows().filter(contract=contract).first()


def _pick_escrow(*, prefer_submitted: bool) -> Escrow | None:
    escrows = _funded_escrows()
    if prefer_submitted:
        submitted = escrows.filter(milestone__status=MilestoneStatus.SUBMITTED).first()
        if submitted is not None:
            return submitted
    return escrows.first() or _fallback_escrow()


def _seed_disputes(agent: User) -> None:
    if not Dispute.objects.filter(description=RESOLVED_DISPUTE).exists():
        escrow = _pick_escrow(prefer_submitted=True)
        if escrow is not None:
            contract = escrow.contract
            dispute = services.dispute_open(actor=contract.client, contract=contract, milestone=escrow.milestone,
                                            dispute_type="non_delivery", description=RESOLVED_DISPUTE)
            services.dispute_add_evidence(dispute=dispute, actor=contract.freelancer,
                                          description="The missing features depended on API keys the client "
                                                      "sent two weeks late; the delivered half works.")
            services.dispute_assign(dispute=dispute, actor=agent)
            half = (dispute.frozen_amount / 2).quantize(Decimal("0.01"))
            services.dispute_resolve(dispute=dispute, actor=agent, client_amount=dispute.frozen_amount - half,
                                     freelancer_amount=half,
                                     resolution="Both sides share the delay: half of the milestone is paid "
                                                "for the delivered work, half is returned to the client.")
            Dispute.objects.filter(pk=dispute.pk).update(created_at=_ago(12), respond_by=_ago(7),
                                                         responded_at=_ago(10), resolved_at=_ago(6))
    if not Dispute.objects.filter(description=OPEN_DISPUTE).exists():
        escrow = _pick_escrow(prefer_submitted=False)
        if escrow is not None:
            contract = escrow.contract
            dispute = services.dispute_open(actor=contract.client, contract=contract, milestone=escrow.milestone,
                                            dispute_type="quality", description=OPEN_DISPUTE)
            services.dispute_add_evidence(dispute=dispute, actor=contract.client,
                                          description="Brand guide section 3 lists the palette; the delivered "
                                                      "screens use none of it.")
            Dispute.objects.filter(pk=dispute.pk).update(created_at=_ago(1), respond_by=_ago(1) + timedelta(days=5))


def _seed_announcements(author: User) -> None:
    now = timezone.now()
    for data in ANNOUNCEMENTS:
        if Announcement.objects.filter(title=data["title"]).exists():
            continue
        services.announcement_create(
            actor=author, title=data["title"], content=data["content"],
            announcement_type=data["announcement_type"], audience=data["audience"],
            starts_at=now + timedelta(days=data["starts"]),
            ends_at=now + timedelta(days=data["ends"]) if data["ends"] is not None else None)


def seed_support(progress) -> None:
    staff = _staff()
    progress.advance()
    _seed_tickets(staff["Support"])
    progress.advance()
    _seed_disputes(staff["Support"])
    progress.advance()
    _seed_announcements(staff["Support"])
    progress.advance()


seed_support.steps = 4
