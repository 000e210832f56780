"""Projects: posted by clients, published, edited, cancelled, hidden by staff, deleted while nobody bid yet.

`status` moves only through these functions. Every change that can alter whether a project counts for its
category (status, category, visibility, hiding, deletion) recounts the categories involved.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.guards import require_verified_email
from accounts.models import User
from accounts.services import audit_record, skills_get_or_create
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden
from megilance.money import quantize

from .. import events
from ..models import (
    BudgetType,
    Category,
    ExperienceLevel,
    Project,
    ProjectStatus,
    ProjectTag,
    Proposal,
    ProposalStatus,
    Visibility,
)
from .catalog import categories_recount, project_tags_set, tags_recount

# Fields a client may change with project_update; status, client and counters are not among them.
EDITABLE_FIELDS = (
    "title", "description", "category", "budget_type", "budget_min", "budget_max", "currency",
    "experience_level", "estimated_duration", "deadline", "visibility",
)
FINISHED = (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)


def _invalid(field: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, errors={field: [message]})


def _check_values(*, title, description, budget_type, budget_min, budget_max, experience_level, visibility):
    if not (title or "").strip():
        raise _invalid("title", "A project needs a title.")
    if not (description or "").strip():
        raise _invalid("description", "A project needs a description.")
    if budget_type not in BudgetType.values:
        raise _invalid("budget_type", "Budget type is fixed or hourly.")
    if experience_level not in ExperienceLevel.values:
        raise _invalid("experience_level", "Experience level is entry, intermediate or expert.")
    if visibility not in Visibility.values:
        raise _invalid("visibility", "Visibility is public, invite_only or private.")
    for field, value in (("budget_min", budget_min), ("budget_max", budget_max)):
        if value is not None and value < 0:
            raise _invalid(field, "A budget cannot be negative.")
    if budget_min is not None and budget_max is not None and budget_min > budget_max:
        raise _invalid("budget_max", "The maximum budget must be at least the minimum budget.",
                       code="budget_range")


def _money(value) -> Decimal | None:
    return None if value is None else quantize(value)


@transaction.atomic
def project_create(
    *,
    client: User,
    title: str,
    description: str,
    category: Category | None = None,
    skills: list[str] | None = None,
    tags: list[str] | None = None,
    budget_type: str = BudgetType.FIXED,
    budget_min=None,
    budget_max=None,
    currency: str = "USD",
    experience_level: str = ExperienceLevel.INTERMEDIATE,
    estimated_duration: str = "",
    deadline: date | None = None,
    visibility: str = Visibility.PUBLIC,
    publish: bool = True,
) -> Project:
    """Post a project. With `publish` (the default) it opens for bids at once, else it stays a draft."""
    if client is None or not client.is_client:
        raise Forbidden("Only clients post projects.")
    require_verified_email(client)
    budget_min, budget_max = _money(budget_min), _money(budget_max)
    _check_values(title=title, description=description, budget_type=budget_type, budget_min=budget_min,
                  budget_max=budget_max, experience_level=experience_level, visibility=visibility)
    project = Project.objects.create(
        client=client,
        title=title.strip(),
        description=description.strip(),
        category=category,
        budget_type=budget_type,
        budget_min=budget_min,
        budget_max=budget_max,
        currency=(currency or "USD").upper(),
        experience_level=experience_level,
        estimated_duration=estimated_duration or "",
        deadline=deadline,
        visibility=visibility,
        status=ProjectStatus.DRAFT,
    )
    if skills:
        project.skills.set(skills_get_or_create(skills))
    if tags:
        project_tags_set(project=project, names=tags)
    if publish:
        project = project_publish(project=project, actor=client)
    return project


@transaction.atomic
def project_update(*, project: Project, actor: User, skills: list[str] | None = None,
                   tags: list[str] | None = None, **data) -> Project:
    """Change the client's own project. Unknown keys are refused, so status and counters stay out of reach."""
    if actor is None or project.client_id != actor.pk:
        raise Forbidden("Only the project's client may edit it.")
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.",
                               code="not_editable")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status in FINISHED:
        raise ApplicationError("A completed or cancelled project cannot be edited.", code="project_closed")
    for field in ("budget_min", "budget_max"):
        if field in data:
            data[field] = _money(data[field])
    merged = {field: data.get(field, getattr(project, field)) for field in EDITABLE_FIELDS}
    _check_values(title=merged["title"], description=merged["description"], budget_type=merged["budget_type"],
                  budget_min=merged["budget_min"], budget_max=merged["budget_max"],
                  experience_level=merged["experience_level"], visibility=merged["visibility"])
    old_category_id = project.category_id
    changed = []
    for field, value in data.items():
        if field in ("title", "description") and isinstance(value, str):
            value = value.strip()
        if field == "currency":
            value = (value or "USD").upper()
        if getattr(project, field) != value:
            setattr(project, field, value)
            changed.append(field)
    if changed:
        project.save(update_fields=[*changed, "updated_at"])
    if skills is not None:
        project.skills.set(skills_get_or_create(skills))
    if tags is not None:
        project_tags_set(project=project, names=tags)
    if {"category", "visibility"} & set(changed):
        categories_recount(category_ids=[old_category_id, project.category_id])
    if changed or skills is not None or tags is not None:
        events.project_updated.send(sender=Project, project=project)
    return project


