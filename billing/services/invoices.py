"""Invoices: created (draft or issued at once), numbered at issue, paid, sent, cancelled, made overdue.

Numbering: a freelancer's invoices are INV-YYYY-NNNNNN and MegiLance's own fee invoices MGL-YYYY-NNNNNN, each
counted per issuer and year without gaps. The counter is a row in `invoice_sequences` locked for the length of
the issuing transaction: two invoices issued at once wait for each other, and an issue that rolls back gives its
number back. A draft has no number.

Paying moves money through the escrow services: the client's money is put in escrow for the contract (a deposit
of the invoice's total) and released to the freelancer at once, which takes the platform fee like every other
payment to a freelancer. The invoice is linked to that escrow before the payment is confirmed, so the receiver of
escrow_funded (billing/invoice_receivers.py) can finish the job in the confirmation's transaction, whether the
provider answers at once (manual gateway) or later by webhook (Stripe).
"""

import datetime
import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import BillingProfile, Role, User
from marketplace.models import Contract
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden
from megilance.email import send_email
from megilance.money import multiply, percent_of, quantize, sum_amounts

from ..gateways.base import FAILED, PENDING, SUCCEEDED, FundingResult, GatewayError, get_gateway
from ..models import (
    PLATFORM_ISSUER,
    Escrow,
    EscrowStatus,
    Invoice,
    InvoiceKind,
    InvoiceSequence,
    InvoiceSource,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    PaymentType,
)

logger = logging.getLogger(__name__)

DEFAULT_DUE_DAYS = 14
MAX_ITEMS = 100
PREFIXES = {InvoiceKind.WORK: "INV", InvoiceKind.PLATFORM_FEE: "MGL"}
OPEN_STATUSES = (InvoiceStatus.PENDING, InvoiceStatus.OVERDUE)


def platform_details() -> dict:
    """MegiLance as the issuer of its fee invoices (settings.INVOICE_PLATFORM_DETAILS overrides it)."""
    return getattr(settings, "INVOICE_PLATFORM_DETAILS", None) or {
        "name": "MegiLance Ltd.", "email": "billing@megilance.com", "company": "MegiLance Ltd.",
        "address": ["1 Market Street", "London EC1A 1AA", "GB"], "tax_id": "GB 123 4567 89",
    }


def party_details(user: User | None) -> dict:
    """What an invoice says about a party, copied at issue time from their billing profile."""
    if user is None:
        return platform_details()
    profile = BillingProfile.objects.filter(user=user).first()
    if profile is None:
        return {"name": user.name or user.email, "email": user.email, "company": "",
                "address": [user.location] if user.location else [], "tax_id": ""}
    return {"name": profile.legal_name or user.name or user.email, "email": profile.billing_email or user.email,
            "company": profile.company_name, "address": profile.address_lines(), "tax_id": profile.tax_id}


# --- lines and totals ----------------------------------------------------------------------------------------


def _decimal(value, field: str, index: int) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ApplicationError(f"Line {index}: {field} must be a number.",
                               errors={"items": [f"Line {index}: {field} must be a number."]}) from None
    if not number.is_finite() or abs(number) >= Decimal("1e11"):
        raise ApplicationError(f"Line {index}: {field} is out of range.",
                               errors={"items": [f"Line {index}: {field} is out of range."]})
    return number


def invoice_lines(items) -> list[dict]:
    """Normalise `[{description, quantity?, unit_price?, amount}]`. Each line's amount is rounded to the cent
    before the lines are summed; given a quantity and a unit price, the amount must be their product."""
    if not isinstance(items, list) or not items:
        raise ApplicationError("An invoice needs at least one line.", errors={"items": ["At least one line."]})
    if len(items) > MAX_ITEMS:
        raise ApplicationError(f"At most {MAX_ITEMS} lines.", errors={"items": [f"At most {MAX_ITEMS} lines."]})
    lines = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ApplicationError(f"Line {index} is not an object.", errors={"items": [f"Line {index}: bad line."]})
        description = str(item.get("description") or "").strip()[:500]
        if not description:
            raise ApplicationError(f"Line {index} needs a description.",
                                   errors={"items": [f"Line {index}: description is required."]})
        quantity = _decimal(item.get("quantity", 1) if item.get("quantity") is not None else 1, "quantity", index)
        unit_price = item.get("unit_price")
        amount = item.get("amount")
        if unit_price is None and amount is None:
            raise ApplicationError(f"Line {index} needs an amount.",
                                   errors={"items": [f"Line {index}: amount is required."]})
        if unit_price is None:
            amount = quantize(_decimal(amount, "amount", index))
            unit_price = amount if quantity == 1 else quantize(amount / quantity) if quantity else amount
        else:
            unit_price = quantize(_decimal(unit_price, "unit_price", index))
            computed = multiply(quantity, unit_price)
            if amount is not None and quantize(_decimal(amount, "amount", index)) != computed:
                raise ApplicationError(f"Line {index}: the amount is not quantity x unit price ({computed}).",
                                       errors={"items": [f"Line {index}: amount must be {computed}."]})
            amount = computed
        if quantity <= 0 or amount < 0:
            raise ApplicationError(f"Line {index}: quantity must be positive and amount not negative.",
                                   errors={"items": [f"Line {index}: bad quantity or amount."]})
        # 2.0000 prints as 2 and 6.5000 as 6.5 (normalize alone would print 10 as 1E+1).
        quantity = quantity.quantize(Decimal("1")) if quantity == quantity.to_integral() else quantity.normalize()
        lines.append({"description": description, "quantity": quantity, "unit_price": unit_price, "amount": amount})
    return lines


