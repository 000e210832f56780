"""Pages for people: the inbox and a conversation, both refreshed by HTMX polling (only new rows travel)."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from megilance.api.exceptions import ApplicationError

from . import selectors
from .services import messaging

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
