"""The money journey of a fixed-price milestone with PAYMENT_GATEWAY=stripe, through the public API and signed
Stripe webhooks, with Stripe's HTTP answered by a fake: fund -> pending -> payment_intent.succeeded -> funded ->
submit and approve -> release with the platform fee -> security period -> payout by Connect transfer."""

from datetime import timedelta
from decimal import Decimal

import pytest
import stripe
from django.core.management import call_command
from django.utils import timezone

from billing.models import (
    Escrow,
    EscrowStatus,
    Payment,
    PaymentType,
    Payout,
    PayoutStatus,
    TransactionFee,
    WebhookEvent,
)
from billing.services.payments import payments_mature_due
from marketplace.models import MilestoneStatus

from .gateway_fakes import FakeStripeHTTP, install_stripe_defaults, stripe_event, stripe_signature

pytestmark = pytest.mark.django_db

SECRET = "whsec_flow"


@pytest.fixture
def stripe_http(settings, monkeypatch):
    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_flow"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.PLATFORM_FEE_PERCENT = Decimal("10.00")
    fake = install_stripe_defaults(FakeStripeHTTP(), fee_cents=1480)
    monkeypatch.setattr(stripe, "default_http_client", fake)
    return fake


def test_a_milestone_goes_from_funding_to_payout_through_stripe(
        stripe_http, contract, milestone, client_user, freelancer, client_api, freelancer_api, api,
        django_capture_on_commit_callbacks):
    def webhook(body):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post("/api/webhooks/stripe", data=body, content_type="application/json",
                                HTTP_STRIPE_SIGNATURE=stripe_signature(body, SECRET))
        assert response.status_code == 200, response.content
        return response

    # 1. The client funds the milestone: a PaymentIntent, and the escrow waits for Stripe.
    funded = client_api.post("/api/escrow/", {"contract_id": contract.pk, "milestone_id": milestone.pk},
                             format="json")
    assert funded.status_code == 201, funded.content
    escrow = Escrow.objects.get(pk=funded.json()["id"])
    assert escrow.status == EscrowStatus.PENDING
    assert funded.json()["client_secret"] == f"{escrow.gateway_reference}_secret_x"
    [intent_call] = stripe_http.calls("POST", "/v1/payment_intents")
    assert intent_call.params["amount"] == "50000"
    assert intent_call.params["metadata"]["escrow_id"] == str(escrow.pk)
    assert client_api.get("/api/escrow/balance", {"contract_id": contract.pk}).json()["available_balance"] == 0

    # 2. Stripe says the payment succeeded, signed; delivered twice, it counts once.
    succeeded = stripe_event("payment_intent.succeeded", {
        "id": escrow.gateway_reference, "object": "payment_intent", "amount": 50000, "currency": "usd",
        "status": "succeeded", "metadata": {"escrow_id": str(escrow.pk)}}, event_id="evt_flow_paid")
    webhook(succeeded)
    assert webhook(succeeded).json()["duplicate"] is True
    escrow.refresh_from_db()
    milestone.refresh_from_db()
    assert escrow.status == EscrowStatus.FUNDED
    assert milestone.status == MilestoneStatus.FUNDED
    assert client_api.get("/api/escrow/balance", {"contract_id": contract.pk}).json()["available_balance"] == 500.0

    # 3. The freelancer hands the work in; the client approves it and the escrow is released with the fee.
    submitted = freelancer_api.post(f"/api/milestones/{milestone.pk}/submit",
                                    {"deliverables": "Designs for all five screens."}, format="json")
    assert submitted.status_code == 200, submitted.content
    approved = client_api.post(f"/api/milestones/{milestone.pk}/approve", format="json")
    assert approved.status_code == 200, approved.content
    escrow.refresh_from_db()
    assert escrow.status == EscrowStatus.RELEASED
    release = Payment.objects.get(escrow=escrow, payment_type=PaymentType.RELEASE)
    assert (release.amount, release.fee_amount, release.net_amount) == (
        Decimal("500.00"), Decimal("50.00"), Decimal("450.00"))
    assert TransactionFee.objects.get(payment=release).platform_fee_amount == Decimal("50.00")
    # Stripe's own fee on the funding is the platform's cost, not the freelancer's.
    assert TransactionFee.objects.get(payment__escrow=escrow,
                                      payment__payment_type=PaymentType.ESCROW_FUNDING).payment_gateway_fee == \
        Decimal("14.80")
    wallet = freelancer_api.get("/api/wallet").json()
    assert (wallet["pending"], wallet["available"]) == (450.0, 0.0)

    # 4. The security period ends; the freelancer onboards to Connect and is paid by a transfer.
    assert payments_mature_due(now=timezone.now() + timedelta(days=6)) == 1
    onboarding = freelancer_api.post("/api/payouts/onboarding", {"country": "PT"}, format="json")
    assert onboarding.status_code == 200, onboarding.content
    account_id = onboarding.json()["account"]["account_id"]
    assert onboarding.json()["url"].startswith("https://connect.stripe.com/")
    webhook(stripe_event("account.updated", {"id": account_id, "object": "account", "payouts_enabled": True,
                                              "details_submitted": True}))

    with django_capture_on_commit_callbacks(execute=True):
        paid_out = freelancer_api.post("/api/payouts/", {}, format="json")
    assert paid_out.status_code == 201, paid_out.content
    payout = Payout.objects.get(freelancer=freelancer)
    assert payout.status == PayoutStatus.PAID
    [transfer] = stripe_http.calls("POST", "/v1/transfers")
    assert transfer.params["destination"] == account_id
    assert transfer.params["amount"] == "45000"
    assert transfer.headers["Idempotency-Key"] == f"payout-{payout.pk}"
    webhook(stripe_event("transfer.created", {"id": payout.gateway_reference, "object": "transfer",
                                              "amount": 45000, "destination": account_id, "reversed": False,
                                              "metadata": {"payout_id": str(payout.pk)}}))
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    assert freelancer_api.get("/api/wallet").json()["available"] == 0.0
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()

    # 5. The books balance.
    call_command("ledger_check")
