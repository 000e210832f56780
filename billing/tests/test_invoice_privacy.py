"""GDPR parts of hourly work and invoices: exported with the rest of a person's data; erasure keeps issued invoices
and the times behind them, removes free text, work logs, drafts and the billing profile."""

import datetime
from decimal import Decimal

import pytest

from accounts import privacy
from accounts.models import BillingProfile
from billing.models import Invoice
from billing.services.invoices import invoice_create
from marketplace.models import ContractType, TimeEntry, TimeEntryStatus, WorkLog
from marketplace.tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_models_are_registered():
    covered = privacy.covered_models()
    assert {"marketplace.TimeEntry", "marketplace.WorkLog", "billing.Invoice", "accounts.BillingProfile",
            "billing.InvoiceSequence"} <= covered


def test_export_and_erase(client_user, freelancer):
    contract = ContractFactory(project__client=client_user, freelancer=freelancer, contract_type=ContractType.HOURLY,
                               amount=None, hourly_rate=Decimal("50.00"))
    start = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    TimeEntry.objects.create(user=freelancer, contract=contract, start_time=start, end_time=start, hourly_rate=50,
                             description="Private detail", status=TimeEntryStatus.APPROVED,
                             week_start=datetime.date(2026, 11, 2))
    WorkLog.objects.create(contract=contract, user=freelancer, date=start.date(), hours_worked=3, notes="note")
    BillingProfile.objects.create(user=freelancer, legal_name="Bob B.", tax_id="PT1")
    issued = invoice_create(issuer=freelancer, contract=contract, items=[{"description": "x", "amount": 5}])
    invoice_create(issuer=freelancer, contract=contract, items=[{"description": "y", "amount": 5}], issue=False)

    parts = {part.name: part for part in privacy.parts()}
    assert parts["time_entries"].exporter(freelancer)[0]["description"] == "Private detail"
    assert parts["work_logs"].exporter(freelancer)[0]["notes"] == "note"
    assert parts["billing_profile"].exporter(freelancer)["tax_id"] == "PT1"
    assert {row["number"] for row in parts["invoices"].exporter(client_user)} == {issued.number}

    for name in ("time_entries", "work_logs", "invoices", "billing_profile"):
        parts[name].eraser(freelancer)
    assert TimeEntry.objects.get().description == "" and TimeEntry.objects.get().status == TimeEntryStatus.APPROVED
    assert not WorkLog.objects.exists() and not BillingProfile.objects.exists()
    assert list(Invoice.objects.values_list("number", flat=True)) == [issued.number]
    assert Invoice.objects.get().from_details["tax_id"] == "PT1"
