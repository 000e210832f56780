from rest_framework import serializers

from ..models import AuditLog, UserSession


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)


class EmailSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class ResetPasswordSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)
    new_password = serializers.CharField(max_length=128, style={"input_type": "password"})


class EmailVerifiedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    email_verified = serializers.BooleanField()


class MfaLoginChallengeSerializer(serializers.Serializer):
    requires_2fa = serializers.BooleanField()
    mfa_token = serializers.CharField()
    temp_token = serializers.CharField()


class VerifyLoginSerializer(serializers.Serializer):
    mfa_token = serializers.CharField(required=False, max_length=1000)
    temp_token = serializers.CharField(required=False, max_length=1000)
    code = serializers.CharField(max_length=64)

    def validate(self, attrs):
        token = attrs.get("mfa_token") or attrs.get("temp_token")
        if not token:
            raise serializers.ValidationError({"mfa_token": ["The token from the password step is required."]})
        attrs["token"] = token
        return attrs


class MfaSetupSerializer(serializers.Serializer):
    secret = serializers.CharField()
    otpauth_url = serializers.CharField()
    qr_code = serializers.CharField(help_text="An SVG data URI of the otpauth URL.")


class MfaEnableSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class MfaDisableSerializer(MfaEnableSerializer):
    pass


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class BackupCodesSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    backup_codes = serializers.ListField(child=serializers.CharField())


class MfaStatusSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    methods = serializers.ListField(child=serializers.CharField())
    backup_codes_remaining = serializers.IntegerField()


class SessionSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = UserSession
        fields = ["id", "kind", "ip_address", "user_agent", "created_at", "last_seen_at", "revoked_at",
                  "revoked_reason", "is_active", "current"]
        read_only_fields = fields

    def get_current(self, session) -> bool:
        current = self.context.get("current_session_id")
        return current is not None and session.pk == current


class RevokedCountSerializer(serializers.Serializer):
    detail = serializers.CharField()
    revoked = serializers.IntegerField()


class AuditLogSerializer(serializers.ModelSerializer):
    actor_is_self = serializers.SerializerMethodField()

    class Meta:
        model = AuditLog
        fields = ["id", "action", "target_type", "target_id", "ip_address", "user_agent", "metadata", "created_at",
                  "actor_is_self"]
        read_only_fields = fields

    def get_actor_is_self(self, row) -> bool:
        return row.actor_id is not None and row.actor_id == row.user_id
