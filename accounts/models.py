from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.text import slugify


class Role(models.TextChoices):
    CLIENT = "client", "Client"
    FREELANCER = "freelancer", "Freelancer"
    ADMIN = "admin", "Admin"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", extra.get("role") == Role.ADMIN)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person on MegiLance. Email is the login; staff users have the admin role."""

    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLIENT, db_index=True)
    bio = models.TextField(blank=True)
    title = models.CharField(max_length=150, blank=True)
    hourly_rate = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    location = models.CharField(max_length=120, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    profile_image_url = models.CharField(max_length=500, blank=True)
    is_verified = models.BooleanField(default=False, help_text="Identity checked by staff.")
    email_verified = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Name and title (A), skills (B), bio (C); written by marketplace.search.indexing on PostgreSQL.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        db_table = "users"
        ordering = ["id"]
        indexes = [models.Index(fields=["role", "is_active"])]

    def __str__(self):
        return self.name or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return (self.name or self.email).split(" ")[0]

    @property
    def user_type(self) -> str:
        return self.role

    @property
    def joined_at(self):
        return self.date_joined

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def is_freelancer(self) -> bool:
        return self.role == Role.FREELANCER

    @property
    def display_name(self) -> str:
        return self.name_to_show(self.name, self.email)

    @staticmethod
    def name_to_show(name: str, email: str) -> str:
        """The name, or the e-mail's local part for someone who gave none."""
        return name or email.split("@")[0]

    @property
    def initials(self) -> str:
        parts = [p for p in self.display_name.split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"


class Skill(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True)
    category = models.CharField(max_length=80, blank=True, db_index=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "skills"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:90] or "skill"
        super().save(*args, **kwargs)


class UserSkill(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="user_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="user_skills")
    proficiency_level = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    years_of_experience = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(80)])
    is_verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "user_skills"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="user_skill_unique"),
            models.CheckConstraint(
                condition=models.Q(proficiency_level__gte=1, proficiency_level__lte=5), name="user_skill_level_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.skill}"


class SessionKind(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"


class UserSession(models.Model):
    """One row per log-in, web or API. An API session is a refresh-token family; revoking it kills the family."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(max_length=10, choices=SessionKind.choices)
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=dj_timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        db_table = "user_sessions"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} session {self.pk} of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditLog(models.Model):
    """Append-only record of security, money and staff events."""

    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_actions")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_logs")
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "audit_logs"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.action} at {self.created_at:%Y-%m-%d %H:%M}"


class BillingProfile(models.Model):
    """What a person's invoices say about them: legal name, postal address, tax id. Invoices copy it when they
    are issued, so a later change never rewrites an issued invoice."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="billing_profile")
    legal_name = models.CharField(max_length=200, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 country code.", validators=[
        RegexValidator(r"^[A-Za-z]{2}$", "A two-letter ISO 3166 country code.")])
    tax_id = models.CharField(max_length=50, blank=True, help_text="VAT number or other tax id.")
    billing_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "billing_profiles"

    def __str__(self):
        return f"Billing profile of {self.user_id}"

    def save(self, *args, **kwargs):
        self.country = self.country.upper()
        super().save(*args, **kwargs)

    @classmethod
    def of(cls, user) -> "BillingProfile":
        """The person's saved details, or empty unsaved ones for them (nothing saved yet)."""
        return cls.objects.filter(user=user).first() or cls(user=user)

    def address_lines(self) -> list[str]:
        city_line = " ".join(part for part in (self.postal_code, self.city) if part)
        lines = [self.address_line1, self.address_line2, city_line, self.region, self.country]
        return [line for line in lines if line]
from .privacy_models import DataExportRequest, ExportStatus  # noqa: E402,F401
from .uploads.models import UploadedFile  # noqa: E402,F401
