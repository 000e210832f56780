from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsStaff(BasePermission):
    message = "Staff only."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class ReadOnlyOrAuthenticated(BasePermission):
    """Anyone may read; writes need a signed-in user."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_authenticated)


class HasRole(BasePermission):
    """Use as HasRole.of("client") or HasRole.of("client", "freelancer")."""

    roles: tuple[str, ...] = ()
    message = "Your role may not do this."

    @classmethod
    def of(cls, *roles: str):
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": roles})

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "role", None) in self.roles)
