"""The PayPal adapter against a fake `requests` transport: OAuth, Orders, refunds, Payouts and the webhook
signature check, with the requests it makes asserted. No test reaches PayPal."""

import json
from decimal import Decimal

import pytest

from billing.gateways.base import PENDING, SUCCEEDED, GatewayError
from billing.gateways.paypal import PayPalGateway
from billing.gateways.paypal_api import PayPalAPI
from billing.models import PayoutAccount, PayoutAccountStatus

from .gateway_fakes import PAYPAL_TOKEN, FakePayPalTransport, paypal_session

pytestmark = pytest.mark.django_db

ORDER = {"id": "5O190127TN364715T", "status": "PAYER_ACTION_REQUIRED", "links": [
    {"rel": "self", "href": "https://api-m.sandbox.paypal.com/v2/checkout/orders/5O190127TN364715T"},
    {"rel": "payer-action", "href": "https://www.sandbox.paypal.com/checkoutnow?token=5O190127TN364715T"}]}
CAPTURED = {"id": "5O190127TN364715T", "status": "COMPLETED", "purchase_units": [{"payments": {"captures": [{
    "id": "3C679366HH908993F", "status": "COMPLETED", "amount": {"currency_code": "USD", "value": "500.00"},
    "seller_receivable_breakdown": {"paypal_fee": {"currency_code": "USD", "value": "17.90"}}}]}}]}


@pytest.fixture
def transport(settings):
    settings.PAYPAL_CLIENT_ID = "client-id"
    settings.PAYPAL_CLIENT_SECRET = "client-secret"
    settings.PAYPAL_WEBHOOK_ID = "WH-1"
    settings.PAYPAL_MODE = "sandbox"
    return FakePayPalTransport().on("POST", "/v1/oauth2/token", PAYPAL_TOKEN)


@pytest.fixture
def gateway(transport):
    return PayPalGateway(api=PayPalAPI(session=paypal_session(transport)))


def test_funding_creates_an_order_and_hands_back_the_approval_link(gateway, transport, client_user):
    transport.on("POST", "/v2/checkout/orders", ORDER)
    result = gateway.create_funding(amount=Decimal("500.00"), currency="usd", payer=client_user,
                                    description="MegiLance escrow 3", metadata={"escrow_id": 3},
                                    idempotency_key="escrow-3-funding")

    assert result.status == PENDING
    assert result.reference == ORDER["id"]
    assert result.client_secret.startswith("https://www.sandbox.paypal.com/checkoutnow")
    token_call, order_call = transport.requests
    assert token_call.params == {"grant_type": "client_credentials"}
    assert token_call.headers["Authorization"].startswith("Basic ")
    assert order_call.headers["Authorization"] == "Bearer A21AAFakeToken"
    assert order_call.headers["PayPal-Request-Id"] == "order-escrow-3-funding"
    unit = order_call.body_json["purchase_units"][0]
    assert order_call.body_json["intent"] == "CAPTURE"
    assert unit["amount"] == {"currency_code": "USD", "value": "500.00"}
    assert unit["custom_id"] == "escrow-3-funding"


def test_the_oauth_token_is_reused_until_it_expires(gateway, transport, client_user):
    transport.on("POST", "/v2/checkout/orders", ORDER)
    for key in ("a", "b"):
        gateway.create_funding(amount=Decimal("1.00"), currency="USD", payer=client_user, description="",
                               metadata={}, idempotency_key=key)
    assert len(transport.calls("POST", "/v1/oauth2/token")) == 1


def test_capture_of_an_approved_order_succeeds_with_paypals_fee(gateway, transport):
    transport.on("POST", f"/v2/checkout/orders/{ORDER['id']}/capture", CAPTURED)
    result = gateway.capture(reference=ORDER["id"])
    assert result.status == SUCCEEDED
    assert result.fee == Decimal("17.90")
    assert transport.calls("POST", f"/v2/checkout/orders/{ORDER['id']}/capture")[0].headers[
        "PayPal-Request-Id"] == f"capture-{ORDER['id']}"


def test_refund_finds_the_capture_of_the_order_and_refunds_part_of_it(gateway, transport):
    transport.on("GET", f"/v2/checkout/orders/{ORDER['id']}", CAPTURED)
    transport.on("POST", "/v2/payments/captures/3C679366HH908993F/refund", {"id": "1JU08902781691411",
                                                                            "status": "COMPLETED"})
    result = gateway.refund(reference=ORDER["id"], amount=Decimal("120.00"), currency="USD",
                            idempotency_key="refund-5")
    assert result.status == SUCCEEDED and result.reference == "1JU08902781691411"
    [call] = transport.calls("POST", "/v2/payments/captures/3C679366HH908993F/refund")
    assert call.body_json["amount"] == {"currency_code": "USD", "value": "120.00"}
    assert call.headers["PayPal-Request-Id"] == "refund-refund-5"


