"""Pages for hourly work and invoices: the freelancer's time tracker (HTMX timer, weekly timesheet, manual
entries), the client's weekly timesheets to approve or reject, work logs, and invoices with PDF, CSV and pay.

Reads are scoped to the two parties (anyone else gets 404); every change goes through the same services as the
API, so the week rules, the ledger and the events hold for page actions too.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import BillingProfile, Role
from marketplace import time_selectors
from marketplace.models import Contract, ContractStatus, TimeEntry, TimeEntryStatus, WorkLog
from marketplace.services import time as time_services
from marketplace.services import worklogs as worklog_services
from megilance.api.exceptions import ApplicationError

from .api.invoice_views import invoice_list_for, invoices_csv
from .models import Invoice, InvoiceStatus
from .pdf import PdfUnavailable, invoice_pdf_bytes, pdf_filename
from .services import invoices as invoice_services

# --- helpers -------------------------------------------------------------------------------------------------


def _week(request) -> datetime.date:
    raw = request.GET.get("week") or request.POST.get("week")
    try:
        day = datetime.date.fromisoformat(raw) if raw else timezone.now().date()
    except ValueError:
        day = timezone.now().date()
    return day - datetime.timedelta(days=day.weekday())


def _contract(request, *, role: str | None = None):
    """The hourly contract picked by ?contract= (or the first one), among the caller's own."""
    contracts = time_selectors.hourly_contracts_for(user=request.user)
    if role == Role.FREELANCER:
        contracts = contracts.filter(freelancer=request.user)
    elif role == Role.CLIENT:
        contracts = contracts.filter(client=request.user)
    contracts = list(contracts.order_by("-created_at", "-id"))
    raw = request.GET.get("contract") or request.POST.get("contract")
    if raw:
        chosen = next((c for c in contracts if str(c.pk) == str(raw)), None)
        if chosen is None:
            raise Http404("Contract not found.")
        return chosen, contracts
    return (contracts[0] if contracts else None), contracts


def _back(name: str, contract, week=None) -> str:
    url = f"{reverse(name)}?contract={contract.pk}" if contract else reverse(name)
    return f"{url}&week={week.isoformat()}" if contract and week else url


def _entry_for(request, pk: int) -> TimeEntry:
    entry = time_selectors.time_entry_list_for(user=request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404("Time entry not found.")
    return entry


def _week_context(contract, week):
    entries = list(TimeEntry.objects.filter(contract=contract, week_start=week).order_by("start_time", "pk"))
    return {
        "week": week, "week_end": week + datetime.timedelta(days=6),
        "prev_week": week - datetime.timedelta(days=7), "next_week": week + datetime.timedelta(days=7),
        "entries": entries, "summary": time_selectors.time_summary(contract=contract, week_start=week),
        "edit_deadline": time_services.edit_deadline(week), "review_deadline": time_services.review_deadline(week)
        - datetime.timedelta(minutes=1),
        "editable": timezone.now() < time_services.edit_deadline(week),
        "reviewable": timezone.now() < time_services.review_deadline(week),
        "waiting": sum(1 for e in entries if e.status in time_services.REVIEWABLE_STATUSES),
        "drafts": sum(1 for e in entries if e.status == TimeEntryStatus.DRAFT),
        "limit_hours": contract.weekly_limit_hours,
    }


# --- the freelancer's time tracker -----------------------------------------------------------------------------


class ManualEntryForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="From (UTC)")
    end = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="To (UTC)")
    description = forms.CharField(max_length=500, required=False)
    billable = forms.BooleanField(required=False, initial=True)

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start") and data.get("end"):
            data["start_time"] = datetime.datetime.combine(data["day"], data["start"], tzinfo=datetime.UTC)
            data["end_time"] = datetime.datetime.combine(data["day"], data["end"], tzinfo=datetime.UTC)
        return data


def _running(contract, user):
    return TimeEntry.objects.filter(contract=contract, user=user, status=TimeEntryStatus.RUNNING).first()


@login_required
def time_tracker(request):
    if request.user.role != Role.FREELANCER:
        return redirect("invoices:timesheets")
    contract, contracts = _contract(request, role=Role.FREELANCER)
    context = {"contract": contract, "contracts": contracts, "form": ManualEntryForm(initial={"billable": True})}
    if contract is not None:
        context.update(_week_context(contract, _week(request)))
        context["running"] = _running(contract, request.user)
    return render(request, "timesheets/tracker.html", context)


def _timer(request, contract, error: str = "", status: int = 200):
    return render(request, "timesheets/_timer.html", {"contract": contract, "running": _running(contract, request.user),
                                                      "timer_error": error}, status=status)


