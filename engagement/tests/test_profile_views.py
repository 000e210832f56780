"""Opening someone's public profile counts one view per viewer per hour in their analytics."""

from engagement.models import MetricType, UserAnalytics


def _views(user) -> int:
    row = UserAnalytics.objects.filter(user=user, metric_type=MetricType.PROFILE_VIEWS).first()
    return int(row.metric_value) if row else 0


def test_a_signed_in_visitor_counts_once_per_hour(client, freelancer, client_user):
    client.force_login(client_user)
    assert client.get(f"/people/{freelancer.pk}/").status_code == 200
    assert client.get(f"/people/{freelancer.pk}/").status_code == 200
    assert _views(freelancer) == 1


def test_the_owner_and_anonymous_visitors_are_not_counted(client, freelancer):
    assert client.get(f"/people/{freelancer.pk}/").status_code == 200
    client.force_login(freelancer)
    assert client.get(f"/people/{freelancer.pk}/").status_code == 200
    assert _views(freelancer) == 0


def test_profile_views_show_in_the_analytics_api(client, freelancer, client_user, api_as):
    client.force_login(client_user)
    client.get(f"/people/{freelancer.pk}/")
    body = api_as(freelancer).get("/api/analytics/me").json()
    assert body["totals"]["profile_views"] == 1
    assert body["series"]["profile_views"][-1]["value"] == 1
