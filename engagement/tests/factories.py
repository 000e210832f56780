"""factory_boy factories for the engagement models."""

import factory
from django.utils import timezone

from accounts.tests.factories import ClientFactory, FreelancerFactory
from engagement.models import Conversation, Favorite, Message, Notification, ProjectView, UserFollow
from marketplace.tests.factories import ProjectFactory


class ConversationFactory(factory.django.DjangoModelFactory):
    """A project conversation between the project's client and a freelancer (no contract)."""

    class Meta:
        model = Conversation

    project = factory.SubFactory(ProjectFactory)
    client = factory.LazyAttribute(lambda o: o.project.client)
    freelancer = factory.SubFactory(FreelancerFactory)
    subject = factory.LazyAttribute(lambda o: o.project.title)
    last_message_at = factory.LazyFunction(timezone.now)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    sender = factory.LazyAttribute(lambda o: o.conversation.freelancer)
    recipient = factory.LazyAttribute(
        lambda o: o.conversation.client if o.sender.pk == o.conversation.freelancer_id else o.conversation.freelancer)
    body = factory.Sequence(lambda n: f"Message number {n} about the work.")


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(ClientFactory)
    notification_type = "new_message"
    title = factory.Sequence(lambda n: f"Notification {n}")
    message = "Something happened."


class FavoriteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Favorite

    user = factory.SubFactory(ClientFactory)
    target_type = "freelancer"
    target_id = factory.LazyFunction(lambda: FreelancerFactory().pk)


class ProjectViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectView

    project = factory.SubFactory(ProjectFactory)
    viewer = factory.SubFactory(FreelancerFactory)
    last_viewed_at = factory.LazyFunction(timezone.now)


class UserFollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserFollow

    follower = factory.SubFactory(FreelancerFactory)
    followee = factory.SubFactory(ClientFactory)
