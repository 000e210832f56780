"""The marketplace journey continued through money, on the manual gateway, through the API only: fund a
milestone, hand in, approve (which releases the escrow less the fee), the security period ends, payout."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing.models import Payment
from billing.tasks import mature_pending_earnings

pytestmark = pytest.mark.django_db


def test_fund_approve_release_mature_and_pay_out(client_api, freelancer_api, contract, milestone):
    funded = client_api.post("/api/escrow/fund", {"contract_id": contract.pk, "milestone_id": milestone.pk},
                             HTTP_IDEMPOTENCY_KEY="fund-design")
    assert funded.status_code == 201 and funded.json()["status"] == "funded"
    assert client_api.get("/api/wallet").json()["in_escrow"] == 500.0

    submitted = freelancer_api.post(f"/api/milestones/{milestone.pk}/submit",
                                    {"deliverables": "Final designs in the shared folder."})
    assert submitted.status_code == 200, submitted.content
    approved = client_api.post(f"/api/milestones/{milestone.pk}/approve", {})
    assert approved.status_code == 200, approved.content

    escrow = client_api.get(f"/api/escrow/{funded.json()['id']}").json()
    assert escrow["status"] == "released" and escrow["released_amount"] == 500.0
    assert client_api.get(f"/api/milestones/{milestone.pk}").json()["status"] == "paid"
    fee = freelancer_api.get("/api/transaction-fees/").json()["results"][0]
    assert (fee["base_amount"], fee["platform_fee_amount"], fee["net_amount"]) == (500.0, 50.0, 450.0)
    wallet = freelancer_api.get("/api/wallet").json()
    assert (wallet["pending"], wallet["available"], wallet["lifetime_earned"]) == (450.0, 0.0, 450.0)
    assert freelancer_api.post("/api/payouts/", {}).status_code == 400  # still in the security period

    Payment.objects.filter(payment_type="release").update(available_at=timezone.now() - timedelta(minutes=1))
    assert mature_pending_earnings() == 1
    assert freelancer_api.get("/api/wallet").json()["available"] == 450.0

    assert freelancer_api.put("/api/payouts/schedule", {"frequency": "weekly", "minimum_amount": 100}).status_code \
        == 200
    payout = freelancer_api.post("/api/payouts/", {}, HTTP_IDEMPOTENCY_KEY="payout-1")
    assert payout.status_code == 201 and payout.json()["status"] == "paid" and payout.json()["amount"] == 450.0
    wallet = freelancer_api.get("/api/wallet").json()
    assert (wallet["pending"], wallet["available"]) == (0.0, 0.0)
    history = {row["payment_type"] for row in freelancer_api.get("/api/payments/").json()["results"]}
    assert history == {"release", "fee", "payout"}
    assert client_api.get(f"/api/escrow/balance?contract_id={contract.pk}").json()["total_released"] == 500.0
    call_command("ledger_check")
    assert Decimal(str(wallet["lifetime_earned"])) == Decimal("450")
