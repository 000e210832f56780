"""POST /api/webhooks/paypal: each delivery is verified through PayPal's verify-webhook-signature call (faked
at the HTTP transport), recorded once, and applied through the services' reference entry points."""

import itertools
import json
from decimal import Decimal

import pytest

from billing.gateways import paypal_api
from billing.models import (
    EscrowStatus,
    LedgerTransaction,
    PayoutAccount,
    PayoutAccountStatus,
    PayoutStatus,
    RefundStatus,
    TransactionFee,
    WebhookEvent,
)
from billing.services.escrow import escrow_fund, escrow_refund
from billing.services.payouts import payout_request

from .gateway_fakes import PAYPAL_TOKEN, FakePayPalTransport, paypal_session
from .test_gateways_paypal import CAPTURED, ORDER, WEBHOOK_HEADERS

pytestmark = pytest.mark.django_db

URL = "/api/webhooks/paypal"
VERIFY = "/v1/notifications/verify-webhook-signature"
_ids = itertools.count(1)


@pytest.fixture
def transport(settings, monkeypatch):
    settings.PAYMENT_GATEWAY = "paypal"
    settings.PAYPAL_CLIENT_ID = "client-id"
    settings.PAYPAL_CLIENT_SECRET = "client-secret"
    settings.PAYPAL_WEBHOOK_ID = "WH-1"
    fake = FakePayPalTransport()
    fake.on("POST", "/v1/oauth2/token", PAYPAL_TOKEN)
    fake.on("POST", VERIFY, {"verification_status": "SUCCESS"})
    fake.on("POST", "/v2/checkout/orders", ORDER)
    fake.on("POST", f"/v2/checkout/orders/{ORDER['id']}/capture", CAPTURED)
    fake.on("GET", f"/v2/checkout/orders/{ORDER['id']}", CAPTURED)
    monkeypatch.setattr(paypal_api, "new_session", lambda: paypal_session(fake))
    return fake


@pytest.fixture
def deliver(api, django_capture_on_commit_callbacks):
    def post(event_type: str, resource: dict, *, event_id: str | None = None, headers: dict | None = None):
        body = json.dumps({"id": event_id or f"WH-{next(_ids)}", "event_version": "1.0", "event_type": event_type,
                           "resource_type": "capture", "resource": resource})
        extra = {f"HTTP_{key.replace('-', '_')}": value for key, value in (headers or WEBHOOK_HEADERS).items()}
        with django_capture_on_commit_callbacks(execute=True):
            return api.post(URL, data=body, content_type="application/json", **extra)

    return post


@pytest.fixture
def pending_escrow(transport, contract, milestone, client_user):
    escrow = escrow_fund(contract=contract, actor=client_user, milestone=milestone)
    assert escrow.status == EscrowStatus.PENDING and escrow.gateway_reference == ORDER["id"]
    assert escrow.client_secret.startswith("https://www.sandbox.paypal.com/")
    return escrow


def capture_resource(status="COMPLETED"):
    capture = CAPTURED["purchase_units"][0]["payments"]["captures"][0]
    return {**capture, "status": status, "supplementary_data": {"related_ids": {"order_id": ORDER["id"]}}}


def test_an_event_paypal_does_not_verify_is_refused(deliver, transport):
    transport.on("POST", VERIFY, {"verification_status": "FAILURE"})
    response = deliver("PAYMENT.CAPTURE.COMPLETED", capture_resource())
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert not WebhookEvent.objects.exists()


def test_an_event_without_paypals_headers_is_refused(deliver, transport):
    assert deliver("PAYMENT.CAPTURE.COMPLETED", capture_resource(), headers={"X-Other": "1"}).status_code == 400


def test_when_paypal_cannot_verify_the_delivery_is_refused_for_a_redelivery(deliver, transport):
    transport.on("POST", VERIFY, ({"name": "INTERNAL_SERVICE_ERROR"}, 503))
    response = deliver("PAYMENT.CAPTURE.COMPLETED", capture_resource())
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_the_verification_call_carries_the_webhook_id_and_the_event(deliver, transport):
    deliver("PAYMENT.SALE.COMPLETED", {"id": "S1"}, event_id="WH-sale")
    [call] = transport.calls("POST", VERIFY)
    assert call.body_json["webhook_id"] == "WH-1"
    assert call.body_json["webhook_event"]["id"] == "WH-sale"
    assert call.body_json["auth_algo"] == WEBHOOK_HEADERS["PAYPAL-AUTH-ALGO"]


