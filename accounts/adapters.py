from allauth.account.adapter import DefaultAccountAdapter

from . import events
from .models import Role, User
from .services import audit_record


class AccountAdapter(DefaultAccountAdapter):
    """Web sign-up through allauth: stores name and role, and writes the same audit row as the API."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.name = data.get("name", "").strip()
        role = data.get("role")
        user.role = role if role in (Role.CLIENT, Role.FREELANCER) else Role.CLIENT
        user.is_staff = False
        if commit:
            user.save()
            audit_record(action="user.registered", actor=user, request=request, role=user.role, door="web")
            # The same event as the API's sign-up: the welcome email and every other reaction listen to it.
            events.user_registered.send(sender=User, user=user)
        return user
