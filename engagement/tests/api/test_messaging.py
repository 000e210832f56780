import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from engagement.models import Conversation, Message
from engagement.tests.factories import ConversationFactory, MessageFactory
from marketplace.tests.factories import ContractFactory, ProjectFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(client_user):
    return ProjectFactory(client=client_user)


@pytest.fixture
def bid(project, freelancer):
    return ProposalFactory(project=project, freelancer=freelancer)


@pytest.fixture
def conversation(project, freelancer, bid):
    return ConversationFactory(project=project, client=project.client, freelancer=freelancer)


def test_client_opens_conversation_with_a_bidder(client_api, project, freelancer, bid):
    response = client_api.post("/api/conversations", {"project_id": project.pk, "participant_id": freelancer.pk,
                                                      "content": "Hi Bob, a question about your bid."})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["client_id"] == project.client_id and body["freelancer_id"] == freelancer.pk
    assert body["other_party"]["id"] == freelancer.pk
    assert body["last_message"] == "Hi Bob, a question about your bid."
    again = client_api.post("/api/conversations/", {"project_id": project.pk, "participant_id": freelancer.pk})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Conversation.objects.count() == 1


def test_client_cannot_message_a_freelancer_who_did_not_bid(client_api, project, other_freelancer):
    response = client_api.post("/api/conversations", {"project_id": project.pk, "participant_id": other_freelancer.pk})
    assert response.status_code == 400
    assert response.json()["code"] == "not_a_bidder"


def test_freelancer_without_a_proposal_cannot_open_a_conversation(api_as, project, other_freelancer):
    response = api_as(other_freelancer).post("/api/conversations", {"project_id": project.pk})
    assert response.status_code == 404


def test_bidder_opens_conversation_with_the_client(freelancer_api, project, bid):
    response = freelancer_api.post("/api/conversations", {"project_id": project.pk})
    assert response.status_code == 201
    assert response.json()["client_id"] == project.client_id


def test_contract_conversation_is_one_per_contract(client_api, freelancer_api, client_user, freelancer):
    contract = ContractFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    first = client_api.post("/api/conversations", {"contract_id": contract.pk})
    second = freelancer_api.post("/api/conversations", {"contract_id": contract.pk})
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["contract_id"] == contract.pk


def test_outsider_cannot_open_a_contract_conversation(outsider_api, client_user, freelancer):
    contract = ContractFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    assert outsider_api.post("/api/conversations", {"contract_id": contract.pk}).status_code == 404


def test_conversation_needs_a_project_or_contract(client_api):
    response = client_api.post("/api/conversations", {})
    assert response.status_code == 400


def test_outsider_gets_404_on_a_conversation_and_its_messages(outsider_api, conversation):
    message = MessageFactory(conversation=conversation)
    assert outsider_api.get(f"/api/conversations/{conversation.pk}").status_code == 404
    assert outsider_api.get(f"/api/messages?conversation_id={conversation.pk}").status_code == 404
    assert outsider_api.get(f"/api/messages/{message.pk}").status_code == 404
    assert outsider_api.post(f"/api/messages/{message.pk}/read").status_code == 404
    assert outsider_api.delete(f"/api/messages/{message.pk}").status_code == 404
    response = outsider_api.post("/api/messages", {"conversation_id": conversation.pk, "content": "hello"})
    assert response.status_code == 404
    assert outsider_api.get("/api/conversations").json()["count"] == 0
    assert outsider_api.get("/api/messages").json()["count"] == 0


def test_anonymous_is_refused(api, conversation):
    assert api.get("/api/conversations").status_code == 401
    assert api.get("/api/messages").status_code == 401
    assert api.get("/api/messages/unread/count").status_code == 401


def test_send_message_and_recipient_reads_it(client_api, freelancer_api, conversation):
    response = freelancer_api.post("/api/messages", {"conversation_id": conversation.pk,
                                                     "content": "I can start Monday."})
    assert response.status_code == 201, response.content
    message = response.json()
    assert message["recipient_id"] == conversation.client_id
    assert message["is_read"] is False and message["is_flagged"] is False
    assert client_api.get("/api/messages/unread/count").json() == {"unread_count": 1}
    assert freelancer_api.get("/api/messages/unread/count/").json() == {"unread_count": 0}
    # Only the recipient marks it read.
    assert freelancer_api.post(f"/api/messages/{message['id']}/read").status_code == 403
    read = client_api.post(f"/api/messages/{message['id']}/read")
    assert read.status_code == 200 and read.json()["is_read"] is True and read.json()["read_at"]
    assert client_api.get("/api/messages/unread/count").json() == {"unread_count": 0}
    assert client_api.get(f"/api/conversations/{conversation.pk}").json()["unread_count"] == 0


def test_reply_to_must_be_in_the_same_conversation(freelancer_api, client_user, conversation):
    original = MessageFactory(conversation=conversation, sender=client_user)
    other = MessageFactory()
    ok = freelancer_api.post("/api/messages", {"conversation_id": conversation.pk, "content": "Sure",
                                               "reply_to_id": original.pk})
    assert ok.status_code == 201 and ok.json()["reply_to_id"] == original.pk
    bad = freelancer_api.post("/api/messages", {"conversation_id": conversation.pk, "content": "Sure",
                                                "reply_to_id": other.pk})
    assert bad.status_code == 404


