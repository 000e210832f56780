from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from support.models import SupportTicket, TicketStatus
from support.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _open(api, **extra):
    body = {"subject": "Payout missing", "description": "My payout from last week has not arrived.",
            "category": "billing", "priority": "urgent", **extra}
    return api.post("/api/support-tickets/", body, format="json")


def test_user_opens_a_ticket_with_a_due_time_by_priority(client_api, client_user, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _open(client_api)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "open" and data["user_id"] == client_user.pk and data["messages"] == []
    ticket = SupportTicket.objects.get(pk=data["id"])
    assert timedelta(hours=1, minutes=59) < ticket.first_response_due_at - ticket.created_at <= timedelta(hours=2)
    assert mailoutbox[0].to == [client_user.email] and "received" in mailoutbox[0].subject


def test_bad_category_is_400(client_api):
    response = _open(client_api, category="gossip")
    assert response.status_code == 400 and "category" in response.json()["errors"]


def test_anonymous_gets_401(api):
    assert api.get("/api/support-tickets/").status_code == 401
    assert _open(api).status_code == 401


def test_seed_paths_serve_the_same_tickets(client_api, client_user):
    ticket = TicketFactory(user=client_user)
    assert client_api.get("/api/support/tickets").json()["results"][0]["id"] == ticket.pk
    assert client_api.get(f"/api/support/tickets/{ticket.pk}").json()["id"] == ticket.pk


def test_people_see_only_their_own_tickets(client_api, client_user, outsider_api, staff_api):
    mine = TicketFactory(user=client_user)
    TicketFactory()
    assert [t["id"] for t in client_api.get("/api/support-tickets/").json()["results"]] == [mine.pk]
    assert outsider_api.get(f"/api/support-tickets/{mine.pk}/").status_code == 404
    assert outsider_api.post(f"/api/support-tickets/{mine.pk}/messages", {"body": "hi"}).status_code == 404
    # A staff member outside the Support group is just another person here.
    assert staff_api.get(f"/api/support-tickets/{mine.pk}/").status_code == 404
    assert staff_api.get("/api/support-tickets/").json()["count"] == 0


def test_support_sees_every_ticket_in_constant_queries(agent_api, django_assert_num_queries):
    TicketFactory.create_batch(2)
    agent_api.get("/api/support-tickets/")  # warm the session and permission caches
    with django_assert_num_queries(5):
        first = agent_api.get("/api/support-tickets/")
    TicketFactory()
    with django_assert_num_queries(5):
        second = agent_api.get("/api/support-tickets/")
    assert first.json()["count"] == 2 and second.json()["count"] == 3


def test_owner_list_query_count_is_constant(client_api, client_user, django_assert_num_queries):
    TicketFactory(user=client_user)
    client_api.get("/api/support-tickets/")
    with django_assert_num_queries(3):
        client_api.get("/api/support-tickets/")
    TicketFactory(user=client_user)
    with django_assert_num_queries(3):
        assert client_api.get("/api/support-tickets/").json()["count"] == 2


def test_staff_reply_sets_first_response_waits_on_user_and_emails(client_user, agent, agent_api, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    ticket = TicketFactory(user=client_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_api.post(f"/api/support-tickets/{ticket.pk}/messages", {"body": "Looking into it now."})
    assert response.status_code == 201 and response.json()["is_staff_reply"] is True
    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None
    assert ticket.status == TicketStatus.WAITING_ON_USER and ticket.assigned_to == agent
    assert mailoutbox[-1].to == [client_user.email] and "Looking into it now." in mailoutbox[-1].body


def test_user_reply_goes_back_to_the_assignee(client_user, client_api, agent, mailoutbox,
                                              django_capture_on_commit_callbacks):
    ticket = TicketFactory(user=client_user, assigned_to=agent, status=TicketStatus.WAITING_ON_USER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_api.post(f"/api/support-tickets/{ticket.pk}/messages", {"body": "Here is the id."})
    assert response.status_code == 201 and response.json()["is_staff_reply"] is False
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.first_responded_at is None
    assert mailoutbox[-1].to == [agent.email]


def test_reply_with_attachment_is_stored(client_user, client_api):
    ticket = TicketFactory(user=client_user)
    upload = SimpleUploadedFile("screenshot.png", b"\x89PNG fake", content_type="image/png")
    response = client_api.post(f"/api/support-tickets/{ticket.pk}/messages",
                               {"body": "See the screenshot.", "attachments": [upload]}, format="multipart")
    assert response.status_code == 201, response.content
    [path] = response.json()["attachments"]
    assert path.startswith(f"support/tickets/{ticket.pk}/") and path.endswith("screenshot.png")


def test_attachment_of_unknown_type_is_400(client_api):
    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client_api.post("/api/support-tickets/", {"subject": "x", "description": "y",
                                                         "attachments": [upload]}, format="multipart")
    assert response.status_code == 400


def test_assign_resolve_close_flow(client_user, client_api, agent, agent_api, second_agent):
    ticket = TicketFactory(user=client_user)
    response = agent_api.post(f"/api/support-tickets/{ticket.pk}/assign", {})
    assert response.status_code == 200 and response.json()["assigned_to_id"] == agent.pk
    assert response.json()["status"] == "in_progress"
    response = agent_api.post(f"/api/support-tickets/{ticket.pk}/assign", {"assignee_id": second_agent.pk})
    assert response.json()["assigned_to_id"] == second_agent.pk
    assert agent_api.post(f"/api/support-tickets/{ticket.pk}/resolve", {}).json()["status"] == "resolved"
    assert agent_api.post(f"/api/support-tickets/{ticket.pk}/resolve", {}).status_code == 409
    # The user answers: the resolved ticket opens again.
    client_api.post(f"/api/support-tickets/{ticket.pk}/messages", {"body": "Still broken."})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.resolved_at is None
    assert client_api.post(f"/api/support-tickets/{ticket.pk}/close").json()["status"] == "closed"
    assert client_api.post(f"/api/support-tickets/{ticket.pk}/close").status_code == 409
    assert client_api.post(f"/api/support-tickets/{ticket.pk}/messages", {"body": "?"}).status_code == 409


def test_owner_may_not_assign_or_resolve(client_user, client_api):
    ticket = TicketFactory(user=client_user)
    assert client_api.post(f"/api/support-tickets/{ticket.pk}/assign", {}).status_code == 403
    assert client_api.post(f"/api/support-tickets/{ticket.pk}/resolve", {}).status_code == 403


def test_assign_to_someone_outside_support_is_400(agent_api, staff_user):
    ticket = TicketFactory()
    response = agent_api.post(f"/api/support-tickets/{ticket.pk}/assign", {"assignee_id": staff_user.pk})
    assert response.status_code == 400


def test_queue_filters(agent, agent_api):
    unassigned = TicketFactory()
    mine = TicketFactory(assigned_to=agent, status=TicketStatus.IN_PROGRESS)
    overdue = TicketFactory(first_response_due_at=timezone.now() - timedelta(hours=1))
    TicketFactory(status=TicketStatus.CLOSED)

    def ids(view):
        return {t["id"] for t in agent_api.get(f"/api/support-tickets/?queue={view}").json()["results"]}

    assert ids("unassigned") == {unassigned.pk, overdue.pk}
    assert ids("mine") == {mine.pk}
    assert ids("overdue") == {overdue.pk}


def test_owner_edits_until_answered_then_409(client_user, client_api, agent_api):
    ticket = TicketFactory(user=client_user)
    response = client_api.patch(f"/api/support-tickets/{ticket.pk}", {"priority": "high"}, format="json")
    assert response.status_code == 200 and response.json()["priority"] == "high"
    agent_api.post(f"/api/support-tickets/{ticket.pk}/messages", {"body": "On it."})
    assert client_api.patch(f"/api/support-tickets/{ticket.pk}", {"subject": "New"}).status_code == 409
    assert client_api.delete(f"/api/support-tickets/{ticket.pk}").status_code == 409


def test_owner_withdraws_an_unanswered_ticket(client_user, client_api):
    ticket = TicketFactory(user=client_user)
    assert client_api.delete(f"/api/support-tickets/{ticket.pk}").status_code == 204
    assert not SupportTicket.objects.filter(pk=ticket.pk).exists()