@login_required
@require_POST
def timer_start(request):
    contract, _ = _contract(request, role=Role.FREELANCER)
    if contract is None:
        raise Http404("Contract not found.")
    try:
        time_services.time_entry_start(contract=contract, actor=request.user,
                                       description=request.POST.get("description", "")[:500])
    except ApplicationError as error:
        # HTMX swaps only 2xx answers: the message is shown in the timer card either way.
        return _timer(request, contract, error.message, status=200 if request.headers.get("HX-Request") else 400)
    return _timer(request, contract)


@login_required
@require_POST
def timer_stop(request, pk: int):
    entry = _entry_for(request, pk)
    try:
        time_services.time_entry_stop(entry=entry, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Timer stopped; the time is on this week's timesheet.")
    url = _back("invoices:time-tracker", entry.contract, entry.week_start)
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_POST
def time_manual(request):
    contract, _ = _contract(request, role=Role.FREELANCER)
    if contract is None:
        raise Http404("Contract not found.")
    form = ManualEntryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = time_services.time_entry_create_manual(
                contract=contract, actor=request.user, start_time=data["start_time"], end_time=data["end_time"],
                description=data["description"], billable=data["billable"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{entry.hours} hours added.")
            return redirect(_back("invoices:time-tracker", contract, entry.week_start))
    else:
        messages.error(request, "Check the day and times of the entry.")
    return redirect(_back("invoices:time-tracker", contract, _week(request)))


@login_required
@require_POST
def time_delete(request, pk: int):
    entry = _entry_for(request, pk)
    try:
        time_services.time_entry_delete(entry=entry, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Entry deleted.")
    return redirect(_back("invoices:time-tracker", entry.contract, entry.week_start))


@login_required
@require_POST
def week_submit(request):
    contract, _ = _contract(request, role=Role.FREELANCER)
    if contract is None:
        raise Http404("Contract not found.")
    week = _week(request)
    try:
        count = time_services.time_week_submit(contract=contract, actor=request.user, week_start=week)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{count} entries sent to the client for approval.")
    return redirect(_back("invoices:time-tracker", contract, week))


# --- the client's timesheets -----------------------------------------------------------------------------------


@login_required
def timesheets(request):
    contract, contracts = _contract(request, role=Role.CLIENT if request.user.role == Role.CLIENT else None)
    context = {"contract": contract, "contracts": contracts,
               "is_client": contract is not None and contract.client_id == request.user.pk}
    if contract is not None:
        context.update(_week_context(contract, _week(request)))
        context["weeks"] = time_selectors.week_groups(contract=contract)[:12]
    return render(request, "timesheets/review.html", context)


@login_required
@require_POST
def week_approve(request):
    contract, _ = _contract(request, role=Role.CLIENT)
    if contract is None:
        raise Http404("Contract not found.")
    week = _week(request)
    try:
        entries = time_services.time_week_approve(contract=contract, actor=request.user, week_start=week)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{len(entries)} entries approved. The approved time is invoiced and charged.")
    return redirect(_back("invoices:timesheets", contract, week))


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=2000)


@login_required
@require_POST
def entry_review(request, pk: int, decision: str):
    entry = _entry_for(request, pk)
    try:
        if decision == "approve":
            time_services.time_entry_approve(entry=entry, actor=request.user)
            messages.success(request, "Entry approved.")
        else:
            form = RejectForm(request.POST)
            if not form.is_valid():
                raise ApplicationError("Say why you reject this time.")
            time_services.time_entry_reject(entry=entry, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, "Entry rejected; the freelancer sees your reason.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(_back("invoices:timesheets", entry.contract, entry.week_start))


# --- work logs ---------------------------------------------------------------------------------------------------


class WorkLogForm(forms.ModelForm):
    class Meta:
        model = WorkLog
        fields = ["date", "hours_worked", "tasks_completed", "blockers", "notes"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "tasks_completed": forms.Textarea(attrs={"rows": 3}),
                   "blockers": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 2})}


@login_required
def work_logs(request):
    contract, contracts = _contract(request)
    logs = WorkLog.objects.filter(contract=contract).select_related("user") if contract else WorkLog.objects.none()
    can_write = contract is not None and contract.freelancer_id == request.user.pk and contract.status in (
        ContractStatus.ACTIVE, ContractStatus.PAUSED)
    form = WorkLogForm(initial={"date": timezone.now().date()}) if can_write else None
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("Only the contract's freelancer writes work logs.")
        form = WorkLogForm(request.POST)
        if form.is_valid():
            try:
                worklog_services.work_log_create(contract=contract, actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "Work log saved.")
                return redirect(_back("invoices:work-logs", contract))
    page = Paginator(logs.order_by("-date", "-id"), 20).get_page(request.GET.get("page"))
    return render(request, "timesheets/work_logs.html", {"contract": contract, "contracts": contracts,
                                                         "page": page, "form": form})


# --- invoices ----------------------------------------------------------------------------------------------------


def _invoice_for(request, pk: int) -> Invoice:
    invoice = invoice_list_for(user=request.user).select_related("contract").filter(pk=pk).first()
    if invoice is None:
        raise Http404("Invoice not found.")
    return invoice


@login_required
def invoice_list(request):
    direction = request.GET.get("direction") or ("received" if request.user.role == Role.CLIENT else "issued")
    qs = invoice_list_for(user=request.user).filter(**({"to_user": request.user} if direction == "received"
                                                       else {"from_user": request.user}))
    status = request.GET.get("status")
    if status in InvoiceStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("format") == "csv":
        response = HttpResponse(invoices_csv(qs), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="megilance-invoices.csv"'
        return response
    page = Paginator(qs.order_by("-created_at", "-id"), 20).get_page(request.GET.get("page"))
    return render(request, "invoices/list.html", {"page": page, "direction": direction, "status": status,
                                                  "statuses": InvoiceStatus.choices})


class InvoiceForm(forms.Form):
    contract = forms.TypedChoiceField(coerce=int)
    description = forms.CharField(max_length=500)
    quantity = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0.01, initial=1)
    unit_price = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    tax_rate = forms.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, initial=0)
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [(c.pk, f"{c.title} ({c.client.display_name})") for c in contracts]


@login_required
def invoice_create(request):
    if request.user.role != Role.FREELANCER:
        raise PermissionDenied("Freelancers invoice their clients.")
    contracts = list(Contract.objects.filter(freelancer=request.user, status__in=[
        ContractStatus.ACTIVE, ContractStatus.PAUSED, ContractStatus.COMPLETED]).select_related("client")
        .order_by("-created_at"))
    form = InvoiceForm(request.POST or None, contracts=contracts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contract = next(c for c in contracts if c.pk == data["contract"])
        try:
            invoice = invoice_services.invoice_create(
                issuer=request.user, contract=contract, tax_rate=data["tax_rate"], due_date=data["due_date"],
                notes=data["notes"], items=[{"description": data["description"], "quantity": data["quantity"],
                                             "unit_price": data["unit_price"]}])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Invoice {invoice.number} issued.")
            return redirect("invoices:invoice-detail", pk=invoice.pk)
    return render(request, "invoices/form.html", {"form": form})


@login_required
def invoice_detail(request, pk: int):
    invoice = _invoice_for(request, pk)
    return render(request, "invoices/detail.html", {
        "invoice": invoice, "lines": invoice.items, "is_issuer": invoice.from_user_id == request.user.pk,
        "is_recipient": invoice.to_user_id == request.user.pk})


@login_required
def invoice_pdf(request, pk: int):
    invoice = _invoice_for(request, pk)
    if not invoice.number:
        raise Http404("A draft has no PDF yet.")
    try:
        data = invoice_pdf_bytes(invoice)
    except PdfUnavailable as error:
        return HttpResponse(f"PDFs cannot be rendered on this server: {error}", status=503,
                            content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(invoice)}"'
    return response


@login_required
@require_POST
def invoice_action(request, pk: int, verb: str):
    invoice = _invoice_for(request, pk)
    try:
        if verb == "pay":
            invoice_services.invoice_pay(invoice=invoice, actor=request.user)
            messages.success(request, "Paid. The freelancer receives the money after the security period.")
        elif verb == "send":
            invoice_services.invoice_send(invoice=invoice, actor=request.user)
            messages.success(request, "Invoice emailed to the client.")
        elif verb == "cancel":
            invoice_services.invoice_cancel(invoice=invoice, actor=request.user,
                                            reason=request.POST.get("reason", "")[:1000])
            messages.success(request, "Invoice cancelled.")
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("invoices:invoice-detail", pk=invoice.pk)


class BillingProfileForm(forms.ModelForm):
    class Meta:
        model = BillingProfile
        fields = ["legal_name", "company_name", "address_line1", "address_line2", "postal_code", "city", "region",
                  "country", "tax_id", "billing_email"]
        labels = {"address_line1": "Address", "address_line2": "Address (line 2)", "tax_id": "Tax ID / VAT number",
                  "country": "Country code"}


@login_required
def billing_profile(request):
    """The details printed on the person's invoices; each invoice keeps a copy from the day it was issued."""
    form = BillingProfileForm(request.POST or None, instance=BillingProfile.of(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Billing details saved. New invoices will show them.")
        return redirect("invoices:billing-profile")
    return render(request, "invoices/billing_profile.html", {"form": form})
