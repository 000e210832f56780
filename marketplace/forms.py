"""Forms of the marketplace pages. They validate and shape input; the services apply the business rules."""

from decimal import Decimal

from django import forms

from .models import (
    BudgetType,
    Category,
    ExperienceLevel,
    Project,
    ProjectStatus,
    Visibility,
)

MONEY_INPUT = {"step": "0.01", "min": "0", "inputmode": "decimal"}


def split_names(value: str) -> list[str]:
    """'React, Node.js ,react' -> ['React', 'Node.js'] (case-insensitive duplicates dropped, order kept)."""
    names, seen = [], set()
    for raw in (value or "").split(","):
        name = " ".join(raw.split())
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def category_choices(empty_label: str) -> list:
    """Active categories grouped under their parent, so a select on a 390px phone stays readable."""
    categories = list(Category.objects.filter(is_active=True).order_by("sort_order", "name"))
    children: dict[int, list[Category]] = {}
    for category in categories:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
    grouped: list = [("", empty_label)]
    for top in (c for c in categories if c.parent_id is None):
        options = [(str(top.pk), f"{top.name} (general)")]
        options += [(str(child.pk), child.name) for child in children.get(top.pk, [])]
        grouped.append((top.name, options))
    return grouped


class ProjectFilterForm(forms.Form):
    """The filters of the project browser; every field is optional and bad values are ignored, never a 500."""

    SORTS = [("newest", "Newest first"), ("budget_high", "Highest budget"), ("budget_low", "Lowest budget"),
             ("fewest_proposals", "Fewest proposals")]

    q = forms.CharField(required=False, label="Search", max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Search projects"}))
    category = forms.ChoiceField(required=False, label="Category")
    budget_type = forms.ChoiceField(required=False, label="Budget type",
                                    choices=[("", "Any budget type"), *BudgetType.choices])
    experience_level = forms.ChoiceField(required=False, label="Experience",
                                         choices=[("", "Any experience"), *ExperienceLevel.choices])
    skills = forms.CharField(required=False, label="Skills", max_length=300,
                             widget=forms.TextInput(attrs={"placeholder": "e.g. Django, React"}))
    budget_min = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=2,
                                    label="Min budget", widget=forms.NumberInput(attrs=MONEY_INPUT))
    sort = forms.ChoiceField(required=False, choices=SORTS, label="Sort by")

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        options = [("", "All categories")]
        for top in categories or []:
            options.append((top.slug, top.name))
            options.extend((child.slug, f"— {child.name}") for child in top.active_children)
        self.fields["category"].choices = options

    def skill_names(self) -> list[str]:
        return split_names(self.cleaned_data.get("skills", "")) if self.is_valid() else []


