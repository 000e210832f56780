"""The provider-facing API: signed webhooks from Stripe and PayPal, saved payment methods (SetupIntents) and
payout-account onboarding (Stripe Connect Express, a PayPal email)."""

from abc import ABC, abstractmethod

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import DetailSerializer
from megilance.api.permissions import HasRole

from .. import webhooks
from ..models import PaymentMethod, PaymentMethodStatus, PayoutAccount
from ..services import gateway_accounts


def _errors(*codes: int) -> dict:
    return dict.fromkeys(codes, DetailSerializer)


class NoStoreMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response


# --- webhooks --------------------------------------------------------------------------------------------------


class WebhookAckSerializer(serializers.Serializer):
    received = serializers.BooleanField()
    duplicate = serializers.BooleanField(help_text="True when this event id was received before; nothing changed.")
    event_id = serializers.CharField()


class _WebhookView(APIView, ABC):
    """No session, no JWT: the provider's signature on the raw body is the only credential."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @abstractmethod
    def receive(self, request) -> tuple:
        """Verify the provider's signature on `request.body` and record the event: (event, created)."""

    def post(self, request, *args, **kwargs):
        # request.body is the exact bytes the provider signed; request.data is never touched (parsing and
        # re-serialising could change them).
        try:
            event, created = self.receive(request)
        except webhooks.WebhookRejected as rejected:
            return Response({"detail": rejected.message, "code": rejected.code}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"received": True, "duplicate": not created, "event_id": event.event_id})


WEBHOOK_SCHEMA = {
    "request": {"application/json": OpenApiTypes.OBJECT},
    "responses": {200: WebhookAckSerializer,
                  400: OpenApiResponse(DetailSerializer, description="Bad or stale signature, or not an event.")},
    "auth": [],
    "tags": ["webhooks"],
}


@extend_schema(summary="Stripe events, signed with the Stripe-Signature header", **WEBHOOK_SCHEMA)
class StripeWebhookView(_WebhookView):
    def receive(self, request):
        return webhooks.stripe_webhook_receive(raw_body=request.body,
                                               signature=request.headers.get("Stripe-Signature"))


@extend_schema(summary="PayPal events, verified with PayPal's verify-webhook-signature", **WEBHOOK_SCHEMA)
class PayPalWebhookView(_WebhookView):
    def receive(self, request):
        return webhooks.paypal_webhook_receive(raw_body=request.body, headers=request.headers)


# --- saved payment methods -------------------------------------------------------------------------------------


class PaymentMethodSerializer(serializers.ModelSerializer):
    client_secret = serializers.SerializerMethodField(
        help_text="Only in the answer to POST with Stripe: confirm the SetupIntent with Stripe.js.")

    class Meta:
        model = PaymentMethod
        fields = ["id", "gateway", "brand", "last4", "exp_month", "exp_year", "status", "is_default", "created_at",
                  "client_secret"]
        read_only_fields = fields

    def get_client_secret(self, obj) -> str | None:
        return getattr(obj, "client_secret", None)


@extend_schema(tags=["payment-methods"])
class PaymentMethodViewSet(NoStoreMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's saved payment methods, charged for hourly weeks. Only their owner sees them."""

    serializer_class = PaymentMethodSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"
    filterset_fields: list = []
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PaymentMethod.objects.none()
        return PaymentMethod.objects.filter(user=self.request.user).exclude(status=PaymentMethodStatus.DETACHED)

    @extend_schema(request=None, responses={201: PaymentMethodSerializer, **_errors(400, 401, 403, 502)},
                   summary="Start saving a card for hourly charges",
                   description="With Stripe the answer is a pending method with a SetupIntent `client_secret`; "
                               "it becomes active when the `setup_intent.succeeded` webhook arrives. The manual "
                               "gateway saves a stand-in method at once.")
    def create(self, request, *args, **kwargs):
        method = gateway_accounts.payment_method_setup(user=request.user)
        return Response(self.get_serializer(method).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, **_errors(401, 404, 502)}, summary="Remove a saved payment method")
    def destroy(self, request, *args, **kwargs):
        gateway_accounts.payment_method_remove(method=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- payout onboarding -----------------------------------------------------------------------------------------


class PayoutAccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = PayoutAccount
        fields = ["id", "gateway", "account_id", "status", "payouts_enabled", "details_submitted", "created_at",
                  "updated_at"]
        read_only_fields = fields


class OnboardingRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, help_text="PayPal: the PayPal email to be paid at "
                                                             "(default: the login email).")
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False,
                                     help_text="Stripe: the account's country (ISO 3166-1 alpha-2).")


class OnboardingSerializer(serializers.Serializer):
    account = PayoutAccountSerializer()
    url = serializers.CharField(allow_blank=True, help_text="Where to send the browser to finish onboarding "
                                                            "(Stripe); empty when nothing is left to do.")


@extend_schema(tags=["payouts"])
class PayoutOnboardingView(NoStoreMixin, APIView):
    """Where the freelancer is paid: start or continue onboarding, or see its state."""

    permission_classes = [IsAuthenticated, HasRole.of("freelancer")]

    @extend_schema(responses={200: PayoutAccountSerializer(many=True), **_errors(401, 403)},
                   summary="The caller's payout accounts")
    def get(self, request):
        accounts = PayoutAccount.objects.filter(Q(user=request.user)).order_by("-created_at", "-id")
        return Response(PayoutAccountSerializer(accounts, many=True).data)

    @extend_schema(request=OnboardingRequestSerializer, responses={200: OnboardingSerializer,
                                                                   **_errors(400, 401, 403, 502)},
                   summary="Start payout-account onboarding",
                   examples=[OpenApiExample("Stripe", response_only=True, value={
                       "account": {"id": 1, "gateway": "stripe", "account_id": "acct_1Nv0FG",
                                   "status": "onboarding", "payouts_enabled": False, "details_submitted": False,
                                   "created_at": "2026-01-05T10:00:00Z", "updated_at": "2026-01-05T10:00:00Z"},
                       "url": "https://connect.stripe.com/setup/e/acct_1Nv0FG/abc"})])
    def post(self, request):
        data = OnboardingRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account, url = gateway_accounts.payout_account_onboard(user=request.user, **data.validated_data)
        return Response({"account": PayoutAccountSerializer(account).data, "url": url})