def _set_status(project: Project, status: str, **extra) -> Project:
    project.status = status
    for field, value in extra.items():
        setattr(project, field, value)
    project.save(update_fields=["status", *extra, "updated_at"])
    categories_recount(category_ids=[project.category_id])
    return project


@transaction.atomic
def project_publish(*, project: Project, actor: User) -> Project:
    """Open a draft (or a project on hold) for bids."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if actor is None or project.client_id != actor.pk:
        raise Forbidden("Only the project's client may publish it.")
    require_verified_email(actor)
    if project.status == ProjectStatus.OPEN:
        raise Conflict("This project is already open.", code="already_open")
    if project.status not in (ProjectStatus.DRAFT, ProjectStatus.ON_HOLD):
        raise ApplicationError("Only a draft or a project on hold can be opened.", code="invalid_status")
    _set_status(project, ProjectStatus.OPEN, published_at=project.published_at or timezone.now())
    events.project_published.send(sender=Project, project=project)
    return project


@transaction.atomic
def project_cancel(*, project: Project, actor: User, reason: str = "") -> Project:
    """Withdraw a project nobody works on yet. Bids stay as they are, and the project takes no more."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if actor is None or project.client_id != actor.pk:
        raise Forbidden("Only the project's client may cancel it.")
    if project.status == ProjectStatus.CANCELLED:
        raise Conflict("This project is already cancelled.", code="already_cancelled")
    if project.status not in (ProjectStatus.DRAFT, ProjectStatus.OPEN, ProjectStatus.ON_HOLD):
        raise ApplicationError("A project with a contract is ended through its contract.", code="invalid_status")
    _set_status(project, ProjectStatus.CANCELLED)
    events.project_updated.send(sender=Project, project=project)
    return project


def _check_moderator(actor: User) -> None:
    if actor is None or not actor.is_active or not actor.has_perm("marketplace.change_project"):
        raise Forbidden("Only moderators may hide or show projects.")


@transaction.atomic
def project_hide(*, project: Project, actor: User, reason: str, request=None) -> Project:
    """Staff moderation: take a project out of every public list. Audited."""
    _check_moderator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", "Give a reason for hiding the project.")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.is_hidden:
        raise Conflict("This project is already hidden.", code="already_hidden")
    project.is_hidden = True
    project.hidden_reason = reason[:300]
    project.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
    categories_recount(category_ids=[project.category_id])
    audit_record(action="project.hidden", actor=actor, user=project.client, request=request, target=project,
                 reason=reason)
    events.project_hidden.send(sender=Project, project=project, actor=actor, reason=reason)
    return project


@transaction.atomic
def project_unhide(*, project: Project, actor: User, request=None) -> Project:
    _check_moderator(actor)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not project.is_hidden:
        raise Conflict("This project is not hidden.", code="not_hidden")
    previous_reason = project.hidden_reason
    project.is_hidden = False
    project.hidden_reason = ""
    project.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
    categories_recount(category_ids=[project.category_id])
    audit_record(action="project.unhidden", actor=actor, user=project.client, request=request, target=project,
                 previous_reason=previous_reason)
    events.project_updated.send(sender=Project, project=project)
    return project


@transaction.atomic
def project_delete(*, project: Project, actor: User) -> None:
    """Delete a project nobody has bid on. Once there are proposals, the client cancels it instead, so that
    freelancers keep the record of what they bid on."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if actor is None or project.client_id != actor.pk:
        raise Forbidden("Only the project's client may delete it.")
    if Proposal.objects.filter(project=project).exists() or project.contracts.exists():
        raise ApplicationError("This project has proposals; cancel it instead of deleting it.",
                               code="has_proposals")
    category_id = project.category_id
    tag_ids = list(ProjectTag.objects.filter(project=project).values_list("tag_id", flat=True))
    project.delete()
    categories_recount(category_ids=[category_id])
    tags_recount(tag_ids=tag_ids)


def project_recount_proposals(*, project_id: int) -> None:
    """`proposal_count` counts the bids a project received and still has: every proposal but withdrawn ones."""
    counted = (
        Proposal.objects.filter(project_id=OuterRef("pk")).exclude(status=ProposalStatus.WITHDRAWN)
        .order_by().values("project_id").annotate(n=Count("pk")).values("n")
    )
    Project.objects.filter(pk=project_id).update(
        proposal_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    )


def project_record_view(*, project: Project, viewer) -> None:
    """Tell listeners that a signed-in person other than the owner opened the project (engagement counts it)."""
    if viewer is None or not viewer.is_authenticated or viewer.pk == project.client_id:
        return
    events.project_viewed.send(sender=Project, project=project, viewer=viewer)
