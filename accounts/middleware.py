from django.contrib.auth import logout

from .models import UserSession

SESSION_FIELD = "user_session_id"


class UserSessionMiddleware:
    """Ends a web session whose user_sessions row was revoked (log out everywhere, deactivation)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            sid = request.session.get(SESSION_FIELD)
            if sid is not None:
                session = UserSession.objects.filter(pk=sid).only("revoked_at", "user_id").first()
                if session is None or session.revoked_at is not None or session.user_id != user.pk:
                    logout(request)
                else:
                    user.current_session = session
        return self.get_response(request)
