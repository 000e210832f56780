import pytest

from engagement.models import Conversation, Favorite, Message, Notification, ProjectView, UserAnalytics, UserFollow
from megilance import seeding

pytestmark = pytest.mark.django_db


class Progress:
    def advance(self, n: int = 1) -> None:
        pass


def run_seed():
    for _layer, seeder in seeding.seeders():
        seeder(Progress())


def counts():
    return {m.__name__: m.objects.count()
            for m in (Conversation, Message, Notification, Favorite, ProjectView, UserFollow, UserAnalytics)}


def test_demo_seed_fills_every_engagement_table_and_is_idempotent():
    run_seed()
    first = counts()
    assert all(first.values()), first
    assert Conversation.objects.filter(client__email="client1@example.com",
                                       freelancer__email="freelancer1@example.com").exists()
    assert Notification.objects.values("notification_type").distinct().count() >= 5
    assert Message.objects.filter(is_flagged=True).exists()
    run_seed()
    assert counts() == first
