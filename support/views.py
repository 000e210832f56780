"""Support pages for people: my tickets, a new ticket, a ticket's conversation; opening a dispute on a contract,
a dispute with its evidence. Every write goes through a service; a refusal becomes a message or a form error."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from billing.models import MONEY_HOLDING_STATUSES, Escrow
from marketplace.models import Contract
from megilance.api.exceptions import ApplicationError

from . import selectors, services
from .forms import DisputeForm, EvidenceForm, ReplyForm, TicketForm
from .models import DisputeEvidence, TicketMessage


def _own_ticket(request, pk: int):
    # People see their own tickets here, staff included: the queue for staff is in the admin.
    ticket = selectors.ticket_with_messages(request.user, pk)
    if ticket is None or ticket.user_id != request.user.pk:
        raise Http404
    return ticket


def _form_refused(form, error: ApplicationError) -> None:
    for field, problems in (error.errors or {}).items():
        if field in form.fields:
            for problem in problems:
                form.add_error(field, problem)
    form.add_error(None, error.message)


@login_required
def ticket_list(request):
    tickets = selectors.tickets_visible_to(request.user).filter(user=request.user)
    disputes = selectors.disputes_visible_to(request.user).filter(
        Q(contract__client=request.user) | Q(contract__freelancer=request.user))
    return render(request, "support/ticket_list.html", {"tickets": tickets, "disputes": disputes})


@login_required
def ticket_new(request):
    form = TicketForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(user=request.user, subject=data["subject"],
                                            description=data["description"], category=data["category"],
                                            priority=data["priority"], attachments=data["attachments"],
                                            request=request)
        except ApplicationError as error:
            _form_refused(form, error)
        else:
            messages.success(request, "Your request is in. We will answer by email and here.")
            return redirect(ticket.get_absolute_url())
    return render(request, "support/ticket_new.html", {"form": form})


@login_required
def ticket_detail(request, pk: int):
    ticket = _own_ticket(request, pk)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_reply(ticket=ticket, actor=request.user, body=form.cleaned_data["body"],
                                  attachments=form.cleaned_data["attachments"], request=request)
        except ApplicationError as error:
            _form_refused(form, error)
        else:
            messages.success(request, "Reply sent.")
            return redirect(ticket.get_absolute_url())
    return render(request, "support/ticket_detail.html", {"ticket": ticket, "form": form})


@login_required
@require_POST
def ticket_close(request, pk: int):
    ticket = _own_ticket(request, pk)
    try:
        services.ticket_close(ticket=ticket, actor=request.user, request=request)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Ticket closed. Thank you.")
    return redirect(ticket.get_absolute_url())


@login_required
def dispute_new(request, contract_id: int):
    contract = Contract.objects.filter(Q(client=request.user) | Q(freelancer=request.user), pk=contract_id).first()
    if contract is None:
        raise Http404
    held = Escrow.objects.filter(contract=contract, status__in=MONEY_HOLDING_STATUSES, milestone__isnull=False
                                 ).select_related("milestone")
    milestones = [escrow.milestone for escrow in held]
    form = DisputeForm(request.POST or None, request.FILES or None, milestones=milestones)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        milestone = next((m for m in milestones if m.pk == data["milestone"]), None)
        try:
            dispute = services.dispute_open(actor=request.user, contract=contract, milestone=milestone,
                                            dispute_type=data["dispute_type"], description=data["description"],
                                            attachments=data["attachments"], request=request)
        except ApplicationError as error:
            _form_refused(form, error)
        else:
            messages.success(request, "Dispute opened. The money in escrow is frozen until our staff decide.")
            return redirect(dispute.get_absolute_url())
    return render(request, "support/dispute_new.html", {"contract": contract, "form": form})


@login_required
def dispute_detail(request, pk: int):
    dispute = selectors.disputes_visible_to(request.user).filter(
        Q(contract__client=request.user) | Q(contract__freelancer=request.user), pk=pk).first()
    if dispute is None:
        raise Http404
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dispute_add_evidence(dispute=dispute, actor=request.user,
                                          description=form.cleaned_data["description"],
                                          attachments=form.cleaned_data["attachments"], request=request)
        except ApplicationError as error:
            _form_refused(form, error)
        else:
            messages.success(request, "Evidence added.")
            return redirect(dispute.get_absolute_url())
    return render(request, "support/dispute_detail.html", {
        "dispute": dispute, "form": form, "awaiting_me": dispute.is_open and dispute.responded_at is None
        and dispute.other_party_id() == request.user.pk})


def _attachment_paths(user, kind: str, pk: int) -> list[str]:
    """The stored paths of one ticket, ticket message or evidence row, if the caller may see it (the person
    concerned or Support staff); otherwise nothing, which answers 404."""
    if kind == "ticket":
        ticket = selectors.tickets_visible_to(user).filter(pk=pk).first()
        return ticket.attachments if ticket else []
    if kind == "message":
        message = TicketMessage.objects.filter(pk=pk, ticket__in=selectors.tickets_visible_to(user)).first()
        return message.attachments if message else []
    if kind == "evidence":
        evidence = DisputeEvidence.objects.filter(pk=pk, dispute__in=selectors.disputes_visible_to(user)).first()
        return evidence.attachments if evidence else []
    return []


@login_required
def attachment_download(request, kind: str, pk: int, index: int):
    """Attachments are private: they are served only through this check, always as a download."""
    paths = _attachment_paths(request.user, kind, pk)
    if index >= len(paths) or not default_storage.exists(paths[index]):
        raise Http404
    path = paths[index]
    name = path.rsplit("/", 1)[-1].split("-", 1)[-1]
    response = FileResponse(default_storage.open(path, "rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
