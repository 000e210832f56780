"""Engagement routes with an object id, owned by world.client (alice) and world.freelancer (bob)."""

from engagement.tests.factories import ConversationFactory, MessageFactory
from marketplace.tests.factories import ProjectFactory, ProposalFactory


def build(world):
    project = ProjectFactory(client=world.client)
    ProposalFactory(project=project, freelancer=world.freelancer)
    conversation = ConversationFactory(project=project, client=world.client, freelancer=world.freelancer)
    message = MessageFactory(conversation=conversation, sender=world.freelancer)
    return [
        ("GET", f"/api/conversations/{conversation.pk}"),
        ("GET", f"/api/messages?conversation_id={conversation.pk}"),
        ("POST", f"/api/messages/{message.pk}/read"),
        ("GET", f"/api/messages/{message.pk}"),
        ("DELETE", f"/api/messages/{message.pk}"),
    ]