def test_empty_message_is_refused(freelancer_api, conversation):
    response = freelancer_api.post("/api/messages", {"conversation_id": conversation.pk, "content": "  "})
    assert response.status_code == 400


def test_bad_conversation_id_is_400_not_500(freelancer_api):
    assert freelancer_api.get("/api/messages?conversation_id=abc").status_code == 400
    assert freelancer_api.post("/api/messages", {"conversation_id": "abc", "content": "x"}).status_code == 400


def test_attachment_is_stored_and_linked(freelancer_api, conversation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("brief.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = freelancer_api.post("/api/messages", {"conversation_id": conversation.pk, "attachment": upload},
                                   format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["attachment_name"] == "brief.pdf" and body["attachment_size"] == 13
    assert body["attachment_url"] == f"/messages/attachments/{body['id']}/"
    stored = Message.objects.get(pk=body["id"]).attachment
    assert stored.storage.exists(stored.name)


def test_attachment_download_is_for_participants_only(client, client_user, outsider, freelancer_api, conversation,
                                                      settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("brief.txt", b"the brief", content_type="text/plain")
    url = freelancer_api.post("/api/messages", {"conversation_id": conversation.pk, "attachment": upload},
                              format="multipart").json()["attachment_url"]
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(client_user)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"the brief"
    assert 'filename="brief.txt"' in response["Content-Disposition"]


def test_sender_soft_deletes_and_the_text_is_hidden(client_api, freelancer_api, conversation, freelancer):
    message = MessageFactory(conversation=conversation, sender=freelancer, body="Oops, wrong thread")
    assert client_api.delete(f"/api/messages/{message.pk}").status_code == 403
    assert freelancer_api.delete(f"/api/messages/{message.pk}").status_code == 204
    seen = client_api.get(f"/api/messages/{message.pk}").json()
    assert seen["is_deleted"] is True and seen["content"] == ""
    message.refresh_from_db()
    assert message.is_deleted and message.body == "Oops, wrong thread"  # kept for staff review


@pytest.mark.parametrize("text,flagged", [
    ("Email me at bob.smith@gmail.com", True),
    ("write to bob (at) example (dot) com", True),
    ("call +44 20 7946 0958 tonight", True),
    ("My number is 555-123-4567", True),
    ("I can deliver in 3 weeks for 1500 USD", False),
    ("Can we ship by 2026-12-01 or 15/12/2026?", False),
])
def test_contact_details_before_a_contract_are_flagged(freelancer_api, conversation, text, flagged):
    response = freelancer_api.post("/api/messages", {"conversation_id": conversation.pk, "content": text})
    assert response.status_code == 201
    message = Message.objects.get(pk=response.json()["id"])
    assert message.is_flagged is flagged
    if flagged:
        assert "before a contract" in message.flag_reason


def test_contact_details_after_a_contract_are_not_flagged(freelancer_api, conversation, freelancer):
    ContractFactory(project=conversation.project, client=conversation.client, freelancer=freelancer)
    response = freelancer_api.post("/api/messages", {"conversation_id": conversation.pk,
                                                     "content": "My email is bob@example.com"})
    assert Message.objects.get(pk=response.json()["id"]).is_flagged is False


def test_messages_list_without_conversation_shows_all_of_the_callers(client_api, client_user, conversation):
    other_conv = ConversationFactory(client=client_user, project=ProjectFactory(client=client_user))
    MessageFactory(conversation=conversation)
    MessageFactory(conversation=other_conv)
    MessageFactory()  # someone else's
    assert client_api.get("/api/messages").json()["count"] == 2
    assert client_api.get(f"/api/messages?conversation_id={conversation.pk}").json()["count"] == 1


def test_conversation_list_query_count_is_constant(client_api, client_user, django_assert_num_queries):
    def add():
        conv = ConversationFactory(project=ProjectFactory(client=client_user), client=client_user)
        MessageFactory(conversation=conv)

    add()
    with django_assert_num_queries(3):  # the JWT session check, the count, the page
        assert len(client_api.get("/api/conversations").json()["results"]) == 1
    add()
    with django_assert_num_queries(3):
        assert len(client_api.get("/api/conversations").json()["results"]) == 2


def test_message_list_query_count_is_constant(client_api, client_user, conversation, django_assert_num_queries):
    reply_to = MessageFactory(conversation=conversation)
    MessageFactory(conversation=conversation, reply_to=reply_to)
    # The page's ids, then its rows (megilance.api.pagination.IdsFirstPaginator).
    with django_assert_num_queries(4):
        assert client_api.get("/api/messages").json()["count"] == 2
    MessageFactory(conversation=conversation, reply_to=reply_to)
    with django_assert_num_queries(4):
        assert client_api.get("/api/messages").json()["count"] == 3
