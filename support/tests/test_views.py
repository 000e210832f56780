import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.models import EscrowStatus
from support.models import Dispute, SupportTicket, TicketStatus
from support.services import dispute_open, ticket_reply
from support.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, client_user):
    client.force_login(client_user)
    return client


def test_pages_need_sign_in(client):
    response = client.get("/support/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_my_tickets_lists_only_mine(web, client_user):
    mine = TicketFactory(user=client_user, subject="My invoice question")
    TicketFactory(subject="Someone else's secret")
    html = web.get("/support/").content.decode()
    assert mine.subject in html and "Someone else's secret" not in html


def test_new_ticket_with_a_file(web, client_user):
    upload = SimpleUploadedFile("error.png", b"\x89PNG", content_type="image/png")
    response = web.post("/support/tickets/new/", {"subject": "Upload fails", "category": "technical",
                                                  "priority": "high", "description": "It stops at 80%.",
                                                  "attachments": [upload]})
    ticket = SupportTicket.objects.get(user=client_user)
    assert response.status_code == 302 and response["Location"] == f"/support/tickets/{ticket.pk}/"
    assert ticket.priority == "high" and len(ticket.attachments) == 1


def test_new_ticket_errors_are_shown(web):
    response = web.post("/support/tickets/new/", {"subject": "", "category": "technical", "priority": "high",
                                                  "description": ""})
    assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()


def test_conversation_reply_and_close(web, client_user, agent):
    ticket = TicketFactory(user=client_user)
    ticket_reply(ticket=ticket, actor=agent, body="Which browser do you use?")
    html = web.get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert "Which browser do you use?" in html and "MegiLance support" in html
    web.post(f"/support/tickets/{ticket.pk}/", {"body": "Firefox 128."})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.messages.count() == 2
    web.post(f"/support/tickets/{ticket.pk}/close/")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED


def test_someone_elses_ticket_is_404(web):
    ticket = TicketFactory()
    assert web.get(f"/support/tickets/{ticket.pk}/").status_code == 404
    assert web.post(f"/support/tickets/{ticket.pk}/close/").status_code == 404


def test_open_a_dispute_from_the_contract(web, contract, milestone, funded_escrow):
    response = web.get(f"/contracts/{contract.pk}/dispute/")
    assert response.status_code == 200 and milestone.title in response.content.decode()
    response = web.post(f"/contracts/{contract.pk}/dispute/", {"milestone": milestone.pk, "dispute_type": "quality",
                                                               "description": "Not what we agreed."})
    dispute = Dispute.objects.get(contract=contract)
    assert response.status_code == 302 and response["Location"] == f"/support/disputes/{dispute.pk}/"
    funded_escrow.refresh_from_db()
    assert funded_escrow.status == EscrowStatus.DISPUTED


def test_the_other_party_responds_on_the_dispute_page(client, freelancer, client_user, contract, milestone,
                                                      funded_escrow):
    dispute = dispute_open(actor=client_user, contract=contract, milestone=milestone, dispute_type="quality",
                           description="Not what we agreed.")
    client.force_login(freelancer)
    assert "Please respond by" in client.get(f"/support/disputes/{dispute.pk}/").content.decode()
    client.post(f"/support/disputes/{dispute.pk}/", {"description": "It is, see the brief."})
    dispute.refresh_from_db()
    assert dispute.responded_at is not None


def test_outsiders_cannot_reach_disputes(client, outsider, client_user, contract, milestone, funded_escrow):
    dispute = dispute_open(actor=client_user, contract=contract, milestone=milestone, dispute_type="quality",
                           description="Not what we agreed.")
    client.force_login(outsider)
    assert client.get(f"/support/disputes/{dispute.pk}/").status_code == 404
    assert client.get(f"/contracts/{contract.pk}/dispute/").status_code == 404


def test_attachments_download_only_for_the_people_concerned(web, client, client_user, outsider, agent):
    upload = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    web.post("/support/tickets/new/", {"subject": "Receipt", "category": "billing", "priority": "low",
                                       "description": "See attached.", "attachments": [upload]})
    ticket = SupportTicket.objects.get(user=client_user)
    html = web.get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert f"/support/files/ticket/{ticket.pk}/0/" in html and "receipt.pdf" in html
    response = web.get(f"/support/files/ticket/{ticket.pk}/0/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 receipt"
    assert 'filename="receipt.pdf"' in response["Content-Disposition"]
    assert web.get(f"/support/files/ticket/{ticket.pk}/1/").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/support/files/ticket/{ticket.pk}/0/").status_code == 404
    client.force_login(agent)
    assert client.get(f"/support/files/ticket/{ticket.pk}/0/").status_code == 200
