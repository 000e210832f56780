import pytest

from accounts import privacy
from support.models import Dispute, DisputeEvidence, SupportTicket, TicketMessage
from support.privacy_parts import ERASED, erase_disputes, erase_tickets, export_disputes, export_tickets
from support.services import dispute_add_evidence, dispute_open, ticket_create, ticket_reply

pytestmark = pytest.mark.django_db


def test_every_support_model_is_registered():
    covered = privacy.covered_models()
    for name in ("SupportTicket", "TicketMessage", "Dispute", "DisputeEvidence", "Announcement"):
        assert f"support.{name}" in covered


def test_export_and_erase_tickets(client_user, agent):
    ticket = ticket_create(user=client_user, subject="Card declined", description="My card number is 4242...")
    ticket_reply(ticket=ticket, actor=agent, body="Please try again.")
    [exported] = export_tickets(client_user)
    assert exported["subject"] == "Card declined" and exported["messages"][0]["from_staff"] is True
    erase_tickets(client_user)
    assert not SupportTicket.objects.filter(user=client_user).exists()
    assert not TicketMessage.objects.filter(ticket_id=ticket.pk).exists()


def test_disputes_are_kept_with_free_text_stripped(client_user, freelancer, contract, milestone, funded_escrow):
    dispute = dispute_open(actor=client_user, contract=contract, milestone=milestone, dispute_type="quality",
                           description="Personal story about the project.")
    dispute_add_evidence(dispute=dispute, actor=freelancer, description="My side, with my phone number.")
    assert export_disputes(client_user)[0]["description"] == "Personal story about the project."
    erase_disputes(client_user)
    erase_disputes(freelancer)
    dispute.refresh_from_db()
    assert dispute.description == ERASED and dispute.frozen_amount == funded_escrow.amount
    assert DisputeEvidence.objects.get(dispute=dispute).description == ERASED
    assert Dispute.objects.filter(pk=dispute.pk).exists()
