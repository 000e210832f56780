"""Pages of the marketplace: browse and post projects, bid, compare and accept, contracts and milestones,
the freelancer directory, public profiles and the dashboards.

Reads are scoped here to who may see them (anyone else gets 404); every change goes through the services, so the
audit log, the domain events and billing's receivers see page actions exactly as they see API calls.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Avg, Case, Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Sum, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import Role, UserSkill
from accounts.views import profile_checklist
from megilance.api.exceptions import ApplicationError, NotFound

from . import contract_selectors, forms, selectors, time_selectors
from .models import (
    LIVE_PROPOSAL_STATUSES,
    BudgetType,
    Category,
    Contract,
    ContractStatus,
    ContractType,
    Milestone,
    MilestoneStatus,
    PortfolioItem,
    Project,
    ProjectStatus,
    Proposal,
    ProposalStatus,
    TimeEntryStatus,
    Visibility,
)
from .services import contracts as contract_services
from .services import milestones as milestone_services
from .services import projects as project_services
from .services import proposals as proposal_services
from .services import reviews as review_services

User = get_user_model()

PAGE_SIZE = 12
# Milestone states in which the freelancer may hand in work; a rejected one is reworked and handed in again.
SUBMITTABLE = (MilestoneStatus.PENDING, MilestoneStatus.FUNDED, MilestoneStatus.IN_PROGRESS, MilestoneStatus.REJECTED)


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def role_required(role: str):
    """Pages of one role. Someone signed in with the other role sees the page exists but may not use it (403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if request.user.role != role:
                raise PermissionDenied(f"This page is for {role}s.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _apply_error(request, error: ApplicationError, form=None) -> None:
    """Show a refused action as a message, and put field errors on the form when the service named fields."""
    if isinstance(error, NotFound):
        raise Http404(error.message)
    attached = False
    if form is not None and isinstance(error.errors, dict):
        for field, problems in error.errors.items():
            problems = problems if isinstance(problems, list | tuple) else [problems]
            target = field if field in form.fields else None
            for problem in problems:
                form.add_error(target, str(problem))
                attached = True
    if not attached:
        messages.error(request, error.message)


def _paginate(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _rating_filter(prefix: str = "reviews_received__") -> Q:
    """Reviews anyone may read: not removed by staff and past the double-blind wait."""
    return Q(**{f"{prefix}is_removed": False, f"{prefix}visible_at__lte": timezone.now()})


def _rating_by_user(user_ids) -> dict[int, dict]:
    rows = (contract_selectors.visible_reviews().filter(reviewee_id__in=set(user_ids)).values("reviewee_id")
            .annotate(average=Avg("rating"), count=Count("id")))
    return {row["reviewee_id"]: row for row in rows}


def _public_projects():
    """Open, public, not hidden; with everything a project card shows, in a constant number of queries."""
    return selectors.project_public_list().select_related("category__parent")


def _top_categories():
    active_children = Prefetch("children", queryset=Category.objects.filter(is_active=True),
                               to_attr="active_children")
    categories = list(Category.objects.filter(parent__isnull=True, is_active=True).prefetch_related(active_children))
    for category in categories:
        # project_count counts the projects filed directly under a category; a top-level one shows its whole branch.
        category.total = category.project_count + sum(child.project_count for child in category.active_children)
    return categories


def _project_for_viewer(user, pk: int) -> Project:
    """A project the viewer may see (the rules are in selectors.project_list); anything else is a 404."""
    project = selectors.project_list(viewer=user).select_related("category__parent").filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def _own_project(user, pk: int) -> Project:
    return get_object_or_404(Project.objects.select_related("category"), pk=pk, client=user)


def _contract_for_party(user, pk: int) -> Contract:
    return get_object_or_404(
        Contract.objects.select_related("client", "freelancer", "project").filter(
            Q(client=user) | Q(freelancer=user)), pk=pk)


def _milestone_for_party(user, pk: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.select_related("contract").filter(
            Q(contract__client=user) | Q(contract__freelancer=user)), pk=pk)


# ---------------------------------------------------------------------------------------------------------------
# Browsing projects


def project_list(request):
    categories = _top_categories()
    form = forms.ProjectFilterForm(request.GET or None, categories=categories)
    projects = _public_projects()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if data.get("q"):
        for word in data["q"].split()[:8]:
            projects = projects.filter(Q(title__icontains=word) | Q(description__icontains=word)
                                       | Q(skills__name__iexact=word))
    if data.get("category"):
        category = Category.objects.filter(slug=data["category"]).first()
        ids = selectors.category_descendant_ids([category.pk]) if category else set()
        projects = projects.filter(category_id__in=ids)
    if data.get("budget_type"):
        projects = projects.filter(budget_type=data["budget_type"])
    if data.get("experience_level"):
        projects = projects.filter(experience_level=data["experience_level"])
    if data.get("budget_min") is not None:
        projects = projects.filter(budget_max__gte=data["budget_min"])
    for name in form.skill_names() if data else []:
        projects = projects.filter(skills__name__iexact=name)
    ordering = {
        "budget_high": ["-budget_max", "-id"],
        "budget_low": ["budget_min", "-id"],
        "fewest_proposals": ["proposal_count", "-published_at", "-id"],
    }.get(data.get("sort"), ["-published_at", "-created_at", "-id"])
    projects = projects.distinct().order_by(*ordering)
    page = _paginate(request, projects)
    context = {"form": form, "page": page, "categories": categories, "total": page.paginator.count}
    if _is_htmx(request):
        return render(request, "marketplace/_project_results.html", context)
    return render(request, "marketplace/project_list.html", context)


def _project_detail_context(request, project: Project, proposal_form=None) -> dict:
    user = request.user
    context = {"project": project, "is_owner": user.is_authenticated and project.client_id == user.pk}
    if user.is_authenticated and user.role == Role.FREELANCER:
        context["my_proposal"] = (Proposal.objects.filter(project=project, freelancer=user)
                                  .order_by("-created_at", "-id").first())
        live = context["my_proposal"] is not None and context["my_proposal"].status in LIVE_PROPOSAL_STATUSES
        if project.is_open and not live:
            context["proposal_form"] = proposal_form or forms.ProposalForm(project=project)
    if context["is_owner"]:
        context["proposal_stats"] = project.proposals.aggregate(
            total=Count("id", filter=Q(status__in=LIVE_PROPOSAL_STATUSES)),
            shortlisted=Count("id", filter=Q(status=ProposalStatus.SHORTLISTED)),
        )
        context["contract"] = project.contracts.order_by("-created_at").first()
    context["client_rating"] = _rating_by_user([project.client_id]).get(project.client_id)
    context["client_project_count"] = Project.objects.filter(client_id=project.client_id).exclude(
        status=ProjectStatus.DRAFT).count()
    return context


def project_detail(request, pk: int):
    project = _project_for_viewer(request.user, pk)
    project_services.project_record_view(project=project, viewer=request.user)
    return render(request, "marketplace/project_detail.html", _project_detail_context(request, project))


@role_required(Role.FREELANCER)
@require_POST
def proposal_create(request, pk: int):
    project = _project_for_viewer(request.user, pk)
    form = forms.ProposalForm(request.POST, project=project)
    if form.is_valid():
        try:
            proposal_services.proposal_submit(project=project, freelancer=request.user, **form.service_data())
        except ApplicationError as error:
            _apply_error(request, error, form)
        else:
            messages.success(request, "Your proposal was sent. You will hear from the client here and by email.")
            return redirect("marketplace:proposal-mine")
    return render(request, "marketplace/project_detail.html",
                  _project_detail_context(request, project, proposal_form=form), status=400)


# ---------------------------------------------------------------------------------------------------------------
# Clients: posting and managing projects


@role_required(Role.CLIENT)
def project_create(request):
    form = forms.ProjectForm(request.POST or None, initial={"budget_type": BudgetType.FIXED,
                                                            "visibility": Visibility.PUBLIC})
    if request.method == "POST" and form.is_valid():
        publish = "save_draft" not in request.POST
        try:
            project = project_services.project_create(client=request.user, publish=publish,
                                                      **form.service_data())
        except ApplicationError as error:
            _apply_error(request, error, form)
        else:
            messages.success(request, "Your project is live: freelancers can bid now." if publish
                             else "Draft saved. Publish it when you are ready.")
            return redirect(project)
    return render(request, "marketplace/project_form.html", {"form": form, "creating": True},
                  status=400 if request.method == "POST" else 200)


@role_required(Role.CLIENT)
def project_edit(request, pk: int):
    project = _own_project(request.user, pk)
    if project.status not in (ProjectStatus.DRAFT, ProjectStatus.OPEN, ProjectStatus.ON_HOLD):
        messages.info(request, "This project already has a contract, so it can no longer be edited.")
        return redirect(project)
    # The form works on its own copy: a failed validation must not leave half-applied values on `project`.
    form = forms.ProjectForm(request.POST or None, instance=Project.objects.get(pk=project.pk))
    if request.method == "POST" and form.is_valid():
        try:
            project = project_services.project_update(project=project, actor=request.user,
                                                      **form.service_data())
            if "publish" in request.POST and project.status == ProjectStatus.DRAFT:
                project = project_services.project_publish(project=project, actor=request.user)
        except ApplicationError as error:
            _apply_error(request, error, form)
        else:
            messages.success(request, "Project saved.")
            return redirect(project)
    return render(request, "marketplace/project_form.html", {"form": form, "project": project, "creating": False},
                  status=400 if request.method == "POST" else 200)


@role_required(Role.CLIENT)
@require_POST
def project_publish(request, pk: int):
    project = _own_project(request.user, pk)
    try:
        project_services.project_publish(project=project, actor=request.user)
    except ApplicationError as error:
        _apply_error(request, error)
    else:
        messages.success(request, "Your project is live: freelancers can bid now.")
    return redirect(project)


@role_required(Role.CLIENT)
def my_projects(request):
    status = request.GET.get("status", "")
    latest_contract = Contract.objects.filter(project=OuterRef("pk")).order_by("-created_at", "-id").values("pk")[:1]
    projects = Project.objects.filter(client=request.user).select_related("category").annotate(
        live_proposals=Count("proposals", filter=Q(proposals__status__in=LIVE_PROPOSAL_STATUSES)),
        new_proposals=Count("proposals", filter=Q(proposals__status=ProposalStatus.SUBMITTED)),
        contract_id=Subquery(latest_contract),
    ).order_by("-created_at", "-id")
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    page = _paginate(request, projects)
    return render(request, "marketplace/my_projects.html",
                  {"page": page, "status": status, "tabs": forms.CLIENT_PROJECT_TABS})


def _proposals_for_comparison(project: Project, only: str = ""):
    proposals = (project.proposals.select_related("freelancer")
                 .prefetch_related(Prefetch("freelancer__user_skills",
                                            queryset=UserSkill.objects.select_related("skill")))
                 .order_by("status", "bid_amount", "id"))
    if only == "shortlisted":
        proposals = proposals.filter(status=ProposalStatus.SHORTLISTED)
    elif only == "all":
        pass
    else:
        proposals = proposals.filter(status__in=(ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED,
                                                 ProposalStatus.ACCEPTED))
    proposals = list(proposals)
    ratings = _rating_by_user(p.freelancer_id for p in proposals)
    done = dict(Contract.objects.filter(freelancer_id__in={p.freelancer_id for p in proposals},
                                        status=ContractStatus.COMPLETED)
                .values("freelancer_id").annotate(n=Count("id")).values_list("freelancer_id", "n"))
    project_skills = {s.pk for s in project.skills.all()}
    for proposal in proposals:
        proposal.rating = ratings.get(proposal.freelancer_id)
        proposal.completed_contracts = done.get(proposal.freelancer_id, 0)
        proposal.matching_skills = [us.skill.name for us in proposal.freelancer.user_skills.all()
                                    if us.skill_id in project_skills]
    return proposals


@role_required(Role.CLIENT)
def project_proposals(request, pk: int):
    project = _own_project(request.user, pk)
    only = request.GET.get("show", "")
    proposals = _proposals_for_comparison(project, only)
    return render(request, "marketplace/project_proposals.html", {
        "project": project, "proposals": proposals, "show": only,
        "contract": project.contracts.order_by("-created_at").first(),
    })


def _own_proposal_as_client(user, pk: int) -> Proposal:
    return get_object_or_404(Proposal.objects.select_related("project", "freelancer"), pk=pk,
                             project__client=user)


def _proposal_card_response(request, proposal: Proposal, error: ApplicationError | None = None):
    """After shortlisting or declining: HTMX swaps the one card in place; without JavaScript, back to the list."""
    if _is_htmx(request):
        fresh = next(p for p in _proposals_for_comparison(proposal.project, "all") if p.pk == proposal.pk)
        return render(request, "marketplace/_proposal_card.html",
                      {"proposal": fresh, "project": proposal.project, "error": error.message if error else ""})
    if error is not None:
        _apply_error(request, error)
    return redirect("marketplace:project-proposals", pk=proposal.project_id)


@role_required(Role.CLIENT)
@require_POST
def proposal_shortlist(request, pk: int):
    proposal = _own_proposal_as_client(request.user, pk)
    try:
        proposal_services.proposal_shortlist(proposal=proposal, actor=request.user)
    except ApplicationError as error:
        return _proposal_card_response(request, proposal, error)
    return _proposal_card_response(request, proposal)


@role_required(Role.CLIENT)
@require_POST
def proposal_reject(request, pk: int):
    proposal = _own_proposal_as_client(request.user, pk)
    try:
        proposal_services.proposal_reject(proposal=proposal, actor=request.user)
    except ApplicationError as error:
        return _proposal_card_response(request, proposal, error)
    if not _is_htmx(request):
        messages.success(request, f"Proposal from {proposal.freelancer.display_name} declined.")
    return _proposal_card_response(request, proposal)


@role_required(Role.CLIENT)
def proposal_accept(request, pk: int):
    """GET shows what accepting means (a contract, the other bidders told); POST accepts."""
    proposal = _own_proposal_as_client(request.user, pk)
    if request.method == "POST":
        try:
            accepted = proposal_services.proposal_accept(proposal=proposal, actor=request.user)
        except ApplicationError as error:
            _apply_error(request, error)
            return redirect("marketplace:project-proposals", pk=proposal.project_id)
        contract = Contract.objects.get(proposal=accepted)
        messages.success(request, f"You hired {proposal.freelancer.display_name}. Your contract has started.")
        return redirect("marketplace:contract-detail", pk=contract.pk)
    others = proposal.project.proposals.filter(status__in=LIVE_PROPOSAL_STATUSES).exclude(pk=proposal.pk).count()
    return render(request, "marketplace/proposal_accept.html", {"proposal": proposal, "other_bidders": others})


# ---------------------------------------------------------------------------------------------------------------
# Freelancers: proposals


@role_required(Role.FREELANCER)
def my_proposals(request):
    status = request.GET.get("status", "")
    proposals = (Proposal.objects.filter(freelancer=request.user)
                 .select_related("project__client", "project__category", "contract")
                 .order_by("-created_at", "-id"))
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    page = _paginate(request, proposals)
    tabs = [("", "All"), *ProposalStatus.choices]
    return render(request, "marketplace/my_proposals.html", {"page": page, "status": status, "tabs": tabs})


@role_required(Role.FREELANCER)
@require_POST
def proposal_withdraw(request, pk: int):
    proposal = get_object_or_404(Proposal, pk=pk, freelancer=request.user)
    try:
        proposal_services.proposal_withdraw(proposal=proposal, actor=request.user)
    except ApplicationError as error:
        _apply_error(request, error)
    else:
        messages.success(request, "Proposal withdrawn.")
    return redirect("marketplace:proposal-mine")


# ---------------------------------------------------------------------------------------------------------------
# Contracts and milestones


@login_required
def contract_list(request):
    user = request.user
    status = request.GET.get("status", "")
    contracts = (Contract.objects.filter(Q(client=user) | Q(freelancer=user))
                 .select_related("client", "freelancer", "project")
                 .annotate(milestone_count=Count("milestones"),
                           approved_amount=Sum("milestones__amount", filter=Q(
                               milestones__status__in=(MilestoneStatus.APPROVED, MilestoneStatus.PAID))),
                           awaiting_review=Count("milestones", filter=Q(
                               milestones__status=MilestoneStatus.SUBMITTED)))
                 .order_by("-created_at", "-id"))
    if status in ContractStatus.values:
        contracts = contracts.filter(status=status)
    page = _paginate(request, contracts)
    tabs = [("", "All"), (ContractStatus.ACTIVE, "Active"), (ContractStatus.COMPLETED, "Completed"),
            (ContractStatus.CANCELLED, "Cancelled")]
    return render(request, "marketplace/contract_list.html", {"page": page, "status": status, "tabs": tabs})


def _contract_context(request, contract: Contract, **forms_in_error) -> dict:
    user = request.user
    is_client = contract.client_id == user.pk
    milestones = list(contract.milestones.order_by("order", "id"))
    reviews = list(contract.reviews.select_related("reviewer", "reviewee"))
    my_review = next((r for r in reviews if r.reviewer_id == user.pk), None)
    their_review = next((r for r in reviews if r.reviewer_id != user.pk), None)
    total = sum((m.amount for m in milestones), 0)
    approved = sum((m.amount for m in milestones if m.status in (MilestoneStatus.APPROVED, MilestoneStatus.PAID)),
                   0)
    is_active = contract.status == ContractStatus.ACTIVE
    context = {
        "contract": contract,
        "is_client": is_client,
        "other_party": contract.freelancer if is_client else contract.client,
        "milestones": milestones,
        "milestone_total": total,
        "milestone_approved": approved,
        "progress": int(approved * 100 / total) if total else 0,
        "can_add_milestone": is_client and is_active and contract.contract_type == ContractType.FIXED,
        "can_complete": is_client and is_active and all(
            m.status in (MilestoneStatus.APPROVED, MilestoneStatus.PAID) for m in milestones),
        "submittable": SUBMITTABLE,
        "my_review": my_review,
        "their_review": their_review if their_review and their_review.is_visible else None,
        "their_review_waiting": their_review is not None and not their_review.is_visible,
        "can_review": contract.status == ContractStatus.COMPLETED and my_review is None,
        "milestone_form": forms_in_error.get("milestone_form") or forms.MilestoneForm(),
        "review_form": forms_in_error.get("review_form") or forms.ReviewForm(),
        "failed_milestone": forms_in_error.get("failed_milestone"),
        "submit_form": forms_in_error.get("submit_form"),
        "reject_form": forms_in_error.get("reject_form"),
    }
    if contract.contract_type == ContractType.HOURLY:
        context["weeks"] = time_selectors.week_groups(contract=contract)[:8]
        for week in context["weeks"]:
            week["status_list"] = [(status, TimeEntryStatus(status).label, n)
                                   for status, n in week["statuses"].items()]
        context["time_total"] = time_selectors.time_summary(contract=contract)
    return context


@login_required
def contract_detail(request, pk: int):
    contract = _contract_for_party(request.user, pk)
    return render(request, "marketplace/contract_detail.html", _contract_context(request, contract))


@login_required
@require_POST
def milestone_create(request, pk: int):
    contract = _contract_for_party(request.user, pk)
    if contract.client_id != request.user.pk:
        raise PermissionDenied("Only the client adds milestones.")
    form = forms.MilestoneForm(request.POST)
    if form.is_valid():
        try:
            milestone_services.milestone_create(contract=contract, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            _apply_error(request, error, form)
        else:
            messages.success(request, f"Milestone “{form.cleaned_data['title']}” added.")
            return redirect("marketplace:contract-detail", pk=contract.pk)
    return render(request, "marketplace/contract_detail.html",
                  _contract_context(request, contract, milestone_form=form), status=400)


def _milestone_action(request, pk: int, *, by_client: bool, form_class=None, service=None, done: str = ""):
    milestone = _milestone_for_party(request.user, pk)
    contract = _contract_for_party(request.user, milestone.contract_id)
    if (contract.client_id == request.user.pk) != by_client:
        raise PermissionDenied("The other party does this.")
    form = form_class(request.POST) if form_class else None
    if form is None or form.is_valid():
        try:
            service(milestone=milestone, actor=request.user, **(form.cleaned_data if form else {}))
        except ApplicationError as error:
            _apply_error(request, error, form)
        else:
            messages.success(request, done.format(title=milestone.title))
            return redirect(reverse("marketplace:contract-detail", args=[contract.pk]) + f"#milestone-{pk}")
        if form is None or not form.errors:
            return redirect(reverse("marketplace:contract-detail", args=[contract.pk]) + f"#milestone-{pk}")
    key = "submit_form" if form_class is forms.MilestoneSubmitForm else "reject_form"
    context = _contract_context(request, contract, failed_milestone=milestone.pk, **{key: form})
    return render(request, "marketplace/contract_detail.html", context, status=400)


@login_required
@require_POST
def milestone_submit(request, pk: int):
    return _milestone_action(request, pk, by_client=False, form_class=forms.MilestoneSubmitForm,
                             service=milestone_services.milestone_submit,
                             done="“{title}” handed in. The client has been asked to review it.")


@login_required
@require_POST
def milestone_start(request, pk: int):
    return _milestone_action(request, pk, by_client=False, service=milestone_services.milestone_start,
                             done="Work on “{title}” started. The client can see it is in progress.")


@login_required
@require_POST
def milestone_approve(request, pk: int):
    return _milestone_action(request, pk, by_client=True, service=milestone_services.milestone_approve,
                             done="“{title}” approved. The payment is on its way to the freelancer.")


@login_required
@require_POST
def milestone_reject(request, pk: int):
    return _milestone_action(request, pk, by_client=True, form_class=forms.MilestoneRejectForm,
                             service=milestone_services.milestone_reject,
                             done="“{title}” sent back with your feedback.")


@login_required
@require_POST
def contract_complete(request, pk: int):
    contract = _contract_for_party(request.user, pk)
    if contract.client_id != request.user.pk:
        raise PermissionDenied("Only the client closes the contract.")
    try:
        contract_services.contract_complete(contract=contract, actor=request.user)
    except ApplicationError as error:
        _apply_error(request, error)
    else:
        messages.success(request, "Contract completed. Leave a review to help others.")
    return redirect("marketplace:contract-detail", pk=contract.pk)


@login_required
@require_POST
def review_create(request, pk: int):
    contract = _contract_for_party(request.user, pk)
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            review = review_services.review_submit(contract=contract, reviewer=request.user, **form.service_data())
        except ApplicationError as error:
            _apply_error(request, error, form)
        else:
            messages.success(request, "Thank you. Both reviews are now published." if review.is_visible else
                             "Thank you. Your review appears once both of you have reviewed, or after 14 days.")
            return redirect("marketplace:contract-detail", pk=contract.pk)
    return render(request, "marketplace/contract_detail.html",
                  _contract_context(request, contract, review_form=form), status=400)


# ---------------------------------------------------------------------------------------------------------------
# Freelancers: directory and public profile


def _freelancers():
    return (User.objects.filter(role=Role.FREELANCER, is_active=True)
            .annotate(rating_average=Avg("reviews_received__rating", filter=_rating_filter()),
                      rating_count=Count("reviews_received", filter=_rating_filter(), distinct=True)))


def freelancer_list(request):
    form = forms.FreelancerFilterForm(request.GET or None)
    people = _freelancers()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if data.get("q"):
        for word in data["q"].split()[:8]:
            people = people.filter(Q(name__icontains=word) | Q(title__icontains=word) | Q(bio__icontains=word)
                                   | Q(user_skills__skill__name__iexact=word))
    for name in form.skill_names() if data else []:
        people = people.filter(Exists(UserSkill.objects.filter(user=OuterRef("pk"), skill__name__iexact=name)))
    if data.get("max_rate") is not None:
        people = people.filter(hourly_rate__lte=data["max_rate"])
    if data.get("min_rating"):
        people = people.filter(rating_average__gte=data["min_rating"])
    people = people.distinct().prefetch_related(
        Prefetch("user_skills", queryset=UserSkill.objects.select_related("skill").order_by("id"))
    ).order_by("-is_verified", "-rating_count", "name", "id")
    page = _paginate(request, people)
    context = {"form": form, "page": page}
    if _is_htmx(request):
        return render(request, "marketplace/_freelancer_results.html", context)
    return render(request, "marketplace/freelancer_list.html", context)


def profile_detail(request, pk: int):
    """The public profile, with the marketplace's part: portfolio, rating and visible reviews."""
    person = get_object_or_404(account_selectors.user_public_list(viewer=request.user), pk=pk)
    account_services.profile_record_view(profile=person, viewer=request.user)
    reviews = contract_selectors.visible_reviews().filter(reviewee=person).select_related("reviewer", "contract")
    stats = reviews.aggregate(average=Avg("rating"), count=Count("id"))
    distribution = dict(reviews.order_by().values_list("rating").annotate(n=Count("id")))
    context = {
        "person": person,
        "rating": stats,
        "distribution": [(stars, distribution.get(stars, 0)) for stars in range(5, 0, -1)],
        "reviews": reviews[:10],
        "portfolio": list(PortfolioItem.objects.filter(freelancer=person)) if person.role == Role.FREELANCER else [],
        "completed_contracts": Contract.objects.filter(
            Q(freelancer=person) | Q(client=person), status=ContractStatus.COMPLETED).count(),
        "open_projects": list(_public_projects().filter(client=person)[:5]) if person.role == Role.CLIENT else [],
    }
    return render(request, "marketplace/profile_detail.html", context)


# ---------------------------------------------------------------------------------------------------------------
# Dashboards


@login_required
def dashboard(request):
    user = request.user
    # The accounts "complete your profile" card stays on the dashboard until the profile is complete.
    incomplete = not all(item.done for item in profile_checklist(user))
    if user.role == Role.CLIENT:
        return render(request, "marketplace/dashboard_client.html",
                      {**_client_dashboard(user), "profile_incomplete": incomplete})
    if user.role == Role.FREELANCER:
        return render(request, "marketplace/dashboard_freelancer.html",
                      {**_freelancer_dashboard(user), "profile_incomplete": incomplete})
    return render(request, "accounts/dashboard.html")


def _client_dashboard(user) -> dict:
    projects = Project.objects.filter(client=user)
    counts = projects.aggregate(
        open=Count("id", filter=Q(status=ProjectStatus.OPEN)),
        drafts=Count("id", filter=Q(status=ProjectStatus.DRAFT)),
    )
    contracts = Contract.objects.filter(client=user)
    spent = Milestone.objects.filter(contract__client=user, status__in=(
        MilestoneStatus.APPROVED, MilestoneStatus.PAID)).aggregate(total=Sum("amount"))["total"] or 0
    return {
        "stats": {
            "open_projects": counts["open"],
            "drafts": counts["drafts"],
            "new_proposals": Proposal.objects.filter(project__client=user, status=ProposalStatus.SUBMITTED).count(),
            "active_contracts": contracts.filter(status=ContractStatus.ACTIVE).count(),
            "spent": spent,
        },
        "to_review": Milestone.objects.filter(contract__client=user, status=MilestoneStatus.SUBMITTED)
        .select_related("contract__freelancer").order_by("submitted_at")[:6],
        "recent_proposals": Proposal.objects.filter(project__client=user, status__in=(
            ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED))
        .select_related("freelancer", "project").order_by("-created_at")[:6],
        "projects": projects.exclude(status__in=(ProjectStatus.COMPLETED, ProjectStatus.CANCELLED))
        .annotate(live_proposals=Count("proposals", filter=Q(proposals__status__in=LIVE_PROPOSAL_STATUSES)))
        .order_by("-created_at")[:6],
        "contracts": contracts.filter(status=ContractStatus.ACTIVE).select_related("freelancer")
        .order_by("-created_at")[:6],
    }


def _freelancer_dashboard(user) -> dict:
    proposals = Proposal.objects.filter(freelancer=user)
    contracts = Contract.objects.filter(freelancer=user)
    earned = Milestone.objects.filter(contract__freelancer=user, status__in=(
        MilestoneStatus.APPROVED, MilestoneStatus.PAID)).aggregate(total=Sum("amount"))["total"] or 0
    rating = _rating_by_user([user.pk]).get(user.pk)
    my_skills = UserSkill.objects.filter(user=user).values("skill_id")
    bid_on = proposals.values("project_id")
    candidates = _public_projects().exclude(pk__in=bid_on).order_by("-published_at", "-id")
    # Projects needing the freelancer's skills first, then the newest others, five in all.
    recommended = list(candidates.filter(skills__in=my_skills).distinct()[:5])
    if len(recommended) < 5:
        recommended += list(candidates.exclude(pk__in=[p.pk for p in recommended])[:5 - len(recommended)])
    return {
        "stats": {
            "live_proposals": proposals.filter(status__in=(ProposalStatus.SUBMITTED,
                                                           ProposalStatus.SHORTLISTED)).count(),
            "active_contracts": contracts.filter(status=ContractStatus.ACTIVE).count(),
            "earned": earned,
            "rating": rating,
        },
        "to_deliver": Milestone.objects.filter(contract__freelancer=user, contract__status=ContractStatus.ACTIVE,
                                               status__in=(MilestoneStatus.FUNDED, MilestoneStatus.IN_PROGRESS,
                                                           MilestoneStatus.REJECTED, MilestoneStatus.PENDING))
        .select_related("contract__client")
        # Work under way first, then what is still to be funded; earliest due first, undated last.
        .order_by(Case(When(status=MilestoneStatus.PENDING, then=1), default=0), F("due_date").asc(nulls_last=True),
                  "order")[:6],
        "recommended": recommended,
        "proposals": proposals.select_related("project").order_by("-created_at")[:6],
        "contracts": contracts.filter(status=ContractStatus.ACTIVE).select_related("client")
        .order_by("-created_at")[:6],
    }
