"""Pages of hourly work and invoices: the time tracker with its HTMX timer, the client's timesheet approval, work
logs, invoices with PDF download, CSV export and pay; other people get 404."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from freezegun import freeze_time

from billing.models import Invoice, InvoiceStatus, PaymentMethod, PaymentMethodStatus
from billing.services.invoices import invoice_create
from marketplace.models import ContractType, TimeEntry, TimeEntryStatus, WorkLog
from marketplace.tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def browser(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def hourly(client_user, freelancer):
    PaymentMethod.objects.create(user=client_user, gateway="manual", payment_method_id="pm_page", last4="4242",
                                 status=PaymentMethodStatus.ACTIVE, is_default=True)
    return ContractFactory(project__client=client_user, freelancer=freelancer, contract_type=ContractType.HOURLY,
                           amount=None, hourly_rate=Decimal("60.00"), weekly_limit_hours=Decimal("40.00"))


def test_timer_starts_and_stops_with_htmx(hourly, freelancer):
    page = browser(freelancer)
    with freeze_time("2026-11-25T09:00:00Z"):
        assert page.get(f"/time/?contract={hourly.pk}").status_code == 200
        started = page.post("/time/start/", {"contract": hourly.pk, "description": "Wireframes"},
                            HTTP_HX_REQUEST="true")
        assert started.status_code == 200 and b"timer-stop" in started.content
        again = page.post("/time/start/", {"contract": hourly.pk}, HTTP_HX_REQUEST="true")
        assert b"already running" in again.content
    entry = TimeEntry.objects.get()
    with freeze_time("2026-11-25T10:00:00Z"):
        stopped = page.post(f"/time/{entry.pk}/stop/", HTTP_HX_REQUEST="true")
        assert stopped.status_code == 204 and stopped["HX-Redirect"].startswith("/time/")
        tracker = page.get(stopped["HX-Redirect"])
    assert b"Wireframes" in tracker.content and b"60.00" in tracker.content
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.DRAFT and entry.amount == Decimal("60.00")


def test_manual_entry_and_week_submit(hourly, freelancer):
    page = browser(freelancer)
    with freeze_time("2026-11-27T09:00:00Z"):
        response = page.post("/time/manual/", {"contract": hourly.pk, "day": "2026-11-24", "start": "09:00",
                                               "end": "11:30", "description": "Research", "billable": "on"})
        assert response.status_code == 302
        assert page.post("/time/submit-week/", {"contract": hourly.pk, "week": "2026-11-24"}).status_code == 302
    assert TimeEntry.objects.get().status == TimeEntryStatus.SUBMITTED


def test_client_approves_the_week_and_it_is_invoiced_and_paid(hourly, client_user, freelancer,
                                                             django_capture_on_commit_callbacks):
    start = datetime.datetime(2026, 11, 24, 9, tzinfo=datetime.UTC)
    TimeEntry.objects.create(user=freelancer, contract=hourly, start_time=start,
                             end_time=start + datetime.timedelta(hours=2), duration_minutes=120,
                             hourly_rate=Decimal("60.00"), amount=Decimal("120.00"), status=TimeEntryStatus.SUBMITTED,
                             week_start=datetime.date(2026, 11, 23))
    page = browser(client_user)
    with freeze_time("2026-11-27T09:00:00Z"):
        review = page.get(f"/timesheets/?contract={hourly.pk}&week=2026-11-23")
        assert review.status_code == 200 and b"approve-week" in review.content
        with django_capture_on_commit_callbacks(execute=True):
            page.post("/timesheets/approve-week/", {"contract": hourly.pk, "week": "2026-11-23"})
    invoice = Invoice.objects.get(source="hourly_week")
    assert invoice.status == InvoiceStatus.PAID and invoice.total == Decimal("120.00")
    listing = page.get("/invoices/")
    assert invoice.number.encode() in listing.content
    pdf = page.get(f"/invoices/{invoice.pk}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv = page.get("/invoices/?format=csv")
    assert invoice.number in csv.content.decode()


def test_client_pays_a_manual_invoice_from_its_page(hourly, client_user, freelancer, outsider):
    invoice = invoice_create(issuer=freelancer, contract=hourly, items=[{"description": "Setup", "amount": 80}])
    page = browser(client_user)
    assert b"invoice-pay" in page.get(f"/invoices/{invoice.pk}/").content
    page.post(f"/invoices/{invoice.pk}/pay/")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    intruder = browser(outsider)
    assert intruder.get(f"/invoices/{invoice.pk}/").status_code == 404
    assert intruder.get(f"/invoices/{invoice.pk}/pdf").status_code == 404
    assert intruder.post(f"/invoices/{invoice.pk}/cancel/").status_code == 404
    assert intruder.get(f"/timesheets/?contract={hourly.pk}").status_code == 404


def test_work_logs_written_by_the_freelancer_and_read_by_the_client(hourly, client_user, freelancer):
    with freeze_time("2026-11-27T09:00:00Z"):
        response = browser(freelancer).post(f"/work-logs/?contract={hourly.pk}", {
            "contract": hourly.pk, "date": "2026-11-26", "hours_worked": "5.5", "tasks_completed": "Checkout flow",
            "blockers": "", "notes": ""})
        assert response.status_code == 302
        assert WorkLog.objects.get().hours_worked == Decimal("5.50")
        page = browser(client_user).get(f"/work-logs/?contract={hourly.pk}")
    assert b"Checkout flow" in page.content and b"Save log" not in page.content
    assert browser(client_user).post(f"/work-logs/?contract={hourly.pk}", {"date": "2026-11-25"}).status_code == 403


def test_billing_details_page_saves_the_profile(freelancer):
    page = browser(freelancer)
    assert page.get("/invoices/billing-details/").status_code == 200
    response = page.post("/invoices/billing-details/", {"legal_name": "Bob B.", "country": "pt", "tax_id": "PT1"})
    assert response.status_code == 302
    assert freelancer.billing_profile.country == "PT"


def test_billing_details_page_and_api_refuse_the_same_bad_country(freelancer, freelancer_api):
    from accounts.models import BillingProfile

    page = browser(freelancer).post("/invoices/billing-details/", {"legal_name": "Bob B.", "country": "12"})
    assert page.status_code == 200 and b"A two-letter ISO 3166 country code." in page.content
    api = freelancer_api.put("/api/billing-profile", {"legal_name": "Bob B.", "country": "12"}, format="json")
    assert api.status_code == 400 and api.json()["errors"]["country"] == ["A two-letter ISO 3166 country code."]
    assert not BillingProfile.objects.filter(user=freelancer).exists()
