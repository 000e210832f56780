"""The baselines the list benchmarks compare MegiLance's endpoints with, mounted under /baseline/ next to the
product's URLs (only by benchmarks/settings.py):

- /baseline/naive/<list>/: a plain DRF ModelViewSet, `ModelSerializer` with depth=1 and no select_related or
  prefetch, the default page-number paginator (exact COUNT(*)): what a first version usually looks like;
- /baseline/ceiling/<list>/: a hand-written `.values()` query of the same page and a JsonResponse, no count, no
  serializer: the most a Python view can do for this page.

Both see the same rows as the real endpoint (the caller's own proposals, contracts, messages, notifications and
invoices; open public projects plus a signed-in caller's own and those they bid on) and sign in with the same JWT
authentication. The naive lists write the rules as a first version would (an OR across sides or a join); the
ceiling uses the product's own row filters (the selectors), so the ratio measures the view and serializer, not
the WHERE clause.
"""

from django.db.models import Q
from django.http import JsonResponse
from django.urls import include, path
from rest_framework import pagination, routers, serializers, viewsets
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated

from accounts.authentication import SessionJWTAuthentication
from billing.models import Invoice
from engagement.models import Message, Notification
from engagement.selectors import messages_for
from marketplace import selectors
from marketplace.models import Contract, Project, Proposal


class NaivePagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def _mine(model, user):
    if model is Project:
        public = Q(status="open", visibility="public", is_hidden=False)
        if user is None or not user.is_authenticated:
            return Project.objects.filter(public)
        bid_on = Proposal.objects.filter(freelancer=user).values("project_id")
        return Project.objects.filter(public | Q(client=user) | Q(pk__in=bid_on, is_hidden=False))
    if model is Proposal:
        return Proposal.objects.filter(Q(freelancer=user) | Q(project__client=user))
    if model is Contract:
        return Contract.objects.filter(Q(client=user) | Q(freelancer=user))
    if model is Message:
        return Message.objects.filter(Q(sender=user) | Q(recipient=user))
    if model is Notification:
        return Notification.objects.filter(user=user, in_app=True)
    return Invoice.objects.filter(Q(from_user=user) | Q(to_user=user))


def naive_viewset(model):
    meta = type("Meta", (), {"model": model, "fields": "__all__", "depth": 1})
    serializer = type(f"Naive{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})

    class NaiveViewSet(viewsets.ReadOnlyModelViewSet):
        serializer_class = serializer
        pagination_class = NaivePagination
        authentication_classes = [SessionJWTAuthentication]
        permission_classes = [AllowAny] if model is Project else [IsAuthenticated]

        def get_queryset(self):
            return _mine(model, self.request.user).order_by("-created_at", "-id")

    return NaiveViewSet


NAIVE = {"projects": Project, "proposals": Proposal, "contracts": Contract, "messages": Message,
         "notifications": Notification, "invoices": Invoice}

# The ceiling answers the same information as the real list wherever one `.values()` query can: every column the
# real serializer shows and the names of joined rows. What it cannot express in that one query is left out and
# noted: a project's skills and tags (many-to-many) and a contract's milestone counts (an aggregate).
CEILING_FIELDS = {
    "projects": ("id", "title", "description", "status", "visibility", "is_hidden", "budget_type", "budget_min",
                 "budget_max", "currency", "experience_level", "estimated_duration", "deadline", "client_id",
                 "client__name", "category__slug", "category__name", "proposal_count", "published_at",
                 "created_at", "updated_at"),
    "proposals": ("id", "project_id", "project__title", "project__status", "freelancer_id", "freelancer__name",
                  "cover_letter", "bid_amount", "estimated_hours", "hourly_rate", "currency", "availability",
                  "attachments", "milestones", "status", "decided_at", "created_at", "updated_at"),
    "contracts": ("id", "project_id", "proposal_id", "title", "description", "contract_type", "client_id",
                  "client__name", "freelancer_id", "freelancer__name", "amount", "hourly_rate",
                  "weekly_limit_hours", "currency", "status", "start_date", "end_date", "completed_at",
                  "cancelled_at", "paused_at", "created_at", "updated_at"),
    "messages": ("id", "conversation_id", "sender_id", "sender__name", "recipient_id", "body", "attachment_name",
                 "attachment_size", "reply_to_id", "read_at", "is_deleted", "created_at"),
    "notifications": ("id", "notification_type", "title", "message", "link", "data", "is_read", "read_at",
                      "created_at"),
    "invoices": ("id", "number", "kind", "source", "status", "contract_id", "from_user_id", "to_user_id", "items",
                 "amount", "tax_rate", "tax", "total", "currency", "issue_date", "due_date", "paid_date",
                 "payment_id", "notes", "week_start", "from_details", "to_details", "sent_at",
                 "charge_failure_reason", "created_at", "updated_at"),
}


def _best(model, user):
    """The rows the product's selectors choose, without their select_related and prefetches."""
    if model is Project:
        return selectors.project_list(viewer=user).select_related(None).prefetch_related(None)
    if model is Proposal:
        return selectors.proposal_list(viewer=user).select_related(None)
    if model is Message:
        return messages_for(user=user).select_related(None)
    return _mine(model, user)


def ceiling_view(name):
    model = NAIVE[name]
    fields = CEILING_FIELDS[name]

    def view(request):
        try:
            authenticated = SessionJWTAuthentication().authenticate(request)
        except AuthenticationFailed:
            authenticated = None
        user = authenticated[0] if authenticated else None
        if user is None and model is not Project:
            return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
        size = min(int(request.GET.get("page_size", 20)), 100)
        page = max(int(request.GET.get("page", 1)), 1)
        rows = list(_best(model, user).order_by("-created_at", "-id")
                    .values(*fields)[(page - 1) * size:page * size])
        return JsonResponse({"results": rows})

    return view


router = routers.SimpleRouter()
for name, model in NAIVE.items():
    router.register(f"baseline/naive/{name}", naive_viewset(model), basename=f"naive-{name}")

urlpatterns = [
    *[path(f"baseline/ceiling/{name}/", ceiling_view(name)) for name in NAIVE],
    path("", include(router.urls)),
    path("", include("megilance.urls")),
]
