"""Invoice PDFs: rendered with WeasyPrint, read back with pdftotext; the fetcher loads nothing but static files
and data: URIs; the stored file is served, and rebuilt when missing."""

import shutil
import subprocess
from decimal import Decimal

import pytest

from accounts.models import BillingProfile
from billing.models import InvoiceStatus
from billing.pdf import invoice_pdf_bytes, invoice_render_pdf, invoice_store_pdf, url_fetcher
from billing.services.invoices import invoice_create

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "invoice.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def invoice(contract, freelancer, client_user):
    BillingProfile.objects.create(user=freelancer, legal_name="Bob Freelancer", address_line1="12 Rua Augusta",
                                  city="Lisboa", postal_code="1100-053", country="PT", tax_id="PT 123456789")
    BillingProfile.objects.create(user=client_user, legal_name="Alice Client", company_name="Brightpath Ltd",
                                  address_line1="5 Marina Road", city="Lagos", country="NG", tax_id="NG-998877")
    return invoice_create(issuer=freelancer, contract=contract, tax_rate="7.5", items=[
        {"description": "Design review", "quantity": 3, "unit_price": "120.00", "amount": "360.00"},
        {"description": "Hosting <script>alert(1)</script>", "amount": "19.99"},
    ], notes="Thank you for the work together.")


def test_pdf_shows_number_parties_lines_and_total(invoice, tmp_path):
    assert invoice.total == Decimal("408.49")  # (360.00 + 19.99) + 7.5% (28.50)
    data = invoice_render_pdf(invoice)
    (tmp_path.parent.parent / "last-invoice.pdf").write_bytes(data)
    text = pdf_text(data, tmp_path)
    assert invoice.number in text
    assert "408.49" in text
    for expected in ("Bob Freelancer", "Brightpath Ltd", "PT 123456789", "NG-998877", "Design review", "360.00",
                     "28.50", "PENDING", "Hosting <script>alert(1)</script>"):
        assert expected in text, expected


def test_pdf_is_stored_and_served_again_and_rebuilt_when_missing(invoice, tmp_path):
    invoice = invoice_store_pdf(invoice=invoice)
    assert f"{invoice.number}-" in invoice.pdf.name and invoice.pdf_generated_at
    first = invoice_pdf_bytes(invoice)
    assert first.startswith(b"%PDF")
    invoice.pdf.storage.delete(invoice.pdf.name)
    again = invoice_pdf_bytes(invoice)
    assert again.startswith(b"%PDF")
    assert invoice.number in pdf_text(again, tmp_path)


def test_cancelled_status_is_printed(invoice, freelancer, tmp_path):
    from billing.services.invoices import invoice_cancel

    cancelled = invoice_cancel(invoice=invoice, actor=freelancer)
    assert cancelled.status == InvoiceStatus.CANCELLED
    assert "CANCELLED" in pdf_text(invoice_render_pdf(cancelled), tmp_path)


def test_fetcher_serves_static_files_and_data_uris_only(tmp_path):
    fetcher = url_fetcher()
    logo = fetcher("megilance-static:img/logo.svg")
    assert b"<svg" in logo.read()
    assert fetcher("data:text/plain;base64,aGk=").read() == b"hi"
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read")
    for url in (f"file://{secret}", "http://127.0.0.1:9/x.png", "https://example.com/a.css",
                "megilance-static:../settings.py", "megilance-static:img/missing.png"):
        with pytest.raises(ValueError):
            fetcher(url)


def test_a_file_url_in_notes_does_not_leak_into_the_pdf(contract, freelancer, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body::after { content: 'LEAKED-SECRET'; }")
    invoice = invoice_create(issuer=freelancer, contract=contract, items=[{"description": "Work", "amount": 10}],
                             notes=f'<link rel="stylesheet" href="file://{secret}">')
    text = pdf_text(invoice_render_pdf(invoice), tmp_path)
    assert "LEAKED-SECRET" not in text


def test_stored_pdf_follows_the_status(invoice, client_user, tmp_path, django_capture_on_commit_callbacks):
    from billing.services.invoices import invoice_pay

    invoice = invoice_store_pdf(invoice=invoice)
    with django_capture_on_commit_callbacks(execute=True):
        paid = invoice_pay(invoice=invoice, actor=client_user)
    paid.refresh_from_db()
    assert paid.pdf_generated_at >= paid.updated_at
    with paid.pdf.storage.open(paid.pdf.name, "rb") as handle:
        assert "PAID" in pdf_text(handle.read(), tmp_path)
