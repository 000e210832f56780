"""Shapes of the money API. Amounts are JSON numbers (COERCE_DECIMAL_TO_STRING is off); business rules live
in the services, these only validate input and shape output."""

from decimal import Decimal

from rest_framework import serializers

from ..models import Escrow, Payment, PaymentType, Payout, PayoutFrequency, PayoutSchedule, Refund, TransactionFee

MONEY = {"max_digits": 14, "decimal_places": 2}
POSITIVE_MONEY = {**MONEY, "min_value": Decimal("0.01")}


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class EscrowSerializer(serializers.ModelSerializer):
    contract_id = serializers.IntegerField(read_only=True)
    milestone_id = serializers.IntegerField(read_only=True, allow_null=True)
    client_id = serializers.IntegerField(read_only=True)
    freelancer_id = serializers.IntegerField(source="contract.freelancer_id", read_only=True)
    contract = NamedSerializer(read_only=True)
    milestone = NamedSerializer(read_only=True, allow_null=True)
    remaining = serializers.DecimalField(**MONEY, read_only=True)
    is_deposit = serializers.BooleanField(read_only=True)
    client_secret = serializers.SerializerMethodField()

    class Meta:
        model = Escrow
        fields = [
            "id", "contract_id", "milestone_id", "client_id", "freelancer_id", "contract", "milestone", "amount",
            "currency", "status", "released_amount", "refunded_amount", "remaining", "is_deposit", "gateway",
            "gateway_reference", "failure_reason", "expires_at", "funded_at", "released_at", "refunded_at",
            "disputed_at", "created_at", "updated_at", "client_secret",
        ]
        read_only_fields = fields

    def get_client_secret(self, obj) -> str | None:
        """Only in the answer to a funding that the payer must still confirm in the browser."""
        return getattr(obj, "client_secret", None)


class EscrowFundSerializer(serializers.Serializer):
    contract_id = serializers.IntegerField(min_value=1)
    milestone_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    amount = serializers.DecimalField(**POSITIVE_MONEY, required=False, allow_null=True)


class EscrowActionSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**POSITIVE_MONEY, required=False, allow_null=True,
                                      help_text="Part of what the escrow holds; all of it when left out.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class EscrowActionResultSerializer(EscrowSerializer):
    """The escrow after a release or refund, with the payment (release) or refund it created."""

    payment_id = serializers.SerializerMethodField()
    refund_id = serializers.SerializerMethodField()

    class Meta(EscrowSerializer.Meta):
        fields = [*EscrowSerializer.Meta.fields, "payment_id", "refund_id"]
        read_only_fields = fields

    def get_payment_id(self, obj) -> int | None:
        return getattr(obj, "payment_id", None)

    def get_refund_id(self, obj) -> int | None:
        return getattr(obj, "refund_id", None)


class EscrowBalanceSerializer(serializers.Serializer):
    contract_id = serializers.IntegerField(allow_null=True)
    total_funded = serializers.DecimalField(**MONEY)
    total_released = serializers.DecimalField(**MONEY)
    total_refunded = serializers.DecimalField(**MONEY)
    available_balance = serializers.DecimalField(**MONEY)
    status = serializers.CharField()
    currency = serializers.CharField()


class PaymentSerializer(serializers.ModelSerializer):
    from_user_id = serializers.IntegerField(read_only=True, allow_null=True)
    to_user_id = serializers.IntegerField(read_only=True, allow_null=True)
    contract_id = serializers.IntegerField(read_only=True, allow_null=True)
    milestone_id = serializers.IntegerField(read_only=True, allow_null=True)
    escrow_id = serializers.IntegerField(read_only=True, allow_null=True)
    fees = serializers.DecimalField(source="fee_amount", **MONEY, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id", "payment_type", "status", "from_user_id", "to_user_id", "contract_id", "milestone_id",
            "escrow_id", "amount", "currency", "fees", "net_amount", "description", "gateway", "gateway_reference",
            "failure_reason", "available_at", "matured_at", "created_at", "completed_at",
        ]
        read_only_fields = fields