def _json_lines(lines: list[dict]) -> list[dict]:
    # JSON has no Decimal: the lines keep their exact decimal text, read back with Decimal(str(...)).
    return [{"description": line["description"], "quantity": str(line["quantity"]),
             "unit_price": str(line["unit_price"]), "amount": str(line["amount"])} for line in lines]


def invoice_totals(lines: list[dict], tax_rate) -> tuple[Decimal, Decimal, Decimal]:
    amount = sum_amounts(Decimal(str(line["amount"])) for line in lines)
    tax = percent_of(amount, tax_rate or 0)
    return amount, tax, amount + tax


def _tax_rate(value) -> Decimal:
    try:
        rate = quantize(value if value not in (None, "") else 0)
    except (InvalidOperation, ValueError, TypeError):
        raise ApplicationError("tax_rate must be a number.", errors={"tax_rate": ["Must be a number."]}) from None
    if rate < 0 or rate > 100:
        raise ApplicationError("tax_rate is a percentage between 0 and 100.",
                               errors={"tax_rate": ["Between 0 and 100."]})
    return rate


# --- numbering ---------------------------------------------------------------------------------------------------


def _issuer_key(invoice: Invoice) -> str:
    return f"user:{invoice.from_user_id}" if invoice.from_user_id else PLATFORM_ISSUER


