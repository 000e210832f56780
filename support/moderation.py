"""Moderation by staff of the Moderation group: suspend and reactivate people, hide projects, remove reviews and
messages, each with a reason, audited and reversible. Users, projects and reviews go through their own apps'
services; messages have no moderation service in engagement, so the soft delete is done here on engagement's
model, looked up by label because support sits below engagement and never imports it."""

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import audit_record, user_set_active
from marketplace.models import Project, Review
from marketplace.services.projects import project_hide, project_unhide
from marketplace.services.reviews import review_remove, review_restore
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden

USER_MODERATE_PERMISSION = "accounts.change_user"
MESSAGE_MODERATE_PERMISSION = "engagement.change_message"


def can_moderate_users(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff
                and user.has_perm(USER_MODERATE_PERMISSION))


def _reason(reason: str, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ApplicationError("Give a reason.", errors={"reason": ["This field is required."]})
    return reason[:300]


def user_suspend(*, user: User, actor: User, reason: str, request=None) -> User:
    """Suspension ends every web session and JWT family of the person (accounts.user_set_active)."""
    _check_user_moderator(actor, user)
    if not user.is_active:
        raise Conflict("This account is already suspended.", code="already_suspended")
    return user_set_active(user=user, is_active=False, actor=actor, reason=_reason(reason), request=request)


def user_reactivate(*, user: User, actor: User, reason: str = "", request=None) -> User:
    _check_user_moderator(actor, user)
    if user.is_active:
        raise Conflict("This account is active.", code="already_active")
    return user_set_active(user=user, is_active=True, actor=actor, reason=_reason(reason, required=False),
                           request=request)


def user_toggle_status(*, user: User, actor: User, reason: str = "", request=None) -> User:
    """The API's toggle-status: suspend an active account, reactivate a suspended one."""
    _check_user_moderator(actor, user)
    return user_set_active(user=user, is_active=not user.is_active, actor=actor,
                           reason=_reason(reason, required=False) or "toggled by staff", request=request)


def _check_user_moderator(actor: User, user: User) -> None:
    if not can_moderate_users(actor):
        raise Forbidden("Only moderators may suspend or reactivate accounts.")
    if actor.pk == user.pk:
        raise ApplicationError("You cannot suspend your own account.", code="self_suspend")
    if user.is_superuser and not actor.is_superuser:
        raise Forbidden("Only a superuser may suspend a superuser.")


def project_moderate_hide(*, project: Project, actor: User, reason: str, request=None) -> Project:
    return project_hide(project=project, actor=actor, reason=reason, request=request)


def project_moderate_unhide(*, project: Project, actor: User, request=None) -> Project:
    return project_unhide(project=project, actor=actor, request=request)


def review_moderate_remove(*, review: Review, actor: User, reason: str, request=None) -> Review:
    return review_remove(review=review, actor=actor, reason=reason, request=request)


def review_moderate_restore(*, review: Review, actor: User, request=None) -> Review:
    return review_restore(review=review, actor=actor, request=request)


def _message_model():
    return apps.get_model("engagement", "Message")


def _check_message_moderator(actor: User) -> None:
    if not (actor is not None and actor.is_active and actor.is_staff
            and actor.has_perm(MESSAGE_MODERATE_PERMISSION)):
        raise Forbidden("Only moderators may remove or restore messages.")


@transaction.atomic
def message_remove(*, message_id: int, actor: User, reason: str, request=None):
    """Take a message out of the conversation (soft delete: the row stays for the record, the thread shows it as
    removed). The reason is kept in flag_reason so the removal can be reviewed and undone."""
    _check_message_moderator(actor)
    reason = _reason(reason)
    message = _message_model().objects.select_for_update(of=("self",)).select_related("sender").get(pk=message_id)
    if message.is_deleted:
        raise Conflict("This message is already removed.", code="already_removed")
    message.is_deleted = True
    message.deleted_at = timezone.now()
    message.is_flagged = True
    message.flag_reason = f"Removed by staff: {reason}"[:200]
    message.save(update_fields=["is_deleted", "deleted_at", "is_flagged", "flag_reason"])
    audit_record(action="message.removed", actor=actor, user=message.sender, request=request, target=message,
                 reason=reason, conversation_id=message.conversation_id)
    return message


@transaction.atomic
def message_restore(*, message_id: int, actor: User, request=None):
    _check_message_moderator(actor)
    message = _message_model().objects.select_for_update(of=("self",)).select_related("sender").get(pk=message_id)
    if not message.is_deleted or not message.flag_reason.startswith("Removed by staff"):
        # A message its sender deleted stays deleted: only staff removals are undone here.
        raise Conflict("This message was not removed by staff.", code="not_removed")
    previous = message.flag_reason
    message.is_deleted = False
    message.deleted_at = None
    message.flag_reason = ""
    message.is_flagged = False
    message.save(update_fields=["is_deleted", "deleted_at", "is_flagged", "flag_reason"])
    audit_record(action="message.restored", actor=actor, user=message.sender, request=request, target=message,
                 previous_reason=previous)
    return message
