"""Demo hourly work and invoices, on an active hourly contract of the demo data: three past weeks of time
(one invoiced and paid through the weekly billing, one approved, last week submitted and waiting for the client),
daily work logs, billing profiles for both parties, and hand-made invoices in every status. Runs after the
billing seeder; safe to run twice (a contract that already has hand-made invoices is left alone)."""

import datetime
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import BillingProfile, User
from marketplace.models import Contract, ContractStatus, ContractType, TimeEntry, TimeEntryStatus, WorkLog
from marketplace.services import time as time_services

from .models import Invoice, InvoiceSource, InvoiceStatus, PaymentMethod, PaymentMethodStatus
from .services import hourly as hourly_services
from .services import invoices as invoice_services

PAST_WEEKS = [
    # (weeks ago, status, [(day, start hour, hours, description)])
    (3, TimeEntryStatus.APPROVED, [(0, 9, 4.0, "Kick-off call and repository audit"),
                                   (1, 9, 6.5, "Upgraded Django and fixed deprecations"),
                                   (3, 13, 3.25, "CI pipeline: parallel tests and caching")]),
    (2, TimeEntryStatus.APPROVED, [(0, 9, 5.0, "Incident: slow dashboard queries, added indexes"),
                                   (2, 10, 4.5, "Background jobs moved to Celery beat")]),
    (1, TimeEntryStatus.SUBMITTED, [(1, 9, 3.0, "Error tracking and alert rules"),
                                    (2, 9, 6.0, "Load test of the API and tuning"),
                                    (4, 14, 2.0, "Weekly report and handover notes")]),
]
PROFILES = {
    "client": {"company_name": "Brightpath Analytics Ltd", "address_line1": "14 Admiralty Way", "city": "Lekki",
               "postal_code": "106104", "region": "Lagos", "country": "NG", "tax_id": "NG-TIN 20419875-0001"},
    "freelancer": {"address_line1": "Rua da Prata 112, 3º", "city": "Lisboa", "postal_code": "1100-419",
                   "country": "PT", "tax_id": "PT 254 118 927"},
}


def _demo_contract() -> Contract | None:
    """An active demo hourly contract, preferably not between the two people of billing's own money story, whose
    balances that story states exactly (billing/seeding.py)."""
    from .seeding import CLIENT, FREELANCER

    hourly = (Contract.objects.filter(contract_type=ContractType.HOURLY, status=ContractStatus.ACTIVE,
                                      client__email__endswith="@example.com")
              .select_related("client", "freelancer").order_by("pk"))
    return (hourly.exclude(client__email=CLIENT).exclude(freelancer__email=FREELANCER).first()
            or hourly.first())


def _profiles(contract: Contract) -> None:
    for side, user in (("client", contract.client), ("freelancer", contract.freelancer)):
        BillingProfile.objects.get_or_create(user=user, defaults={"legal_name": user.name, **PROFILES[side]})


def _saved_card(client: User) -> None:
    if not PaymentMethod.objects.filter(user=client, status=PaymentMethodStatus.ACTIVE).exists():
        PaymentMethod.objects.create(user=client, gateway="manual", payment_method_id=f"pm_demo_{client.pk}",
                                     brand="visa", last4="4242", exp_month=12, exp_year=2030,
                                     status=PaymentMethodStatus.ACTIVE, is_default=True)


