from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from . import selectors, services
from .forms import ProfileForm


def home(request):
    return render(request, "home.html")


@login_required
def dashboard(request):
    return render(request, "accounts/dashboard.html")


@login_required
def profile_edit(request):
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields if field in form.cleaned_data}
        # The form validated against the user in memory; reload so the service compares with the stored row.
        user.refresh_from_db()
        services.user_update_profile(user=user, data=data, skills=form.skill_names())
        messages.success(request, "Your profile was saved.")
        return redirect("profile-edit")
    return render(request, "accounts/profile_edit.html", {"form": form})


def profile_detail(request, pk: int):
    person = get_object_or_404(selectors.user_public_list(viewer=request.user), pk=pk)
    return render(request, "accounts/profile_detail.html", {"person": person})
