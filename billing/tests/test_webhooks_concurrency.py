"""Stripe delivers the same success several times at once (retries overlapping, or two event ids for one
PaymentIntent): on PostgreSQL with real threads, the escrow is funded exactly once and the books balance."""

import threading
from decimal import Decimal

import pytest
import stripe
from django.db import connection
from django.test import Client

from billing.models import Escrow, EscrowStatus, LedgerTransaction, LedgerTransactionKind, WebhookEvent
from billing.services.escrow import escrow_fund
from billing.services.ledger import ledger_differences

from .gateway_fakes import FakeStripeHTTP, install_stripe_defaults, stripe_event, stripe_signature

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SECRET = "whsec_race"
THREADS = 8


@pytest.fixture
def pending_escrow(settings, monkeypatch, contract, milestone, client_user):
    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_race"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    monkeypatch.setattr(stripe, "default_http_client", install_stripe_defaults(FakeStripeHTTP()))
    return escrow_fund(contract=contract, actor=client_user, milestone=milestone)


def deliver_at_once(bodies: list[str]) -> list[int]:
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []

    def deliver(body: str) -> None:
        try:
            barrier.wait()
            response = Client().post("/api/webhooks/stripe", data=body, content_type="application/json",
                                     HTTP_STRIPE_SIGNATURE=stripe_signature(body, SECRET))
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def succeeded(escrow: Escrow, event_id: str | None = None) -> str:
    return stripe_event("payment_intent.succeeded", {
        "id": escrow.gateway_reference, "object": "payment_intent", "amount": 50000, "currency": "usd",
        "status": "succeeded", "metadata": {"escrow_id": str(escrow.pk)}}, event_id=event_id)


def test_one_event_delivered_by_eight_threads_funds_once(pending_escrow):
    statuses = deliver_at_once([succeeded(pending_escrow, event_id="evt_race")] * THREADS)

    assert statuses == [200] * THREADS
    assert WebhookEvent.objects.filter(event_id="evt_race").count() == 1
    pending_escrow.refresh_from_db()
    assert pending_escrow.status == EscrowStatus.FUNDED
    assert LedgerTransaction.objects.filter(escrow=pending_escrow, kind=LedgerTransactionKind.FUNDING).count() == 1
    assert not ledger_differences()


def test_eight_events_for_one_payment_fund_once(pending_escrow):
    statuses = deliver_at_once([succeeded(pending_escrow) for _ in range(THREADS)])

    assert statuses == [200] * THREADS
    assert WebhookEvent.objects.filter(processed_at__isnull=False).count() == THREADS
    pending_escrow.refresh_from_db()
    assert pending_escrow.amount == Decimal("500.00") and pending_escrow.status == EscrowStatus.FUNDED
    assert LedgerTransaction.objects.filter(escrow=pending_escrow, kind=LedgerTransactionKind.FUNDING).count() == 1
    assert LedgerTransaction.objects.filter(escrow=pending_escrow,
                                            kind=LedgerTransactionKind.GATEWAY_FEE).count() == 1
    assert not ledger_differences()
