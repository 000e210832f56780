"""Saved searches: the API, instant alerts on publish, daily and weekly digests, GDPR."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import privacy
from accounts.tests.factories import SkillFactory
from engagement.models import Notification, NotificationType
from engagement.saved_searches import (
    SavedSearch,
    saved_search_create,
    saved_searches_send_digests,
)
from marketplace.services import projects as project_services
from marketplace.tests.factories import CategoryFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved(freelancer):
    return saved_search_create(user=freelancer, name="Django gigs", query={"q": "django", "budget_min": "100"},
                               alert_frequency="instant")


def test_create_list_and_delete(freelancer_api, freelancer):
    response = freelancer_api.post("/api/saved-searches/", {
        "name": "React work", "query": {"q": "react", "skills": ["React", "Redux"], "budget_type": "fixed"},
        "alert_frequency": "weekly"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["query"] == {"q": "react", "skills": "React,Redux", "budget_type": "fixed"}
    assert body["alert_frequency"] == "weekly" and body["search_url"].startswith("/search/?")
    listed = freelancer_api.get("/api/saved-searches").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert freelancer_api.delete(f"/api/saved-searches/{body['id']}").status_code == 204
    assert not SavedSearch.objects.exists()


def test_update_name_and_frequency(freelancer_api, saved):
    response = freelancer_api.patch(f"/api/saved-searches/{saved.pk}", {"alert_frequency": "daily",
                                                                        "name": "Python"}, format="json")
    assert response.status_code == 200
    saved.refresh_from_db()
    assert (saved.name, saved.alert_frequency) == ("Python", "daily")


@pytest.mark.parametrize("body", [
    {"name": "x", "query": {"budget_min": "-3"}},
    {"name": "x", "query": {"sort": "cheapest"}},
    {"name": "x", "query": {"planet": "mars"}},
    {"name": "x", "query": "q=react"},
    {"name": "", "query": {}},
    {"name": "x", "query": {}, "alert_frequency": "hourly"},
    {"name": "x", "query": {"q": "z" * 2000}},
])
def test_bad_saved_search_answers_400(freelancer_api, body):
    assert freelancer_api.post("/api/saved-searches/", body, format="json").status_code == 400


def test_duplicate_name_answers_400(freelancer_api, saved):
    response = freelancer_api.post("/api/saved-searches/", {"name": "django gigs", "query": {}}, format="json")
    assert response.status_code == 400


def test_others_get_404_and_anonymous_401(api, client_api, outsider_api, staff_api, saved):
    for caller in (client_api, outsider_api, staff_api):
        assert caller.get(f"/api/saved-searches/{saved.pk}").status_code == 404
        assert caller.delete(f"/api/saved-searches/{saved.pk}").status_code == 404
        assert caller.get("/api/saved-searches/").json()["results"] == []
    assert api.get("/api/saved-searches/").status_code == 401
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


def test_list_query_count_is_constant(freelancer_api, freelancer, django_assert_num_queries):
    saved_search_create(user=freelancer, name="One", query={"q": "one"})
    with django_assert_num_queries(3):
        assert freelancer_api.get("/api/saved-searches/").json()["count"] == 1
    saved_search_create(user=freelancer, name="Two", query={"q": "two"})
    with django_assert_num_queries(3):
        assert freelancer_api.get("/api/saved-searches/").json()["count"] == 2


def _publish(client_user, title, **kwargs):
    return project_services.project_create(client=client_user, title=title, description="A project " * 10,
                                           budget_min=kwargs.pop("budget_min", 200),
                                           budget_max=kwargs.pop("budget_max", 900), **kwargs)


def test_instant_alert_when_a_matching_project_is_published(client_user, freelancer, saved,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project = _publish(client_user, "Django admin upgrade")
    alert = Notification.objects.get(user=freelancer, notification_type=NotificationType.SAVED_SEARCH_MATCH)
    assert "Django gigs" in alert.title and alert.data == {"saved_search_id": saved.pk, "project_id": project.pk}
    assert alert.link == project.get_absolute_url()


def test_no_alert_for_projects_that_do_not_match(client_user, freelancer, saved,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _publish(client_user, "Logo for a cafe")
        _publish(client_user, "Django site", budget_min=10, budget_max=50)
        _publish(client_user, "Django draft", publish=False)
    assert not Notification.objects.filter(notification_type=NotificationType.SAVED_SEARCH_MATCH).exists()


def test_no_instant_alert_for_digest_searches_or_own_projects(client_user, freelancer,
                                                              django_capture_on_commit_callbacks):
    saved_search_create(user=freelancer, name="Daily", query={"q": "django"}, alert_frequency="daily")
    saved_search_create(user=client_user, name="Mine", query={"q": "django"}, alert_frequency="instant")
    with django_capture_on_commit_callbacks(execute=True):
        _publish(client_user, "Django site")
    assert not Notification.objects.filter(notification_type=NotificationType.SAVED_SEARCH_MATCH).exists()


def test_alerts_follow_category_and_skill_filters(client_user, freelancer, django_capture_on_commit_callbacks):
    web = CategoryFactory(name="Web", slug="web")
    saved_search_create(user=freelancer, name="Vue in web", query={"category": "web", "skills": "Vue.js"},
                        alert_frequency="instant")
    SkillFactory(name="Vue.js")
    with django_capture_on_commit_callbacks(execute=True):
        _publish(client_user, "Shop front", category=web, skills=["Vue.js"])
        _publish(client_user, "Shop back", skills=["Vue.js"])
    assert Notification.objects.filter(notification_type=NotificationType.SAVED_SEARCH_MATCH).count() == 1


def test_daily_digest_emails_new_matches_once(freelancer, client_user, django_capture_on_commit_callbacks):
    search = saved_search_create(user=freelancer, name="Django", query={"q": "django"}, alert_frequency="daily")
    SavedSearch.objects.filter(pk=search.pk).update(last_alerted_at=timezone.now() - timedelta(days=1))
    ProjectFactory(client=client_user, title="Django API for a clinic")
    old = ProjectFactory(client=client_user, title="Django old work")
    type(old).objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert saved_searches_send_digests(frequency="daily") == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [freelancer.email] and "Django API for a clinic" in message.body
    assert "Django old work" not in message.body and "Django" in message.subject
    assert saved_searches_send_digests(frequency="daily") == 0  # nothing new since
    assert saved_searches_send_digests(frequency="weekly") == 0


def test_digest_task_is_scheduled():
    from django.conf import settings

    tasks = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "engagement.saved_searches_send_digests" in tasks


def test_gdpr_export_and_erase(freelancer, saved):
    exported = privacy.export_user(freelancer)
    assert "saved_searches" in str(exported) and "Django gigs" in str(exported)
    privacy.erase_user(freelancer)
    assert not SavedSearch.objects.filter(user=freelancer).exists()
    assert "engagement.SavedSearch" in privacy.covered_models()


def test_demo_seed_adds_saved_searches_once(freelancer):
    from engagement.saved_searches import seed_saved_searches
    from megilance.progress import ProgressBar

    freelancer.email = "freelancer1@example.com"
    freelancer.save()
    for _ in range(2):
        with ProgressBar(1, "saved searches", stream=io.StringIO()) as bar:
            seed_saved_searches(bar)
    assert sorted(SavedSearch.objects.filter(user=freelancer).values_list("name", flat=True)) == [
        "Django APIs", "React work"]