def invoice_next_number(*, issuer_key: str, prefix: str, year: int) -> str:
    """The next number of an issuer's year, under the sequence row's lock. Call inside the issuing transaction:
    the lock is held until it commits, which is what keeps the numbers free of gaps and duplicates."""
    # INSERT ... ON CONFLICT DO NOTHING: the first invoice of a year creates the row without racing others.
    InvoiceSequence.objects.bulk_create(
        [InvoiceSequence(issuer_key=issuer_key, prefix=prefix, year=year, last_number=0)], ignore_conflicts=True)
    sequence = InvoiceSequence.objects.select_for_update().get(issuer_key=issuer_key, prefix=prefix, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{sequence.last_number:06d}"


def _schedule_pdf(invoice: Invoice) -> None:
    from ..invoice_tasks import build_invoice_pdf

    invoice_id = invoice.pk
    transaction.on_commit(lambda: build_invoice_pdf.delay(invoice_id))


@transaction.atomic
def invoice_issue(*, invoice: Invoice, actor: User | None = None, due_date: datetime.date | None = None) -> Invoice:
    """Give a draft its number and freeze both parties' billing details; it is then pending (unpaid)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if actor is not None and actor.pk != invoice.from_user_id:
        raise Forbidden("Only the issuer issues an invoice.")
    if invoice.status != InvoiceStatus.DRAFT:
        raise Conflict("This invoice is already issued.", code="already_issued")
    today = timezone.now().date()
    invoice.number = invoice_next_number(issuer_key=_issuer_key(invoice), prefix=PREFIXES[invoice.kind],
                                         year=today.year)
    invoice.issue_date = today
    invoice.due_date = due_date or invoice.due_date or today + datetime.timedelta(days=DEFAULT_DUE_DAYS)
    if invoice.due_date < today:
        raise ApplicationError("The due date is before the issue date.", errors={"due_date": ["In the past."]})
    invoice.from_details = party_details(invoice.from_user)
    invoice.to_details = party_details(invoice.to_user)
    invoice.status = InvoiceStatus.PENDING
    invoice.save()
    _schedule_pdf(invoice)
    return invoice


# --- creating ------------------------------------------------------------------------------------------------


@transaction.atomic
def invoice_create(*, issuer: User, contract: Contract, items, tax_rate=0, due_date: datetime.date | None = None,
                   notes: str = "", issue: bool = True) -> Invoice:
    """A freelancer invoices the client of one of their contracts by hand; issued at once unless `issue` is
    False (a draft without a number)."""
    if issuer.pk != contract.freelancer_id:
        raise Forbidden("Only the contract's freelancer invoices its client.")
    if issuer.role != Role.FREELANCER:
        raise Forbidden("Only freelancers issue invoices.")
    lines = invoice_lines(items)
    rate = _tax_rate(tax_rate)
    amount, tax, total = invoice_totals(lines, rate)
    if total <= 0:
        raise ApplicationError("An invoice's total must be above zero.", errors={"items": ["Total is zero."]})
    invoice = Invoice.objects.create(
        kind=InvoiceKind.WORK, source=InvoiceSource.MANUAL, contract=contract, from_user=issuer,
        to_user_id=contract.client_id, items=_json_lines(lines), amount=amount, tax_rate=rate, tax=tax,
        total=total, currency=contract.currency, due_date=due_date, notes=notes or "",
    )
    if issue:
        invoice = invoice_issue(invoice=invoice, due_date=due_date)
    return invoice


def _create_issued(*, kind: str, source: str, contract: Contract | None, from_user: User | None, to_user: User,
                   lines: list[dict], currency: str, notes: str = "", **fields) -> Invoice:
    amount, tax, total = invoice_totals(lines, 0)
    invoice = Invoice.objects.create(
        kind=kind, source=source, contract=contract, from_user=from_user, to_user=to_user, items=_json_lines(lines),
        amount=amount, tax_rate=Decimal("0.00"), tax=tax, total=total, currency=currency, notes=notes, **fields,
    )
    return invoice_issue(invoice=invoice, due_date=timezone.now().date())


def _mark_paid(invoice: Invoice, payment: Payment | None) -> Invoice:
    invoice.status = InvoiceStatus.PAID
    invoice.payment = payment
    invoice.paid_date = timezone.now()
    invoice.save(update_fields=["status", "payment", "paid_date", "updated_at"])
    _schedule_pdf(invoice)  # the stored PDF shows the status; the task skips it if it is already up to date
    return invoice


def invoices_for_release(*, escrow: Escrow, payment: Payment) -> list[Invoice]:
    """The paper of one escrow release, called inside the release's transaction: the freelancer's invoice to
    the client for the work (unless an invoice already documents this escrow, as a paid invoice or an hourly
    week does), and MegiLance's fee invoice to the freelancer when a fee was taken."""
    contract = escrow.contract
    made = []
    if not Invoice.objects.filter(escrow=escrow, kind=InvoiceKind.WORK).exists():
        what = escrow.milestone.title if escrow.milestone_id else f"Deposit released on {contract.title}"
        work = _create_issued(
            kind=InvoiceKind.WORK, source=InvoiceSource.ESCROW_RELEASE, contract=contract,
            from_user=User.objects.get(pk=contract.freelancer_id), to_user=User.objects.get(pk=contract.client_id),
            lines=[{"description": f"{contract.title}: {what}"[:500], "quantity": 1, "unit_price": payment.amount,
                    "amount": payment.amount}],
            currency=payment.currency, escrow=escrow, notes="Paid from escrow.",
        )
        made.append(_mark_paid(work, payment))
    if payment.fee_amount > 0:
        percent = payment.fee_line.platform_fee_percent if hasattr(payment, "fee_line") else None
        label = f"{percent}% " if percent is not None else ""
        fee = _create_issued(
            kind=InvoiceKind.PLATFORM_FEE, source=InvoiceSource.ESCROW_RELEASE, contract=contract, from_user=None,
            to_user=User.objects.get(pk=contract.freelancer_id),
            lines=[{"description": f"Platform service fee {label}on payment {payment.pk} ({contract.title})"[:500],
                    "quantity": 1, "unit_price": payment.fee_amount, "amount": payment.fee_amount}],
            currency=payment.currency, escrow=escrow, payment=payment,
            notes="Deducted from the payment; nothing is left to pay.",
        )
        made.append(_mark_paid(fee, payment))
    return made


# --- paying ------------------------------------------------------------------------------------------------------


def _lock_open(invoice: Invoice) -> Invoice:
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == InvoiceStatus.PAID:
        raise Conflict("This invoice is already paid.", code="already_paid")
    if invoice.status not in OPEN_STATUSES:
        raise ApplicationError(f"A {invoice.get_status_display().lower()} invoice cannot be paid.",
                               code="invoice_not_payable")
    return invoice


@transaction.atomic
def invoice_link_payment(*, invoice: Invoice, actor: User, payment: Payment) -> Invoice:
    """Mark an invoice paid by a payment that already happened (the client paid the contract another way)."""
    invoice = _lock_open(invoice)
    if actor.pk != invoice.to_user_id:
        raise Forbidden("Only the invoice's recipient pays it.")
    ok = (payment.status == PaymentStatus.COMPLETED and payment.from_user_id == actor.pk
          and payment.contract_id == invoice.contract_id and payment.currency == invoice.currency
          and payment.payment_type in (PaymentType.RELEASE, PaymentType.DEPOSIT, PaymentType.ESCROW_FUNDING))
    if not ok:
        raise ApplicationError("That payment is not a completed payment of yours on this invoice's contract.",
                               errors={"payment_id": ["Not a matching payment."]})
    if payment.amount != invoice.total:
        raise ApplicationError(f"The payment is {payment.amount}, the invoice {invoice.total}.",
                               errors={"payment_id": ["The amount differs from the invoice's total."]})
    if Invoice.objects.filter(payment=payment, kind=InvoiceKind.WORK).exclude(pk=invoice.pk).exists():
        raise Conflict("That payment already settles another invoice.", code="payment_already_used")
    return _mark_paid(invoice, payment)


@transaction.atomic
def _invoice_open_escrow(*, invoice: Invoice, actor: User, gateway_name: str) -> Escrow:
    """Lock the invoice, check it may be paid, and commit a pending deposit of its total linked to it."""
    from .escrow import _escrow_open

    invoice = _lock_open(invoice)
    if actor.pk != invoice.to_user_id:
        raise Forbidden("Only the invoice's recipient pays it.")
    if invoice.contract_id is None:
        raise ApplicationError("Only invoices of a contract are paid through MegiLance.", code="no_contract")
    if invoice.escrow_id and Escrow.objects.filter(pk=invoice.escrow_id, status=EscrowStatus.PENDING).exists():
        raise Conflict("A payment of this invoice is waiting for confirmation.", code="payment_pending")
    escrow = _escrow_open(contract=invoice.contract, actor=actor, milestone=None, amount=invoice.total,
                          gateway_name=gateway_name)
    invoice.escrow = escrow
    invoice.save(update_fields=["escrow", "updated_at"])
    return escrow


def invoice_charge(*, invoice: Invoice, actor: User, saved_method=None) -> tuple[Invoice, FundingResult]:
    """Pay an invoice through the money services: a deposit of its total, confirmed by the gateway, is released
    to the freelancer by the escrow_funded receiver. With `saved_method` (a PaymentMethod) the client's saved
    card is charged off-session (hourly weeks); otherwise the client pays now (manual gateway: at once).

    Not atomic as a whole, like escrow_fund: the provider is asked between two short transactions."""
    from .escrow import _escrow_give_up, escrow_confirm_funding

    gateway = get_gateway(saved_method.gateway if saved_method is not None else None)
    escrow = _invoice_open_escrow(invoice=invoice, actor=actor, gateway_name=gateway.name)
    common = {"amount": escrow.amount, "currency": escrow.currency, "payer": actor,
              "metadata": {"escrow_id": escrow.pk, "contract_id": escrow.contract_id, "invoice_id": invoice.pk},
              "idempotency_key": f"invoice-{invoice.pk}-escrow-{escrow.pk}"}
    description = f"MegiLance invoice {invoice.number}"
    try:
        if saved_method is not None:
            result = gateway.charge_saved_method(payment_method=saved_method.payment_method_id,
                                                 description=description, **common)
        else:
            result = gateway.create_funding(description=description, **common)
    except GatewayError as error:
        logger.warning("Charging invoice %s failed at the gateway: %s", invoice.pk, error)
        result = FundingResult(reference="", status=FAILED, failure_reason=error.message)
    if result.reference:
        Escrow.objects.filter(pk=escrow.pk, gateway_reference="").update(gateway_reference=result.reference)
        Payment.objects.filter(escrow=escrow, payment_type=PaymentType.DEPOSIT).update(
            gateway_reference=result.reference)
    if result.status == SUCCEEDED:
        escrow_confirm_funding(reference=result.reference, gateway_fee=result.fee)
    elif result.status != PENDING:
        _escrow_give_up(escrow_id=escrow.pk, reason=result.failure_reason or "The payment was declined.")
    invoice.refresh_from_db()
    return invoice, result


def invoice_pay(*, invoice: Invoice, actor: User, payment: Payment | None = None) -> Invoice:
    """The client pays: by linking a payment that already happened, or through a new payment now."""
    if payment is not None:
        return invoice_link_payment(invoice=invoice, actor=actor, payment=payment)
    invoice, result = invoice_charge(invoice=invoice, actor=actor)
    if result.status == FAILED:
        raise ApplicationError(f"The payment did not go through: {result.failure_reason or 'declined'}.",
                               code="payment_failed", status_code=402)
    return invoice


def invoice_settle_funded_escrow(*, escrow: Escrow) -> Invoice | None:
    """Called by the escrow_funded receiver inside the confirmation's transaction: if the escrow pays an
    invoice, release it to the freelancer and mark the invoice paid by that release."""
    from .escrow import escrow_release

    invoice = Invoice.objects.select_for_update().filter(escrow=escrow, kind=InvoiceKind.WORK).first()
    if invoice is None or invoice.status not in OPEN_STATUSES:
        return None
    payment = escrow_release(escrow=escrow, actor=None, reason=f"Invoice {invoice.number}")
    return _mark_paid(invoice, payment)


# --- sending, cancelling, overdue ------------------------------------------------------------------------------


def _email_context(invoice: Invoice) -> dict:
    return {"number": invoice.number or f"draft {invoice.pk}", "total": f"{invoice.total:.2f}",
            "currency": invoice.currency, "due_date": invoice.due_date.isoformat() if invoice.due_date else "",
            "from_name": (invoice.from_details or {}).get("name", "MegiLance"),
            "to_name": (invoice.to_details or {}).get("name", ""), "invoice_id": invoice.pk,
            "status": invoice.get_status_display(), "path": f"/invoices/{invoice.pk}/"}


@transaction.atomic
def invoice_send(*, invoice: Invoice, actor: User | None) -> Invoice:
    """Email the invoice to its recipient (with a link to the PDF). `actor=None` is staff or the platform."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if actor is not None and actor.pk != invoice.from_user_id:
        raise Forbidden("Only the issuer sends an invoice.")
    if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED):
        raise ApplicationError(f"A {invoice.get_status_display().lower()} invoice cannot be sent.",
                               code="invoice_not_sendable")
    send_email(to=invoice.to_user.email, template="invoice", context=_email_context(invoice))
    invoice.sent_at = timezone.now()
    invoice.save(update_fields=["sent_at", "updated_at"])
    return invoice


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, actor: User | None, reason: str = "") -> Invoice:
    """The issuer cancels a draft or an unpaid invoice. Its number stays used: a cancelled invoice is kept."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if actor is not None and actor.pk != invoice.from_user_id:
        raise Forbidden("Only the issuer cancels an invoice.")
    if invoice.status == InvoiceStatus.CANCELLED:
        raise Conflict("This invoice is already cancelled.", code="already_cancelled")
    if invoice.status == InvoiceStatus.PAID:
        raise ApplicationError("A paid invoice cannot be cancelled; refund the payment instead.",
                               code="invoice_paid")
    if invoice.escrow_id and Escrow.objects.filter(pk=invoice.escrow_id, status=EscrowStatus.PENDING).exists():
        raise Conflict("A payment of this invoice is waiting for confirmation.", code="payment_pending")
    invoice.status = InvoiceStatus.CANCELLED
    invoice.cancelled_at = timezone.now()
    if reason:
        invoice.notes = f"{invoice.notes}\nCancelled: {reason}".strip()
    invoice.save(update_fields=["status", "cancelled_at", "notes", "updated_at"])
    if invoice.number:
        _schedule_pdf(invoice)  # the stored PDF shows the new status
    return invoice


def invoices_mark_overdue(*, today: datetime.date | None = None) -> int:
    """Pending invoices past their due date become overdue and the recipient is reminded once."""
    today = today or timezone.now().date()
    done = 0
    for pk in list(Invoice.objects.filter(status=InvoiceStatus.PENDING, due_date__lt=today)
                   .order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            invoice = Invoice.objects.select_for_update(of=("self",)).select_related("to_user").get(pk=pk)
            if invoice.status != InvoiceStatus.PENDING:
                continue
            invoice.status = InvoiceStatus.OVERDUE
            invoice.reminder_sent_at = timezone.now()
            invoice.save(update_fields=["status", "reminder_sent_at", "updated_at"])
            send_email(to=invoice.to_user.email, template="invoice_overdue", context=_email_context(invoice))
            _schedule_pdf(invoice)
            done += 1
    return done


def invoice_regenerate_pdf(*, invoice: Invoice) -> Invoice:
    """Build the stored PDF again now (staff action, or a missing file)."""
    from ..pdf import invoice_store_pdf

    return invoice_store_pdf(invoice=invoice)


def invoice_visible_q(user) -> Q:
    return Q(from_user=user) | Q(to_user=user)
