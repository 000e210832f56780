"""GDPR parts of hourly work and invoices.

Invoices are accounting records that tax law requires MegiLance to keep (typically ten years), including the
billing details printed on them: erasure keeps them as issued. Time entries back those invoices, so their times
and amounts stay, while the free text a person wrote (descriptions, screenshots) is removed. Work logs are
personal notes and go. A billing profile is deleted: the issued invoices keep their own copy.
"""

from django.db.models import Q

from accounts import privacy
from accounts.models import BillingProfile
from marketplace.models import TimeEntry, WorkLog

from .models import Invoice


def _money(value) -> str:
    return f"{value:.2f}"


def export_time_entries(user) -> list:
    return [
        {"id": e.pk, "contract_id": e.contract_id, "start_time": e.start_time.isoformat(),
         "end_time": e.end_time.isoformat() if e.end_time else None, "duration_minutes": e.duration_minutes,
         "description": e.description, "billable": e.billable, "hourly_rate": _money(e.hourly_rate),
         "amount": _money(e.amount), "currency": e.currency, "status": e.status}
        for e in TimeEntry.objects.filter(user=user).order_by("pk")
    ]


def erase_time_entries(user) -> None:
    TimeEntry.objects.filter(user=user).update(description="", screenshots=[])
    TimeEntry.objects.filter(reviewed_by=user).update(rejection_reason="")


def export_work_logs(user) -> list:
    return [
        {"id": w.pk, "contract_id": w.contract_id, "date": w.date.isoformat(), "hours_worked": str(w.hours_worked),
         "tasks_completed": w.tasks_completed, "blockers": w.blockers, "notes": w.notes}
        for w in WorkLog.objects.filter(user=user).order_by("pk")
    ]


def erase_work_logs(user) -> None:
    WorkLog.objects.filter(user=user).delete()


def export_invoices(user) -> list:
    return [
        {"id": i.pk, "number": i.number, "kind": i.kind, "status": i.status, "direction":
         "issued" if i.from_user_id == user.pk else "received", "total": _money(i.total), "currency": i.currency,
         "issue_date": i.issue_date.isoformat() if i.issue_date else None, "items": i.items,
         "from_details": i.from_details, "to_details": i.to_details}
        # A draft is its issuer's alone until it is issued.
        for i in Invoice.objects.filter(Q(from_user=user) | (Q(to_user=user) & ~Q(status="draft"))).order_by("pk")
    ]


def keep_invoices(user) -> None:
    """Issued invoices are kept unchanged by law; an unissued draft has no legal standing and is deleted."""
    Invoice.objects.filter(from_user=user, status="draft").delete()


def export_billing_profile(user) -> dict | None:
    profile = BillingProfile.objects.filter(user=user).first()
    if profile is None:
        return None
    return {"legal_name": profile.legal_name, "company_name": profile.company_name,
            "address": profile.address_lines(), "tax_id": profile.tax_id, "billing_email": profile.billing_email}


def erase_billing_profile(user) -> None:
    BillingProfile.objects.filter(user=user).delete()


privacy.register("time_entries", export_time_entries, erase_time_entries, models=("marketplace.TimeEntry",))
privacy.register("work_logs", export_work_logs, erase_work_logs, models=("marketplace.WorkLog",))
privacy.register("invoices", export_invoices, keep_invoices, models=("billing.Invoice",))
privacy.register("billing_profile", export_billing_profile, erase_billing_profile,
                 models=("accounts.BillingProfile",))
privacy.exclude("billing.InvoiceSequence", "Invoice counters per issuer; no personal data beyond an id.")
