"""Money pages. Clients fund milestones, release or take back escrow, ask for refunds and read their payment history
(with a CSV export); freelancers see their earnings (pending and available), set their payout schedule and payout
account, and read their payout history. Every write goes through a billing service; a refusal becomes a message.
"""

import csv
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Role
from marketplace.models import Contract, Milestone
from megilance.api.exceptions import ApplicationError

from . import forms, selectors
from .gateways.base import FAILED, SUCCEEDED, GatewayError, get_gateway
from .models import (
    LIVE_ESCROW_STATUSES,
    Escrow,
    EscrowStatus,
    Payment,
    PaymentStatus,
    PaymentType,
    PayoutAccount,
    PayoutSchedule,
    Refund,
)
from .services import escrow as escrow_services
from .services import gateway_accounts
from .services import payouts as payout_services
from .services import refunds as refund_services

PAGE_SIZE = 20


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _refused(request, error: ApplicationError) -> None:
    messages.error(request, error.message)


def _require_role(request, role: str) -> None:
    if request.user.role != role:
        raise PermissionDenied(f"This page is for {role}s.")


def _own_payments(user):
    return (Payment.objects.filter(Q(from_user=user) | Q(to_user=user))
            .select_related("contract", "milestone", "from_user", "to_user"))


def _party_escrow(user, pk: int) -> Escrow:
    """An escrow of one of the user's contracts (as client or freelancer); anyone else gets 404."""
    return get_object_or_404(
        Escrow.objects.select_related("contract", "contract__freelancer", "contract__client", "milestone")
        .filter(Q(client=user) | Q(contract__freelancer=user)), pk=pk)


def _contract_url(contract_id: int) -> str:
    return reverse("marketplace:contract-detail", args=[contract_id])


# --- client: funding -------------------------------------------------------------------------------------------


@login_required
def fund_milestone(request, contract_id: int, milestone_id: int):
    """Put a milestone's amount into escrow. With the manual gateway it is funded at once; with Stripe the card is
    confirmed on this page and the escrow waits for Stripe's webhook; with PayPal the client approves at PayPal."""
    contract = get_object_or_404(Contract.objects.select_related("freelancer", "client")
                                 .filter(Q(client=request.user) | Q(freelancer=request.user)), pk=contract_id)
    if contract.client_id != request.user.pk:
        raise PermissionDenied("Only the client funds escrow.")
    milestone = get_object_or_404(Milestone, pk=milestone_id, contract=contract)
    live = Escrow.objects.filter(milestone=milestone, status__in=LIVE_ESCROW_STATUSES).order_by("-pk").first()
    gateway = get_gateway()
    if request.method == "POST":
        try:
            escrow = escrow_services.escrow_fund(contract=contract, actor=request.user, milestone=milestone)
        except ApplicationError as error:
            _refused(request, error)
            return redirect(request.path)
        if escrow.status == EscrowStatus.FUNDED:
            messages.success(request, f"{milestone.title} is funded: the money is held in escrow until you "
                                      f"approve the work.")
            return redirect(_contract_url(contract.pk))
        secret = getattr(escrow, "client_secret", None) or ""
        if escrow.gateway == "paypal" and secret.startswith("https://"):
            return redirect(secret)
        if escrow.gateway == "stripe" and secret:
            return render(request, "billing/escrow_pay.html", {
                "escrow": escrow, "client_secret": secret, "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
                "return_url": request.build_absolute_uri(reverse("billing:escrow-detail", args=[escrow.pk])),
            })
        messages.info(request, "The payment is waiting for the provider's confirmation.")
        return redirect("billing:escrow-detail", pk=escrow.pk)
    return render(request, "billing/fund_milestone.html", {
        "contract": contract, "milestone": milestone, "live": live, "gateway": gateway.name,
        "fee_percent": settings.PLATFORM_FEE_PERCENT,
    })


