from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from marketplace.models import Contract, Project
from megilance.api.exceptions import ApplicationError

from .. import selectors
from ..models import Conversation, Message
from ..services import messaging
from . import serializers as s

ERRORS = {400: OpenApiResponse(description="Invalid input"), 401: OpenApiResponse(description="Not signed in"),
          404: OpenApiResponse(description="Not found or not yours")}


def _int_param(request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ApplicationError(f"{name} must be an integer.", errors={name: ["A valid integer is required."]})


@extend_schema_view(
    list=extend_schema(summary="The caller's conversations, newest activity first",
                       responses={200: s.ConversationSerializer, **ERRORS}),
    retrieve=extend_schema(responses={200: s.ConversationSerializer, **ERRORS}),
    create=extend_schema(request=s.ConversationCreateSerializer,
                         responses={200: s.ConversationSerializer, 201: s.ConversationSerializer, **ERRORS},
                         summary="Open (or find) the conversation about a project with a bidder, or about a contract"),
)
class ConversationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          viewsets.GenericViewSet):
    serializer_class = s.ConversationSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Conversation.objects.none()
        return selectors.conversations_for(user=self.request.user)

    def create(self, request, *args, **kwargs):
        data = s.ConversationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        contract = project = participant = None
        if values.get("contract_id"):
            contract = get_object_or_404(Contract.objects.select_related("project"), pk=values["contract_id"])
        else:
            project = get_object_or_404(Project, pk=values["project_id"])
            if values.get("participant_id"):
                participant = get_object_or_404(get_user_model(), pk=values["participant_id"], is_active=True)
        conversation, created = messaging.conversation_get_or_create(
            user=request.user, project=project, contract=contract, participant=participant)
        if values.get("content"):
            messaging.message_send(conversation=conversation, sender=request.user, body=values["content"])
        conversation = self.get_queryset().get(pk=conversation.pk)
        return Response(self.get_serializer(conversation).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(
        summary="The caller's messages; one conversation's with conversation_id",
        parameters=[OpenApiParameter("conversation_id", OpenApiTypes.INT, required=False)],
        responses={200: s.MessageSerializer, **ERRORS}),
    retrieve=extend_schema(responses={200: s.MessageSerializer, **ERRORS}),
    create=extend_schema(request={"application/json": s.MessageCreateSerializer,
                                  "multipart/form-data": s.MessageCreateSerializer},
                         responses={201: s.MessageSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete one's own message (its text is hidden, the row stays)",
                          responses={204: None, 403: OpenApiResponse(description="Not the sender"), **ERRORS}),
)
class MessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = s.MessageSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        conversation_id = _int_param(self.request, "conversation_id") if self.action == "list" else None
        return selectors.messages_for(user=self.request.user, conversation_id=conversation_id)

    def list(self, request, *args, **kwargs):
        conversation_id = _int_param(request, "conversation_id")
        if conversation_id is not None:
            # An unknown or foreign conversation is a 404, not an empty page: the caller asked for that thread.
            get_object_or_404(selectors.conversations_for(user=request.user), pk=conversation_id)
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        data = s.MessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        conversation = get_object_or_404(selectors.conversations_for(user=request.user),
                                         pk=values["conversation_id"])
        reply_to = None
        if values.get("reply_to_id"):
            reply_to = get_object_or_404(Message, pk=values["reply_to_id"], conversation=conversation)
        message = messaging.message_send(conversation=conversation, sender=request.user,
                                         body=values.get("content", ""), attachment=values.get("attachment"),
                                         reply_to=reply_to)
        message = self.get_queryset().get(pk=message.pk)
        return Response(self.get_serializer(message).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        messaging.message_delete(message=instance, user=self.request.user)

    @extend_schema(request=None, responses={200: s.MessageSerializer,
                                            403: OpenApiResponse(description="Not the recipient"), **ERRORS})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        message = messaging.message_mark_read(message=self.get_object(), user=request.user)
        return Response(self.get_serializer(message).data)

    @extend_schema(responses={200: s.UnreadCountSerializer, 401: ERRORS[401]})
    @action(detail=False, methods=["get"], url_path="unread/count", pagination_class=None)
    def unread_count(self, request):
        return Response({"unread_count": selectors.unread_message_count(user=request.user)})
