"""The demo seed of hourly work and invoices: past weeks in several states, work logs, invoices in every status
whose PDFs render; a second run adds nothing."""

from decimal import Decimal

import pytest

from billing.invoice_seeding import SEEDED_STATUSES, seed_invoices
from billing.models import Invoice, InvoiceSource
from billing.pdf import invoice_render_pdf
from marketplace.models import ContractType, TimeEntry, TimeEntryStatus, WorkLog
from marketplace.tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


class Progress:
    def advance(self, steps=1):
        pass


def test_seed_covers_every_state_and_renders(client_user, freelancer):
    ContractFactory(project__client=client_user, freelancer=freelancer, contract_type=ContractType.HOURLY,
                    amount=None, hourly_rate=Decimal("60.00"), weekly_limit_hours=Decimal("40.00"))
    seed_invoices(Progress())
    statuses = set(TimeEntry.objects.values_list("status", flat=True))
    assert {TimeEntryStatus.INVOICED, TimeEntryStatus.APPROVED, TimeEntryStatus.SUBMITTED} <= statuses
    assert WorkLog.objects.exists()
    assert set(Invoice.objects.values_list("status", flat=True)) >= SEEDED_STATUSES
    assert Invoice.objects.filter(source=InvoiceSource.HOURLY_WEEK, status="paid").exists()
    for invoice in Invoice.objects.exclude(number=None):
        assert invoice_render_pdf(invoice).startswith(b"%PDF")
    count = Invoice.objects.count()
    seed_invoices(Progress())
    assert Invoice.objects.count() == count
