"""Other apps' attachments pass the same rules: message attachments and ticket/dispute files are refused when
their content does not match their name, when infected, or when the scanner cannot be reached."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from engagement.services.messaging import message_send
from engagement.tests.factories import ConversationFactory
from megilance.api.exceptions import ApplicationError

from .conftest import EICAR, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(client_user, freelancer):
    return ConversationFactory(client=client_user, freelancer=freelancer)


def test_a_clean_message_attachment_is_kept(clamd, conversation, client_user):
    message = message_send(conversation=conversation, sender=client_user,
                           attachment=SimpleUploadedFile("brief.pdf", pdf_bytes()))

    assert message.attachment_name == "brief.pdf"
    assert message.attachment.read() == pdf_bytes()


def test_an_infected_message_attachment_is_refused(clamd, conversation, client_user):
    with pytest.raises(ApplicationError) as refused:
        message_send(conversation=conversation, sender=client_user,
                     attachment=SimpleUploadedFile("brief.pdf", pdf_bytes(extra=EICAR)))

    assert refused.value.code == "file_infected"
    assert not conversation.messages.exists()


def test_a_message_attachment_is_refused_while_the_scanner_is_down(clamd_stopped, conversation, client_user):
    with pytest.raises(ApplicationError) as refused:
        message_send(conversation=conversation, sender=client_user,
                     attachment=SimpleUploadedFile("notes.txt", b"notes"))

    assert refused.value.code == "scanner_unavailable"


def test_a_disguised_executable_is_refused_as_a_message_attachment(conversation, client_user):
    with pytest.raises(ApplicationError) as refused:
        message_send(conversation=conversation, sender=client_user,
                     attachment=SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00\x03"))

    assert refused.value.code == "file_type_refused"


def test_message_attachment_endpoint_answers_400_for_malware(clamd, client_user, freelancer, client_api):
    conversation = ConversationFactory(client=client_user, freelancer=freelancer)

    response = client_api.post("/api/messages", {"conversation_id": conversation.pk, "content": "see file",
                                                 "attachment": SimpleUploadedFile("x.txt", EICAR)},
                               format="multipart")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "file_infected"