def test_payout_sends_one_item_to_the_freelancers_paypal_email(gateway, transport, freelancer):
    PayoutAccount.objects.create(user=freelancer, gateway="paypal", account_id="bob@paypal.example",
                                 status=PayoutAccountStatus.ACTIVE, payouts_enabled=True)
    transport.on("POST", "/v1/payments/payouts", ({"batch_header": {
        "payout_batch_id": "5UXD2E8A7EBQJ", "batch_status": "PENDING"}}, 201))
    result = gateway.payout(amount=Decimal("90.00"), currency="USD", payee=freelancer, metadata={"payout_id": 2},
                            idempotency_key="payout-2")
    assert result.status == PENDING and result.reference == "5UXD2E8A7EBQJ"
    [call] = transport.calls("POST", "/v1/payments/payouts")
    assert call.body_json["sender_batch_header"]["sender_batch_id"] == "payout-2"
    [item] = call.body_json["items"]
    assert item["receiver"] == "bob@paypal.example"
    assert item["amount"] == {"value": "90.00", "currency": "USD"}


def test_paypal_refusal_is_not_retryable_and_an_outage_is(gateway, transport, client_user):
    transport.on("POST", "/v2/checkout/orders", ({"name": "INVALID_REQUEST", "message": "Request is not well-formed"},
                                                 400))
    with pytest.raises(GatewayError) as refused:
        gateway.create_funding(amount=Decimal("1.00"), currency="USD", payer=client_user, description="",
                               metadata={}, idempotency_key="k")
    assert not refused.value.retryable
    transport.on("POST", "/v2/checkout/orders", ({"name": "INTERNAL_SERVICE_ERROR"}, 503))
    with pytest.raises(GatewayError) as outage:
        gateway.create_funding(amount=Decimal("1.00"), currency="USD", payer=client_user, description="",
                               metadata={}, idempotency_key="k2")
    assert outage.value.retryable


def test_saved_card_charges_are_not_offered_by_paypal(gateway, client_user):
    with pytest.raises(GatewayError):
        gateway.charge_saved_method(amount=Decimal("1"), currency="USD", payer=client_user, payment_method="x",
                                    description="", metadata={}, idempotency_key="k")


WEBHOOK_HEADERS = {
    "PAYPAL-AUTH-ALGO": "SHA256withRSA",
    "PAYPAL-CERT-URL": "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42",
    "PAYPAL-TRANSMISSION-ID": "69cd13f0-d67a-11e5-baa3-778b53f4ae55",
    "PAYPAL-TRANSMISSION-SIG": "lmI95Jx3Y9nhR5SJWlHVIWpg4AgFk7n9bCHSRxbrd8A9zrhdu2rMyFrmz+Zjh3s3boXB07VXCXUZy/UFzUlnGJ",
    "PAYPAL-TRANSMISSION-TIME": "2026-02-18T20:01:35Z",
}


def test_webhook_verification_passes_the_event_to_paypal_byte_for_byte(gateway, transport):
    body = b'{"id":"WH-7Y7254563A4550640","event_type":"PAYMENT.CAPTURE.COMPLETED", "resource": {"id": "3C6"}}'
    transport.on("POST", "/v1/notifications/verify-webhook-signature", {"verification_status": "SUCCESS"})
    event = gateway.verify_webhook(raw_body=body, headers=WEBHOOK_HEADERS)
    assert event["id"] == "WH-7Y7254563A4550640"
    [call] = transport.calls("POST", "/v1/notifications/verify-webhook-signature")
    assert call.body_json["webhook_id"] == "WH-1"
    assert call.body_json["transmission_id"] == WEBHOOK_HEADERS["PAYPAL-TRANSMISSION-ID"]
    assert call.body_json["webhook_event"] == json.loads(body)


def test_webhook_paypal_does_not_verify_is_refused(gateway, transport):
    transport.on("POST", "/v1/notifications/verify-webhook-signature", {"verification_status": "FAILURE"})
    assert gateway.verify_webhook(raw_body=b'{"id": "WH-1", "event_type": "X"}', headers=WEBHOOK_HEADERS) is None


def test_webhook_without_paypals_headers_is_refused_without_asking(gateway, transport):
    assert gateway.verify_webhook(raw_body=b'{"id": "WH-1", "event_type": "X"}', headers={}) is None
    assert not transport.calls("POST", "/v1/notifications/verify-webhook-signature")
