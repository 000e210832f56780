"""An hourly week end to end in a browser: the freelancer starts and stops the timer, the client approves the
week, the week is invoiced and charged, and the invoice's PDF downloads."""

import datetime
import shutil
import subprocess
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.models import Invoice, InvoiceStatus, PaymentMethod, PaymentMethodStatus
from marketplace.models import ContractType, TimeEntry
from marketplace.services.time import amount_for
from marketplace.tests.factories import ContractFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_timer_week_approval_invoice_and_pdf(page, browser, live_server, login, client_user, freelancer,
                                             screenshot, tmp_path):
    PaymentMethod.objects.create(user=client_user, gateway="manual", payment_method_id="pm_journey", brand="visa",
                                 last4="4242", status=PaymentMethodStatus.ACTIVE, is_default=True)
    contract = ContractFactory(project__client=client_user, freelancer=freelancer, title="Data pipeline upkeep",
                               contract_type=ContractType.HOURLY, amount=None, hourly_rate=Decimal("70.00"),
                               weekly_limit_hours=Decimal("40.00"))

    # The freelancer starts and stops the timer (HTMX swaps the timer card; stopping reloads the timesheet).
    login(page, freelancer)
    page.goto(f"/time/?contract={contract.pk}")
    page.get_by_test_id("timer-description").fill("Nightly import fixes")
    page.get_by_test_id("timer-start").click()
    expect(page.get_by_test_id("timer-running")).to_be_visible()
    screenshot(page, "timer-running")
    page.get_by_test_id("timer-stop").click()
    expect(page.get_by_test_id("timer-start")).to_be_visible()
    expect(page.get_by_test_id("entry-row")).to_contain_text("Nightly import fixes")
    expect(page.get_by_test_id("entry-status")).to_have_text("Draft")
    screenshot(page, "timesheet")

    # The timer ran for seconds; the story needs an hour and a half of work, as if the freelancer had worked it.
    entry = TimeEntry.objects.get()
    TimeEntry.objects.filter(pk=entry.pk).update(
        start_time=entry.end_time - datetime.timedelta(minutes=90), duration_minutes=90,
        amount=amount_for(90, Decimal("70.00")))

    # The client approves the week; the approved time is invoiced and charged to the saved card.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 860},
                                  accept_downloads=True)
    context.set_default_timeout(10_000)
    client_page = context.new_page()
    login(client_page, client_user)
    client_page.goto(f"/timesheets/?contract={contract.pk}")
    expect(client_page.get_by_test_id("entry-row")).to_contain_text("Nightly import fixes")
    screenshot(client_page, "client-timesheet")
    client_page.get_by_test_id("approve-week").click()
    expect(client_page.get_by_test_id("flash")).to_contain_text("approved")
    expect(client_page.get_by_test_id("entry-status")).to_have_text("Invoiced")

    invoice = Invoice.objects.get(source="hourly_week")
    assert invoice.status == InvoiceStatus.PAID and invoice.total == Decimal("105.00")
    client_page.get_by_test_id("tab-invoices").click()
    row = client_page.get_by_test_id("invoice-row").filter(has_text=invoice.number)
    expect(row).to_contain_text("105.00")
    expect(row).to_contain_text("Paid")
    screenshot(client_page, "invoices")

    with client_page.expect_download() as download_info:
        row.get_by_test_id("invoice-pdf-link").click()
    download = download_info.value
    assert download.suggested_filename == f"{invoice.number}.pdf"
    path = tmp_path / "invoice.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert invoice.number in text and "105.00" in text
    context.close()
