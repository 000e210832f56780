"""Engagement routes with an object id, owned by world.client (alice) and world.freelancer (bob)."""

from engagement.tests.factories import ConversationFactory, FavoriteFactory, MessageFactory, NotificationFactory
from marketplace.tests.factories import ProjectFactory, ProposalFactory


def build(world):
    project = ProjectFactory(client=world.client)
    ProposalFactory(project=project, freelancer=world.freelancer)
    conversation = ConversationFactory(project=project, client=world.client, freelancer=world.freelancer)
    message = MessageFactory(conversation=conversation, sender=world.freelancer)
    notification = NotificationFactory(user=world.client)
    favorite = FavoriteFactory(user=world.client, target_type="freelancer", target_id=world.freelancer.pk)
    return [
        ("GET", f"/api/favorites/{favorite.pk}"),
        ("DELETE", f"/api/favorites/{favorite.pk}"),
        ("GET", f"/api/projects/{project.pk}/views"),
        ("GET", f"/api/notifications/{notification.pk}"),
        ("PATCH", f"/api/notifications/{notification.pk}"),
        ("POST", f"/api/notifications/{notification.pk}/read"),
        ("DELETE", f"/api/notifications/{notification.pk}"),
        ("GET", f"/api/conversations/{conversation.pk}"),
        ("GET", f"/api/messages?conversation_id={conversation.pk}"),
        ("POST", f"/api/messages/{message.pk}/read"),
        ("GET", f"/api/messages/{message.pk}"),
        ("DELETE", f"/api/messages/{message.pk}"),
        *saved_search_routes(world),
    ]


def saved_search_routes(world):
    from engagement.saved_searches import SavedSearch

    saved = SavedSearch.objects.create(user=world.freelancer, name="Django work", query={"q": "django"})
    return [
        ("GET", f"/api/saved-searches/{saved.pk}"),
        ("PATCH", f"/api/saved-searches/{saved.pk}"),
        ("DELETE", f"/api/saved-searches/{saved.pk}"),
    ]
