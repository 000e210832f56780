"""Every write that matters about people: sign-up, profile, role, status, sessions and the audit log."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.text import slugify

from megilance.api.exceptions import ApplicationError

from . import events
from .models import AuditLog, Role, SessionKind, Skill, User, UserSession
from .requests import client_ip, user_agent

PROFILE_FIELDS = ("name", "bio", "title", "hourly_rate", "location", "timezone", "profile_image_url")


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    user: User | None = None,
    request=None,
    target=None,
    **metadata,
) -> AuditLog:
    """Append one audit row. `actor` did it, `user` is whose account it concerns (defaults to the actor)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditLog.objects.create(
        actor=actor,
        user=user if user is not None else actor,
        action=action,
        target_type=target.__class__.__name__.lower() if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        ip_address=client_ip(request),
        user_agent=user_agent(request),
        metadata={k: (str(v) if not isinstance(v, int | float | bool | type(None) | list | dict) else v)
                  for k, v in metadata.items()},
    )


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str,
    name: str = "",
    role: str = Role.CLIENT,
    request=None,
    **profile,
) -> User:
    """Register a client or freelancer. Admins are made by staff, never by sign-up."""
    email = (email or "").strip().lower()
    if role not in (Role.CLIENT, Role.FREELANCER):
        raise ApplicationError("Role must be client or freelancer.", code="invalid_role",
                               errors={"role": ["Role must be client or freelancer."]})
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError("A user with this email already exists.", code="duplicate_email",
                               errors={"email": ["A user with this email already exists."]})
    user = User.objects.create_user(
        email=email, password=password, name=name.strip(), role=role,
        **{k: v for k, v in profile.items() if k in PROFILE_FIELDS},
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    audit_record(action="user.registered", actor=user, request=request, role=role)
    events.user_registered.send(sender=User, user=user)
    return user


@transaction.atomic
def user_update_profile(*, user: User, data: dict, skills: list[str] | None = None) -> User:
    changed = []
    for field in PROFILE_FIELDS:
        if field in data and getattr(user, field) != data[field]:
            setattr(user, field, data[field])
            changed.append(field)
    if changed:
        user.save(update_fields=[*changed, "updated_at"])
    if skills is not None:
        user_set_skills(user=user, names=skills)
    return user


def _unique_skill_slug(name: str) -> str:
    base = slugify(name)[:80] or "skill"
    candidate, n = base, 1
    while Skill.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def skills_get_or_create(names: list[str]) -> list[Skill]:
    """Find skills by name (case-insensitive), creating the unknown ones. Keeps the given order."""
    result, seen = [], set()
    for raw in names:
        name = " ".join(str(raw).split())[:80]
        if not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        skill = Skill.objects.filter(name__iexact=name).first()
        if skill is None:
            skill = Skill.objects.create(name=name, slug=_unique_skill_slug(name))
        result.append(skill)
    return result


@transaction.atomic
def user_set_skills(*, user: User, names: list[str]) -> None:
    from .models import UserSkill

    skills = skills_get_or_create(names)
    keep = {s.pk for s in skills}
    UserSkill.objects.filter(user=user).exclude(skill_id__in=keep).delete()
    existing = set(UserSkill.objects.filter(user=user).values_list("skill_id", flat=True))
    UserSkill.objects.bulk_create([UserSkill(user=user, skill=s) for s in skills if s.pk not in existing])


@transaction.atomic
def user_change_role(*, user: User, role: str, actor: User | None, request=None) -> User:
    if role not in Role.values:
        raise ApplicationError("Unknown role.", code="invalid_role")
    old = user.role
    if old == role:
        return user
    user.role = role
    user.is_staff = role == Role.ADMIN or user.is_superuser
    user.save(update_fields=["role", "is_staff", "updated_at"])
    audit_record(action="user.role_changed", actor=actor, user=user, request=request, old_role=old, new_role=role)
    events.user_role_changed.send(sender=User, user=user, old_role=old, new_role=role, actor=actor)
    return user


@transaction.atomic
def user_set_active(*, user: User, is_active: bool, actor: User | None, reason: str = "", request=None) -> User:
    """Deactivate (suspend) or reactivate. Deactivating ends every web session and JWT family of the user."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active != is_active:
        user.is_active = is_active
        user.save(update_fields=["is_active", "updated_at"])
    if not is_active:
        sessions_revoke_all(user=user, reason="deactivated")
    audit_record(
        action="user.reactivated" if is_active else "user.deactivated",
        actor=actor, user=user, request=request, reason=reason,
    )
    events.user_status_changed.send(sender=User, user=user, is_active=is_active, actor=actor, reason=reason)
    return user


def session_start(*, user: User, kind: str, request=None, session_key: str = "",
                  second_factor: str = "") -> UserSession:
    session = UserSession.objects.create(
        user=user, kind=kind, session_key=session_key or "",
        ip_address=client_ip(request), user_agent=user_agent(request),
    )
    extra = {"second_factor": second_factor} if second_factor else {}
    audit_record(action="auth.login", actor=user, request=request, kind=kind, session_id=session.pk, **extra)
    events.user_logged_in.send(sender=User, user=user, session=session)
    return session


def _end_web_session(session_key: str) -> None:
    if not session_key:
        return
    engine: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    engine(session_key).delete()


def session_revoke(*, session: UserSession, reason: str = "revoked", request=None, actor=None) -> UserSession:
    """End one session: a web session is deleted, an API session's refresh family stops working."""
    updated = UserSession.objects.filter(pk=session.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason[:100]
    )
    if session.kind == SessionKind.WEB:
        _end_web_session(session.session_key)
    if updated:
        audit_record(action="auth.session_revoked", actor=actor or session.user, user=session.user,
                     request=request, session_id=session.pk, reason=reason)
    session.refresh_from_db()
    return session


def sessions_revoke_all(*, user: User, reason: str = "logout_everywhere", except_session_id=None) -> int:
    sessions = list(UserSession.objects.filter(user=user, revoked_at__isnull=True).exclude(pk=except_session_id))
    UserSession.objects.filter(pk__in=[s.pk for s in sessions]).update(
        revoked_at=timezone.now(), revoked_reason=reason[:100]
    )
    for session in sessions:
        if session.kind == SessionKind.WEB:
            _end_web_session(session.session_key)
    return len(sessions)


def login_check_credentials(*, email: str, password: str, request=None) -> User:
    """Check an email and password for the API door. A failure answers 401."""
    from rest_framework.exceptions import AuthenticationFailed, Throttled

    email = (email or "").strip().lower()
    user = authenticate(request, email=email, password=password) if email and password else None
    if getattr(request, "axes_locked_out", False):
        # django-axes counted too many failures for this account or this address (the web log-in shares the
        # count). The right password does not help until the cool-off ends.
        cooloff = int(settings.AXES_COOLOFF_TIME.total_seconds()) if settings.AXES_COOLOFF_TIME else None
        raise Throttled(wait=cooloff, detail="Too many failed log-ins. Try again later or reset your password.",
                        code="locked_out")
    if user is None:
        # authenticate() sent user_login_failed, whose receiver wrote the audit row.
        raise AuthenticationFailed("Incorrect email or password.", code="invalid_credentials")
    if settings.AXES_ENABLED:
        # The web door resets the failure count through Django's user_logged_in signal; the API sends none.
        from axes.handlers.proxy import AxesProxyHandler

        AxesProxyHandler.update_request(request)
        AxesProxyHandler.user_logged_in(sender=User, request=request, user=user)
    return user


def profile_record_view(*, profile: User, viewer) -> None:
    """Tell listeners that a signed-in person other than the owner opened a public profile (engagement counts it)."""
    if viewer is None or not viewer.is_authenticated or viewer.pk == profile.pk:
        return
    events.profile_viewed.send(sender=User, profile=profile, viewer=viewer)
