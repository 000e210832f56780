"""The Stripe adapter against a fake HTTP layer under the `stripe` library: what it asks Stripe, and how it
reads the answers. No test reaches the network."""

from decimal import Decimal

import pytest
import stripe

from billing.gateways.base import FAILED, PENDING, SUCCEEDED, GatewayError, get_gateway
from billing.gateways.stripe import StripeGateway, from_minor, to_minor
from billing.models import PaymentMethod, PaymentMethodStatus, PayoutAccount, PayoutAccountStatus

from .gateway_fakes import FakeStripeHTTP, install_stripe_defaults

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_http(settings, monkeypatch):
    settings.STRIPE_SECRET_KEY = "sk_test_megilance"
    fake = install_stripe_defaults(FakeStripeHTTP())
    monkeypatch.setattr(stripe, "default_http_client", fake)
    return fake


@pytest.fixture
def gateway(stripe_http):
    return get_gateway("stripe")


def test_amounts_go_to_stripe_in_cents_and_whole_yen():
    assert to_minor(Decimal("12.50"), "USD") == 1250
    assert to_minor(Decimal("1000"), "JPY") == 1000
    assert from_minor(1480, "usd") == Decimal("14.80")


def test_funding_creates_a_payment_intent_and_stays_pending(gateway, stripe_http, client_user):
    result = gateway.create_funding(amount=Decimal("500.00"), currency="USD", payer=client_user,
                                    description="MegiLance escrow 7", metadata={"escrow_id": 7, "milestone_id": None},
                                    idempotency_key="escrow-7-funding")

    assert result.status == PENDING
    assert result.reference.startswith("pi_")
    assert result.client_secret.startswith(result.reference)
    [call] = stripe_http.calls("POST", "/v1/payment_intents")
    assert call.params["amount"] == "50000"
    assert call.params["currency"] == "usd"
    assert call.params["metadata"] == {"escrow_id": "7"}  # None values are not sent: they would delete keys
    assert call.params["automatic_payment_methods"] == {"enabled": "true"}
    assert call.headers["Idempotency-Key"] == "escrow-7-funding"
    assert call.headers["Authorization"] == "Bearer sk_test_megilance"


def test_funding_uses_the_clients_saved_stripe_customer(gateway, stripe_http, client_user):
    PaymentMethod.objects.create(user=client_user, gateway="stripe", gateway_customer_id="cus_alice",
                                 payment_method_id="pm_1", status=PaymentMethodStatus.ACTIVE)
    gateway.create_funding(amount=Decimal("10.00"), currency="USD", payer=client_user, description="x",
                           metadata={}, idempotency_key="k")
    assert stripe_http.calls("POST", "/v1/payment_intents")[0].params["customer"] == "cus_alice"


def test_off_session_charge_confirms_the_saved_card_at_once(gateway, stripe_http, client_user):
    PaymentMethod.objects.create(user=client_user, gateway="stripe", gateway_customer_id="cus_alice",
                                 payment_method_id="pm_card", status=PaymentMethodStatus.ACTIVE)
    result = gateway.charge_saved_method(amount=Decimal("260.00"), currency="USD", payer=client_user,
                                         payment_method="pm_card", description="Hourly week",
                                         metadata={"escrow_id": 3}, idempotency_key="hourly-3")
    assert result.status == SUCCEEDED
    params = stripe_http.calls("POST", "/v1/payment_intents")[0].params
    assert params["off_session"] == "true" and params["confirm"] == "true"
    assert params["payment_method"] == "pm_card" and params["customer"] == "cus_alice"


def test_declined_off_session_charge_is_a_failed_result_not_an_error(gateway, stripe_http, client_user):
    PaymentMethod.objects.create(user=client_user, gateway="stripe", gateway_customer_id="cus_alice",
                                 payment_method_id="pm_card", status=PaymentMethodStatus.ACTIVE)
    stripe_http.on("POST", "/v1/payment_intents", ({"error": {
        "type": "card_error", "code": "card_declined", "message": "Your card was declined.",
        "payment_intent": {"id": "pi_declined", "object": "payment_intent", "status": "requires_payment_method"}}},
        402))
    result = gateway.charge_saved_method(amount=Decimal("10.00"), currency="USD", payer=client_user,
                                         payment_method="pm_card", description="x", metadata={},
                                         idempotency_key="k")
    assert result.status == FAILED
    assert result.reference == "pi_declined"
    assert "declined" in result.failure_reason


