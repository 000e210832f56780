"""Domain events of the accounts app. Sent inside the service's transaction."""

from django.dispatch import Signal

user_registered = Signal()  # user
user_logged_in = Signal()  # user, session
user_role_changed = Signal()  # user, old_role, new_role, actor
user_status_changed = Signal()  # user, is_active, actor, reason
profile_viewed = Signal()  # profile, viewer: a signed-in person other than the profile's owner opened it
