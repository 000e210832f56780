from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from engagement import tasks
from engagement.models import Favorite, Message, UserAnalytics, UserFollow
from engagement.services.attention import project_view_record
from engagement.tests.factories import ConversationFactory, FavoriteFactory, MessageFactory, UserFollowFactory
from marketplace.models import Proposal
from marketplace.tests.factories import ContractFactory, MilestoneFactory, ProjectFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def metric(user, name, day):
    row = UserAnalytics.objects.filter(user=user, metric_type=name, date=day).first()
    return row.metric_value if row else None


@pytest.fixture
def yesterday_activity(client_user, freelancer, other_freelancer):
    """A day of work between alice (client) and bob (freelancer), all stamped yesterday at noon."""
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=1)
    project = ProjectFactory(client=client_user)
    won = ProposalFactory(project=project, freelancer=freelancer, status="accepted", decided_at=noon)
    ProposalFactory(project=project, freelancer=other_freelancer)
    Proposal.objects.update(created_at=noon)
    contract = ContractFactory(project=project, freelancer=freelancer, proposal=won)
    MilestoneFactory(contract=contract, amount=Decimal("400.00"), status="approved", funded_at=noon,
                     approved_at=noon)
    MilestoneFactory(contract=contract, amount=Decimal("250.00"), status="funded", funded_at=noon)
    conversation = ConversationFactory(project=project, client=client_user, freelancer=freelancer)
    question = MessageFactory(conversation=conversation, sender=client_user)
    answer = MessageFactory(conversation=conversation, sender=freelancer)
    Message.objects.filter(pk=question.pk).update(created_at=noon)
    Message.objects.filter(pk=answer.pk).update(created_at=noon + timedelta(minutes=30))
    FavoriteFactory(user=client_user, target_type="freelancer", target_id=freelancer.pk)
    UserFollowFactory(follower=freelancer, followee=client_user)
    Favorite.objects.update(created_at=noon)
    UserFollow.objects.update(created_at=noon)
    return noon.date()


def test_nightly_rollup_computes_each_metric(client_user, freelancer, yesterday_activity):
    day = yesterday_activity
    assert tasks.rollup_user_analytics() > 0
    assert metric(freelancer, "proposals_sent", day) == 1
    assert metric(freelancer, "proposals_won", day) == 1
    assert metric(client_user, "proposals_received", day) == 2
    assert metric(freelancer, "earnings", day) == Decimal("400.00")
    assert metric(client_user, "spend", day) == Decimal("650.00")
    assert metric(client_user, "messages_sent", day) == 1
    assert metric(freelancer, "response_time_minutes", day) == Decimal("30.00")
    assert metric(freelancer, "favorited", day) == 1
    assert metric(client_user, "new_followers", day) == 1


def test_rerunning_a_day_overwrites_instead_of_adding(freelancer, yesterday_activity):
    day = yesterday_activity
    tasks.rollup_user_analytics(day.isoformat())
    first = UserAnalytics.objects.count()
    tasks.rollup_user_analytics(day.isoformat())
    assert UserAnalytics.objects.count() == first
    assert metric(freelancer, "proposals_sent", day) == 1


def test_project_views_count_live_for_the_owner(client_user, freelancer):
    project = ProjectFactory(client=client_user)
    project_view_record(project=project, viewer=freelancer)
    project_view_record(project=project, viewer=freelancer)  # same hour: not counted again
    assert metric(client_user, "project_views", timezone.now().date()) == 1


def test_analytics_me_returns_series_and_totals(client_api, freelancer_api, client_user, yesterday_activity):
    tasks.rollup_user_analytics()
    body = client_api.get("/api/analytics/me?days=7").json()
    assert body["user_id"] == client_user.pk and body["days"] == 7
    assert len(body["series"]["spend"]) == 7
    assert body["totals"]["spend"] == 650.0
    point = next(p for p in body["series"]["spend"] if p["date"] == yesterday_activity.isoformat())
    assert point["value"] == 650.0
    # Each person sees only their own numbers.
    assert freelancer_api.get("/api/analytics/me").json()["totals"]["spend"] == 0.0


@pytest.mark.parametrize("days", ["0", "400", "abc"])
def test_analytics_me_bad_days_is_400(client_api, days):
    assert client_api.get(f"/api/analytics/me?days={days}").status_code == 400


def test_analytics_me_needs_sign_in(api):
    assert api.get("/api/analytics/me").status_code == 401


def test_dashboard_draws_svg_charts_without_a_cdn(client, client_user, yesterday_activity):
    tasks.rollup_user_analytics()
    client.force_login(client_user)
    html = client.get("/analytics/?days=7").content.decode()
    assert html.count("<svg viewBox") >= 5 and "<rect class=\"bar\"" in html
    assert "cdn" not in html.lower()
