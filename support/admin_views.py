"""Staff pages inside the admin (mounted by support/admin.py behind the admin's staff check): the dashboard with
figures and charts over time, CSV exports, and the moderation desk for messages with the moderation trail."""

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.models import AuditLog, User
from billing.models import Payment
from marketplace.models import Project
from megilance.api.exceptions import ApplicationError

from . import dashboard as metrics
from . import moderation as moderation_services
from .models import OPEN_TICKET_STATUSES, Dispute, DisputeStatus, SupportTicket

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 560, 150, 18


def line_chart(points: list[tuple], *, money: bool = False) -> dict:
    """A day-by-day series as inline SVG geometry: a polyline plus bars, so the page needs no chart library."""
    values = [value for _, value in points]
    top = max(values, default=0) or 1
    plot = CHART_HEIGHT - 2 * CHART_PAD
    step = CHART_WIDTH / max(len(points) - 1, 1)
    coords = []
    bars = []
    for i, (day, value) in enumerate(points):
        x = round(i * step, 1)
        y = round(CHART_PAD + plot - value / top * plot, 1)
        coords.append(f"{x},{y}")
        bars.append({"x": x, "y": y, "day": day.isoformat(), "value": f"{value:.2f}" if money else f"{value:.0f}"})
    return {"points": " ".join(coords), "bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT,
            "baseline": CHART_HEIGHT - CHART_PAD, "max": f"{top:.2f}" if money else f"{top:.0f}",
            "total": f"{sum(values):.2f}" if money else f"{sum(values):.0f}",
            "first": points[0][0].isoformat() if points else "", "last": points[-1][0].isoformat() if points else ""}


def dashboard(request):
    now = timezone.now()
    series = metrics.series(days=30, now=now)
    queue = {
        "open_tickets": SupportTicket.objects.filter(status__in=OPEN_TICKET_STATUSES).count(),
        "unassigned": SupportTicket.objects.filter(status__in=OPEN_TICKET_STATUSES,
                                                   assigned_to__isnull=True).count(),
        "overdue": SupportTicket.objects.filter(status__in=OPEN_TICKET_STATUSES, first_responded_at__isnull=True,
                                                first_response_due_at__lt=now).count(),
        "open_disputes": Dispute.objects.exclude(status=DisputeStatus.RESOLVED).count(),
        "disputes_ready": Dispute.objects.exclude(status=DisputeStatus.RESOLVED).filter(respond_by__lte=now).count(),
    }
    context = {
        **admin.site.each_context(request), "title": "Staff dashboard",
        "stats": metrics.stats(), "activity": metrics.user_activity(now), "projects": metrics.project_metrics(),
        "finance": metrics.financial_metrics(now), "top_freelancers": metrics.top_freelancers(5),
        "top_clients": metrics.top_clients(5), "recent": metrics.recent_activity(12), "queue": queue,
        "charts": [
            ("New users per day", line_chart(series["signups"])),
            ("Projects posted per day", line_chart(series["projects"])),
            ("Platform fee income per day (USD)", line_chart(series["revenue"], money=True)),
            ("Support tickets per day", line_chart(series["tickets"])),
        ],
        "exports": [(kind, label) for kind, (label, permission, _) in EXPORTS.items()
                    if request.user.has_perm(permission)],
    }
    return TemplateResponse(request, "admin/support/dashboard.html", context)


# --- CSV exports -------------------------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def _users():
    yield ["id", "email", "name", "role", "is_active", "is_staff", "location", "hourly_rate", "date_joined"]
    for u in User.objects.order_by("pk").iterator(chunk_size=2000):
        yield [u.pk, u.email, u.name, u.role, u.is_active, u.is_staff, u.location, u.hourly_rate or "",
               u.date_joined.isoformat()]