class ProjectForm(forms.ModelForm):
    skills = forms.CharField(
        required=False, max_length=500,
        help_text="Comma-separated. New skills are added to the catalogue.",
        widget=forms.TextInput(attrs={"placeholder": "Django, PostgreSQL, REST APIs"}),
    )
    tags = forms.CharField(
        required=False, max_length=300, help_text="Optional, comma-separated: e.g. dashboard, long-term",
        widget=forms.TextInput(attrs={"placeholder": "dashboard, long-term"}),
    )
    category = forms.ChoiceField(required=False)

    class Meta:
        model = Project
        fields = ["title", "description", "category", "budget_type", "budget_min", "budget_max",
                  "experience_level", "estimated_duration", "deadline", "visibility"]
        widgets = {
            "title": forms.TextInput(attrs={"placeholder": "e.g. Build a React dashboard for our delivery data"}),
            "description": forms.Textarea(attrs={"rows": 8, "placeholder": (
                "What should be built, what exists already, what does done look like?")}),
            "budget_type": forms.RadioSelect,
            "budget_min": forms.NumberInput(attrs=MONEY_INPUT),
            "budget_max": forms.NumberInput(attrs=MONEY_INPUT),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "estimated_duration": forms.TextInput(attrs={"placeholder": "e.g. 3-4 weeks"}),
        }
        labels = {"budget_min": "Budget from (USD)", "budget_max": "Budget up to (USD)"}
        help_texts = {"budget_min": "For hourly projects: the hourly rate range."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices("Choose a category")
        self.fields["visibility"].choices = [(Visibility.PUBLIC, "Public: every freelancer can find it"),
                                             (Visibility.PRIVATE, "Private: only you can see it")]
        if self.instance.pk:
            self.fields["skills"].initial = ", ".join(s.name for s in self.instance.skills.all())
            self.fields["tags"].initial = ", ".join(t.name for t in self.instance.tags.all())
            if self.instance.category_id:
                self.initial["category"] = str(self.instance.category_id)

    def clean_category(self):
        value = self.cleaned_data.get("category")
        if not value:
            return None
        category = Category.objects.filter(pk=value, is_active=True).first()
        if category is None:
            raise forms.ValidationError("Choose one of the listed categories.")
        return category

    def clean(self):
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and high < low:
            self.add_error("budget_max", "The upper budget must be at least the lower one.")
        return data

    def service_data(self) -> dict:
        """The fields the project services take, with skills and tags as lists of names."""
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["skills"] = split_names(self.cleaned_data.get("skills", ""))
        data["tags"] = split_names(self.cleaned_data.get("tags", ""))
        return data


class ProposalForm(forms.Form):
    cover_letter = forms.CharField(
        min_length=50, max_length=10000,
        widget=forms.Textarea(attrs={"rows": 7, "placeholder": (
            "Why you? Mention similar work, how you would approach it and what you need from the client.")}),
        help_text="At least 50 characters.",
    )
    bid_amount = forms.DecimalField(required=False, min_value=Decimal("0.01"), max_digits=14, decimal_places=2,
                                    label="Your bid (USD)", widget=forms.NumberInput(attrs=MONEY_INPUT))
    estimated_hours = forms.DecimalField(required=False, min_value=Decimal("0.25"), max_digits=8, decimal_places=2,
                                         label="Estimated hours",
                                         widget=forms.NumberInput(attrs={"step": "0.5", "min": "0"}))
    hourly_rate = forms.DecimalField(required=False, min_value=Decimal("0.01"), max_digits=10, decimal_places=2,
                                     label="Hourly rate (USD)", widget=forms.NumberInput(attrs=MONEY_INPUT))
    availability = forms.CharField(required=False, max_length=100,
                                   widget=forms.TextInput(attrs={"placeholder": "e.g. Can start Monday, 30 h/week"}))

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        if project is not None and project.budget_type == BudgetType.HOURLY:
            self.fields["bid_amount"].help_text = "Leave empty to bid hours × rate."
        else:
            self.fields["bid_amount"].help_text = "Or give estimated hours and an hourly rate."

    def clean(self):
        data = super().clean()
        has_bid = data.get("bid_amount") is not None
        has_parts = data.get("estimated_hours") is not None and data.get("hourly_rate") is not None
        if not has_bid and not has_parts and not self.errors:
            raise forms.ValidationError("Give a bid amount, or estimated hours and an hourly rate.")
        return data

    def service_data(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"placeholder": "e.g. Design approved"}))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    amount = forms.DecimalField(min_value=Decimal("0.01"), max_digits=14, decimal_places=2, label="Amount (USD)",
                                widget=forms.NumberInput(attrs=MONEY_INPUT))
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class MilestoneSubmitForm(forms.Form):
    deliverables = forms.CharField(
        max_length=10000, label="What you deliver",
        widget=forms.Textarea(attrs={"rows": 4,
                                     "placeholder": "Links, files, notes on what changed and how to check it"}),
    )


class MilestoneRejectForm(forms.Form):
    feedback = forms.CharField(
        max_length=5000, label="What needs to change",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Be specific so the work can be fixed quickly"}),
    )


RATING_CHOICES = [(5, "5 – Excellent"), (4, "4 – Good"), (3, "3 – Fair"), (2, "2 – Poor"), (1, "1 – Bad")]
OPTIONAL_RATING = [("", "—"), *RATING_CHOICES]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(choices=RATING_CHOICES, coerce=int, label="Overall rating",
                                    widget=forms.RadioSelect)
    quality = forms.TypedChoiceField(choices=OPTIONAL_RATING, coerce=int, empty_value=None, required=False)
    communication = forms.TypedChoiceField(choices=OPTIONAL_RATING, coerce=int, empty_value=None, required=False)
    timeliness = forms.TypedChoiceField(choices=OPTIONAL_RATING, coerce=int, empty_value=None, required=False)
    value = forms.TypedChoiceField(choices=OPTIONAL_RATING, coerce=int, empty_value=None, required=False)
    comment = forms.CharField(required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4, "placeholder": "How was working together?"}))

    def service_data(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


class FreelancerFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search",
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, title or bio"}))
    skills = forms.CharField(required=False, max_length=300, label="Skills",
                             widget=forms.TextInput(attrs={"placeholder": "e.g. Figma, Flutter"}))
    max_rate = forms.DecimalField(required=False, min_value=0, max_digits=10, decimal_places=2,
                                  label="Max rate ($/h)", widget=forms.NumberInput(attrs=MONEY_INPUT))
    min_rating = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Rating",
                                        choices=[("", "Any rating"), (4, "4★ and up"), (3, "3★ and up")])

    def skill_names(self) -> list[str]:
        return split_names(self.cleaned_data.get("skills", "")) if self.is_valid() else []


class ReasonForm(forms.Form):
    """Staff give a reason for a moderation action; it is written to the audit log."""

    reason = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"size": 60}))


CLIENT_PROJECT_TABS = [("", "All"), (ProjectStatus.OPEN, "Open"), (ProjectStatus.DRAFT, "Drafts"),
                       (ProjectStatus.IN_PROGRESS, "In progress"), (ProjectStatus.COMPLETED, "Completed")]
