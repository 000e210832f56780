"""Weekly hourly billing: approved time becomes one invoice per contract and week, charged to the client's saved
payment method, entries marked invoiced; a failed charge leaves the invoice unpaid, tells both parties, and
pauses the contract after 7 days. The ledger balances after every test (billing/tests/conftest.py)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from freezegun import freeze_time

from billing.gateways.base import FAILED, FundingResult
from billing.gateways.manual import ManualGateway
from billing.invoice_tasks import bill_hourly_weeks, invoices_daily
from billing.models import (
    Invoice,
    InvoiceKind,
    InvoiceSource,
    InvoiceStatus,
    PaymentMethod,
    PaymentMethodStatus,
    PaymentType,
)
from billing.services.hourly import hourly_bill_due, hourly_week_bill
from marketplace.models import ContractStatus, ContractType, TimeEntry, TimeEntryStatus
from marketplace.services import time as time_services
from marketplace.tests.factories import ContractFactory

pytestmark = pytest.mark.django_db
# Whole-dollar amounts: SQLite sums decimals as floats, and the ledger check after each test must see exact zeros.
WEEK = datetime.date(2026, 11, 23)


def at(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


@pytest.fixture
def hourly(client_user, freelancer):
    return ContractFactory(project__client=client_user, freelancer=freelancer, contract_type=ContractType.HOURLY,
                           amount=None, hourly_rate=Decimal("40.00"), weekly_limit_hours=Decimal("40.00"))


@pytest.fixture
def card(client_user):
    return PaymentMethod.objects.create(user=client_user, gateway="manual", payment_method_id="pm_demo_4242",
                                        brand="visa", last4="4242", status=PaymentMethodStatus.ACTIVE,
                                        is_default=True)


@pytest.fixture
def week_of_time(hourly, freelancer):
    with freeze_time("2026-11-28T12:00:00Z"):
        entries = [
            time_services.time_entry_create_manual(contract=hourly, actor=freelancer, start_time=at(start),
                                                   end_time=at(end), description=text)
            for start, end, text in [
                ("2026-11-23T09:00:00", "2026-11-23T12:30:00", "Data model"),  # 3.50 h = 140.00
                ("2026-11-24T09:00:00", "2026-11-24T10:15:00", "API"),  # 1.25 h = 50.00
                ("2026-11-25T09:00:00", "2026-11-25T10:00:00", "Call"),  # not billable
            ]
        ]
        entries[2].billable = False
        entries[2].save()
    return entries


def approve_week(contract, client_user):
    with freeze_time("2026-12-01T10:00:00Z"):
        return time_services.time_week_approve(contract=contract, actor=client_user, week_start=WEEK)


def test_approved_week_becomes_a_paid_invoice_and_entries_are_invoiced(hourly, client_user, freelancer, card,
                                                                       week_of_time):
    approve_week(hourly, client_user)
    with freeze_time("2026-12-01T11:00:00Z"):
        invoice = hourly_week_bill(contract=hourly, week_start=WEEK)
    assert invoice.source == InvoiceSource.HOURLY_WEEK and invoice.week_start == WEEK
    assert invoice.number == "INV-2026-000001"
    assert [(i["quantity"], i["unit_price"], i["amount"]) for i in invoice.items] == [
        ("3.50", "40.00", "140.00"), ("1.25", "40.00", "50.00")]
    assert invoice.total == Decimal("190.00")
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.payment.payment_type == PaymentType.RELEASE and invoice.payment.fee_amount == Decimal("19.00")
    statuses = dict(TimeEntry.objects.values_list("description", "status"))
    assert statuses == {"Data model": TimeEntryStatus.INVOICED, "API": TimeEntryStatus.INVOICED,
                        "Call": TimeEntryStatus.APPROVED}
    assert set(invoice.time_entries.values_list("description", flat=True)) == {"Data model", "API"}
    assert Invoice.objects.filter(kind=InvoiceKind.PLATFORM_FEE, total=Decimal("19.00")).exists()
    # A second run finds nothing left to bill.
    assert hourly_week_bill(contract=hourly, week_start=WEEK) is None


def test_weekly_job_auto_approves_and_bills_ended_weeks_once(hourly, client_user, card, week_of_time):
    with freeze_time("2026-12-04T20:00:00Z"):  # review still open: nothing is approved, nothing billed
        assert bill_hourly_weeks() == 0
    with freeze_time("2026-12-05T00:30:00Z"):
        assert bill_hourly_weeks() == 1
        assert bill_hourly_weeks() == 0
    invoice = Invoice.objects.get(source=InvoiceSource.HOURLY_WEEK)
    assert invoice.status == InvoiceStatus.PAID
    # The non-billable entry was auto-approved too, but is never billed.
    assert TimeEntry.objects.get(description="Call").auto_approved


def test_current_week_is_left_for_later(hourly, client_user, freelancer, card):
    with freeze_time("2026-11-26T12:00:00Z"):
        entry = time_services.time_entry_create_manual(contract=hourly, actor=freelancer,
                                                       start_time=at("2026-11-26T08:00:00"),
                                                       end_time=at("2026-11-26T09:00:00"))
        time_services.time_entry_approve(entry=entry, actor=client_user)
        assert hourly_bill_due() == 0


def test_client_approving_a_week_bills_it_after_the_commit(hourly, client_user, card, week_of_time,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approve_week(hourly, client_user)
    assert Invoice.objects.get(source=InvoiceSource.HOURLY_WEEK).status == InvoiceStatus.PAID


class DecliningGateway(ManualGateway):
    def charge_saved_method(self, **kwargs):
        return FundingResult(reference="", status=FAILED, failure_reason="Your card was declined.")


def test_failed_charge_leaves_invoice_unpaid_notifies_both_and_pauses_after_7_days(
        hourly, client_user, freelancer, card, week_of_time, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("billing.services.invoices.get_gateway", lambda name=None: DecliningGateway())
    approve_week(hourly, client_user)
    with freeze_time("2026-12-01T11:00:00Z"), django_capture_on_commit_callbacks(execute=True):
        invoice = hourly_week_bill(contract=hourly, week_start=WEEK)
    assert invoice.status == InvoiceStatus.PENDING and invoice.payment is None
    assert invoice.charge_failure_reason == "Your card was declined."
    failed_mail = [m for m in mail.outbox if "Payment failed" in m.subject]
    assert failed_mail and set(failed_mail[0].to) == {client_user.email, freelancer.email}
    # Entries stay invoiced: the invoice is the debt; they are not billed again.
    assert not TimeEntry.objects.filter(status=TimeEntryStatus.APPROVED, billable=True).exists()

    with freeze_time("2026-12-07T12:00:00Z"):
        invoices_daily()
    hourly.refresh_from_db()
    assert hourly.status == ContractStatus.ACTIVE
    with freeze_time("2026-12-08T12:00:00Z"):
        result = invoices_daily()
    hourly.refresh_from_db()
    assert result["paused"] == 1 and hourly.status == ContractStatus.PAUSED

    # The client fixes the card: the next daily run charges the invoice.
    monkeypatch.setattr("billing.services.invoices.get_gateway", lambda name=None: ManualGateway())
    from marketplace.services.contracts import contract_resume

    contract_resume(contract=hourly, actor=client_user)
    with freeze_time("2026-12-09T12:00:00Z"):
        invoices_daily()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_no_saved_card_is_a_failed_charge(hourly, client_user, week_of_time):
    approve_week(hourly, client_user)
    with freeze_time("2026-12-01T11:00:00Z"):
        invoice = hourly_week_bill(contract=hourly, week_start=WEEK)
    assert invoice.status == InvoiceStatus.PENDING
    assert "no saved payment method" in invoice.charge_failure_reason
