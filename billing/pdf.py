"""Invoice PDFs with WeasyPrint: an A4 page laid out with blocks and tables (flex layouts are slow in
WeasyPrint), rendered from templates/invoices/pdf.html, stored with the default storage.

The URL fetcher is locked down: an invoice shows text people typed (line descriptions, notes, addresses), so the
renderer must never read local files (`file://`) or reach the network. It serves only the project's static files,
named `megilance-static:<path>`, and `data:` URIs.
"""

import logging
import mimetypes
import secrets
from decimal import Decimal

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Invoice, InvoiceKind

logger = logging.getLogger(__name__)

STATIC_SCHEME = "megilance-static:"


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs (Pango) are missing on this machine."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: the Pango libraries are missing
        raise PdfUnavailable(f"PDF rendering needs WeasyPrint and Pango: {error}") from error
    return weasyprint


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves `megilance-static:` paths from the static files and `data:` URIs; refuses everything else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(STATIC_SCHEME):
                path = url[len(STATIC_SCHEME):].lstrip("/")
                if ".." in path.split("/"):
                    raise ValueError(f"Refused static path: {path}")
                found = finders.find(path)
                if not found:
                    raise ValueError(f"No static file {path}")
                with open(found, "rb") as handle:
                    body = handle.read()
                mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
            raise ValueError(f"Invoices may not load {url.split(':', 1)[0]} URLs")

    return StaticOnlyFetcher


def url_fetcher():
    """A fetcher instance (WeasyPrint 70 API): static files and data: URIs only."""
    _weasyprint()
    return _fetcher_class()(allowed_protocols=None, allow_redirects=False, timeout=2)


def _lines(invoice: Invoice) -> list[dict]:
    return [{"description": item.get("description", ""), "quantity": Decimal(str(item.get("quantity", "1"))),
             "unit_price": Decimal(str(item.get("unit_price", item.get("amount", "0")))),
             "amount": Decimal(str(item.get("amount", "0")))} for item in invoice.items]


def invoice_context(invoice: Invoice) -> dict:
    return {
        "invoice": invoice,
        "lines": _lines(invoice),
        "seller": invoice.from_details or {},
        "buyer": invoice.to_details or {},
        "is_fee_invoice": invoice.kind == InvoiceKind.PLATFORM_FEE,
        "logo_url": f"{STATIC_SCHEME}img/logo.svg",
        "fee_percent": _fee_percent(invoice),
        "generated_at": timezone.now(),
    }


def _fee_percent(invoice: Invoice):
    from django.conf import settings

    return getattr(settings, "PLATFORM_FEE_PERCENT", Decimal("10.00"))


def invoice_html(invoice: Invoice) -> str:
    return render_to_string("invoices/pdf.html", invoice_context(invoice))


def invoice_render_pdf(invoice: Invoice) -> bytes:
    """The invoice as PDF bytes. Raises PdfUnavailable when WeasyPrint cannot run here."""
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=invoice_html(invoice), base_url=None, url_fetcher=url_fetcher()).write_pdf()


def pdf_filename(invoice: Invoice) -> str:
    return f"{invoice.number or f'draft-{invoice.pk}'}.pdf"


def invoice_store_pdf(*, invoice: Invoice) -> Invoice:
    """Render and store the PDF (replacing an older file), then record when. Rendering runs outside any lock."""
    invoice = Invoice.objects.select_related("from_user", "to_user", "contract").get(pk=invoice.pk)
    data = invoice_render_pdf(invoice)
    old_name = invoice.pdf.name if invoice.pdf else ""
    # A random part in the stored name: the file is served only through the invoice views, which check who
    # asks, and must not be guessable from the invoice number where the storage is public (a CDN, DEBUG media).
    stem = pdf_filename(invoice).removesuffix(".pdf")
    stored = invoice.pdf.storage.save(f"invoices/{timezone.now():%Y}/{stem}-{secrets.token_hex(8)}.pdf",
                                      ContentFile(data))
    with transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(pdf=stored, pdf_generated_at=timezone.now())
    if old_name and old_name != stored:
        try:
            invoice.pdf.storage.delete(old_name)
        except OSError:
            logger.warning("Could not delete the old PDF %s of invoice %s", old_name, invoice.pk)
    invoice.refresh_from_db()
    return invoice


def pdf_is_current(invoice: Invoice) -> bool:
    """True when the stored PDF was built after the invoice last changed (its status, payment, notes)."""
    return bool(invoice.pdf and invoice.pdf_generated_at and invoice.pdf_generated_at >= invoice.updated_at)


def invoice_pdf_bytes(invoice: Invoice) -> bytes:
    """The stored PDF, built now if it is missing, its file was lost, or the invoice changed since."""
    if pdf_is_current(invoice):
        try:
            # Through the storage, not the field: a FieldFile closed once cannot be reopened.
            with invoice.pdf.storage.open(invoice.pdf.name, "rb") as handle:
                return handle.read()
        except (FileNotFoundError, OSError):
            logger.warning("The PDF of invoice %s is missing from storage; rendering it again", invoice.pk)
    invoice = invoice_store_pdf(invoice=invoice)
    with invoice.pdf.storage.open(invoice.pdf.name, "rb") as handle:
        return handle.read()
