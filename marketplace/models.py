from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Skill

MONEY = {"max_digits": 14, "decimal_places": 2}


class Category(models.Model):
    """A node of the category tree. `project_count` counts the open, visible projects filed directly under it."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=110, unique=True)
    description = models.TextField(blank=True)
    icon = models.CharField(max_length=50, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    project_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "categories"
        ordering = ["sort_order", "name"]
        verbose_name_plural = "categories"
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="category_name_unique_in_parent")]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:110]
        super().save(*args, **kwargs)


class TagType(models.TextChoices):
    PROJECT = "project", "Project"
    SKILL = "skill", "Skill"


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    type = models.CharField(max_length=10, choices=TagType.choices, default=TagType.PROJECT)
    usage_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "tags"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:60]
        super().save(*args, **kwargs)


class BudgetType(models.TextChoices):
    FIXED = "fixed", "Fixed price"
    HOURLY = "hourly", "Hourly"


class ExperienceLevel(models.TextChoices):
    ENTRY = "entry", "Entry"
    INTERMEDIATE = "intermediate", "Intermediate"
    EXPERT = "expert", "Expert"


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    ON_HOLD = "on_hold", "On hold"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    INVITE_ONLY = "invite_only", "Invite only"
    PRIVATE = "private", "Private"


class Project(models.Model):
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(max_length=200)
    description = models.TextField()
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects")
    skills = models.ManyToManyField(Skill, blank=True, related_name="projects", db_table="project_skills")
    tags = models.ManyToManyField("Tag", blank=True, through="ProjectTag", related_name="projects")
    budget_type = models.CharField(max_length=10, choices=BudgetType.choices, default=BudgetType.FIXED)
    budget_min = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    budget_max = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, default="USD")
    experience_level = models.CharField(max_length=20, choices=ExperienceLevel.choices,
                                        default=ExperienceLevel.INTERMEDIATE)
    estimated_duration = models.CharField(max_length=100, blank=True)
    deadline = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.OPEN)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    is_hidden = models.BooleanField(default=False, help_text="Hidden by staff (moderation).")
    hidden_reason = models.CharField(max_length=300, blank=True)
    proposal_count = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Title (A), skills and tags (B), description (C); written by marketplace.search.indexing on PostgreSQL.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        db_table = "projects"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["client", "-created_at"]),
            models.Index(fields=["category", "status"]),
            # Newest first over every project: a signed-in list (public projects plus the viewer's own and those
            # they bid on) and the staff list walk it and stop after one page.
            models.Index(fields=["-created_at", "-id"], name="projects_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_max__gte=models.F("budget_min")),
                name="project_budget_min_le_max",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"/projects/{self.pk}/"

    @property
    def is_open(self) -> bool:
        return self.status == ProjectStatus.OPEN and not self.is_hidden


class ProjectTag(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="project_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="project_tags")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "project_tags"
        constraints = [models.UniqueConstraint(fields=["project", "tag"], name="project_tag_unique")]

    def __str__(self):
        return f"{self.project_id}:{self.tag_id}"


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    SHORTLISTED = "shortlisted", "Shortlisted"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


LIVE_PROPOSAL_STATUSES = (ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED, ProposalStatus.ACCEPTED)


class Proposal(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="proposals")
    # Indexed below with the project: "the projects this freelancer bid on" is then read from the index alone.
    freelancer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals",
                                   db_index=False)
    # The project's client, copied when the proposal is made (a project never changes hands), so that "proposals
    # I sent or received" is two index scans on this table rather than a join to projects.
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals_received",
                               editable=False)
    cover_letter = models.TextField(validators=[MinLengthValidator(50)])
    bid_amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    estimated_hours = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True,
                                          validators=[MinValueValidator(0)])
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True,
                                      validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, default="USD")
    availability = models.CharField(max_length=100, blank=True)
    attachments = models.JSONField(default=list, blank=True)
    milestones = models.JSONField(default=list, blank=True,
                                  help_text="Proposed milestones: [{title, description, amount, due_date}]")
    status = models.CharField(max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "proposals"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["freelancer", "-created_at"]),
            models.Index(fields=["freelancer", "project"], name="proposals_freelancer_bids_idx"),
            models.Index(fields=["client", "-created_at"]),
        ]
        constraints = [
            # One live proposal per freelancer per project; a withdrawn or rejected one may be followed by another.
            models.UniqueConstraint(
                fields=["project", "freelancer"],
                condition=Q(status__in=["submitted", "shortlisted", "accepted"]),
                name="proposal_one_live_per_freelancer",
            ),
        ]

    def __str__(self):
        return f"Proposal {self.pk} by {self.freelancer} on {self.project}"

    def save(self, *args, **kwargs):
        if self.client_id is None and self.project_id is not None:
            self.client_id = self.project.client_id
        super().save(*args, **kwargs)


class ContractType(models.TextChoices):
    FIXED = "fixed", "Fixed price"
    HOURLY = "hourly", "Hourly"


class ContractStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    DISPUTED = "disputed", "Disputed"


class Contract(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="contracts")
    proposal = models.OneToOneField(Proposal, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="contract")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="client_contracts")
    freelancer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="freelancer_contracts")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    contract_type = models.CharField(max_length=10, choices=ContractType.choices, default=ContractType.FIXED)
    amount = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True,
                                      validators=[MinValueValidator(0)])
    weekly_limit_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True,
                                             validators=[MinValueValidator(0), MaxValueValidator(168)])
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=20, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "contracts"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "status"]),
            models.Index(fields=["freelancer", "status"]),
        ]

    def __str__(self):
        return self.title

    def is_party(self, user) -> bool:
        return user is not None and user.pk in (self.client_id, self.freelancer_id)


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    FUNDED = "funded", "Funded"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Paid"


class Milestone(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, default="USD")
    due_date = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING)
    deliverables = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)
    feedback = models.TextField(blank=True)
    funded_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "milestones"
        ordering = ["contract_id", "order", "id"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.title} ({self.contract})"


class PortfolioItem(models.Model):
    freelancer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="portfolio_items")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    image_url = models.CharField(max_length=500, blank=True)
    images = models.JSONField(default=list, blank=True)
    project_url = models.URLField(blank=True)
    skills = models.JSONField(default=list, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "portfolio_items"
        ordering = ["freelancer_id", "sort_order", "-created_at"]

    def __str__(self):
        return self.title


RATING = [MinValueValidator(1), MaxValueValidator(5)]


class Review(models.Model):
    """Double-blind: `visible_at` is set when the other side reviews too, or 14 days after the first review."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_given")
    reviewee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="reviews_received")
    rating = models.PositiveSmallIntegerField(validators=RATING)
    quality = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    communication = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    timeliness = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    value = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    comment = models.TextField(blank=True)
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    visible_at = models.DateTimeField(db_index=True)
    is_removed = models.BooleanField(default=False)
    removed_reason = models.CharField(max_length=300, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reviews"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["reviewee", "visible_at"])]
        constraints = [
            models.UniqueConstraint(fields=["contract", "reviewer"], name="review_one_per_side"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_5"),
        ]

    def __str__(self):
        return f"{self.rating}★ for {self.reviewee} on {self.contract}"

    @property
    def is_visible(self) -> bool:
        return not self.is_removed and self.visible_at <= timezone.now()


class TimeEntryStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    INVOICED = "invoiced", "Invoiced"


class TimeEntry(models.Model):
    """Time a freelancer spent on an hourly contract. It belongs to the UTC week (Monday) in which it starts;
    `amount` is duration x rate, rounded to the cent, and becomes money only once approved and invoiced."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="time_entries")
    start_time = models.DateTimeField()
    end_time = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(default=0)
    description = models.TextField(blank=True)
    billable = models.BooleanField(default=True)
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    amount = models.DecimalField(**MONEY, default=0)
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=20, choices=TimeEntryStatus.choices, default=TimeEntryStatus.DRAFT)
    week_start = models.DateField(help_text="Monday (UTC) of the week the entry starts in.")
    screenshots = models.JSONField(default=list, blank=True, help_text="Storage keys of optional screenshots.")
    is_manual = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="time_entries_reviewed")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    auto_approved = models.BooleanField(default=False)
    rejection_reason = models.TextField(blank=True)
    invoiced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "time_entries"
        ordering = ["-start_time", "-id"]
        verbose_name_plural = "time entries"
        indexes = [
            models.Index(fields=["contract", "week_start", "status"]),
            models.Index(fields=["user", "-start_time"]),
            models.Index(fields=["status", "week_start"]),
        ]
        constraints = [
            # One timer at a time per freelancer and contract; the partial index also wins the race of two starts.
            models.UniqueConstraint(fields=["user", "contract"], condition=Q(status="running"),
                                    name="time_entry_one_running_per_contract"),
            models.CheckConstraint(condition=Q(end_time__isnull=True) | Q(end_time__gte=models.F("start_time")),
                                   name="time_entry_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.duration_minutes} min on {self.contract_id} ({self.status})"

    @property
    def hours(self):
        from decimal import ROUND_HALF_UP, Decimal

        return (Decimal(self.duration_minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class WorkLog(models.Model):
    """The freelancer's daily note on a contract: what was done, what blocks, how long. The client reads it."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="work_logs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="work_logs")
    date = models.DateField()
    hours_worked = models.DecimalField(max_digits=5, decimal_places=2,
                                       validators=[MinValueValidator(0), MaxValueValidator(24)])
    tasks_completed = models.TextField(blank=True)
    blockers = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "work_logs"
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["contract", "user", "date"], name="work_log_one_per_day")]

    def __str__(self):
        return f"Work log {self.date} on contract {self.contract_id}"