def test_refund_is_asked_on_the_payment_intent_with_the_services_key(gateway, stripe_http):
    result = gateway.refund(reference="pi_123", amount=Decimal("125.55"), currency="USD",
                            idempotency_key="refund-4", metadata={"refund_id": 4})
    assert result.status == SUCCEEDED and result.reference.startswith("re_")
    [call] = stripe_http.calls("POST", "/v1/refunds")
    assert call.params == {"payment_intent": "pi_123", "amount": "12555", "metadata": {"refund_id": "4"}}
    assert call.headers["Idempotency-Key"] == "refund-4"


def test_a_pending_refund_waits_for_its_webhook(settings, monkeypatch):
    settings.STRIPE_SECRET_KEY = "sk_test_megilance"
    fake = install_stripe_defaults(FakeStripeHTTP(), refund_status="pending")
    monkeypatch.setattr(stripe, "default_http_client", fake)
    result = get_gateway("stripe").refund(reference="pi_1", amount=Decimal("1.00"), currency="USD",
                                          idempotency_key="refund-1")
    assert result.status == PENDING


def test_payout_is_a_transfer_to_the_freelancers_connect_account(gateway, stripe_http, freelancer):
    PayoutAccount.objects.create(user=freelancer, gateway="stripe", account_id="acct_bob",
                                 status=PayoutAccountStatus.ACTIVE, payouts_enabled=True)
    result = gateway.payout(amount=Decimal("450.00"), currency="USD", payee=freelancer,
                            metadata={"payout_id": 9}, idempotency_key="payout-9")
    assert result.status == SUCCEEDED and result.reference.startswith("tr_")
    [call] = stripe_http.calls("POST", "/v1/transfers")
    assert call.params["destination"] == "acct_bob"
    assert call.params["amount"] == "45000"
    assert call.headers["Idempotency-Key"] == "payout-9"


def test_payout_without_a_ready_account_fails_without_calling_stripe(gateway, stripe_http, freelancer):
    PayoutAccount.objects.create(user=freelancer, gateway="stripe", account_id="acct_new")  # still onboarding
    result = gateway.payout(amount=Decimal("1.00"), currency="USD", payee=freelancer, metadata={},
                            idempotency_key="payout-1")
    assert result.status == FAILED
    assert not stripe_http.calls("POST", "/v1/transfers")


def test_setup_creates_a_customer_once_and_an_off_session_setup_intent(gateway, stripe_http, client_user):
    setup = gateway.create_setup(user=client_user, idempotency_key="setup-1")
    assert setup.reference.startswith("seti_") and setup.client_secret
    [customer] = stripe_http.calls("POST", "/v1/customers")
    assert customer.params["email"] == client_user.email
    assert customer.headers["Idempotency-Key"] == f"customer-user-{client_user.pk}"
    [intent] = stripe_http.calls("POST", "/v1/setup_intents")
    assert intent.params["usage"] == "off_session"
    assert intent.params["customer"] == setup.customer_id


def test_connect_onboarding_creates_an_express_account_and_a_link(gateway, stripe_http, freelancer):
    account_id = gateway.create_payout_account(user=freelancer, country="pt")
    url = gateway.onboarding_link(account_id=account_id, refresh_url="https://m/refresh", return_url="https://m/ok")
    assert url.startswith("https://connect.stripe.com/")
    [account] = stripe_http.calls("POST", "/v1/accounts")
    assert account.params["type"] == "express"
    assert account.params["country"] == "PT"
    assert account.params["capabilities"] == {"transfers": {"requested": "true"}}
    [link] = stripe_http.calls("POST", "/v1/account_links")
    assert link.params["type"] == "account_onboarding" and link.params["account"] == account_id


def test_funding_fee_is_read_from_the_charges_balance_transaction(gateway, stripe_http):
    assert gateway.funding_fee(reference="pi_77") == Decimal("14.80")
    [call] = stripe_http.calls("GET", "/v1/payment_intents/pi_77")
    assert call.params["expand"] == {"0": "latest_charge.balance_transaction"}


def test_stripe_down_is_a_retryable_gateway_error(gateway, stripe_http):
    stripe_http.on("POST", "/v1/refunds", ({"error": {"type": "api_error", "message": "boom"}}, 500))
    with pytest.raises(GatewayError) as caught:
        gateway.refund(reference="pi_1", amount=Decimal("1.00"), currency="USD", idempotency_key="refund-1")
    assert caught.value.retryable


def test_without_a_secret_key_stripe_is_not_configured(settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(GatewayError) as caught:
        StripeGateway().refund(reference="pi_1", amount=Decimal("1"), currency="USD", idempotency_key="k")
    assert caught.value.code == "not_configured" and not caught.value.retryable