@login_required
def paypal_return(request):
    """PayPal sends the payer back here with the approved order (`token`): capture it and fund the escrow. The
    PAYMENT.CAPTURE.COMPLETED webhook does the same; whichever comes first funds it, the other changes nothing."""
    escrow = Escrow.objects.filter(gateway="paypal", gateway_reference=request.GET.get("token", ""),
                                   client=request.user).first()
    if escrow is None:
        raise Http404("No such payment.")
    if escrow.status == EscrowStatus.PENDING:
        try:
            result = get_gateway("paypal").capture(reference=escrow.gateway_reference)
            if result.status == SUCCEEDED:
                escrow_services.escrow_confirm_funding(reference=escrow.gateway_reference, gateway_fee=result.fee)
                messages.success(request, "Payment received: the milestone is funded.")
            elif result.status == FAILED:
                escrow_services.escrow_fail_funding(reference=escrow.gateway_reference, reason=result.failure_reason)
                messages.error(request, "PayPal declined the payment.")
            else:
                messages.info(request, "PayPal is still checking the payment; the milestone is funded when it "
                                       "clears.")
        except GatewayError:
            messages.warning(request, "PayPal did not answer; the payment is confirmed as soon as it does.")
        except ApplicationError as error:
            _refused(request, error)
    return redirect("billing:escrow-detail", pk=escrow.pk)


@login_required
def paypal_cancel(request):
    messages.info(request, "The PayPal payment was cancelled; nothing was charged.")
    return redirect("billing:escrow-list")


# --- escrow: release and take back -----------------------------------------------------------------------------


@login_required
def escrow_list(request):
    escrows = (Escrow.objects.filter(Q(client=request.user) | Q(contract__freelancer=request.user))
               .select_related("contract", "milestone").order_by("-created_at", "-pk"))
    status = request.GET.get("status", "")
    if status in EscrowStatus.values:
        escrows = escrows.filter(status=status)
    balance = selectors.escrow_balance(escrows=Escrow.objects.filter(
        Q(client=request.user) | Q(contract__freelancer=request.user)))
    return render(request, "billing/escrow_list.html", {
        "page": _page(request, escrows), "balance": balance, "status": status, "statuses": EscrowStatus.choices,
    })


@login_required
def escrow_detail(request, pk: int):
    escrow = _party_escrow(request.user, pk)
    is_client = escrow.client_id == request.user.pk
    funding = Payment.objects.filter(escrow=escrow, payment_type__in=[PaymentType.ESCROW_FUNDING,
                                                                      PaymentType.DEPOSIT]).first()
    payments = Payment.objects.filter(escrow=escrow).order_by("created_at", "pk")
    if is_client:
        payments = payments.exclude(payment_type=PaymentType.FEE)  # the freelancer's fee is theirs to see
    return render(request, "billing/escrow_detail.html", {
        "escrow": escrow, "is_client": is_client, "funding": funding, "payments": payments,
        "refunds": Refund.objects.filter(escrow=escrow).order_by("-created_at", "-pk"),
        "release_form": forms.ReleaseForm(), "refund_form": forms.EscrowRefundForm(),
        "can_act": escrow.status in (EscrowStatus.FUNDED, EscrowStatus.PARTIALLY_RELEASED),
        "refundable": refund_services.refundable_amount(escrow=escrow) if is_client else None,
    })


@login_required
@require_POST
def escrow_release(request, pk: int):
    escrow = _party_escrow(request.user, pk)
    form = forms.ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter an amount above zero, or leave it empty to release everything.")
        return redirect("billing:escrow-detail", pk=escrow.pk)
    try:
        payment = escrow_services.escrow_release(escrow=escrow, actor=request.user,
                                                 amount=form.cleaned_data.get("amount"))
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Released {payment.amount} {payment.currency} to "
                                  f"{escrow.contract.freelancer.display_name}.")
    return redirect("billing:escrow-detail", pk=escrow.pk)


