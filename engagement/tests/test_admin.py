import pytest
from django.contrib.auth.models import Permission

from accounts.models import AuditLog
from engagement.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db


def test_staff_filter_flagged_messages(client, superuser):
    MessageFactory(body="call me on 555 123 4567", is_flagged=True, flag_reason="Contact details before a contract")
    MessageFactory(body="an ordinary message")
    client.force_login(superuser)
    html = client.get("/admin/engagement/message/?is_flagged__exact=1").content.decode()
    assert "call me on 555" in html and "an ordinary message" not in html


def test_moderator_marks_a_flagged_message_reviewed(client, staff_user):
    flagged = MessageFactory(is_flagged=True, flag_reason="Contact details before a contract: email address")
    staff_user.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_message", "change_message", "moderate_message"]))
    client.force_login(staff_user)
    response = client.post("/admin/engagement/message/", {"action": "mark_reviewed",
                                                          "_selected_action": [flagged.pk]})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.is_flagged is False
    assert AuditLog.objects.filter(action="message_unflagged", actor=staff_user).exists()


def test_staff_without_rights_cannot_unflag(client, staff_user):
    flagged = MessageFactory(is_flagged=True)
    staff_user.user_permissions.add(*Permission.objects.filter(codename__in=["view_message", "change_message"]))
    client.force_login(staff_user)
    client.post("/admin/engagement/message/", {"action": "mark_reviewed", "_selected_action": [flagged.pk]})
    flagged.refresh_from_db()
    assert flagged.is_flagged is True
