from rest_framework import serializers

from .. import storage
from ..models import UploadBucket, UploadedFile, UploadKind


class UploadedFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()
    variants = serializers.SerializerMethodField()

    class Meta:
        model = UploadedFile
        fields = ["id", "kind", "status", "original_name", "content_type", "size", "sha256", "target_type",
                  "target_id", "download_url", "public_url", "variants", "created_at", "confirmed_at"]
        read_only_fields = fields

    def get_download_url(self, obj) -> str | None:
        return obj.download_path if obj.status == "clean" else None

    def get_public_url(self, obj) -> str | None:
        return storage.public_url(obj.object_key) if obj.is_public else None

    def get_variants(self, obj) -> dict[str, str]:
        if not obj.is_public:
            return {}
        return {name: storage.public_url(key) for name, key in obj.variants.items()}


class PresignQuerySerializer(serializers.Serializer):
    object_key = serializers.CharField(required=False, allow_blank=True, max_length=300)
    bucket = serializers.ChoiceField(choices=UploadBucket.choices, required=False, default=UploadBucket.UPLOADS)
    expiration = serializers.IntegerField(required=False, min_value=60)
    purpose = serializers.ChoiceField(choices=[c for c in UploadKind.choices if c[0] != "support_attachment"],
                                      required=False)


class PresignResponseSerializer(serializers.Serializer):
    url = serializers.CharField()
    fields = serializers.DictField(child=serializers.CharField())
    object_key = serializers.CharField()
    expiration = serializers.IntegerField()
    method = serializers.CharField()


class ConfirmSerializer(serializers.Serializer):
    object_key = serializers.CharField(max_length=500)
    purpose = serializers.ChoiceField(choices=[c for c in UploadKind.choices if c[0] != "support_attachment"])
    target_id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class DirectUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    target_id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class IncomingUploadSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=500)
    token = serializers.CharField(max_length=2000)
    file = serializers.FileField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(required=False)
