from django.conf import settings

from megilance.celery import app


def test_engagement_tasks_are_registered_and_scheduled():
    app.loader.import_default_modules()
    names = {"engagement.send_notification_email", "engagement.send_notification_push",
             "engagement.send_notification_sms", "engagement.send_notification_digests",
             "engagement.rollup_user_analytics"}
    assert names <= set(app.tasks)
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"engagement.send_notification_digests", "engagement.rollup_user_analytics"} <= scheduled
