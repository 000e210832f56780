"""Background jobs of invoices and hourly billing (Celery beat, see CELERY_BEAT_SCHEDULE): each finds what is due
and calls a service, so a rerun never bills or charges twice."""

import logging

from celery import shared_task

from marketplace.models import Contract
from marketplace.services.time import time_auto_approve_due, time_submit_closed_weeks

from .models import Invoice
from .pdf import PdfUnavailable, invoice_store_pdf, pdf_is_current
from .services.hourly import hourly_bill_due, hourly_retry_failed_charges, hourly_week_bill
from .services.invoices import invoices_mark_overdue

logger = logging.getLogger(__name__)


@shared_task(name="billing.build_invoice_pdf", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_invoice_pdf(invoice_id: int) -> str:
    """Render and store an issued invoice's PDF. Without WeasyPrint the download renders on demand instead."""
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None:
        return ""
    if pdf_is_current(invoice):
        # Issuing and paying in one transaction schedule two builds; the second finds the first's file current.
        return invoice.pdf.name
    try:
        return invoice_store_pdf(invoice=invoice).pdf.name
    except PdfUnavailable as error:
        logger.warning("Invoice %s has no PDF: %s", invoice_id, error)
        return ""


@shared_task(name="billing.bill_hourly_week")
def bill_hourly_week(contract_id: int, week_start: str) -> int | None:
    """Bill one week right after the client approved it."""
    import datetime

    invoice = hourly_week_bill(contract=Contract(pk=contract_id), week_start=datetime.date.fromisoformat(week_start))
    return invoice.pk if invoice else None


@shared_task(name="billing.bill_hourly_weeks")
def bill_hourly_weeks() -> int:
    """Weekly: auto-approve what the review window closed on, then invoice and charge every ended week."""
    time_auto_approve_due()
    return hourly_bill_due()


@shared_task(name="billing.hourly_time_windows")
def hourly_time_windows() -> dict:
    """Hourly: submit weeks closed for the freelancer's edits, approve weeks closed for the client's review."""
    return {"submitted": time_submit_closed_weeks(), "auto_approved": time_auto_approve_due()}


@shared_task(name="billing.invoices_daily")
def invoices_daily() -> dict:
    """Daily: overdue invoices and their reminders; failed hourly charges retried, contracts paused after 7 days."""
    return {"overdue": invoices_mark_overdue(), **hourly_retry_failed_charges()}
