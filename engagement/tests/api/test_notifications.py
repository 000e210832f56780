import pytest

from engagement.models import Notification, NotificationPreference
from engagement.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_list_is_paginated_and_only_the_callers(client_api, client_user, outsider):
    NotificationFactory.create_batch(3, user=client_user)
    NotificationFactory(user=outsider)
    body = client_api.get("/api/notifications?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert set(body["results"][0]) >= {"id", "type", "title", "message", "link", "is_read", "created_at"}


def test_unread_count_mark_one_and_all(client_api, client_user):
    first, second, third = NotificationFactory.create_batch(3, user=client_user)
    assert client_api.get("/api/notifications/unread-count").json() == {"unread_count": 3}
    assert client_api.post(f"/api/notifications/{first.pk}/read").json()["is_read"] is True
    response = client_api.patch(f"/api/notifications/{second.pk}", {"is_read": True})
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert client_api.get("/api/notifications/unread-count/").json() == {"unread_count": 1}
    assert client_api.get("/api/notifications?is_read=false").json()["count"] == 1
    assert client_api.post("/api/notifications/mark-all-read").json()["unread_count"] == 0
    assert not Notification.objects.filter(user=client_user, is_read=False).exists()
    assert client_api.patch(f"/api/notifications/{third.pk}", {"is_read": "maybe"}).status_code == 400


def test_delete_one(client_api, client_user):
    note = NotificationFactory(user=client_user)
    assert client_api.delete(f"/api/notifications/{note.pk}").status_code == 204
    assert not Notification.objects.exists()


def test_outsider_gets_404_on_someone_elses_notification(outsider_api, client_user):
    note = NotificationFactory(user=client_user)
    assert outsider_api.get(f"/api/notifications/{note.pk}").status_code == 404
    assert outsider_api.post(f"/api/notifications/{note.pk}/read").status_code == 404
    assert outsider_api.patch(f"/api/notifications/{note.pk}", {"is_read": True}).status_code == 404
    assert outsider_api.delete(f"/api/notifications/{note.pk}").status_code == 404
    outsider_api.post("/api/notifications/mark-all-read")
    note.refresh_from_db()
    assert note.is_read is False


def test_anonymous_is_refused(api):
    assert api.get("/api/notifications").status_code == 401
    assert api.get("/api/notifications/unread-count").status_code == 401
    assert api.get("/api/users/me/notification-preferences").status_code == 401


def test_list_query_count_is_constant(client_api, client_user, django_assert_num_queries):
    NotificationFactory(user=client_user)
    with django_assert_num_queries(3):
        assert client_api.get("/api/notifications").json()["count"] == 1
    NotificationFactory(user=client_user)
    with django_assert_num_queries(3):
        assert client_api.get("/api/notifications").json()["count"] == 2


def test_preferences_default_matrix(client_api):
    body = client_api.get("/api/users/me/notification-preferences").json()
    assert body["email_frequency"] == "instant"
    assert body["channels"]["proposal_submitted"] == {"in_app": True, "email": True, "push": True, "sms": False}
    assert "milestone_submitted" in body["sms_event_types"]


def test_preferences_put_merges_choices(client_api, client_user):
    response = client_api.put("/api/users/me/notification-preferences/", {
        "email_frequency": "daily", "sms_phone_number": "+14155550100",
        "channels": {"proposal_submitted": {"email": False}, "milestone_submitted": {"sms": True}},
    })
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["email_frequency"] == "daily"
    assert body["channels"]["proposal_submitted"] == {"in_app": True, "email": False, "push": True, "sms": False}
    assert body["channels"]["milestone_submitted"]["sms"] is True
    again = client_api.put("/api/users/me/notification-preferences", {"channels": {"new_message": {"push": False}}})
    assert again.json()["channels"]["proposal_submitted"]["email"] is False  # earlier choice kept
    assert NotificationPreference.objects.get(user=client_user).email_frequency == "daily"


@pytest.mark.parametrize("payload", [
    {"channels": {"no_such_event": {"email": True}}},
    {"channels": {"new_message": {"sms": True}}},  # SMS is only for urgent events
    {"channels": {"new_message": {"fax": True}}},
    {"channels": {"new_message": {"email": "yes please"}}},
    {"email_frequency": "hourly"},
    {"sms_phone_number": "call me"},
])
def test_preferences_bad_input_is_400(client_api, payload):
    assert client_api.put("/api/users/me/notification-preferences", payload).status_code == 400


def test_preferences_do_not_clash_with_user_profiles(client_api, client_user):
    assert client_api.get(f"/api/users/{client_user.pk}").status_code == 200


def test_cursor_paging_walks_the_list_without_page_numbers(client_api, client_user, django_assert_num_queries):
    NotificationFactory.create_batch(5, user=client_user)
    first = client_api.get("/api/notifications?cursor=&page_size=2").json()
    assert len(first["results"]) == 2 and first["next"] and "count" not in first
    seen = [n["id"] for n in first["results"]]
    with django_assert_num_queries(2):  # session, page (no count)
        second = client_api.get(first["next"]).json()
    seen += [n["id"] for n in second["results"]]
    third = client_api.get(second["next"]).json()
    seen += [n["id"] for n in third["results"]]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 5
    assert third["next"] is None


def test_filter_by_type(client_api, client_user):
    NotificationFactory(user=client_user, notification_type="new_message")
    NotificationFactory(user=client_user, notification_type="proposal_submitted")
    body = client_api.get("/api/notifications?type=proposal_submitted").json()
    assert body["count"] == 1 and body["results"][0]["type"] == "proposal_submitted"


def test_settings_page_refuses_a_bad_phone_number(client, client_user):
    client.force_login(client_user)
    client.post("/notifications/settings/", {"email_frequency": "instant", "sms_phone_number": "call me maybe"})
    assert not NotificationPreference.objects.filter(user=client_user).exclude(sms_phone_number="").exists()
