"""Hourly billing: approved time becomes an invoice, charged to the client's saved payment method.

Per contract and week: the approved, billable time not yet invoiced is locked, written on one invoice (one line
per entry: hours x rate) and marked invoiced, in one transaction, so a rerun or a concurrent run never bills an
entry twice. The charge is made after that commit (a provider is never asked while rows are locked). A failed
charge leaves the invoice unpaid and tells both parties; the daily job retries it and, after
HOURLY_CHARGE_GRACE_DAYS of failure, pauses the contract.
"""

import datetime
import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from marketplace.models import Contract, ContractStatus, TimeEntry, TimeEntryStatus
from marketplace.services.contracts import contract_lock, contract_pause
from marketplace.services.time import hours_of, week_start_of
from megilance.api.exceptions import ApplicationError
from megilance.email import send_email

from ..gateways.base import FAILED, PENDING
from ..models import Invoice, InvoiceKind, InvoiceSource, InvoiceStatus, PaymentMethod, PaymentMethodStatus
from .invoices import _create_issued, _email_context, invoice_charge

logger = logging.getLogger(__name__)

HOURLY_CHARGE_GRACE_DAYS = 7


def default_payment_method(user_id: int) -> PaymentMethod | None:
    methods = PaymentMethod.objects.filter(user_id=user_id, status=PaymentMethodStatus.ACTIVE).exclude(
        payment_method_id="").order_by("-is_default", "-created_at", "-id")
    return methods.first()


@transaction.atomic
def hourly_week_invoice(*, contract: Contract, week_start: datetime.date) -> Invoice | None:
    """Invoice the week's approved billable time that is not invoiced yet; None when there is none."""
    contract = contract_lock(contract=contract)
    entries = list(TimeEntry.objects.select_for_update().filter(
        contract=contract, week_start=week_start, status=TimeEntryStatus.APPROVED, billable=True, amount__gt=0,
    ).order_by("start_time", "pk"))
    if not entries:
        return None
    lines = [{
        "description": (f"{entry.start_time:%a %d %b}: {entry.description or 'Work on ' + contract.title}")[:500],
        "quantity": hours_of(entry.duration_minutes), "unit_price": entry.hourly_rate, "amount": entry.amount,
    } for entry in entries]
    week_end = week_start + timedelta(days=6)
    invoice = _create_issued(
        kind=InvoiceKind.WORK, source=InvoiceSource.HOURLY_WEEK, contract=contract,
        from_user=User.objects.get(pk=contract.freelancer_id), to_user=User.objects.get(pk=contract.client_id),
        lines=lines, currency=contract.currency, week_start=week_start,
        notes=f"Approved hours of {week_start:%d %b} to {week_end:%d %b %Y}, charged to the saved payment method.",
    )
    invoice.time_entries.set(entries)
    now = timezone.now()
    TimeEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
        status=TimeEntryStatus.INVOICED, invoiced_at=now, updated_at=now)
    return invoice


def _charge_failed(invoice: Invoice, reason: str) -> Invoice:
    with transaction.atomic():
        # of=self: PostgreSQL refuses to lock the nullable side of the outer join to the issuer.
        invoice = (Invoice.objects.select_for_update(of=("self",)).select_related("from_user", "to_user")
                   .get(pk=invoice.pk))
        first = invoice.charge_failed_at is None
        if first:
            invoice.charge_failed_at = timezone.now()
        invoice.charge_failure_reason = reason[:255]
        invoice.save(update_fields=["charge_failed_at", "charge_failure_reason", "updated_at"])
        if first:
            context = {**_email_context(invoice), "reason": reason, "grace_days": HOURLY_CHARGE_GRACE_DAYS}
            send_email(to=[invoice.to_user.email, invoice.from_user.email], template="invoice_charge_failed",
                       context=context)
    return invoice


def hourly_invoice_charge(*, invoice: Invoice) -> Invoice:
    """Charge the client's saved payment method for an hourly invoice. Failure is recorded, not raised."""
    method = default_payment_method(invoice.to_user_id)
    if method is None:
        return _charge_failed(invoice, "The client has no saved payment method.")
    try:
        invoice, result = invoice_charge(invoice=invoice, actor=User.objects.get(pk=invoice.to_user_id),
                                         saved_method=method)
    except ApplicationError as error:
        return _charge_failed(invoice, error.message)
    if result.status == FAILED:
        return _charge_failed(invoice, result.failure_reason or "The card was declined.")
    if result.status == PENDING:
        logger.info("Charge of invoice %s is waiting for the provider's confirmation", invoice.pk)
    return invoice


def hourly_week_bill(*, contract: Contract, week_start: datetime.date) -> Invoice | None:
    """Invoice and charge one contract's week. Returns the invoice (paid, or unpaid after a failed charge)."""
    invoice = hourly_week_invoice(contract=contract, week_start=week_start)
    if invoice is None:
        return None
    return hourly_invoice_charge(invoice=invoice)


def hourly_weeks_due(*, now: datetime.datetime | None = None) -> list[tuple[int, datetime.date]]:
    """(contract id, week) pairs of ended weeks with approved billable time not yet invoiced."""
    current = week_start_of(now or timezone.now())
    rows = (TimeEntry.objects.filter(status=TimeEntryStatus.APPROVED, billable=True, amount__gt=0,
                                     week_start__lt=current)
            .values_list("contract_id", "week_start").distinct().order_by("contract_id", "week_start"))
    return list(rows)


def hourly_bill_due(*, now: datetime.datetime | None = None) -> int:
    """The weekly job: bill every ended week with approved time. One bad contract never stops the others."""
    billed = 0
    for contract_id, week in hourly_weeks_due(now=now):
        try:
            if hourly_week_bill(contract=Contract(pk=contract_id), week_start=week) is not None:
                billed += 1
        except ApplicationError as error:
            logger.warning("Billing contract %s week %s failed: %s", contract_id, week, error)
    return billed


def hourly_retry_failed_charges(*, now: datetime.datetime | None = None) -> dict:
    """The daily job: charge again unpaid hourly invoices whose charge failed; after the grace period, pause the
    contract (no new time) until the client pays."""
    now = now or timezone.now()
    retried = paused = 0
    failing = Invoice.objects.filter(source=InvoiceSource.HOURLY_WEEK, status__in=[InvoiceStatus.PENDING,
                                     InvoiceStatus.OVERDUE], charge_failed_at__isnull=False).order_by("pk")
    for invoice in list(failing.select_related("contract")):
        invoice = hourly_invoice_charge(invoice=invoice)
        retried += 1
        if invoice.status == InvoiceStatus.PAID:
            continue
        contract = invoice.contract
        if (invoice.charge_failed_at <= now - timedelta(days=HOURLY_CHARGE_GRACE_DAYS)
                and contract.status == ContractStatus.ACTIVE):
            try:
                contract_pause(contract=contract, actor=None)
                paused += 1
            except ApplicationError as error:
                logger.warning("Could not pause contract %s after failed charges: %s", contract.pk, error)
    return {"retried": retried, "paused": paused}
