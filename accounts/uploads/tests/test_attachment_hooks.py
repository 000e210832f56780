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


def test_a_confirmed_message_attachment_is_sent_to_the_conversation(client_user, freelancer, client_api,
                                                                    freelancer_api, outsider_api):
    from rest_framework.test import APIClient

    conversation = ConversationFactory(client=client_user, freelancer=freelancer)
    answer = client_api.get("/api/upload/presigned-url", {"object_key": "brief.pdf"}).json()
    APIClient().post("/api/upload/incoming", {**answer["fields"], "file": SimpleUploadedFile("brief.pdf",
                                                                                              pdf_bytes())},
                     format="multipart")

    response = client_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                       "purpose": "message_attachment",
                                                       "target_id": conversation.pk}, format="json")

    assert response.status_code == 201, response.content
    message = conversation.messages.get()
    assert message.sender == client_user and message.attachment.read() == pdf_bytes()
    path = f"/api/files/{response.json()['id']}/download"
    assert freelancer_api.get(path).status_code == 200
    assert outsider_api.get(path).status_code == 404


def test_confirming_into_someone_elses_conversation_is_not_found(client_user, freelancer, outsider_api):
    conversation = ConversationFactory(client=client_user, freelancer=freelancer)
    answer = outsider_api.get("/api/upload/presigned-url").json()

    response = outsider_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                         "purpose": "message_attachment",
                                                         "target_id": conversation.pk}, format="json")

    assert response.status_code == 404