@login_required
@require_POST
def escrow_refund(request, pk: int):
    escrow = _party_escrow(request.user, pk)
    form = forms.EscrowRefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter an amount above zero, or leave it empty to take back everything.")
        return redirect("billing:escrow-detail", pk=escrow.pk)
    try:
        refund = escrow_services.escrow_refund(escrow=escrow, actor=request.user,
                                               amount=form.cleaned_data.get("amount"),
                                               reason=form.cleaned_data.get("reason", ""))
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{refund.amount} {refund.currency} is on its way back to the client.")
    return redirect("billing:escrow-detail", pk=escrow.pk)


# --- refunds needing approval ----------------------------------------------------------------------------------


@login_required
def refund_request(request, payment_id: int):
    """Ask Finance staff for money back from a funding (after the work was handed in, for example)."""
    payment = get_object_or_404(Payment.objects.select_related("escrow", "milestone", "contract"),
                                pk=payment_id, from_user=request.user)
    if payment.payment_type not in refund_services.REFUNDABLE_PAYMENT_TYPES or payment.escrow_id is None:
        raise Http404("This payment cannot be refunded.")
    refundable = refund_services.refundable_amount(escrow=payment.escrow)
    form = forms.RefundRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            refund = refund_services.refund_request(payment=payment, actor=request.user,
                                                    amount=form.cleaned_data.get("amount"),
                                                    reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            for field, problems in (error.errors or {}).items():
                form.add_error(field if field in form.fields else None, problems)
            if not error.errors:
                form.add_error(None, error.message)
        else:
            messages.success(request, f"Your request for {refund.amount} {refund.currency} was sent to our "
                                      f"finance team.")
            return redirect("billing:payment-list")
    return render(request, "billing/refund_request.html", {
        "payment": payment, "form": form, "refundable": refundable,
        "open_refunds": Refund.objects.filter(payment=payment).order_by("-created_at", "-pk"),
    }, status=400 if form.errors else 200)


# --- payment history -------------------------------------------------------------------------------------------


def _filtered_payments(request):
    form = forms.PaymentFilterForm(request.GET or None)
    payments = _own_payments(request.user).order_by("-created_at", "-pk")
    if form.is_valid():
        if form.cleaned_data.get("payment_type"):
            payments = payments.filter(payment_type=form.cleaned_data["payment_type"])
        if form.cleaned_data.get("status"):
            payments = payments.filter(status=form.cleaned_data["status"])
    return form, payments


@login_required
def payment_list(request):
    form, payments = _filtered_payments(request)
    return render(request, "billing/payment_list.html", {
        "form": form, "page": _page(request, payments), "wallet": selectors.wallet(user=request.user),
        "export_query": request.GET.urlencode(),
    })


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    """A text cell a spreadsheet will not run as a formula (milestone titles and descriptions are user text)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def payment_export(request):
    _form, payments = _filtered_payments(request)
    user = request.user
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["id", "date", "type", "status", "direction", "counterparty", "contract", "milestone",
                               "amount", "fee", "net", "currency", "description"])
        for p in payments.iterator(chunk_size=500):
            outgoing = p.from_user_id == user.pk
            other = p.to_user if outgoing else p.from_user
            yield writer.writerow([
                p.pk, p.created_at.date().isoformat(), p.payment_type, p.status, "out" if outgoing else "in",
                _cell(other.display_name if other else "MegiLance"), _cell(p.contract.title if p.contract else ""),
                _cell(p.milestone.title if p.milestone else ""), f"{p.amount:.2f}", f"{p.fee_amount:.2f}",
                f"{p.net_amount:.2f}", p.currency, _cell(p.description),
            ])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="megilance-payments-{date.today():%Y%m%d}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- freelancer: earnings and payouts --------------------------------------------------------------------------


@login_required
def earnings(request):
    _require_role(request, Role.FREELANCER)
    user = request.user
    schedule = selectors.payout_schedule_of(user)
    maturing = (Payment.objects.filter(to_user=user, payment_type=PaymentType.RELEASE,
                                       status=PaymentStatus.COMPLETED, matured_at__isnull=True)
                .select_related("contract", "milestone").order_by("available_at", "pk")[:10])
    gateway = get_gateway()
    return render(request, "billing/earnings.html", {
        "wallet": selectors.wallet(user=user),
        "maturing": maturing,
        "schedule": schedule,
        "schedule_form": forms.PayoutScheduleForm(initial={
            "frequency": schedule.frequency if schedule else "monthly",
            "minimum_amount": schedule.minimum_amount if schedule else "50.00",
            "is_active": schedule.is_active if schedule else True,
        }),
        "payout_form": forms.PayoutRequestForm(),
        "paypal_form": forms.PayPalEmailForm(),
        "account": PayoutAccount.objects.filter(user=user, gateway=gateway.name).first(),
        "gateway": gateway.name,
        "payouts": selectors.payouts_visible_to(user).filter(freelancer=user).order_by("-created_at", "-pk")[:5],
        "security_days": settings.SECURITY_PERIOD_DAYS,
    })


@login_required
@require_POST
def payout_schedule(request):
    _require_role(request, Role.FREELANCER)
    form = forms.PayoutScheduleForm(request.POST)
    if form.is_valid():
        try:
            schedule = payout_services.payout_schedule_set(freelancer=request.user, **form.cleaned_data)
        except ApplicationError as error:
            _refused(request, error)
        else:
            state = f"next payday {schedule.next_run_at:%-d %b %Y}" if schedule.is_active else "automatic payouts off"
            messages.success(request, f"Payout schedule saved: {schedule.get_frequency_display().lower()}, {state}.")
    else:
        messages.error(request, "Choose how often to be paid and a minimum of 0 or more.")
    return redirect("billing:earnings")


@login_required
@require_POST
def payout_now(request):
    _require_role(request, Role.FREELANCER)
    form = forms.PayoutRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter an amount above zero, or leave it empty to pay out everything available.")
        return redirect("billing:earnings")
    try:
        payout = payout_services.payout_request(freelancer=request.user, amount=form.cleaned_data.get("amount"))
    except ApplicationError as error:
        _refused(request, error)
    else:
        if payout.status == "failed":
            messages.error(request, f"The payout did not go through: {payout.failure_reason}")
        else:
            messages.success(request, f"Payout of {payout.amount} {payout.currency}: {payout.get_status_display()}.")
    return redirect("billing:earnings")


@login_required
def payout_list(request):
    _require_role(request, Role.FREELANCER)
    payouts = selectors.payouts_visible_to(request.user).filter(freelancer=request.user).order_by("-created_at", "-pk")
    return render(request, "billing/payout_list.html", {
        "page": _page(request, payouts), "schedule": PayoutSchedule.objects.filter(freelancer=request.user).first(),
    })


@login_required
def payout_account(request):
    """Start or continue setting up where payouts go. Stripe sends the freelancer back here (GET) when an
    onboarding link expired; a fresh one is made."""
    _require_role(request, Role.FREELANCER)
    if request.method != "POST" and get_gateway().name != "stripe":
        return redirect("billing:earnings")
    form = forms.PayPalEmailForm(request.POST if request.method == "POST" else None)
    if form.is_bound and not form.is_valid():
        messages.error(request, "Enter a valid PayPal email.")
        return redirect("billing:earnings")
    try:
        account, url = gateway_accounts.payout_account_onboard(
            user=request.user, email=(form.cleaned_data.get("email", "") if form.is_bound else ""))
    except ApplicationError as error:
        _refused(request, error)
        return redirect("billing:earnings")
    if url:
        return redirect(url)
    messages.success(request, f"Payouts will go to {account.account_id}.")
    return redirect("billing:earnings")
