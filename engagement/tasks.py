"""Celery tasks of the engagement app: notification deliveries per channel, the daily digest, analytics rollups.
Each fetches by id and calls one service or adapter; a failed channel retries alone."""

import logging
from datetime import date, timedelta

import requests
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from megilance.email import send_email_task

from .models import Notification, NotificationPreference, PushSubscription

logger = logging.getLogger(__name__)


def _absolute(link: str) -> str:
    if not link or link.startswith("http"):
        return link
    return settings.SITE_URL.rstrip("/") + link


@shared_task(name="engagement.send_notification_email", autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def send_notification_email(notification_id: int) -> int:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or not notification.user.email:
        return 0
    context = {"name": notification.user.display_name, "title": notification.title,
               "message": notification.message, "link": _absolute(notification.link),
               "type_label": notification.get_notification_type_display()}
    sent = send_email_task.run(to=[notification.user.email], template="notification", context=context)
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return sent


@shared_task(name="engagement.send_notification_push", autoretry_for=(requests.RequestException,),
             retry_backoff=True, max_retries=5)
def send_notification_push(notification_id: int) -> int:
    from .push import SubscriptionGone, send_push

    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return 0
    payload = {"title": notification.title, "body": notification.message, "url": notification.link,
               "type": notification.notification_type, "id": notification.pk}
    delivered = 0
    for subscription in PushSubscription.objects.filter(user_id=notification.user_id):
        try:
            send_push(endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth,
                      payload=payload)
        except SubscriptionGone:
            subscription.delete()
            continue
        PushSubscription.objects.filter(pk=subscription.pk).update(last_used_at=timezone.now())
        delivered += 1
    return delivered


@shared_task(name="engagement.send_notification_sms", max_retries=3)
def send_notification_sms(notification_id: int) -> str:
    from .sms import send_sms

    notification = Notification.objects.filter(pk=notification_id).first()
    preference = NotificationPreference.objects.filter(user_id=getattr(notification, "user_id", None)).first()
    if notification is None or preference is None or not preference.sms_phone_number:
        return ""
    body = f"MegiLance: {notification.title}"
    if notification.link:
        body += f" {_absolute(notification.link)}"
    return send_sms(to=preference.sms_phone_number, body=body)


@shared_task(name="engagement.notify_followers_of_project")
def notify_followers_of_project(project_id: int) -> int:
    from marketplace.models import Project, ProjectStatus

    from .models import NotificationType
    from .selectors import followers_of
    from .services.notifications import notification_create

    project = Project.objects.select_related("client").filter(pk=project_id).first()
    if project is None or project.status != ProjectStatus.OPEN or project.is_hidden:
        return 0
    sent = 0
    for follow in followers_of(user=project.client).iterator():
        # A notification already sent for this project (a retried task) is not sent twice.
        if Notification.objects.filter(user_id=follow.follower_id, data__project_id=project.pk,
                                       notification_type=NotificationType.NEW_PROJECT_FROM_FOLLOWED).exists():
            continue
        notification_create(user=follow.follower, notification_type=NotificationType.NEW_PROJECT_FROM_FOLLOWED,
                            title=f"{project.client.display_name} posted a new project", message=project.title,
                            link=f"/projects/{project.pk}/", data={"project_id": project.pk})
        sent += 1
    return sent


@shared_task(name="engagement.send_notification_digests")
def send_notification_digests() -> int:
    """Once a day: one email per user listing what waited for the digest, then clear the flag."""
    sent = 0
    user_ids = (Notification.objects.filter(digest_pending=True).values_list("user_id", flat=True)
                .distinct().order_by("user_id"))
    for user_id in list(user_ids):
        with transaction.atomic():
            rows = list(Notification.objects.select_for_update().filter(user_id=user_id, digest_pending=True)
                        .select_related("user").order_by("created_at", "id"))
            if not rows:
                continue
            user = rows[0].user
            items = [{"title": n.title, "message": n.message, "link": _absolute(n.link),
                      "created_at": n.created_at.strftime("%b %d, %H:%M UTC")} for n in rows]
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(digest_pending=False,
                                                                             emailed_at=timezone.now())
            if user.is_active and user.email:
                context = {"name": user.display_name, "items": items, "count": len(items)}
                transaction.on_commit(lambda to=user.email, c=context: send_email_task.delay(
                    to=[to], template="notification_digest", context=c))
                sent += 1
    return sent


@shared_task(name="engagement.rollup_user_analytics")
def rollup_user_analytics(day: str | None = None) -> int:
    """Nightly: yesterday's metrics for every user (or the given ISO day); re-running a day overwrites it."""
    from .services.analytics import analytics_rollup_day

    target = date.fromisoformat(day) if day else timezone.now().date() - timedelta(days=1)
    return analytics_rollup_day(day=target)
