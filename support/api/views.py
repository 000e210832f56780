"""The support API: tickets, disputes and announcements. Thin: find what the caller may see (selectors), validate,
call a service, answer with the fresh object."""

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts.api.serializers import DetailSerializer
from accounts.models import User
from billing.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from marketplace.models import Contract, Milestone
from megilance.api.exceptions import ApplicationError, NotFound

from .. import selectors, services
from ..models import DisputeStatus, DisputeType, TicketCategory, TicketPriority, TicketStatus
from . import serializers as s


def _errors(*codes: int) -> dict:
    return dict.fromkeys(codes, DetailSerializer)


def _files(validated: dict) -> list:
    return validated.get("attachments") or []


def _assignee(data: dict) -> User | None:
    assignee_id = data.get("assignee_id")
    if assignee_id is None:
        return None
    user = User.objects.filter(pk=assignee_id, is_staff=True, is_active=True).first()
    if user is None:
        raise ApplicationError("No such staff member.", errors={"assignee_id": ["Unknown staff member."]})
    return user


class TicketFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TicketStatus.choices)
    category = django_filters.ChoiceFilter(choices=TicketCategory.choices)
    priority = django_filters.ChoiceFilter(choices=TicketPriority.choices)
    assigned_to_id = django_filters.NumberFilter(field_name="assigned_to_id")
    queue = django_filters.ChoiceFilter(
        choices=[("unassigned", "Unassigned"), ("mine", "Mine"), ("overdue", "Overdue")], method="filter_queue",
        help_text="Staff queue views.")

    def filter_queue(self, queryset, name, value):
        return selectors.tickets_in_queue(queryset, view=value, user=self.request.user)


class SupportTicketViewSet(viewsets.ModelViewSet):
    """Support tickets. People see and act on their own; the Support group sees and answers all."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = TicketFilter
    ordering_fields = ["id", "created_at", "priority", "first_response_due_at", "last_reply_at"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        tickets = selectors.tickets_visible_to(self.request.user)
        if self.action == "retrieve":
            return tickets.prefetch_related("messages__author")
        return tickets

    def get_serializer_class(self):
        return s.SupportTicketDetailSerializer if self.action == "retrieve" else s.SupportTicketSerializer

    def _answer(self, ticket, code=status.HTTP_200_OK):
        fresh = selectors.ticket_with_messages(self.request.user, ticket.pk)
        return Response(s.SupportTicketDetailSerializer(fresh).data, status=code)

    @extend_schema(request={"application/json": s.TicketCreateSerializer,
                            "multipart/form-data": s.TicketCreateSerializer},
                   responses={201: s.SupportTicketDetailSerializer, **_errors(400)}, summary="Open a ticket")
    def create(self, request, *args, **kwargs):
        data = s.TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        ticket = services.ticket_create(user=request.user, subject=v["subject"], description=v["description"],
                                        category=v["category"], priority=v["priority"],
                                        attachments=_files(v), request=request)
        return self._answer(ticket, status.HTTP_201_CREATED)

    @extend_schema(request=s.TicketUpdateSerializer,
                   responses={200: s.SupportTicketDetailSerializer, **_errors(400, 403, 404, 409)})
    def update(self, request, *args, **kwargs):
        ticket = self.get_object()
        data = s.TicketUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        ticket = services.ticket_update(ticket=ticket, actor=request.user, data=data.validated_data,
                                        request=request)
        return self._answer(ticket)

    @extend_schema(request=s.TicketUpdateSerializer,
                   responses={200: s.SupportTicketDetailSerializer, **_errors(400, 403, 404, 409)})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(responses={204: None, **_errors(403, 404, 409)},
                   summary="Withdraw a ticket nobody answered yet")
    def destroy(self, request, *args, **kwargs):
        services.ticket_delete(ticket=self.get_object(), actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request={"application/json": s.TicketReplySerializer,
                            "multipart/form-data": s.TicketReplySerializer},
                   responses={201: s.TicketMessageSerializer, **_errors(400, 403, 404, 409)},
                   summary="Reply in the ticket's conversation")
    @action(detail=True, methods=["post"])
    def messages(self, request, pk=None):
        ticket = self.get_object()
        data = s.TicketReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.ticket_reply(ticket=ticket, actor=request.user, body=data.validated_data["body"],
                                        attachments=_files(data.validated_data), request=request)
        return Response(s.TicketMessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AssignSerializer, responses={200: s.SupportTicketDetailSerializer,
                                                          **_errors(400, 403, 404, 409)},
                   summary="Assign the ticket to a support staff member (you by default)")
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        ticket = self.get_object()
        data = s.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_assign(ticket=ticket, actor=request.user, assignee=_assignee(data.validated_data),
                                        request=request)
        return self._answer(ticket)

    @extend_schema(request=s.NoteSerializer, responses={200: s.SupportTicketDetailSerializer,
                                                        **_errors(403, 404, 409)},
                   summary="Mark the ticket resolved (support staff)")
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        ticket = self.get_object()
        data = s.NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_resolve(ticket=ticket, actor=request.user, note=data.validated_data["note"],
                                         request=request)
        return self._answer(ticket)

    @extend_schema(request=None, responses={200: s.SupportTicketDetailSerializer, **_errors(403, 404, 409)},
                   summary="Close the ticket for good")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        ticket = services.ticket_close(ticket=self.get_object(), actor=request.user, request=request)
        return self._answer(ticket)


@extend_schema(exclude=True)
class SeedPathTicketViewSet(SupportTicketViewSet):
    """The seed's /api/support/tickets paths: the same tickets, documented once under /api/support-tickets/."""


class DisputeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DisputeStatus.choices)
    dispute_type = django_filters.ChoiceFilter(choices=DisputeType.choices)
    contract_id = django_filters.NumberFilter(field_name="contract_id")


class DisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    """Disputes on contracts and milestones. The parties see theirs; the Support group sees all and decides."""

    serializer_class = s.DisputeSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = DisputeFilter
    ordering_fields = ["id", "created_at", "respond_by"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.disputes_visible_to(self.request.user)

    def _answer(self, dispute, code=status.HTTP_200_OK):
        return Response(s.DisputeSerializer(self.get_queryset().get(pk=dispute.pk)).data, status=code)

    @extend_schema(request={"application/json": s.DisputeCreateSerializer,
                            "multipart/form-data": s.DisputeCreateSerializer},
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: s.DisputeSerializer, **_errors(400, 403, 404, 409, 422)},
                   summary="Open a dispute on a contract or milestone: its escrow freezes at once")
    @idempotent
    def create(self, request, *args, **kwargs):
        data = s.DisputeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user = request.user
        contract = Contract.objects.filter(Q(client=user) | Q(freelancer=user), pk=v["contract_id"]).first()
        if contract is None:
            raise NotFound("No such contract.")
        milestone = None
        if v.get("milestone_id"):
            milestone = Milestone.objects.filter(pk=v["milestone_id"], contract=contract).first()
            if milestone is None:
                raise NotFound("No such milestone on this contract.")
        dispute = services.dispute_open(actor=user, contract=contract, milestone=milestone,
                                        dispute_type=v["dispute_type"], description=v["description"],
                                        attachments=_files(v), request=request)
        return self._answer(dispute, status.HTTP_201_CREATED)

    @extend_schema(request={"application/json": s.EvidenceCreateSerializer,
                            "multipart/form-data": s.EvidenceCreateSerializer},
                   responses={201: s.DisputeEvidenceSerializer, **_errors(400, 403, 404, 409)},
                   summary="Add evidence (text and files)")
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        dispute = self.get_object()
        data = s.EvidenceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = services.dispute_add_evidence(dispute=dispute, actor=request.user,
                                                 description=data.validated_data["description"],
                                                 attachments=_files(data.validated_data), request=request)
        return Response(s.DisputeEvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AssignSerializer, responses={200: s.DisputeSerializer, **_errors(400, 403, 404, 409)},
                   summary="Take the dispute (support staff)")
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        dispute = self.get_object()
        data = s.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dispute = services.dispute_assign(dispute=dispute, actor=request.user,
                                          assignee=_assignee(data.validated_data), request=request)
        return self._answer(dispute)

    @extend_schema(request=s.DisputeResolveSerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={200: s.DisputeSerializer, **_errors(400, 403, 404, 409, 422)},
                   summary="Decide: split the frozen escrow between client and freelancer (support staff)")
    @action(detail=True, methods=["post"])
    @idempotent
    def resolve(self, request, pk=None):
        dispute = self.get_object()
        data = s.DisputeResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        dispute = services.dispute_resolve(dispute=dispute, actor=request.user, client_amount=v["client_amount"],
                                           freelancer_amount=v["freelancer_amount"], resolution=v["resolution"],
                                           request=request)
        return self._answer(dispute)


class AnnouncementViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Announcements showing now for the caller's audience; anonymous visitors get those for everyone."""

    serializer_class = s.AnnouncementSerializer
    permission_classes = [AllowAny]
    pagination_class = None

    def get_queryset(self):
        return selectors.announcements_active_for(self.request.user)
