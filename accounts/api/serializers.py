from django.contrib.auth.password_validation import validate_password
from rest_framework import serializers

from megilance.api.serializers import FastReadMixin

from ..models import Role, User
from ..selectors import person_summary


class UserPublicSerializer(serializers.ModelSerializer):
    """A profile as anyone may see it. Email only for the user themself and staff."""

    user_type = serializers.CharField(source="role", read_only=True)
    joined_at = serializers.DateTimeField(source="date_joined", read_only=True)
    skills = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id", "email", "name", "role", "user_type", "bio", "title", "hourly_rate", "location", "timezone",
            "profile_image_url", "is_verified", "email_verified", "skills", "joined_at",
        ]
        read_only_fields = fields

    def get_skills(self, user) -> list[str]:
        # Prefetched by the selectors as `user_skills__skill`.
        return [us.skill.name for us in user.user_skills.all()]

    def get_email(self, user) -> str | None:
        request = self.context.get("request")
        viewer = getattr(request, "user", None)
        if viewer is not None and viewer.is_authenticated and (viewer.pk == user.pk or viewer.is_staff):
            return user.email
        return None


class MeSerializer(UserPublicSerializer):
    """The signed-in user, editable. Role, email, verification and staff flags are not writable here."""

    full_name = serializers.CharField(source="name", required=False, write_only=True, max_length=150)
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True, required=False,
                                           min_value=0)
    skills = serializers.ListField(child=serializers.CharField(max_length=80), required=False, max_length=50)

    class Meta(UserPublicSerializer.Meta):
        fields = [*UserPublicSerializer.Meta.fields, "full_name"]
        read_only_fields = ["id", "email", "role", "user_type", "is_verified", "email_verified", "joined_at"]
        extra_kwargs = {"name": {"required": False}}

    def to_representation(self, user):
        data = super().to_representation(user)
        data["skills"] = [us.skill.name for us in user.user_skills.select_related("skill")]
        data["email"] = user.email
        return data

    def validate_timezone(self, value):
        import zoneinfo

        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError("Unknown time zone.")
        return value


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, min_length=8, max_length=128, style={"input_type": "password"})
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    role = serializers.CharField(required=False, default=Role.CLIENT)
    user_type = serializers.CharField(required=False)

    def validate(self, attrs):
        role = str(attrs.pop("user_type", None) or attrs.get("role") or Role.CLIENT).lower()
        if role not in (Role.CLIENT, Role.FREELANCER):
            raise serializers.ValidationError({"role": ["Role must be client or freelancer."]})
        attrs["role"] = role
        attrs["name"] = (attrs.pop("full_name", "") or attrs.get("name") or "").strip()
        if not attrs["name"]:
            raise serializers.ValidationError({"name": ["This field is required."]})
        attrs["email"] = attrs["email"].strip().lower()
        validate_password(attrs["password"], User(email=attrs["email"], name=attrs["name"]))
        return attrs


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"})


class RefreshSerializer(serializers.Serializer):
    refresh_token = serializers.CharField()


class TokenResponseSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField()
    requires_2fa = serializers.BooleanField()
    user = UserPublicSerializer()


class LoginResponseSerializer(serializers.Serializer):
    """Either the token pair with the user, or (2FA on) `requires_2fa` with the token for the second step."""

    access_token = serializers.CharField(required=False)
    refresh_token = serializers.CharField(required=False)
    token_type = serializers.CharField(required=False)
    requires_2fa = serializers.BooleanField()
    user = UserPublicSerializer(required=False)
    mfa_token = serializers.CharField(required=False)
    temp_token = serializers.CharField(required=False)


class TokenPairSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    errors = serializers.DictField(required=False)


class PersonSummarySerializer(FastReadMixin, serializers.Serializer):
    """`client: {id, name}` beside `client_id`: a person a row names. As a field it reads the row's annotations
    of accounts.selectors.with_person_summaries when a list has them, else the related user."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)

    def get_attribute(self, instance):
        if self.source == "*" or "." in self.source:
            return super().get_attribute(instance)
        return person_summary(instance, self.source)