class PaymentCreateSerializer(serializers.Serializer):
    """A deposit: money put up front into a contract's escrow, with no milestone."""

    contract_id = serializers.IntegerField(min_value=1)
    amount = serializers.DecimalField(**POSITIVE_MONEY)
    payment_type = serializers.ChoiceField(choices=[PaymentType.DEPOSIT], default=PaymentType.DEPOSIT)
    currency = serializers.CharField(max_length=3, required=False)


class TransactionFeeSerializer(serializers.ModelSerializer):
    payment_id = serializers.IntegerField(read_only=True)
    payment_type = serializers.CharField(source="payment.payment_type", read_only=True)

    class Meta:
        model = TransactionFee
        fields = ["id", "payment_id", "payment_type", "base_amount", "platform_fee_percent", "platform_fee_amount",
                  "payment_gateway_fee", "net_amount", "currency", "created_at"]
        read_only_fields = fields


class RefundSerializer(serializers.ModelSerializer):
    payment_id = serializers.IntegerField(read_only=True)
    escrow_id = serializers.IntegerField(read_only=True)
    contract_id = serializers.IntegerField(source="escrow.contract_id", read_only=True)
    requested_by_id = serializers.IntegerField(read_only=True)
    decided_by_id = serializers.IntegerField(read_only=True, allow_null=True)
    refund_payment_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Refund
        fields = ["id", "payment_id", "escrow_id", "contract_id", "requested_by_id", "amount", "currency", "reason",
                  "status", "decided_by_id", "decided_at", "decision_note", "refund_payment_id", "gateway",
                  "gateway_reference", "failure_reason", "processed_at", "created_at", "updated_at"]
        read_only_fields = fields


class RefundCreateSerializer(serializers.Serializer):
    payment_id = serializers.IntegerField(min_value=1)
    amount = serializers.DecimalField(**POSITIVE_MONEY, required=False, allow_null=True,
                                      help_text="All that is still refundable when left out.")
    reason = serializers.CharField(max_length=2000)


class RefundUpdateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**POSITIVE_MONEY, required=False)
    reason = serializers.CharField(max_length=2000, required=False)


class RefundDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PayoutSerializer(serializers.ModelSerializer):
    freelancer_id = serializers.IntegerField(read_only=True)
    schedule_id = serializers.IntegerField(read_only=True, allow_null=True)
    payment_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Payout
        fields = ["id", "freelancer_id", "amount", "currency", "status", "schedule_id", "payment_id", "gateway",
                  "gateway_reference", "failure_reason", "created_at", "paid_at", "failed_at"]
        read_only_fields = fields


class PayoutCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**POSITIVE_MONEY, required=False, allow_null=True,
                                      help_text="All of the available balance when left out.")
    currency = serializers.CharField(max_length=3, required=False)


class PayoutScheduleSerializer(serializers.ModelSerializer):
    frequency = serializers.ChoiceField(choices=PayoutFrequency.choices)
    minimum_amount = serializers.DecimalField(**MONEY, min_value=Decimal("0"), required=False)

    class Meta:
        model = PayoutSchedule
        fields = ["frequency", "minimum_amount", "currency", "is_active", "next_run_at", "last_run_at"]
        read_only_fields = ["next_run_at", "last_run_at"]
        extra_kwargs = {"currency": {"required": False}, "is_active": {"required": False}}


class WalletSerializer(serializers.Serializer):
    currency = serializers.CharField()
    available = serializers.DecimalField(**MONEY)
    pending = serializers.DecimalField(**MONEY)
    in_escrow = serializers.DecimalField(**MONEY)
    lifetime_earned = serializers.DecimalField(**MONEY)
    lifetime_spent = serializers.DecimalField(**MONEY)
