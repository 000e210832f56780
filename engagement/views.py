"""Pages for people: the inbox and a conversation, both refreshed by HTMX polling (only new rows travel)."""

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from megilance.api.exceptions import ApplicationError

from . import selectors
from .charts import bar_chart
from .models import NotificationType
from .services import analytics, messaging, notifications

POLL_SECONDS = 3


def _after(request) -> int:
    try:
        return max(int(request.GET.get("after") or request.POST.get("after") or 0), 0)
    except ValueError:
        return 0


@login_required
def inbox(request):
    conversations = list(selectors.conversations_for(user=request.user)[:50])
    latest = list(selectors.messages_for(user=request.user).filter(recipient=request.user)[:10])
    last_id = max((m.pk for m in latest), default=0)
    return render(request, "engagement/inbox.html", {
        "conversations": conversations, "latest": latest, "last_id": last_id, "poll_seconds": POLL_SECONDS,
    })


@login_required
def inbox_poll(request):
    """Messages received since `after`, newest first, and a poller that continues from the newest."""
    after = _after(request)
    new = list(selectors.messages_for(user=request.user).filter(recipient=request.user, pk__gt=after)[:20])
    last_id = max((m.pk for m in new), default=after)
    return render(request, "engagement/_inbox_poll.html", {
        "latest": new, "last_id": last_id, "poll_seconds": POLL_SECONDS,
    })


def _thread_rows(request, conversation, after: int):
    rows = list(selectors.messages_for(user=request.user, conversation_id=conversation.pk)
                .filter(pk__gt=after).order_by("created_at", "id")[:200])
    messaging.conversation_mark_read(conversation=conversation, user=request.user)
    return rows


@login_required
def conversation_detail(request, pk: int):
    conversation = get_object_or_404(selectors.conversations_for(user=request.user), pk=pk)
    rows = list(selectors.messages_for(user=request.user, conversation_id=conversation.pk)[:100])[::-1]
    messaging.conversation_mark_read(conversation=conversation, user=request.user)
    other = conversation.freelancer if request.user.pk == conversation.client_id else conversation.client
    return render(request, "engagement/conversation.html", {
        "conversation": conversation, "rows": rows, "other": other,
        "last_id": max((m.pk for m in rows), default=0), "poll_seconds": POLL_SECONDS,
    })


@login_required
def conversation_poll(request, pk: int):
    conversation = get_object_or_404(selectors.conversations_for(user=request.user), pk=pk)
    after = _after(request)
    rows = _thread_rows(request, conversation, after)
    return render(request, "engagement/_thread_poll.html", {
        "conversation": conversation, "rows": rows, "last_id": max((m.pk for m in rows), default=after),
        "poll_seconds": POLL_SECONDS,
    })


@login_required
@require_POST
def conversation_send(request, pk: int):
    conversation = get_object_or_404(selectors.conversations_for(user=request.user), pk=pk)
    error = ""
    try:
        messaging.message_send(conversation=conversation, sender=request.user, body=request.POST.get("content", ""),
                               attachment=request.FILES.get("attachment"))
    except ApplicationError as exc:
        error = exc.message
    if not request.headers.get("HX-Request"):
        if error:
            flash.error(request, error)
        return redirect("conversation-detail", pk=conversation.pk)
    after = _after(request)
    rows = _thread_rows(request, conversation, after)
    return render(request, "engagement/_thread_poll.html", {
        "conversation": conversation, "rows": rows, "last_id": max((m.pk for m in rows), default=after),
        "poll_seconds": POLL_SECONDS, "error": error,
    })


@login_required
def message_attachment(request, pk: int):
    """Attachments are served only to the two participants, never from a guessable public media URL."""
    message = get_object_or_404(selectors.messages_for(user=request.user), pk=pk, is_deleted=False)
    if not message.attachment:
        raise Http404("No attachment.")
    return FileResponse(message.attachment.open("rb"), as_attachment=True,
                        filename=message.attachment_name or "attachment")


def service_worker(request):
    """The push service worker, served from the site root so that its scope covers every page."""
    path = finders.find("sw.js")
    if path:
        with open(path, "rb") as handle:
            body = handle.read()
    else:
        with staticfiles_storage.open("sw.js") as handle:
            body = handle.read()
    response = HttpResponse(body, content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def notification_list(request):
    if request.method == "POST":
        notifications.notifications_mark_all_read(user=request.user)
        return redirect("notification-list")
    page = Paginator(selectors.notifications_for(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "engagement/notifications.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk: int):
    notification = get_object_or_404(selectors.notifications_for(user=request.user), pk=pk)
    notifications.notification_mark_read(notification=notification)
    link = notification.link if url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None) else ""
    return redirect(link or "notification-list")


@login_required
def notification_settings(request):
    if request.method == "POST":
        channels = {
            event: {channel: f"{event}:{channel}" in request.POST for channel in notifications.CHANNELS}
            for event in notifications.EVENT_TYPES
        }
        for event, choices in channels.items():
            if event not in notifications.URGENT_TYPES:
                choices.pop("sms")
        frequency = request.POST.get("email_frequency", "instant")
        try:
            notifications.notification_preferences_update(
                user=request.user, channels=channels,
                email_frequency=frequency if frequency in ("instant", "daily") else "instant",
                sms_phone_number=request.POST.get("sms_phone_number", "").replace(" ", "").strip())
        except ApplicationError as exc:
            flash.error(request, exc.message)
        else:
            flash.success(request, "Your notification settings were saved.")
        return redirect("notification-settings")
    matrix = notifications.preferences_matrix(user=request.user)
    labels = dict(NotificationType.choices)
    rows = [{"event": event, "label": labels[event], "choices": choices,
             "sms_allowed": event in notifications.URGENT_TYPES} for event, choices in matrix["channels"].items()]
    return render(request, "engagement/notification_settings.html", {
        "matrix": matrix, "rows": rows, "vapid_public_key": settings.VAPID_PUBLIC_KEY,
    })


CLIENT_METRICS = ["project_views", "proposals_received", "spend", "messages_sent", "response_time_minutes",
                  "new_followers"]
FREELANCER_METRICS = ["proposals_sent", "proposals_won", "earnings", "favorited", "messages_sent",
                      "response_time_minutes"]


@login_required
def analytics_dashboard(request):
    try:
        days = min(max(int(request.GET.get("days", 30)), 7), 365)
    except ValueError:
        days = 30
    data = analytics.analytics_for(user=request.user, days=days)
    metrics = CLIENT_METRICS if request.user.role == "client" else FREELANCER_METRICS
    charts = [{"metric": m, "label": data["labels"][m], "total": data["totals"][m],
               "chart": bar_chart(data["series"][m])} for m in metrics]
    return render(request, "engagement/analytics.html", {"data": data, "charts": charts, "days": days})
