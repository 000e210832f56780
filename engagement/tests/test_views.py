import pytest

from engagement.models import Message
from engagement.tests.factories import ConversationFactory, MessageFactory
from marketplace.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(client_user, freelancer):
    return ConversationFactory(project=ProjectFactory(client=client_user), client=client_user, freelancer=freelancer)


def test_inbox_lists_conversations_with_a_poller(client, client_user, conversation):
    MessageFactory(conversation=conversation, body="Hello from Bob")
    client.force_login(client_user)
    page = client.get("/messages/").content.decode()
    assert "Hello from Bob" in page and 'id="inbox-poller"' in page and "1 new" in page


def test_inbox_poll_returns_only_new_rows(client, client_user, conversation):
    first = MessageFactory(conversation=conversation, body="old news")
    MessageFactory(conversation=conversation, body="fresh news")
    client.force_login(client_user)
    html = client.get(f"/messages/poll/?after={first.pk}").content.decode()
    assert "fresh news" in html and "old news" not in html
    assert f"after={first.pk + 1}" in html  # the next poll continues from the newest row


def test_conversation_page_marks_messages_read(client, client_user, conversation):
    message = MessageFactory(conversation=conversation)
    client.force_login(client_user)
    assert client.get(f"/messages/{conversation.pk}/").status_code == 200
    message.refresh_from_db()
    assert message.read_at is not None


def test_htmx_send_answers_new_rows_and_a_fresh_poller(client, freelancer, conversation):
    earlier = MessageFactory(conversation=conversation, sender=conversation.client, body="Question?")
    client.force_login(freelancer)
    response = client.post(f"/messages/{conversation.pk}/send/", {"content": "Answer!", "after": earlier.pk},
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    sent = Message.objects.get(body="Answer!")
    assert "Answer!" in html and "Question?" not in html
    assert f'value="{sent.pk}"' in html and 'id="poller"' in html


def test_thread_poll_only_new_rows(client, freelancer, conversation):
    old = MessageFactory(conversation=conversation, sender=conversation.client, body="first")
    MessageFactory(conversation=conversation, sender=conversation.client, body="second")
    client.force_login(freelancer)
    html = client.get(f"/messages/{conversation.pk}/poll/?after={old.pk}").content.decode()
    assert "second" in html and "first" not in html


def test_outsider_gets_404_on_conversation_pages(client, outsider, conversation):
    client.force_login(outsider)
    assert client.get(f"/messages/{conversation.pk}/").status_code == 404
    assert client.get(f"/messages/{conversation.pk}/poll/").status_code == 404
    assert client.post(f"/messages/{conversation.pk}/send/", {"content": "hi"}).status_code == 404


def test_anonymous_is_sent_to_login(client, conversation):
    assert client.get("/messages/").status_code == 302


def test_notification_pages(client, client_user, outsider):
    from engagement.tests.factories import NotificationFactory

    note = NotificationFactory(user=client_user, title="Proposal in", link="/projects/1/")
    client.force_login(client_user)
    assert "Proposal in" in client.get("/notifications/").content.decode()
    assert client.post(f"/notifications/{note.pk}/open/").url == "/projects/1/"
    note.refresh_from_db()
    assert note.is_read
    settings_page = client.get("/notifications/settings/").content.decode()
    assert 'name="proposal_submitted:email"' in settings_page
    response = client.post("/notifications/settings/", {"email_frequency": "daily", "proposal_submitted:in_app": "on"})
    assert response.status_code == 302
    from engagement.services.notifications import preferences_matrix

    matrix = preferences_matrix(user=client_user)
    assert matrix["email_frequency"] == "daily"
    assert matrix["channels"]["proposal_submitted"] == {"in_app": True, "email": False, "push": False, "sms": False}
    client.force_login(outsider)
    assert client.post(f"/notifications/{note.pk}/open/").status_code == 404


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and b"showNotification" in response.content
