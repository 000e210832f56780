from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import AccountPurpose, PayoutStatus
from billing.services.escrow import escrow_release
from billing.services.ledger import balance_of
from billing.services.payments import payments_mature_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def available(funded_escrow, client_user):
    """Bob has 450.00 available: a release of 500 whose security period has ended."""
    escrow_release(escrow=funded_escrow, actor=client_user)
    payments_mature_due(now=timezone.now() + timezone.timedelta(days=30))
    return Decimal("450.00")


def test_freelancer_pays_out_the_available_balance(freelancer_api, freelancer, available):
    response = freelancer_api.post("/api/payouts/", {})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == 450.0 and body["status"] == PayoutStatus.PAID
    assert body["gateway_reference"].startswith("manual_payout_")
    assert balance_of(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency="USD", user=freelancer) == 0
    assert balance_of(purpose=AccountPurpose.PAYOUTS, currency="USD", user=freelancer) == Decimal("450")
    again = freelancer_api.post("/api/payouts/", {})
    assert again.status_code == 400 and again.json()["code"] == "nothing_to_pay_out"


def test_partial_payout_and_too_much(freelancer_api, available):
    assert freelancer_api.post("/api/payouts/", {"amount": 100}).json()["amount"] == 100.0
    response = freelancer_api.post("/api/payouts/", {"amount": "350.01"})
    assert response.status_code == 400 and response.json()["code"] == "insufficient_funds"


def test_pending_earnings_cannot_be_paid_out(freelancer_api, funded_escrow, client_user):
    escrow_release(escrow=funded_escrow, actor=client_user)
    assert freelancer_api.post("/api/payouts/", {}).status_code == 400


def test_clients_have_no_payouts(client_api):
    assert client_api.post("/api/payouts/", {}).status_code == 403
    assert client_api.put("/api/payouts/schedule", {"frequency": "weekly"}).status_code == 403


def test_payout_idempotency_key_pays_once(freelancer_api, freelancer, available):
    first = freelancer_api.post("/api/payouts/", {"amount": 50}, HTTP_IDEMPOTENCY_KEY="po-1")
    second = freelancer_api.post("/api/payouts", {"amount": 50}, HTTP_IDEMPOTENCY_KEY="po-1")
    assert first.json() == second.json()
    assert balance_of(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency="USD", user=freelancer) == Decimal("400")


def test_payouts_are_hidden_from_others(freelancer_api, client_api, outsider_api, staff_api, finance_api,
                                        available):
    payout_id = freelancer_api.post("/api/payouts/", {}).json()["id"]
    assert freelancer_api.get(f"/api/payouts/{payout_id}").status_code == 200
    for api in (client_api, outsider_api, staff_api):
        assert api.get(f"/api/payouts/{payout_id}").status_code == 404
        assert api.get("/api/payouts/").json()["count"] == 0
    assert finance_api.get(f"/api/payouts/{payout_id}").status_code == 200


def test_payout_list_has_constant_queries(freelancer_api, available, django_assert_num_queries):
    freelancer_api.post("/api/payouts/", {"amount": 10})
    freelancer_api.get("/api/payouts/")
    with django_assert_num_queries(3):
        assert freelancer_api.get("/api/payouts/").json()["count"] == 1
    freelancer_api.post("/api/payouts/", {"amount": 10})
    with django_assert_num_queries(3):
        assert freelancer_api.get("/api/payouts/").json()["count"] == 2


def test_freelancer_sets_and_reads_the_schedule(freelancer_api):
    assert freelancer_api.get("/api/payouts/schedule").status_code == 404
    response = freelancer_api.put("/api/payouts/schedule", {"frequency": "twice_monthly", "minimum_amount": 100})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["frequency"] == "twice_monthly" and body["minimum_amount"] == 100.0 and body["is_active"] is True
    assert body["next_run_at"]
    patched = freelancer_api.patch("/api/payouts/schedule/", {"minimum_amount": 25})
    assert patched.json()["frequency"] == "twice_monthly" and patched.json()["minimum_amount"] == 25.0
    assert freelancer_api.get("/api/payouts/schedule").json()["minimum_amount"] == 25.0
    assert freelancer_api.put("/api/payouts/schedule", {"frequency": "daily"}).status_code == 400
    assert freelancer_api.put("/api/payouts/schedule", {"frequency": "weekly", "minimum_amount": -1}).status_code \
        == 400


def test_anonymous_gets_401(api):
    assert api.get("/api/payouts/").status_code == 401
    assert api.get("/api/wallet").status_code == 401
