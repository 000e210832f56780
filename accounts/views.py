from dataclasses import dataclass
from decimal import Decimal

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from megilance import money

from . import selectors, services
from .forms import ProfileForm
from .models import User


def home(request):
    """The product explained. Fee and auto-release numbers come from settings so the page never promises others."""
    fee = settings.PLATFORM_FEE_PERCENT
    example = Decimal("1000.00")
    return render(request, "home.html", {
        "fee_percent": f"{fee.normalize():f}",
        "auto_release_days": settings.ESCROW_AUTO_RELEASE_DAYS,
        "example_amount": example,
        "example_fee": money.percent_of(example, fee),
        "example_net": example - money.percent_of(example, fee),
    })


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool
    url: str
    key: str


def profile_checklist(user: User) -> list[ChecklistItem]:
    """What a person still has to do before others trust the profile (shown on the dashboard)."""
    profile_url = reverse("profile-edit")
    items = [
        ChecklistItem("Add your full name", bool(user.name), profile_url, "name"),
        ChecklistItem("Write a one-line headline", bool(user.title), profile_url, "title"),
        ChecklistItem("Tell people about yourself" if user.is_freelancer else "Describe your company",
                      bool(user.bio), profile_url, "bio"),
    ]
    if user.is_freelancer:
        items += [
            ChecklistItem("List your skills", user.user_skills.exists(), profile_url, "skills"),
            ChecklistItem("Set your hourly rate", user.hourly_rate is not None, profile_url, "hourly_rate"),
        ]
    items += [
        ChecklistItem("Add a profile picture", bool(user.profile_image_url), profile_url, "picture"),
        ChecklistItem("Confirm your email address", user.email_verified, reverse("account_email"), "email"),
        ChecklistItem("Turn on two-factor authentication", is_mfa_enabled(user), reverse("mfa_index"), "mfa"),
    ]
    return items


@login_required
def dashboard(request):
    return render(request, "accounts/dashboard.html")


@login_required
def profile_edit(request):
    user = request.user
    # The form validates against its own copy: a rejected edit must not leak into the page header (which shows
    # request.user), and the service compares the new values with the stored row.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields if field in form.cleaned_data}
        services.user_update_profile(user=user, data=data, skills=form.skill_names())
        messages.success(request, "Your profile was saved.")
        return redirect("profile-edit")
    return render(request, "accounts/profile_edit.html", {"form": form})


def profile_detail(request, pk: int):
    person = get_object_or_404(selectors.user_public_list(viewer=request.user), pk=pk)
    services.profile_record_view(profile=person, viewer=request.user)
    return render(request, "accounts/profile_detail.html", {"person": person})
