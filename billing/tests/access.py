"""Billing's object routes for the access-control matrix (tests/test_access_control.py): alice funds bob's
milestone, releases part of it, asks for a refund of the rest; bob's share matures and he is paid out."""

from decimal import Decimal

from django.utils import timezone

from billing.models import Payment, PaymentType, TransactionFee
from billing.services.escrow import escrow_fund, escrow_release
from billing.services.payments import payments_mature_due
from billing.services.payouts import payout_request
from billing.services.refunds import refund_request
from marketplace.tests.factories import ContractFactory, MilestoneFactory


def build(world):
    contract = ContractFactory(project__client=world.client, freelancer=world.freelancer)
    milestone = MilestoneFactory(contract=contract, amount=Decimal("400.00"))
    escrow = escrow_fund(contract=contract, actor=world.client, milestone=milestone)
    release = escrow_release(escrow=escrow, actor=world.client, amount=Decimal("100.00"))
    funding = Payment.objects.get(escrow=escrow, payment_type=PaymentType.ESCROW_FUNDING)
    refund = refund_request(payment=funding, actor=world.client, amount=Decimal("50.00"), reason="Scope cut")
    payments_mature_due(now=timezone.now() + timezone.timedelta(days=60))
    payout = payout_request(freelancer=world.freelancer, amount=Decimal("10.00"))
    fee = TransactionFee.objects.get(payment=release)
    return [
        ("GET", f"/api/escrow/{escrow.pk}"),
        ("POST", f"/api/escrow/{escrow.pk}/release"),
        ("POST", f"/api/escrow/{escrow.pk}/refund"),
        ("GET", f"/api/escrow/balance?contract_id={contract.pk}"),
        ("GET", f"/api/payments/{funding.pk}"),
        ("GET", f"/api/payments/{release.pk}"),
        ("GET", f"/api/transaction-fees/{fee.pk}"),
        ("GET", f"/api/refunds/{refund.pk}"),
        ("PATCH", f"/api/refunds/{refund.pk}"),
        ("DELETE", f"/api/refunds/{refund.pk}"),
        ("POST", f"/api/refunds/{refund.pk}/approve"),
        ("POST", f"/api/refunds/{refund.pk}/reject"),
        ("POST", f"/api/refunds/{refund.pk}/process"),
        ("GET", f"/api/payouts/{payout.pk}"),
        *_invoice_routes(world, contract),
    ]


def _invoice_routes(world, contract) -> list[tuple[str, str]]:
    """Invoices between alice and bob: a pending one, a draft (bob's alone) and the paper of the release above."""
    from billing.models import Invoice
    from billing.services.invoices import invoice_create

    pending = invoice_create(issuer=world.freelancer, contract=contract, items=[{"description": "x", "amount": 5}])
    draft = invoice_create(issuer=world.freelancer, contract=contract, items=[{"description": "y", "amount": 5}],
                           issue=False)
    released = Invoice.objects.filter(contract=contract, source="escrow_release").order_by("pk").first()
    routes = []
    for invoice in (pending, draft, released):
        routes += [("GET", f"/api/invoices/{invoice.pk}"), ("GET", f"/api/invoices/{invoice.pk}/pdf"),
                   ("POST", f"/api/invoices/{invoice.pk}/pay"), ("PATCH", f"/api/invoices/{invoice.pk}/pay"),
                   ("POST", f"/api/invoices/{invoice.pk}/send"), ("POST", f"/api/invoices/{invoice.pk}/cancel"),
                   ("POST", f"/api/invoices/{invoice.pk}/issue")]
    routes.append(("POST", "/api/invoices/"))  # nobody else may invoice on alice and bob's contract
    return routes
