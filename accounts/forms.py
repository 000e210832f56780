import zoneinfo
from functools import lru_cache

from django import forms
from django.conf import settings

from .models import Role, User

MAX_SKILLS = 50  # the same limit as PUT /api/auth/me
MAX_SKILL_LENGTH = 80  # Skill.name
MAX_HOURLY_RATE = 10_000


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: the person's name and whether they hire or work."""

    name = forms.CharField(max_length=150, label="Full name",
                           widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": "Ada Lovelace"}))
    role = forms.ChoiceField(
        choices=[(Role.CLIENT, "I want to hire"), (Role.FREELANCER, "I want to work")],
        widget=forms.RadioSelect, initial=Role.CLIENT, label="I am joining to",
    )

    field_order = ["name", "email", "role", "password1", "password2"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Tell us your name.")
        return name

    def signup(self, request, user):
        """Called by allauth after the user row exists."""


@lru_cache(maxsize=1)
def timezone_choices() -> list:
    """Valid IANA zones grouped by region, UTC first, for the profile's time zone select."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for zone in sorted(zoneinfo.available_timezones()):
        region, _, place = zone.partition("/")
        # Skip the legacy aliases (EST5EDT, Etc/GMT+3, US/Pacific...): people pick a city.
        if not place or region in {"Etc", "SystemV", "US", "Canada", "Mexico", "Brazil", "Chile"}:
            continue
        groups.setdefault(region, []).append((zone, zone.replace("_", " ")))
    return [("UTC", "UTC"), *groups.items()]


def valid_timezone(value: str) -> bool:
    return value in zoneinfo.available_timezones()


class TimezoneField(forms.ChoiceField):
    """Any zone Python knows is accepted, even the legacy aliases not listed, so an old value survives a save."""

    def valid_value(self, value):
        return valid_timezone(value)


class ProfileForm(forms.ModelForm):
    skills = forms.CharField(
        required=False, max_length=2000,
        help_text="Comma-separated, e.g. Python, Django, PostgreSQL",
        widget=forms.TextInput(attrs={"placeholder": "Python, Django, PostgreSQL"}),
    )
    timezone = TimezoneField(label="Time zone", choices=timezone_choices,
                             help_text="Deadlines and weekly timesheets are shown in this zone.")
    hourly_rate = forms.DecimalField(
        label="Hourly rate (USD)", required=False, min_value=0, max_value=MAX_HOURLY_RATE, max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal", "placeholder": "65.00"}),
    )
    profile_image_url = forms.URLField(
        label="Profile image URL", required=False, max_length=500, assume_scheme="https",
        help_text="A link to a square picture (https://...).",
    )

    class Meta:
        model = User
        fields = ["name", "title", "bio", "hourly_rate", "location", "timezone", "profile_image_url"]
        labels = {"title": "Headline", "name": "Full name"}
        help_texts = {
            "title": "One line that says what you do, e.g. \u201cDjango developer for fintech\u201d.",
            "bio": "Your experience and the kind of work you are looking for.",
            "location": "City and country.",
        }
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 6}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "location": forms.TextInput(attrs={"placeholder": "Lisbon, Portugal"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.is_freelancer:
            self.fields["skills"].initial = ", ".join(
                self.instance.user_skills.select_related("skill").order_by("id").values_list("skill__name", flat=True)
            )
        self.fields["name"].required = True
        if self.instance.is_freelancer:
            fee = settings.PLATFORM_FEE_PERCENT.normalize()
            self.fields["hourly_rate"].help_text = (
                f"What you charge on hourly contracts. MegiLance keeps {fee:f}% of each payment."
            )
        else:
            # Clients hire for skills per project; their profile has neither skills nor a rate.
            del self.fields["hourly_rate"]
            del self.fields["skills"]
            self.fields["title"].help_text = "One line about you or your company, e.g. \u201cFounder, Brightpath\u201d."
            self.fields["bio"].help_text = "What your company does and the kind of people you hire."
        self.order_fields(["name", "title", "hourly_rate", "location", "timezone", "skills", "bio",
                           "profile_image_url"])

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Tell people your name.")
        return name

    def clean_profile_image_url(self):
        url = self.cleaned_data["profile_image_url"]
        if url and not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("Use a link that starts with https://.")
        return url

    def clean_skills(self):
        names, seen = [], set()
        for raw in self.cleaned_data.get("skills", "").split(","):
            name = " ".join(raw.split())
            if not name or name.lower() in seen:
                continue
            if len(name) > MAX_SKILL_LENGTH:
                raise forms.ValidationError(f"\u201c{name[:20]}\u2026\u201d is too long: a skill has at most "
                                            f"{MAX_SKILL_LENGTH} characters.")
            seen.add(name.lower())
            names.append(name)
        if len(names) > MAX_SKILLS:
            raise forms.ValidationError(f"List at most {MAX_SKILLS} skills; you listed {len(names)}.")
        return ", ".join(names)

    def skill_names(self) -> list[str] | None:
        """The skills to store, or None when this form does not edit skills (clients)."""
        if "skills" not in self.fields:
            return None
        return [s.strip() for s in self.cleaned_data.get("skills", "").split(",") if s.strip()]
