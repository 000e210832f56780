"""Proposals: freelancers bid on open projects; the project's client shortlists, rejects or accepts one bid.

Accepting creates the contract. The project row is the lock for everything that depends on "is this project
still taking bids": submit, accept and the duplicate check all run holding it, so a bid cannot slip in after
an acceptance and two acceptances cannot both win.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from accounts.guards import require_verified_email
from accounts.models import User
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden
from megilance.money import multiply, quantize

from .. import events
from ..models import LIVE_PROPOSAL_STATUSES, Project, ProjectStatus, Proposal, ProposalStatus
from .catalog import categories_recount
from .contracts import contract_create_from_proposal
from .projects import project_recount_proposals

MIN_COVER_LETTER = 50
MAX_MILESTONES = 20
OPEN_STATUSES = (ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED)
EDITABLE_FIELDS = ("cover_letter", "bid_amount", "estimated_hours", "hourly_rate", "availability", "attachments",
                   "milestones")


def _invalid(field: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, errors={field: [message]})


def _decimal(field: str, value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _invalid(field, "A number is required.") from None
    if not number.is_finite() or number < 0:
        raise _invalid(field, "Must be zero or more.")
    return number


def _check_cover_letter(text: str) -> str:
    text = (text or "").strip()
    if len(text) < MIN_COVER_LETTER:
        raise _invalid("cover_letter", f"The cover letter needs at least {MIN_COVER_LETTER} characters.")
    return text


def _bid(bid_amount, estimated_hours, hourly_rate) -> Decimal:
    """The bid as given, else hours x rate rounded to the cent."""
    if bid_amount is not None:
        bid = quantize(bid_amount)
    elif estimated_hours is not None and hourly_rate is not None:
        bid = multiply(estimated_hours, hourly_rate)
    else:
        raise _invalid("bid_amount", "Give a bid amount, or estimated hours and an hourly rate.")
    if bid <= 0:
        raise _invalid("bid_amount", "The bid must be more than zero.")
    if bid >= Decimal("1000000000000"):
        raise _invalid("bid_amount", "The bid is too large.")
    return bid


def _clean_milestones(plan) -> list[dict]:
    """A proposed plan as stored on the proposal: title, description, amount (string, to the cent), due_date."""
    if plan in (None, ""):
        return []
    if not isinstance(plan, list) or len(plan) > MAX_MILESTONES:
        raise _invalid("milestones", f"Milestones are a list of at most {MAX_MILESTONES} items.")
    cleaned = []
    for index, item in enumerate(plan, start=1):
        if not isinstance(item, dict):
            raise _invalid("milestones", f"Milestone {index} must be an object.")
        amount = _decimal("milestones", item.get("amount"))
        if amount is None or quantize(amount) <= 0:
            raise _invalid("milestones", f"Milestone {index} needs an amount above zero.")
        due = item.get("due_date") or None
        if due is not None:
            due = parse_date(str(due)) if not hasattr(due, "isoformat") else due
            if due is None:
                raise _invalid("milestones", f"Milestone {index} has a due date that is not YYYY-MM-DD.")
        cleaned.append({
            "title": str(item.get("title") or f"Milestone {index}")[:200],
            "description": str(item.get("description") or "")[:2000],
            "amount": str(quantize(amount)),
            "due_date": due.isoformat() if due else None,
        })
    return cleaned


def _locked_project(project_id: int) -> Project:
    return Project.objects.select_for_update().get(pk=project_id)


@transaction.atomic
def proposal_submit(
    *,
    freelancer: User,
    project: Project,
    cover_letter: str,
    bid_amount=None,
    estimated_hours=None,
    hourly_rate=None,
    availability: str = "",
    attachments: list | None = None,
    milestones: list[dict] | None = None,
) -> Proposal:
    """Bid on an open project. One live proposal (submitted, shortlisted or accepted) per freelancer per project."""
    if freelancer is None or not freelancer.is_freelancer:
        raise Forbidden("Only freelancers submit proposals.")
    require_verified_email(freelancer)
    cover_letter = _check_cover_letter(cover_letter)
    estimated_hours = _decimal("estimated_hours", estimated_hours)
    hourly_rate = _decimal("hourly_rate", hourly_rate)
    bid = _bid(_decimal("bid_amount", bid_amount), estimated_hours, hourly_rate)
    plan = _clean_milestones(milestones)
    project = _locked_project(project.pk)
    if not project.is_open:
        raise ApplicationError("This project is not open for proposals.", code="project_not_open")
    if project.client_id == freelancer.pk:
        raise ApplicationError("You cannot bid on your own project.", code="own_project")
    if Proposal.objects.filter(project=project, freelancer=freelancer, status__in=LIVE_PROPOSAL_STATUSES).exists():
        raise ApplicationError("You already have a proposal on this project.", code="duplicate_proposal")
    try:
        # The partial unique constraint backs the check above for a request that races past it.
        with transaction.atomic():
            proposal = Proposal.objects.create(
                project=project,
                freelancer=freelancer,
                client_id=project.client_id,
                cover_letter=cover_letter,
                bid_amount=bid,
                estimated_hours=estimated_hours,
                hourly_rate=hourly_rate,
                currency=project.currency,
                availability=(availability or "")[:100],
                attachments=list(attachments or []),
                milestones=plan,
            )
    except IntegrityError as exc:
        raise ApplicationError("You already have a proposal on this project.", code="duplicate_proposal") from exc
    project_recount_proposals(project_id=project.pk)
    events.proposal_submitted.send(sender=Proposal, proposal=proposal)
    return proposal


@transaction.atomic
def proposal_update(*, proposal: Proposal, actor: User, **data) -> Proposal:
    """The freelancer edits a bid the client has not decided on, while the project is still open."""
    if actor is None or proposal.freelancer_id != actor.pk:
        raise Forbidden("Only the freelancer who wrote the proposal may edit it.")
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.",
                               code="not_editable")
    project = _locked_project(proposal.project_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in OPEN_STATUSES or not project.is_open:
        raise ApplicationError("Only an undecided proposal on an open project can be edited.",
                               code="invalid_status")
    if "cover_letter" in data:
        proposal.cover_letter = _check_cover_letter(data["cover_letter"])
    for field in ("estimated_hours", "hourly_rate"):
        if field in data:
            setattr(proposal, field, _decimal(field, data[field]))
    if "bid_amount" in data:
        proposal.bid_amount = _bid(_decimal("bid_amount", data["bid_amount"]), None, None)
    elif {"estimated_hours", "hourly_rate"} & set(data) and proposal.estimated_hours is not None \
            and proposal.hourly_rate is not None:
        proposal.bid_amount = _bid(None, proposal.estimated_hours, proposal.hourly_rate)
    if "availability" in data:
        proposal.availability = (data["availability"] or "")[:100]
    if "attachments" in data:
        proposal.attachments = list(data["attachments"] or [])
    if "milestones" in data:
        proposal.milestones = _clean_milestones(data["milestones"])
    proposal.save()
    return proposal


def _check_client(project: Project, actor: User, verb: str) -> None:
    if actor is None or project.client_id != actor.pk:
        raise Forbidden(f"Only the project's client may {verb} a proposal.")


@transaction.atomic
def proposal_accept(*, proposal: Proposal, actor: User, milestones: list[dict] | None = None) -> Proposal:
    """The client accepts one bid: the contract (with its milestones) is created, the project moves to
    in_progress. It runs once per project: a second acceptance, even of another bid, answers 409.

    The other bidders' proposals stay as they are (the project no longer takes bids, so they cannot be
    accepted); `proposal_accepted` carries their ids so that they can be told.
    """
    # Lock order: project, then proposal, the same everywhere, so two acceptances queue instead of deadlocking.
    project = _locked_project(proposal.project_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    proposal.project = project
    _check_client(project, actor, "accept")
    if proposal.status == ProposalStatus.ACCEPTED or \
            Proposal.objects.filter(project=project, status=ProposalStatus.ACCEPTED).exists():
        raise Conflict("A proposal on this project has already been accepted.", code="already_accepted")
    if not project.is_open:
        raise Conflict("This project is not open any more.", code="project_not_open")
    if proposal.status not in OPEN_STATUSES:
        raise ApplicationError(f"A {proposal.status} proposal cannot be accepted.", code="invalid_status")
    plan = _clean_milestones(milestones) if milestones is not None else None
    contract = contract_create_from_proposal(proposal=proposal, milestones=plan)
    now = timezone.now()
    proposal.status = ProposalStatus.ACCEPTED
    proposal.decided_at = now
    proposal.save(update_fields=["status", "decided_at", "updated_at"])
    project.status = ProjectStatus.IN_PROGRESS
    project.save(update_fields=["status", "updated_at"])
    categories_recount(category_ids=[project.category_id])
    others = list(
        Proposal.objects.filter(project=project, status__in=OPEN_STATUSES).exclude(pk=proposal.pk)
        .values_list("pk", flat=True)
    )
    events.proposal_accepted.send(sender=Proposal, proposal=proposal, contract=contract,
                                  other_proposal_ids=others)
    events.project_updated.send(sender=Project, project=project)
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, actor: User, reason: str = "") -> Proposal:
    project = _locked_project(proposal.project_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _check_client(project, actor, "reject")
    if proposal.status == ProposalStatus.REJECTED:
        raise Conflict("This proposal is already rejected.", code="already_rejected")
    if proposal.status not in OPEN_STATUSES:
        raise ApplicationError(f"A {proposal.status} proposal cannot be rejected.", code="invalid_status")
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at", "updated_at"])
    events.proposal_rejected.send(sender=Proposal, proposal=proposal, reason=reason)
    return proposal


@transaction.atomic
def proposal_shortlist(*, proposal: Proposal, actor: User) -> Proposal:
    project = _locked_project(proposal.project_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _check_client(project, actor, "shortlist")
    if proposal.status == ProposalStatus.SHORTLISTED:
        raise Conflict("This proposal is already shortlisted.", code="already_shortlisted")
    if proposal.status != ProposalStatus.SUBMITTED or not project.is_open:
        raise ApplicationError("Only a submitted proposal on an open project can be shortlisted.",
                               code="invalid_status")
    proposal.status = ProposalStatus.SHORTLISTED
    proposal.save(update_fields=["status", "updated_at"])
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor: User) -> Proposal:
    """The freelancer takes back an undecided bid; they may bid again on the project later."""
    project = _locked_project(proposal.project_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if actor is None or proposal.freelancer_id != actor.pk:
        raise Forbidden("Only the freelancer who wrote the proposal may withdraw it.")
    if proposal.status == ProposalStatus.WITHDRAWN:
        raise Conflict("This proposal is already withdrawn.", code="already_withdrawn")
    if proposal.status not in OPEN_STATUSES:
        raise ApplicationError(f"A {proposal.status} proposal cannot be withdrawn.", code="invalid_status")
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at", "updated_at"])
    project_recount_proposals(project_id=project.pk)
    events.proposal_withdrawn.send(sender=Proposal, proposal=proposal)
    return proposal


@transaction.atomic
def proposal_delete(*, proposal: Proposal, actor: User) -> None:
    """The freelancer deletes their own proposal. An accepted one is part of a contract and stays."""
    project = _locked_project(proposal.project_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if actor is None or proposal.freelancer_id != actor.pk:
        raise Forbidden("Only the freelancer who wrote the proposal may delete it.")
    if proposal.status == ProposalStatus.ACCEPTED:
        raise ApplicationError("An accepted proposal belongs to a contract and cannot be deleted.",
                               code="invalid_status")
    if proposal.status in OPEN_STATUSES:
        # Deleting a live bid withdraws it; receivers see the row before it goes.
        events.proposal_withdrawn.send(sender=Proposal, proposal=proposal)
    proposal.delete()
    project_recount_proposals(project_id=project.pk)
