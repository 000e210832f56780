"""Staff tools for invoices, time entries and work logs: lists with filters, read-only rows, and the actions to
resend an invoice or build its PDF again, for staff allowed to change invoices only."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client

from billing.models import Invoice
from billing.services.invoices import invoice_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(contract, freelancer):
    return invoice_create(issuer=freelancer, contract=contract, items=[{"description": "Work", "amount": 40}])


def admin_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_lists_and_filters_render(superuser, invoice):
    page = admin_client(superuser)
    assert invoice.number.encode() in page.get("/admin/billing/invoice/?status__exact=pending").content
    assert page.get(f"/admin/billing/invoice/?contract__id__exact={invoice.contract_id}").status_code == 200
    assert page.get(f"/admin/billing/invoice/{invoice.pk}/change/").status_code == 200
    assert page.get("/admin/marketplace/timeentry/?status__exact=approved").status_code == 200
    assert page.get("/admin/marketplace/worklog/").status_code == 200


def test_resend_and_regenerate_actions(superuser, invoice, django_capture_on_commit_callbacks):
    page = admin_client(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        page.post("/admin/billing/invoice/", {"action": "resend", "_selected_action": [invoice.pk]})
    assert any(invoice.number in message.subject for message in mail.outbox)
    page.post("/admin/billing/invoice/", {"action": "regenerate_pdf", "_selected_action": [invoice.pk]})
    invoice.refresh_from_db()
    assert invoice.pdf and invoice.pdf_generated_at


def test_staff_without_the_permission_cannot_act(staff_user, invoice):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_invoice"))
    page = admin_client(staff_user)
    assert page.get("/admin/billing/invoice/").status_code == 200
    page.post("/admin/billing/invoice/", {"action": "regenerate_pdf", "_selected_action": [invoice.pk]})
    assert not Invoice.objects.get(pk=invoice.pk).pdf_generated_at

