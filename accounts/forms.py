from django import forms

from .models import Role, User


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: the person's name and whether they hire or work."""

    name = forms.CharField(max_length=150, label="Full name",
                           widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": "Ada Lovelace"}))
    role = forms.ChoiceField(
        choices=[(Role.CLIENT, "I want to hire"), (Role.FREELANCER, "I want to work")],
        widget=forms.RadioSelect, initial=Role.CLIENT, label="I am joining to",
    )

    field_order = ["name", "email", "role", "password1", "password2"]

    def signup(self, request, user):
        """Called by allauth after the user row exists."""


class ProfileForm(forms.ModelForm):
    skills = forms.CharField(required=False, help_text="Comma-separated, e.g. Python, Django, PostgreSQL",
                             widget=forms.TextInput(attrs={"placeholder": "Python, Django, PostgreSQL"}))

    class Meta:
        model = User
        fields = ["name", "title", "bio", "hourly_rate", "location", "timezone", "profile_image_url"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}
        labels = {"profile_image_url": "Profile image URL"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["skills"].initial = ", ".join(
                self.instance.user_skills.select_related("skill").values_list("skill__name", flat=True)
            )
        if not self.instance.is_freelancer:
            del self.fields["hourly_rate"]

    def skill_names(self) -> list[str]:
        return [s.strip() for s in self.cleaned_data.get("skills", "").split(",") if s.strip()]