def _past_weeks(contract: Contract) -> None:
    """Closed weeks are written as they stand today: the week rules forbid logging them now, so the rows are
    made directly, with the same rounding as the services."""
    this_week = time_services.week_start_of(timezone.now())
    now = timezone.now()
    for weeks_ago, status, days in PAST_WEEKS:
        week = this_week - timedelta(weeks=weeks_ago)
        monday = datetime.datetime.combine(week, datetime.time(0, 0), tzinfo=datetime.UTC)
        for day, hour, hours, text in days:
            start = monday + timedelta(days=day, hours=hour)
            minutes = int(hours * 60)
            TimeEntry.objects.create(
                user=contract.freelancer, contract=contract, start_time=start,
                end_time=start + timedelta(minutes=minutes), duration_minutes=minutes, description=text,
                hourly_rate=contract.hourly_rate, amount=time_services.amount_for(minutes, contract.hourly_rate),
                currency=contract.currency, status=status, week_start=week, is_manual=True,
                reviewed_by=contract.client if status == TimeEntryStatus.APPROVED else None,
                reviewed_at=now if status == TimeEntryStatus.APPROVED else None,
            )
    # The oldest week went through the weekly billing: invoiced, charged to the saved card, paid.
    hourly_services.hourly_week_bill(contract=contract, week_start=this_week - timedelta(weeks=3))


def _work_logs(contract: Contract) -> None:
    today = timezone.now().date()
    notes = [("Dashboard queries profiled; two indexes added", "Waiting for read access to production replica"),
             ("Celery beat schedule reviewed with the team", ""),
             ("Error tracking rules tuned to cut noise", ""),
             ("Load test scripts for checkout and search", "Staging is smaller than production"),
             ("Weekly report written", "")]
    for offset, (done, blockers) in enumerate(notes, start=1):
        day = today - timedelta(days=offset)
        if day.weekday() < 5:
            WorkLog.objects.get_or_create(contract=contract, user=contract.freelancer, date=day, defaults={
                "hours_worked": Decimal("6.00") - offset % 3, "tasks_completed": done, "blockers": blockers})


def _manual_invoices(contract: Contract) -> None:
    freelancer = contract.freelancer
    make = invoice_services.invoice_create
    make(issuer=freelancer, contract=contract, tax_rate=Decimal("23.00"), notes="Payment within 14 days, please.",
         items=[{"description": "Architecture review workshop (2 sessions)", "quantity": 2, "unit_price": "350.00"},
                {"description": "Written recommendations", "amount": "180.00"}])
    make(issuer=freelancer, contract=contract, issue=False,
         items=[{"description": "On-call cover for the release weekend", "quantity": 8, "unit_price": "55.00"}])
    cancelled = make(issuer=freelancer, contract=contract,
                     items=[{"description": "Travel costs (duplicate)", "amount": "96.40"}])
    invoice_services.invoice_cancel(invoice=cancelled, actor=freelancer, reason="Sent twice by mistake")
    overdue = make(issuer=freelancer, contract=contract,
                   items=[{"description": "Server costs re-billed, October", "amount": "42.90"}])
    past = timezone.now().date() - timedelta(days=20)
    Invoice.objects.filter(pk=overdue.pk).update(issue_date=past, due_date=past + timedelta(days=14))
    invoice_services.invoices_mark_overdue()
    paid = make(issuer=freelancer, contract=contract,
                items=[{"description": "Security headers and CSP rollout", "quantity": "6.5", "unit_price": "60.00"}])
    invoice_services.invoice_pay(invoice=paid, actor=contract.client)


def seed_invoices(progress) -> None:
    contract = _demo_contract()
    if contract is None or Invoice.objects.filter(contract=contract, source=InvoiceSource.MANUAL).exists():
        progress.advance(seed_invoices.steps)
        return
    _profiles(contract)
    _saved_card(contract.client)
    progress.advance()
    if not TimeEntry.objects.filter(contract=contract,
                                    week_start__lt=time_services.week_start_of(timezone.now())).exists():
        _past_weeks(contract)
    _work_logs(contract)
    progress.advance()
    _manual_invoices(contract)
    progress.advance()


seed_invoices.steps = 3
# Every status is present after seeding: pending, draft, cancelled, overdue, paid.
SEEDED_STATUSES = {InvoiceStatus.PENDING, InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED, InvoiceStatus.OVERDUE,
                   InvoiceStatus.PAID}