def test_an_approved_order_is_captured_and_funds_the_escrow_once(deliver, pending_escrow, transport):
    response = deliver("CHECKOUT.ORDER.APPROVED", {"id": ORDER["id"], "status": "APPROVED"}, event_id="WH-approved")
    assert response.status_code == 200
    pending_escrow.refresh_from_db()
    assert pending_escrow.status == EscrowStatus.FUNDED
    assert TransactionFee.objects.get(payment__escrow=pending_escrow).payment_gateway_fee == Decimal("17.90")
    movements = LedgerTransaction.objects.count()

    assert deliver("CHECKOUT.ORDER.APPROVED", {"id": ORDER["id"]}, event_id="WH-approved").json()["duplicate"]
    deliver("PAYMENT.CAPTURE.COMPLETED", capture_resource())

    assert LedgerTransaction.objects.count() == movements
    assert len(transport.calls("POST", f"/v2/checkout/orders/{ORDER['id']}/capture")) == 1


def test_a_completed_capture_funds_the_escrow(deliver, pending_escrow):
    deliver("PAYMENT.CAPTURE.COMPLETED", capture_resource())
    pending_escrow.refresh_from_db()
    assert pending_escrow.status == EscrowStatus.FUNDED


def test_a_denied_capture_gives_the_escrow_up(deliver, pending_escrow):
    deliver("PAYMENT.CAPTURE.DENIED", capture_resource("DECLINED"))
    pending_escrow.refresh_from_db()
    assert pending_escrow.status == EscrowStatus.EXPIRED


def test_a_pending_paypal_refund_is_processed_by_its_webhook(deliver, pending_escrow, transport, client_user,
                                                             django_capture_on_commit_callbacks):
    deliver("PAYMENT.CAPTURE.COMPLETED", capture_resource())
    transport.on("POST", "/v2/payments/captures/3C679366HH908993F/refund", {"id": "RF-1", "status": "PENDING"})
    pending_escrow.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        refund = escrow_refund(escrow=pending_escrow, actor=client_user, amount=Decimal("100.00"), reason="Less")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PROCESSING and refund.gateway_reference == "RF-1"

    deliver("PAYMENT.CAPTURE.REFUNDED", {"id": "RF-1", "status": "COMPLETED"})

    refund.refresh_from_db()
    assert refund.status == RefundStatus.PROCESSED


@pytest.fixture
def paypal_payout(transport, freelancer, django_capture_on_commit_callbacks):
    from billing.models import AccountPurpose, LedgerTransactionKind
    from billing.services.ledger import ledger_account_get, ledger_post

    PayoutAccount.objects.create(user=freelancer, gateway="paypal", account_id="bob@paypal.example",
                                 status=PayoutAccountStatus.ACTIVE, payouts_enabled=True, details_submitted=True)
    ledger_post(kind=LedgerTransactionKind.MATURING, description="test earnings", lines=[
        (ledger_account_get(purpose=AccountPurpose.PLATFORM_REVENUE, currency="USD"), Decimal("-80.00")),
        (ledger_account_get(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency="USD", user=freelancer),
         Decimal("80.00")),
    ])
    transport.on("POST", "/v1/payments/payouts", ({"batch_header": {"payout_batch_id": "BATCH-1",
                                                                    "batch_status": "PENDING"}}, 201))
    with django_capture_on_commit_callbacks(execute=True):
        payout = payout_request(freelancer=freelancer)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PROCESSING and payout.gateway_reference == "BATCH-1"
    return payout


def test_a_succeeded_payout_item_marks_the_payout_paid(deliver, paypal_payout):
    deliver("PAYMENT.PAYOUTS-ITEM.SUCCEEDED", {"payout_item_id": "I-1", "payout_batch_id": "BATCH-1",
                                               "transaction_status": "SUCCESS"})
    paypal_payout.refresh_from_db()
    assert paypal_payout.status == PayoutStatus.PAID


def test_a_returned_payout_item_gives_the_money_back(deliver, paypal_payout, freelancer):
    from billing.selectors import wallet

    deliver("PAYMENT.PAYOUTS-ITEM.RETURNED", {"payout_item_id": "I-1", "payout_batch_id": "BATCH-1",
                                              "transaction_status": "RETURNED"})
    paypal_payout.refresh_from_db()
    assert paypal_payout.status == PayoutStatus.FAILED
    assert wallet(user=freelancer)["available"] == Decimal("80.00")
