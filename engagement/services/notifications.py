"""In-app notifications and their fan-out to email, web push and SMS, by each user's preferences."""

import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from megilance.api.exceptions import ApplicationError

from ..models import Channel, EmailFrequency, Notification, NotificationPreference, NotificationType, PushSubscription

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
EVENT_TYPES = [value for value, _ in NotificationType.choices]
CHANNELS = [value for value, _ in Channel.choices]
# Only these may go out by SMS: they ask for an action soon or concern money that moved.
URGENT_TYPES = {
    NotificationType.MILESTONE_SUBMITTED, NotificationType.ESCROW_RELEASED, NotificationType.PAYMENT_RECEIVED,
    NotificationType.FUNDING_FAILED, NotificationType.PAYOUT_FAILED, NotificationType.INVOICE_OVERDUE,
    NotificationType.DISPUTE_OPENED, NotificationType.DISPUTE_RESOLVED,
}
DEFAULT_CHANNELS = {Channel.IN_APP: True, Channel.EMAIL: True, Channel.PUSH: True, Channel.SMS: False}
# Chatty events stay out of the inbox by default; people can switch them on.
DEFAULT_OVERRIDES = {
    NotificationType.NEW_MESSAGE: {Channel.EMAIL: False},
    NotificationType.NEW_FOLLOWER: {Channel.EMAIL: False, Channel.PUSH: False},
}


def channels_for(preference: NotificationPreference | None, event_type: str) -> dict[str, bool]:
    chosen = {**DEFAULT_CHANNELS, **DEFAULT_OVERRIDES.get(event_type, {})}
    if preference is not None:
        chosen.update({k: bool(v) for k, v in (preference.channels.get(event_type) or {}).items() if k in CHANNELS})
    if event_type not in URGENT_TYPES:
        chosen[Channel.SMS] = False
    return {str(k): v for k, v in chosen.items()}


def preferences_matrix(*, user) -> dict:
    preference = NotificationPreference.objects.filter(user=user).first()
    return {
        "email_frequency": preference.email_frequency if preference else EmailFrequency.INSTANT.value,
        "sms_phone_number": preference.sms_phone_number if preference else "",
        "channels": {event: channels_for(preference, event) for event in EVENT_TYPES},
        "sms_event_types": sorted(str(t) for t in URGENT_TYPES),
    }


@transaction.atomic
def notification_preferences_update(*, user, channels: dict | None = None, email_frequency: str | None = None,
                                    sms_phone_number: str | None = None) -> dict:
    """Merge the given choices into the stored ones; unknown event types or channels are a 400."""
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    errors = {}
    for event, choices in (channels or {}).items():
        if event not in EVENT_TYPES:
            errors.setdefault("channels", []).append(f"Unknown event type {event!r}.")
            continue
        if not isinstance(choices, dict):
            errors.setdefault("channels", []).append(f"{event}: give an object of channel: true|false.")
            continue
        for channel, on in choices.items():
            if channel not in CHANNELS or not isinstance(on, bool):
                errors.setdefault("channels", []).append(f"{event}: {channel!r} must be one of {CHANNELS}, a boolean.")
                continue
            if channel == Channel.SMS and on and event not in URGENT_TYPES:
                errors.setdefault("channels", []).append(f"{event}: SMS is only for urgent events.")
                continue
            preference.channels.setdefault(event, {})[channel] = on
    if errors:
        raise ApplicationError(errors["channels"][0], errors=errors)
    if email_frequency is not None:
        if email_frequency not in EmailFrequency.values:
            raise ApplicationError("email_frequency is instant or daily.",
                                   errors={"email_frequency": [f"Choose one of {EmailFrequency.values}."]})
        preference.email_frequency = email_frequency
    if sms_phone_number is not None:
        if sms_phone_number and not E164.match(sms_phone_number):
            raise ApplicationError("Give the mobile number in international form, e.g. +14155550100.",
                                   errors={"sms_phone_number": ["Not an E.164 number."]})
        preference.sms_phone_number = sms_phone_number
    preference.save()
    return preferences_matrix(user=user)


@transaction.atomic
def notification_create(*, user, notification_type: str, title: str, message: str = "", link: str = "",
                        data: dict | None = None) -> Notification | None:
    """Record the notification and queue its deliveries after the commit, on the channels the user chose."""
    if user is None or not user.is_active:
        return None
    preference = NotificationPreference.objects.filter(user=user).first()
    chosen = channels_for(preference, notification_type)
    wants_email = chosen[Channel.EMAIL] and bool(user.email)
    digest = wants_email and preference is not None and preference.email_frequency == EmailFrequency.DAILY
    if not any(chosen.values()):
        return None
    notification = Notification.objects.create(
        user=user, notification_type=notification_type, title=title[:200], message=message, link=link,
        data=data or {}, in_app=chosen[Channel.IN_APP], is_read=not chosen[Channel.IN_APP], digest_pending=digest,
    )
    from .. import tasks

    pk = notification.pk
    # robust: a delivery that fails to queue (or, with eager tasks, to run) is logged; the action that caused the
    # notification has committed and must still answer success.
    if wants_email and not digest:
        transaction.on_commit(lambda: tasks.send_notification_email.delay(pk), robust=True)
    if chosen[Channel.PUSH] and settings.VAPID_PRIVATE_KEY and PushSubscription.objects.filter(user=user).exists():
        transaction.on_commit(lambda: tasks.send_notification_push.delay(pk), robust=True)
    if chosen[Channel.SMS] and preference is not None and preference.sms_phone_number and settings.TWILIO_ACCOUNT_SID:
        transaction.on_commit(lambda: tasks.send_notification_sms.delay(pk), robust=True)
    return notification


@transaction.atomic
def notification_mark_read(*, notification: Notification, is_read: bool = True) -> Notification:
    notification.is_read = is_read
    notification.read_at = timezone.now() if is_read else None
    notification.save(update_fields=["is_read", "read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, is_read=False).update(is_read=True, read_at=timezone.now())


@transaction.atomic
def notification_delete(*, notification: Notification) -> None:
    notification.delete()


@transaction.atomic
def push_subscription_register(*, user, endpoint: str, p256dh: str, auth: str,
                               user_agent: str = "") -> PushSubscription:
    """Subscribing a browser again (or from another account) moves the endpoint to the current user."""
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]})
    return subscription


@transaction.atomic
def push_subscription_delete(*, user, endpoint: str) -> int:
    return PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()[0]
