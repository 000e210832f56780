from datetime import timedelta

import pytest
from django.utils import timezone

from support.models import Audience
from support.tests.factories import AnnouncementFactory

pytestmark = pytest.mark.django_db


def _titles(response):
    return {a["title"] for a in response.json()}


def test_anonymous_visitors_see_announcements_for_everyone(api):
    AnnouncementFactory(title="Everyone")
    AnnouncementFactory(title="Clients only", audience=Audience.CLIENTS)
    response = api.get("/api/announcements")
    assert response.status_code == 200
    assert _titles(response) == {"Everyone"}
    assert set(response.json()[0]) == {"id", "title", "content", "type", "audience", "starts_at", "ends_at",
                                       "is_active", "created_at"}


def test_each_role_sees_its_audience(client_api, freelancer_api):
    AnnouncementFactory(title="Everyone")
    AnnouncementFactory(title="Clients", audience=Audience.CLIENTS)
    AnnouncementFactory(title="Freelancers", audience=Audience.FREELANCERS)
    assert _titles(client_api.get("/api/announcements/")) == {"Everyone", "Clients"}
    assert _titles(freelancer_api.get("/api/announcements/")) == {"Everyone", "Freelancers"}


def test_past_future_and_inactive_announcements_are_hidden(api):
    now = timezone.now()
    AnnouncementFactory(title="Now")
    AnnouncementFactory(title="Past", starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=1))
    AnnouncementFactory(title="Future", starts_at=now + timedelta(days=1))
    AnnouncementFactory(title="Off", is_active=False)
    assert _titles(api.get("/api/announcements")) == {"Now"}


def test_list_query_count_is_constant(api, django_assert_num_queries):
    AnnouncementFactory()
    with django_assert_num_queries(1):
        api.get("/api/announcements")
    AnnouncementFactory()
    with django_assert_num_queries(1):
        assert len(api.get("/api/announcements").json()) == 2


def test_banner_is_on_pages_and_dismissible(client):
    announcement = AnnouncementFactory(title="Maintenance tonight", announcement_type="maintenance")
    html = client.get("/").content.decode()
    assert "Maintenance tonight" in html
    assert f'data-dismiss-key="announcement-{announcement.pk}-' in html and "data-dismiss" in html


def test_no_banner_without_announcements(client):
    assert 'data-testid="announcement"' not in client.get("/").content.decode()
