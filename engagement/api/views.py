from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from marketplace.models import Contract, Project
from megilance.api.exceptions import ApplicationError

from .. import selectors
from ..models import Conversation, Message, Notification, PushSubscription
from ..services import messaging, notifications
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


@extend_schema_view(
    list=extend_schema(summary="The caller's notifications, newest first",
                       parameters=[OpenApiParameter("is_read", OpenApiTypes.BOOL, required=False)],
                       responses={200: s.NotificationSerializer, 401: ERRORS[401]}),
    retrieve=extend_schema(responses={200: s.NotificationSerializer, **ERRORS}),
    partial_update=extend_schema(request=s.NotificationUpdateSerializer,
                                 responses={200: s.NotificationSerializer, **ERRORS}),
    destroy=extend_schema(responses={204: None, **ERRORS}),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                          viewsets.GenericViewSet):
    serializer_class = s.NotificationSerializer
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = selectors.notifications_for(user=self.request.user)
        is_read = self.request.query_params.get("is_read")
        if self.action == "list" and is_read in ("true", "false", "1", "0"):
            qs = qs.filter(is_read=is_read in ("true", "1"))
        return qs

    def partial_update(self, request, *args, **kwargs):
        data = s.NotificationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notification = notifications.notification_mark_read(notification=self.get_object(),
                                                            is_read=data.validated_data["is_read"])
        return Response(self.get_serializer(notification).data)

    def perform_destroy(self, instance):
        notifications.notification_delete(notification=instance)

    @extend_schema(request=None, responses={200: s.NotificationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = notifications.notification_mark_read(notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(responses={200: s.UnreadCountSerializer, 401: ERRORS[401]})
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request):
        return Response({"unread_count": selectors.unread_notification_count(user=request.user)})

    @extend_schema(request=None, responses={200: s.MarkAllReadSerializer, 401: ERRORS[401]})
    @action(detail=False, methods=["post"], url_path="mark-all-read")
    def mark_all_read(self, request):
        marked = notifications.notifications_mark_all_read(user=request.user)
        return Response({"marked": marked, "unread_count": 0})


@extend_schema(methods=["GET"], responses={200: s.NotificationPreferencesSerializer, 401: ERRORS[401]},
               summary="The caller's notification channels per event type")
@extend_schema(methods=["PUT"], request=s.NotificationPreferencesSerializer,
               responses={200: s.NotificationPreferencesSerializer, 400: ERRORS[400], 401: ERRORS[401]},
               summary="Change channels (merged into the stored ones), email frequency and SMS number")
@api_view(["GET", "PUT"])
@permission_classes([IsAuthenticated])
def notification_preferences(request):
    if request.method == "PUT":
        data = s.NotificationPreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        return Response(notifications.notification_preferences_update(
            user=request.user, channels=request.data.get("channels") if "channels" in values else None,
            email_frequency=values.get("email_frequency"), sms_phone_number=values.get("sms_phone_number")))
    return Response(notifications.preferences_matrix(user=request.user))


@extend_schema_view(
    create=extend_schema(summary="Register this browser for web push (the PushSubscription of the service worker)",
                         responses={201: s.PushSubscriptionSerializer, 400: ERRORS[400], 401: ERRORS[401]}),
)
class PushSubscriptionViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = s.PushSubscriptionSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PushSubscription.objects.none()
        return PushSubscription.objects.filter(user=self.request.user)

    def perform_create(self, serializer):
        values = serializer.validated_data
        serializer.instance = notifications.push_subscription_register(
            user=self.request.user, endpoint=values["endpoint"], p256dh=values["keys"]["p256dh"],
            auth=values["keys"]["auth"], user_agent=self.request.headers.get("User-Agent", ""))

    @extend_schema(request=s.PushSubscriptionSerializer, responses={204: None, 401: ERRORS[401]},
                   summary="Unsubscribe this browser")
    @action(detail=False, methods=["post"])
    def unsubscribe(self, request):
        notifications.push_subscription_delete(user=request.user, endpoint=str(request.data.get("endpoint", "")))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: s.PushPublicKeySerializer}, summary="The VAPID public key for subscribing")
    @action(detail=False, methods=["get"], url_path="public-key", permission_classes=[AllowAny])
    def public_key(self, request):
        return Response({"public_key": settings.VAPID_PUBLIC_KEY})
