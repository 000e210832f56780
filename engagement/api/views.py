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
from rest_framework.settings import api_settings

from marketplace.models import Contract, Project
from marketplace.selectors import project_list
from megilance.api.exceptions import ApplicationError, Forbidden, NotFound
from megilance.api.pagination import JoinedLargeListPagination, LargeListPagination
from megilance.api.serializers import DictRowsListMixin

from .. import selectors
from ..models import Conversation, Favorite, FavoriteTarget, Message, Notification, PushSubscription, UserFollow
from ..services import analytics, attention, messaging, notifications
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
    throttle_scope = {"create": "messages"}  # rate limit (megilance/api/throttling.py)
    pagination_class = JoinedLargeListPagination  # page ids first, then the page's rows with their joins
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
                       parameters=[OpenApiParameter("is_read", OpenApiTypes.BOOL, required=False),
                                   OpenApiParameter("type", OpenApiTypes.STR, required=False,
                                                    description="Only this notification type")],
                       responses={200: s.NotificationSerializer, 401: ERRORS[401]}),
    retrieve=extend_schema(responses={200: s.NotificationSerializer, **ERRORS}),
    partial_update=extend_schema(request=s.NotificationUpdateSerializer,
                                 responses={200: s.NotificationSerializer, **ERRORS}),
    destroy=extend_schema(responses={204: None, **ERRORS}),
)
class NotificationViewSet(DictRowsListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = s.NotificationSerializer
    pagination_class = LargeListPagination
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = selectors.notifications_for(user=self.request.user)
        is_read = self.request.query_params.get("is_read")
        if self.action == "list" and is_read in ("true", "false", "1", "0"):
            qs = qs.filter(is_read=is_read in ("true", "1"))
        kind = self.request.query_params.get("type")
        if self.action == "list" and kind:
            qs = qs.filter(notification_type=kind)
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


def _favorite_targets(favorites) -> dict:
    """Summaries of the favorites' targets in two queries, whatever the page size."""
    project_ids = [f.target_id for f in favorites if f.target_type == FavoriteTarget.PROJECT]
    user_ids = [f.target_id for f in favorites if f.target_type == FavoriteTarget.FREELANCER]
    targets = {}
    if project_ids:
        for pk, title, status_ in Project.objects.filter(pk__in=project_ids).values_list("pk", "title", "status"):
            targets[(FavoriteTarget.PROJECT, pk)] = {"id": pk, "title": title, "status": status_}
    if user_ids:
        for person in get_user_model().objects.filter(pk__in=user_ids, is_active=True):
            targets[(FavoriteTarget.FREELANCER, person.pk)] = {"id": person.pk, "name": person.display_name,
                                                               "title": person.title}
    return targets


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("target_type", OpenApiTypes.STR, required=False)],
                       responses={200: s.FavoriteSerializer, 401: ERRORS[401]}),
    retrieve=extend_schema(responses={200: s.FavoriteSerializer, **ERRORS}),
    create=extend_schema(summary="Save a project or freelancer; adding it again answers the existing favorite",
                         responses={200: s.FavoriteSerializer, 201: s.FavoriteSerializer, **ERRORS}),
    destroy=extend_schema(responses={204: None, **ERRORS}),
)
class FavoriteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = s.FavoriteSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Favorite.objects.none()
        qs = selectors.favorites_for(user=self.request.user)
        target_type = self.request.query_params.get("target_type")
        if self.action == "list" and target_type in FavoriteTarget.values:
            qs = qs.filter(target_type=target_type)
        return qs

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "targets": _favorite_targets(page)}
        return self.get_paginated_response(s.FavoriteSerializer(page, many=True, context=context).data)

    def retrieve(self, request, *args, **kwargs):
        favorite = self.get_object()
        context = {**self.get_serializer_context(), "targets": _favorite_targets([favorite])}
        return Response(s.FavoriteSerializer(favorite, context=context).data)

    def create(self, request, *args, **kwargs):
        data = s.FavoriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        favorite, created = attention.favorite_add(user=request.user, **data.validated_data)
        context = {**self.get_serializer_context(), "targets": _favorite_targets([favorite])}
        return Response(s.FavoriteSerializer(favorite, context=context).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def perform_destroy(self, instance):
        attention.favorite_remove(favorite=instance)

    @extend_schema(responses={200: s.FavoriteCheckSerializer, 401: ERRORS[401]},
                   parameters=[OpenApiParameter("target_type", OpenApiTypes.STR, OpenApiParameter.PATH),
                               OpenApiParameter("target_id", OpenApiTypes.INT, OpenApiParameter.PATH)])
    @action(detail=False, methods=["get"], url_path=r"check/(?P<target_type>[a-z_]+)/(?P<target_id>\d+)",
            pagination_class=None)
    def check(self, request, target_type=None, target_id=None):
        favorite_id = (selectors.favorites_for(user=request.user)
                       .filter(target_type=target_type, target_id=int(target_id))
                       .values_list("pk", flat=True).first())
        return Response({"is_favorited": favorite_id is not None, "favorite_id": favorite_id})


@extend_schema(methods=["GET"], summary="Who viewed the caller's project (owner only)",
               responses={200: s.ProjectViewsSerializer, 403: OpenApiResponse(description="Not the owner"),
                          **ERRORS})
@extend_schema(methods=["POST"], request=None, summary="Record that the caller viewed the project",
               responses={200: s.ProjectViewRecordedSerializer, **ERRORS})
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def project_views(request, pk: int):
    project = get_object_or_404(project_list(viewer=request.user).prefetch_related(None), pk=pk)
    if request.method == "POST":
        view = attention.project_view_record(project=project, viewer=request.user)
        return Response({"project_id": project.pk, "counted": view is not None,
                         "view_count": view.view_count if view else None})
    if project.client_id != request.user.pk:
        raise Forbidden("Only the project's owner sees its views.")
    return Response(selectors.project_view_summary(project=project))


@extend_schema_view(
    list=extend_schema(summary="People the caller follows", responses={200: s.FollowSerializer, 401: ERRORS[401]}),
    create=extend_schema(request=s.FollowCreateSerializer,
                         responses={200: s.FollowSerializer, 201: s.FollowSerializer, **ERRORS}),
    destroy=extend_schema(summary="Stop following the user with this id", responses={204: None, **ERRORS}),
)
class FollowViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.FollowSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return UserFollow.objects.none()
        return UserFollow.objects.filter(follower=self.request.user).order_by("-created_at", "-id")

    def create(self, request, *args, **kwargs):
        data = s.FollowCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        followee = get_object_or_404(get_user_model(), pk=data.validated_data["user_id"], is_active=True)
        follow, created = attention.follow_create(follower=request.user, followee=followee)
        return Response(s.FollowSerializer(follow).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def destroy(self, request, pk=None):
        followee = get_object_or_404(get_user_model(), pk=pk)
        if not attention.follow_delete(follower=request.user, followee=followee):
            raise NotFound("You do not follow this user.")
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.FollowCreateSerializer, responses={204: None, **ERRORS}, operation_id="follows_unfollow",
                   summary="Stop following: DELETE /api/follows/ with {user_id}")
    def unfollow(self, request):
        data = s.FollowCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.destroy(request, pk=data.validated_data["user_id"])


def _follow_people(request, follows, side: str):
    page_class = api_settings.DEFAULT_PAGINATION_CLASS()
    page = page_class.paginate_queryset(follows, request)
    rows = [{"id": getattr(f, side).pk, "name": getattr(f, side).display_name, "role": getattr(f, side).role,
             "title": getattr(f, side).title, "followed_at": f.created_at} for f in page]
    return page_class.get_paginated_response(s.FollowPersonSerializer(rows, many=True).data)


@extend_schema(responses={200: s.FollowPersonPageSerializer, **ERRORS}, summary="Who follows this user")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def user_followers(request, pk: int):
    user = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    return _follow_people(request, selectors.followers_of(user=user).order_by("-created_at", "-id"), "follower")


@extend_schema(responses={200: s.FollowPersonPageSerializer, **ERRORS}, summary="Whom this user follows")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def user_following(request, pk: int):
    user = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    return _follow_people(request, selectors.following_of(user=user).order_by("-created_at", "-id"), "followee")


@extend_schema(responses={200: s.AnalyticsSerializer, 400: ERRORS[400], 401: ERRORS[401]},
               parameters=[OpenApiParameter("days", OpenApiTypes.INT, required=False,
                                            description="1 to 365, default 30")],
               summary="The caller's daily metrics: views, proposals, earnings or spend, messages, response time")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def analytics_me(request):
    days = _int_param(request, "days")
    days = 30 if days is None else days
    if not 1 <= days <= 365:
        raise ApplicationError("days must be between 1 and 365.", errors={"days": ["Between 1 and 365."]})
    return Response(analytics.analytics_for(user=request.user, days=days))
