"""Demo data of the engagement app: conversations on the demo contracts and bids, notifications of several kinds,
favorites, project views, follows and a month of analytics history.

Runs after the marketplace seed, whose services already sent their events (so proposals, contracts and milestones
have produced their notifications). Everything is looked up first, so running the seed twice changes nothing.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from marketplace.models import Contract, Project, ProjectStatus, Proposal

from .models import Conversation, FavoriteTarget, Message, MetricType, Notification, ProjectView, UserAnalytics
from .services import analytics, attention, messaging
from .services.notifications import notification_create

C1, C2, C3 = "client1@example.com", "client2@example.com", "client3@example.com"
F1, F2, F3, F4, F5 = (f"freelancer{n}@example.com" for n in range(1, 6))
HISTORY_DAYS = 30

# (client, freelancer, [(speaker, text), ...]); speaker "c" or "f". The first thread is on a contract.
CONTRACT_THREADS = [
    (C1, F1, [
        ("c", "Hi Alex, the first milestone looks great. Could you add the on-time delivery chart to the overview?"),
        ("f", "Sure, I'll add it today. Should it show the last 30 days or the current month?"),
        ("c", "Last 30 days, please, with the 92% target as a line."),
        ("f", "Done and deployed to staging. I also cached the heavy query, the page loads in under a second now."),
        ("c", "Perfect, approving the milestone now."),
    ]),
    (C2, F3, [
        ("f", "Hi Emma, the loyalty card screen is ready for review on the test build."),
        ("c", "Thanks Tomasz! The points balance should update without pulling to refresh, is that possible?"),
        ("f", "Yes, I'll listen for the push event and refresh the balance. Expect it tomorrow."),
    ]),
    (C3, F4, [
        ("c", "Amara, can you share the precision/recall numbers on last month's transactions?"),
        ("f", "Precision 0.91, recall 0.84 at the current threshold. Lowering it to 0.35 gets recall to 0.9."),
    ]),
]
# A client talking to a bidder before any contract: the contact details here get flagged for staff.
BID_THREAD = [
    ("c", "Thanks for the proposal. How would you handle recalculating routes when a driver is delayed?"),
    ("f", "I'd keep a live solver job per depot and re-run it on delay events. Happy to explain on a call: "
          "my number is +351 912 345 678."),
]
EXTRA_NOTIFICATIONS = [
    (F1, "escrow_released", "Payment released: 1200.00 USD", "From the escrow of the analytics dashboard.",
     "/contracts/"),
    (F1, "payment_received", "1080.00 USD is now available", "The security period ended; you can withdraw it.",
     "/billing/"),
    (C1, "invoice_issued", "Invoice INV-2026-000012 issued", "", "/billing/"),
    (F3, "milestone_approved", "Milestone approved: Loyalty card screen", "The client approved your work.",
     "/contracts/"),
    (C2, "ticket_answered", "Support answered: Changing the card on file", "", "/support/"),
]


def _people() -> dict[str, User]:
    return {u.email: u for u in User.objects.filter(email__in=[C1, C2, C3, F1, F2, F3, F4, F5])}


def _play(conversation: Conversation, script, *, start, read_all: bool) -> None:
    """Send the script once, then move it back in time so the inbox looks lived in."""
    if conversation.messages.exists():
        return
    sent = []
    for speaker, text in script:
        sender = conversation.client if speaker == "c" else conversation.freelancer
        sent.append(messaging.message_send(conversation=conversation, sender=sender, body=text))
    for i, message in enumerate(sent):
        at = start + timedelta(hours=3 * i, minutes=7 * i)
        last = i == len(sent) - 1
        Message.objects.filter(pk=message.pk).update(
            created_at=at, read_at=None if (last and not read_all) else at + timedelta(minutes=20))
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=start + timedelta(hours=3 * (len(sent) - 1)))


def seed_conversations(people) -> None:
    now = timezone.now()
    for index, (client_email, freelancer_email, script) in enumerate(CONTRACT_THREADS):
        client, freelancer = people.get(client_email), people.get(freelancer_email)
        if client is None or freelancer is None:
            continue
        contract = Contract.objects.filter(client=client, freelancer=freelancer).order_by("-created_at").first()
        if contract is None:
            continue
        conversation, _ = messaging.conversation_get_or_create(user=client, contract=contract)
        _play(conversation, script, start=now - timedelta(days=3 + index), read_all=index != 0)
    # A bid conversation: client1's newest open project and one of its bidders, or any project with a bid.
    proposal = (Proposal.objects.filter(project__client__email=C1, project__status=ProjectStatus.OPEN)
                .select_related("project", "freelancer").order_by("-created_at").first()
                or Proposal.objects.select_related("project", "freelancer").order_by("-created_at").first())
    if proposal is not None:
        conversation, _ = messaging.conversation_get_or_create(
            user=proposal.project.client, project=proposal.project, participant=proposal.freelancer)
        _play(conversation, BID_THREAD, start=now - timedelta(hours=20), read_all=False)


def seed_notifications(people) -> None:
    for email, kind, title, message, link in EXTRA_NOTIFICATIONS:
        user = people.get(email)
        if user is None or Notification.objects.filter(user=user, notification_type=kind, title=title).exists():
            continue
        notification_create(user=user, notification_type=kind, title=title, message=message, link=link,
                            data={"demo": True})


def seed_attention(people) -> None:
    c1, f1, f2 = people.get(C1), people.get(F1), people.get(F2)
    open_projects = list(Project.objects.filter(status=ProjectStatus.OPEN, is_hidden=False, visibility="public")
                         .order_by("id")[:6])
    if c1 is not None:
        for freelancer in (f1, f2):
            if freelancer is not None:
                attention.favorite_add(user=c1, target_type=FavoriteTarget.FREELANCER, target_id=freelancer.pk)
    for freelancer in (f1, f2):
        if freelancer is None:
            continue
        for project in open_projects[:2]:
            attention.favorite_add(user=freelancer, target_type=FavoriteTarget.PROJECT, target_id=project.pk)
    # Follows: freelancers follow the busiest client, and that client follows their favourite freelancer.
    for follower_email, followee_email in [(F1, C1), (F2, C1), (F3, C2), (C1, F1), (F4, C3)]:
        follower, followee = people.get(follower_email), people.get(followee_email)
        if follower is not None and followee is not None:
            attention.follow_create(follower=follower, followee=followee)
    # Views: every demo freelancer has looked at the open projects a few times.
    now = timezone.now()
    for f_index, email in enumerate([F1, F2, F3, F4, F5]):
        viewer = people.get(email)
        if viewer is None:
            continue
        for p_index, project in enumerate(open_projects):
            if project.client_id == viewer.pk:
                continue
            ProjectView.objects.get_or_create(project=project, viewer=viewer, defaults={
                "view_count": 1 + (f_index + p_index) % 4,
                "last_viewed_at": now - timedelta(hours=5 * (f_index + 1) + p_index)})


def _wave(email: str, day, metric: str, top: int) -> int:
    digest = hashlib.sha256(f"{email}:{day.isoformat()}:{metric}".encode()).digest()
    return digest[0] % (top + 1)


def seed_analytics(people) -> None:
    """Real rollups for the last month, then a believable daily rhythm where the demo has no real activity."""
    today = timezone.now().date()
    days = [today - timedelta(days=n) for n in range(HISTORY_DAYS, 0, -1)]
    for day in days:
        analytics.analytics_rollup_day(day=day)
    plan = {
        "client": [(MetricType.PROJECT_VIEWS, 12), (MetricType.PROPOSALS_RECEIVED, 3), (MetricType.MESSAGES_SENT, 6)],
        "freelancer": [(MetricType.PROPOSALS_SENT, 2), (MetricType.MESSAGES_SENT, 6), (MetricType.FAVORITED, 2)],
    }
    existing = set(UserAnalytics.objects.filter(user__in=people.values(), date__in=days)
                   .values_list("user_id", "date", "metric_type"))
    rows = []
    for email, user in people.items():
        for day in days:
            for metric, top in plan.get(user.role, []):
                value = _wave(email, day, metric, top)
                if value and (user.pk, day, metric) not in existing:
                    rows.append(UserAnalytics(user=user, date=day, metric_type=metric, metric_value=Decimal(value)))
            if user.role == "freelancer" and (user.pk, day, MetricType.RESPONSE_TIME) not in existing:
                rows.append(UserAnalytics(user=user, date=day, metric_type=MetricType.RESPONSE_TIME,
                                          metric_value=Decimal(15 + _wave(email, day, "rt", 90))))
    UserAnalytics.objects.bulk_create(rows, batch_size=1000)


def seed_engagement(progress) -> None:
    people = _people()
    progress.advance()
    seed_conversations(people)
    progress.advance()
    seed_notifications(people)
    progress.advance()
    seed_attention(people)
    progress.advance()
    seed_analytics(people)
    progress.advance()


seed_engagement.steps = 5
