"""Domain events reach the right people as notifications."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from engagement import tasks
from engagement.models import Notification, UserFollow
from engagement.receivers import on_escrow_released, on_refund_approved
from engagement.services.notifications import notification_preferences_update
from engagement.tests.factories import ConversationFactory, UserFollowFactory
from marketplace import events
from marketplace.models import Contract, Milestone, Project, Proposal, Review
from marketplace.tests.factories import (
    ContractFactory,
    MilestoneFactory,
    ProjectFactory,
    ProposalFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def kinds(user):
    return list(Notification.objects.filter(user=user).values_list("notification_type", flat=True))


def test_new_proposal_notifies_the_client(client_user, freelancer):
    proposal = ProposalFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    events.proposal_submitted.send(sender=Proposal, proposal=proposal)
    assert kinds(client_user) == ["proposal_submitted"]
    assert kinds(freelancer) == []
    note = Notification.objects.get(user=client_user)
    assert note.data["proposal_id"] == proposal.pk and note.link == f"/projects/{proposal.project_id}/proposals/"


def test_accept_and_reject_notify_the_freelancer(client_user, freelancer, other_freelancer):
    project = ProjectFactory(client=client_user)
    won = ProposalFactory(project=project, freelancer=freelancer)
    lost = ProposalFactory(project=project, freelancer=other_freelancer)
    contract = ContractFactory(project=project, freelancer=freelancer, proposal=won)
    events.proposal_accepted.send(sender=Proposal, proposal=won, contract=contract)
    events.proposal_rejected.send(sender=Proposal, proposal=lost)
    assert kinds(freelancer) == ["proposal_accepted"]
    assert kinds(other_freelancer) == ["proposal_rejected"]
    assert kinds(client_user) == []


def test_contract_created_notifies_both_parties(client_user, freelancer):
    contract = ContractFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    events.contract_created.send(sender=Contract, contract=contract)
    assert kinds(client_user) == ["contract_created"] and kinds(freelancer) == ["contract_created"]


@pytest.mark.parametrize("signal,recipient", [
    ("milestone_funded", "freelancer"), ("milestone_submitted", "client"), ("milestone_approved", "freelancer"),
])
def test_milestone_events_reach_the_other_party(client_user, freelancer, signal, recipient):
    milestone = MilestoneFactory(contract=ContractFactory(project=ProjectFactory(client=client_user),
                                                          freelancer=freelancer))
    extra = {"actor": client_user} if signal == "milestone_approved" else {}
    getattr(events, signal).send(sender=Milestone, milestone=milestone, **extra)
    target, other = (freelancer, client_user) if recipient == "freelancer" else (client_user, freelancer)
    assert kinds(target) == [signal] and kinds(other) == []


def test_review_notifies_the_reviewee_without_its_text(client_user, freelancer):
    review = ReviewFactory(contract=ContractFactory(project=ProjectFactory(client=client_user),
                                                    freelancer=freelancer, status="completed"))
    events.review_submitted.send(sender=Review, review=review)
    note = Notification.objects.get(user=freelancer)
    assert note.notification_type == "review_received"
    assert review.comment not in note.message


def test_new_message_notifies_the_recipient(freelancer_api, client_user, freelancer):
    conversation = ConversationFactory(project=ProjectFactory(client=client_user), client=client_user,
                                       freelancer=freelancer)
    freelancer_api.post("/api/messages", {"conversation_id": conversation.pk, "content": "Ready to start"})
    note = Notification.objects.get(user=client_user)
    assert note.notification_type == "new_message" and note.message == "Ready to start"
    assert note.link == f"/messages/{conversation.pk}/"
    assert kinds(freelancer) == []


def test_followers_hear_about_a_followed_clients_new_project(client_user, freelancer, other_freelancer,
                                                            django_capture_on_commit_callbacks):
    UserFollowFactory(follower=freelancer, followee=client_user)
    project = ProjectFactory(client=client_user)
    with django_capture_on_commit_callbacks(execute=True):
        events.project_published.send(sender=Project, project=project)
    tasks.notify_followers_of_project(project.pk)  # a retried task sends nothing twice
    assert kinds(freelancer) == ["followed_project"]
    assert kinds(other_freelancer) == []
    assert UserFollow.objects.count() == 1


def test_in_app_off_keeps_the_row_out_of_the_list(client_user, client_api, freelancer):
    notification_preferences_update(user=client_user, channels={"proposal_submitted": {"in_app": False}})
    proposal = ProposalFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    events.proposal_submitted.send(sender=Proposal, proposal=proposal)
    assert client_api.get("/api/notifications").json()["count"] == 0
    assert client_api.get("/api/notifications/unread-count").json() == {"unread_count": 0}


def test_all_channels_off_creates_nothing(client_user, freelancer):
    notification_preferences_update(user=client_user, channels={"proposal_submitted": {
        "in_app": False, "email": False, "push": False}})
    proposal = ProposalFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    events.proposal_submitted.send(sender=Proposal, proposal=proposal)
    assert kinds(client_user) == []


def test_a_failing_receiver_does_not_break_the_business_action(client_user, freelancer, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr("engagement.receivers.notification_create", boom)
    proposal = ProposalFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    events.proposal_submitted.send(sender=Proposal, proposal=proposal)  # does not raise
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_billing_events_reach_the_freelancer_and_the_refund_requester(client_user, freelancer):
    contract = ContractFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    escrow = SimpleNamespace(pk=7, contract=contract, client=client_user, amount=Decimal("500.00"), currency="USD",
                             milestone_id=None)
    on_escrow_released(sender=None, escrow=escrow, payment=None, amount=Decimal("450.00"), actor=client_user)
    refund = SimpleNamespace(pk=3, requested_by=client_user, amount=Decimal("50.00"), currency="USD")
    on_refund_approved(sender=None, refund=refund, actor=None)
    assert kinds(freelancer) == ["escrow_released"]
    assert "450.00 USD" in Notification.objects.get(user=freelancer).title
    assert kinds(client_user) == ["refund_decided"]


def test_billing_signals_are_connected_when_billing_defines_them():
    from billing import events as billing

    for name in ("escrow_released", "earnings_matured", "refund_approved", "payout_paid"):
        signal = getattr(billing, name, None)
        if signal is not None:
            assert any("engagement" in str(key[0]) for key, *_ in signal.receivers), name


def test_support_events_reach_the_ticket_owner_and_both_dispute_parties(client_user, freelancer, staff_user):
    from engagement.receivers import on_ticket_replied, on_ticket_resolved

    ticket = SimpleNamespace(pk=9, user=client_user, subject="Card declined")
    on_ticket_replied(sender=None, ticket=ticket, message=None, actor=staff_user)
    on_ticket_replied(sender=None, ticket=ticket, message=None, actor=client_user)  # their own reply: silent
    on_ticket_resolved(sender=None, ticket=ticket, actor=staff_user)
    assert kinds(client_user) == ["ticket_answered", "ticket_answered"]

    from support import events as support

    contract = ContractFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    dispute = SimpleNamespace(pk=4, contract=contract)
    if getattr(support, "dispute_opened", None) is not None:
        support.dispute_opened.send(sender=None, dispute=dispute, actor=client_user)
        assert "dispute_opened" in kinds(freelancer) and "dispute_opened" not in kinds(client_user)
