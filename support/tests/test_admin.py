from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import AuditLog
from billing.models import EscrowStatus
from support.models import Announcement, Dispute, DisputeStatus, SupportTicket, TicketStatus
from support.services import dispute_add_evidence, dispute_open
from support.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_as(client):
    def sign_in(user):
        client.force_login(user)
        return client
    return sign_in


def test_admin_index_links_the_staff_dashboard(admin_as, superuser):
    html = admin_as(superuser).get("/admin/").content.decode()
    assert "/admin/dashboard/" in html and "/admin/moderation/" in html


def test_dashboard_page_shows_figures_and_svg_charts(admin_as, superuser, client_user, funded_escrow):
    from billing.services.escrow import escrow_release

    escrow_release(escrow=funded_escrow, actor=client_user, amount=Decimal("100.00"))
    TicketFactory(user=client_user)
    response = admin_as(superuser).get("/admin/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="chart"') == 4 and "<polyline" in html and "cdn" not in html.lower()
    assert "10.00" in html  # the platform's fee on the 100.00 release
    assert "/admin/exports/users.csv" in html


def test_dashboard_page_needs_staff(client, client_user):
    client.force_login(client_user)
    response = client.get("/admin/dashboard/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_csv_exports_are_permission_checked(admin_as, staff_user, superuser, client_user):
    assert admin_as(staff_user).get("/admin/exports/users.csv").status_code == 403
    response = admin_as(superuser).get("/admin/exports/users.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("id,email,name,role") and client_user.email in body
    assert admin_as(superuser).get("/admin/exports/secrets.csv").status_code == 404


def test_transactions_and_projects_exports(admin_as, superuser, funded_escrow, contract):
    client = admin_as(superuser)
    transactions = b"".join(client.get("/admin/exports/transactions.csv").streaming_content).decode()
    assert "escrow_funding" in transactions and "500.00" in transactions
    projects = b"".join(client.get("/admin/exports/projects.csv").streaming_content).decode()
    assert contract.project.client.email in projects


def test_csv_cells_that_look_like_formulas_stay_text(admin_as, superuser, client_user):
    client_user.name = "=HYPERLINK(\"http://evil\")"
    client_user.save(update_fields=["name"])
    body = b"".join(admin_as(superuser).get("/admin/exports/users.csv").streaming_content).decode()
    assert "'=HYPERLINK" in body


def test_ticket_queue_filters_and_actions(admin_as, agent):
    ticket = TicketFactory()
    client = admin_as(agent)
    for view in ("unassigned", "mine", "overdue"):
        assert client.get(f"/admin/support/supportticket/?queue={view}").status_code == 200
    client.post("/admin/support/supportticket/", {"action": "assign_to_me", "_selected_action": [ticket.pk]})
    ticket.refresh_from_db()
    assert ticket.assigned_to == agent and ticket.status == TicketStatus.IN_PROGRESS
    client.post("/admin/support/supportticket/", {"action": "resolve", "_selected_action": [ticket.pk]})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    client.post("/admin/support/supportticket/", {"action": "close", "_selected_action": [ticket.pk]})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED


def test_staff_reply_from_the_change_page(admin_as, agent, client_user, mailoutbox,
                                          django_capture_on_commit_callbacks):
    ticket = TicketFactory(user=client_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_as(agent).post(f"/admin/support/supportticket/{ticket.pk}/change/",
                                        {"reply": "We refunded the double charge.",
                                         "messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content[:2000]
    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None and ticket.messages.get().is_staff_reply
    assert any("We refunded the double charge." in m.body for m in mailoutbox)


def test_staff_without_rights_cannot_act_on_tickets(admin_as, staff_user):
    ticket = TicketFactory()
    assert admin_as(staff_user).get("/admin/support/supportticket/").status_code == 403
    assert SupportTicket.objects.get(pk=ticket.pk).assigned_to is None


def test_dispute_decided_in_the_admin(admin_as, agent, client_user, freelancer, contract, milestone,
                                      funded_escrow):
    dispute = dispute_open(actor=client_user, contract=contract, milestone=milestone, dispute_type="quality",
                           description="Not what was agreed.")
    dispute_add_evidence(dispute=dispute, actor=freelancer, description="It is exactly what was agreed.")
    client = admin_as(agent)
    assert client.get(f"/admin/support/dispute/{dispute.pk}/change/").status_code == 200
    response = client.post(f"/admin/support/dispute/{dispute.pk}/resolve/",
                           {"client_amount": "100.00", "freelancer_amount": "300.00", "resolution": "Split."})
    assert response.status_code == 200 and "must add up" in response.content.decode()
    response = client.post(f"/admin/support/dispute/{dispute.pk}/resolve/",
                           {"client_amount": "100.00", "freelancer_amount": "400.00", "resolution": "Split."})
    assert response.status_code == 302
    dispute.refresh_from_db()
    funded_escrow.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED and funded_escrow.status == EscrowStatus.RELEASED
    call_command("ledger_check")


def test_announcement_managed_in_the_admin(admin_as, agent):
    response = admin_as(agent).post("/admin/support/announcement/add/", {
        "title": "New invoices", "content": "Invoices now show tax lines.", "announcement_type": "feature",
        "audience": "everyone", "starts_at_0": "2026-01-01", "starts_at_1": "10:00:00", "is_active": "on"})
    assert response.status_code == 302, response.content[:3000]
    announcement = Announcement.objects.get(title="New invoices")
    assert announcement.author == agent
    assert AuditLog.objects.filter(action="announcement.created", actor=agent).exists()


def test_moderator_removes_and_restores_a_message(admin_as, moderator, client_user, freelancer, contract):
    conversation = apps.get_model("engagement", "Conversation").objects.create(
        client=client_user, freelancer=freelancer, contract=contract)
    message = apps.get_model("engagement", "Message").objects.create(
        conversation=conversation, sender=freelancer, recipient=client_user, body="Pay me outside the site.")
    client = admin_as(moderator)
    assert client.get("/admin/moderation/").status_code == 200
    response = client.post("/admin/moderation/", {"message_id": message.pk, "action": "remove", "reason": ""})
    assert response.status_code == 200  # the reason is required
    client.post("/admin/moderation/", {"message_id": message.pk, "action": "remove",
                                       "reason": "Asks to pay outside escrow"})
    message.refresh_from_db()
    assert message.is_deleted and "outside escrow" in message.flag_reason
    assert AuditLog.objects.filter(action="message.removed", actor=moderator, user=freelancer).exists()
    client.post("/admin/moderation/", {"message_id": message.pk, "action": "restore"})
    message.refresh_from_db()
    assert not message.is_deleted
    assert "message.restored" in client.get("/admin/moderation/").content.decode()


def test_moderation_desk_refuses_staff_without_rights(admin_as, staff_user):
    assert admin_as(staff_user).get("/admin/moderation/").status_code == 403


def test_disputes_cannot_be_deleted(admin_as, superuser, client_user, contract, milestone, funded_escrow):
    dispute = dispute_open(actor=client_user, contract=contract, milestone=milestone, dispute_type="other",
                           description="x")
    admin_as(superuser).post(f"/admin/support/dispute/{dispute.pk}/delete/", {"post": "yes"})
    assert Dispute.objects.filter(pk=dispute.pk).exists()