def _transactions():
    yield ["id", "type", "status", "from_user", "to_user", "contract_id", "milestone_id", "amount", "fee_amount",
           "net_amount", "currency", "gateway", "description", "created_at", "completed_at"]
    payments = Payment.objects.select_related("from_user", "to_user").order_by("pk")
    for p in payments.iterator(chunk_size=2000):
        yield [p.pk, p.payment_type, p.status, p.from_user.email if p.from_user else "",
               p.to_user.email if p.to_user else "", p.contract_id or "", p.milestone_id or "", p.amount,
               p.fee_amount, p.net_amount, p.currency, p.gateway, p.description, p.created_at.isoformat(),
               p.completed_at.isoformat() if p.completed_at else ""]


def _projects():
    yield ["id", "title", "client", "category", "status", "budget_type", "budget_min", "budget_max", "currency",
           "is_hidden", "proposal_count", "created_at"]
    projects = Project.objects.select_related("client", "category").order_by("pk")
    for p in projects.iterator(chunk_size=2000):
        yield [p.pk, p.title, p.client.email, p.category.name if p.category else "", p.status, p.budget_type,
               p.budget_min if p.budget_min is not None else "", p.budget_max if p.budget_max is not None else "",
               p.currency, p.is_hidden, p.proposal_count, p.created_at.isoformat()]


EXPORTS = {
    "users": ("Users", "accounts.view_user", _users),
    "transactions": ("Transactions", "billing.view_payment", _transactions),
    "projects": ("Projects", "marketplace.view_project", _projects),
}


def _cell(value):
    # A cell starting with = + - @ would run as a formula in a spreadsheet: prefix it so it stays text.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def export_csv(request, kind: str):
    if kind not in EXPORTS:
        raise Http404
    _label, permission, rows = EXPORTS[kind]
    if not request.user.has_perm(permission):
        raise PermissionDenied
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow([_cell(v) for v in row]) for row in rows()),
                                     content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="megilance-{kind}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- moderation ----------------------------------------------------------------------------------------------------


class MessageModerationForm(forms.Form):
    message_id = forms.IntegerField(min_value=1, label="Message id")
    action = forms.ChoiceField(choices=[("remove", "Remove"), ("restore", "Restore")])
    reason = forms.CharField(max_length=300, required=False,
                             help_text="Required to remove; shown to staff reviewing the removal.")


MODERATION_ACTIONS = ["user.deactivated", "user.reactivated", "project.hidden", "project.unhidden",
                      "review.removed", "review.restored", "message.removed", "message.restored"]


def moderation(request):
    """Suspending people, hiding projects and removing reviews are actions on their own admin lists; messages are
    moderated here by id. The trail below lists every moderation action from the audit log."""
    user = request.user
    can_messages = user.has_perm(moderation_services.MESSAGE_MODERATE_PERMISSION)
    if not (can_messages or user.has_perm("accounts.view_auditlog") or user.is_superuser):
        raise PermissionDenied
    form = MessageModerationForm(request.POST or None)
    if request.method == "POST":
        if not can_messages:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "remove":
                    moderation_services.message_remove(message_id=data["message_id"], actor=user, reason=data["reason"],
                                              request=request)
                else:
                    moderation_services.message_restore(message_id=data["message_id"], actor=user, request=request)
            except ApplicationError as error:
                form.add_error(None, error.message)
            except ObjectDoesNotExist:
                form.add_error("message_id", "No such message.")
            else:
                messages.success(request, f"Message {data['message_id']}: {data['action']}d.")
                return redirect("admin:staff_moderation")
    trail = AuditLog.objects.filter(action__in=MODERATION_ACTIONS).select_related("actor", "user").order_by(
        "-created_at")[:50]
    trail = [(row, row.metadata.get("reason") or row.metadata.get("previous_reason") or "") for row in trail]
    context = {**admin.site.each_context(request), "title": "Moderation", "form": form, "trail": trail,
               "can_messages": can_messages}
    return TemplateResponse(request, "admin/support/moderation.html", context)
