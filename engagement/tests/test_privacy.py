import json

import pytest

from accounts import privacy
from engagement.models import (
    Favorite,
    Message,
    Notification,
    NotificationPreference,
    ProjectView,
    PushSubscription,
    UserAnalytics,
    UserFollow,
)
from engagement.services.notifications import notification_preferences_update
from engagement.tests.factories import (
    ConversationFactory,
    FavoriteFactory,
    MessageFactory,
    NotificationFactory,
    ProjectViewFactory,
    UserFollowFactory,
)
from marketplace.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_data(client_user, freelancer):
    conversation = ConversationFactory(project=ProjectFactory(client=client_user), client=client_user,
                                       freelancer=freelancer)
    MessageFactory(conversation=conversation, sender=freelancer, body="Bob's private plan")
    MessageFactory(conversation=conversation, sender=client_user, body="Alice's answer")
    NotificationFactory(user=freelancer, title="For Bob")
    notification_preferences_update(user=freelancer, email_frequency="daily", sms_phone_number="+14155550100")
    PushSubscription.objects.create(user=freelancer, endpoint="https://push.example.net/bob", p256dh="k", auth="a")
    FavoriteFactory(user=freelancer, target_type="project", target_id=conversation.project_id)
    FavoriteFactory(user=client_user, target_type="freelancer", target_id=freelancer.pk)
    UserFollowFactory(follower=freelancer, followee=client_user)
    ProjectViewFactory(viewer=freelancer)
    UserAnalytics.objects.create(user=freelancer, date="2026-01-01", metric_type="proposals_sent", metric_value=2)
    return conversation


def test_export_contains_every_engagement_record(freelancer, bobs_data):
    export = privacy.export_user(freelancer)
    json.dumps(export)  # serialisable as the export file
    contents = {m["content"] for m in export["messages"]["messages"]}
    assert {"Bob's private plan", "Alice's answer"} <= contents
    assert export["notifications"]["notifications"][0]["title"] == "For Bob"
    assert export["notifications"]["preferences"]["sms_phone_number"] == "+14155550100"
    assert len(export["notifications"]["push_subscriptions"]) == 1
    assert len(export["engagement"]["favorites"]) == 1 and len(export["engagement"]["following"]) == 1
    assert len(export["engagement"]["project_views"]) == 1 and len(export["engagement"]["analytics"]) == 1


def test_erasure_blanks_sent_messages_and_deletes_the_rest(client_user, freelancer, bobs_data):
    for part in privacy.parts():
        if part.name in ("messages", "notifications", "engagement"):
            part.eraser(freelancer)
    bobs = Message.objects.get(sender=freelancer)
    assert bobs.body == "" and bobs.is_deleted
    assert Message.objects.get(sender=client_user).body == "Alice's answer"  # the other side keeps theirs
    assert not Notification.objects.filter(user=freelancer).exists()
    assert not NotificationPreference.objects.filter(user=freelancer).exists()
    assert not PushSubscription.objects.filter(user=freelancer).exists()
    assert not Favorite.objects.exists()  # his own, and alice's bookmark of him
    assert not UserFollow.objects.exists()
    assert not ProjectView.objects.filter(viewer=freelancer).exists()
    assert not UserAnalytics.objects.filter(user=freelancer).exists()


def test_every_engagement_model_with_personal_data_is_registered():
    covered = privacy.covered_models()
    for name in ("Conversation", "Message", "Notification", "NotificationPreference", "PushSubscription",
                 "Favorite", "UserFollow", "ProjectView", "UserAnalytics"):
        assert f"engagement.{name}" in covered
