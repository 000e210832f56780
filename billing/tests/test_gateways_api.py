"""POST /api/payment-methods/ (save a card for hourly charges) and POST /api/payouts/onboarding (where a
freelancer is paid), on the manual gateway and on Stripe with its HTTP layer faked."""

from types import SimpleNamespace

import pytest
import stripe

from accounts.tests.factories import ClientFactory, FreelancerFactory, StaffFactory
from billing.models import PaymentMethod, PaymentMethodStatus, PayoutAccount, PayoutAccountStatus

from .access_gateways import gateway_routes
from .gateway_fakes import FakeStripeHTTP, install_stripe_defaults

pytestmark = pytest.mark.django_db

METHODS = "/api/payment-methods/"
ONBOARDING = "/api/payouts/onboarding"


@pytest.fixture
def stripe_http(settings, monkeypatch):
    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_api"
    fake = install_stripe_defaults(FakeStripeHTTP())
    monkeypatch.setattr(stripe, "default_http_client", fake)
    return fake


def card(user, **extra) -> PaymentMethod:
    defaults = {"gateway": "manual", "payment_method_id": f"manual_pm_{PaymentMethod.objects.count()}",
                "brand": "visa", "last4": "4242", "status": PaymentMethodStatus.ACTIVE}
    return PaymentMethod.objects.create(user=user, **{**defaults, **extra})


# --- payment methods -----------------------------------------------------------------------------------------------


def test_on_the_manual_gateway_a_card_is_saved_at_once_as_the_default(client_api, client_user):
    response = client_api.post(METHODS, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "active" and body["is_default"] is True and body["client_secret"] is None
    assert PaymentMethod.objects.get(pk=body["id"]).user == client_user


def test_with_stripe_saving_a_card_starts_a_setup_intent(client_api, client_user, stripe_http):
    response = client_api.post(METHODS, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["client_secret"] == "seti_secret_x"
    assert stripe_http.calls("POST", "/v1/customers")[0].params["metadata"] == {"user_id": str(client_user.pk)}
    assert stripe_http.calls("POST", "/v1/setup_intents")[0].params["usage"] == "off_session"
    method = PaymentMethod.objects.get(pk=body["id"])
    assert method.setup_reference.startswith("seti_") and method.gateway_customer_id.startswith("cus_")

    client_api.post(METHODS, format="json")
    assert len(stripe_http.calls("POST", "/v1/customers")) == 1  # the Stripe customer is reused


def test_freelancers_do_not_save_cards(freelancer_api):
    assert freelancer_api.post(METHODS, format="json").status_code == 403


def test_anonymous_cannot_list_or_save_cards(api):
    assert api.get(METHODS).status_code == 401
    assert api.post(METHODS, format="json").status_code == 401


def test_the_list_shows_only_the_callers_cards_in_constant_queries(client_api, client_user, outsider,
                                                                   django_assert_num_queries):
    card(outsider)
    card(client_user, is_default=True)
    with django_assert_num_queries(3):  # session check, user, the page (count and rows)
        first = client_api.get(METHODS)
    card(client_user)
    with django_assert_num_queries(3):
        second = client_api.get(METHODS)
    assert first.json()["count"] == 1 and second.json()["count"] == 2
    assert {row["last4"] for row in second.json()["results"]} == {"4242"}


def test_removing_the_default_card_makes_the_newest_other_one_the_default(client_api, client_user):
    older = card(client_user, is_default=True)
    newer = card(client_user)
    assert client_api.delete(f"{METHODS}{older.pk}").status_code == 204
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.status == PaymentMethodStatus.DETACHED and not older.is_default
    assert newer.is_default
    assert client_api.get(f"{METHODS}{older.pk}").status_code == 404


def test_removing_a_stripe_card_detaches_it_at_stripe(client_api, client_user, stripe_http):
    method = card(client_user, gateway="stripe", payment_method_id="pm_visa", gateway_customer_id="cus_a")
    assert client_api.delete(f"{METHODS}{method.pk}").status_code == 204
    assert stripe_http.calls("POST", "/v1/payment_methods/pm_visa/detach")


def test_nobody_else_reaches_a_saved_card(api_as, client_user, freelancer):
    routes = gateway_routes(SimpleNamespace(client=client_user, freelancer=freelancer))
    from rest_framework.test import APIClient

    intruders = {"anonymous": APIClient(), "other client": api_as(ClientFactory()),
                 "other freelancer": api_as(FreelancerFactory()), "staff without rights": api_as(StaffFactory())}
    for method, path in routes:
        for who, client in intruders.items():
            status = getattr(client, method.lower())(path, {}, format="json").status_code
            assert status in (401, 404), f"{who} {method} {path} -> {status}"
    assert PaymentMethod.objects.get(user=client_user).status == PaymentMethodStatus.ACTIVE


# --- payout onboarding ---------------------------------------------------------------------------------------------


def test_on_the_manual_gateway_the_payout_account_is_ready_at_once(freelancer_api, freelancer):
    response = freelancer_api.post(ONBOARDING, {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["url"] == ""
    assert response.json()["account"]["status"] == "active"
    assert PayoutAccount.objects.get(user=freelancer).can_receive


def test_stripe_onboarding_creates_one_express_account_and_a_fresh_link_each_time(freelancer_api, freelancer,
                                                                                  stripe_http):
    first = freelancer_api.post(ONBOARDING, {"country": "PT"}, format="json")
    again = freelancer_api.post(ONBOARDING, {}, format="json")
    assert first.status_code == again.status_code == 200
    assert first.json()["account"]["status"] == "onboarding"
    assert first.json()["url"].startswith("https://connect.stripe.com/")
    assert len(stripe_http.calls("POST", "/v1/accounts")) == 1
    assert len(stripe_http.calls("POST", "/v1/account_links")) == 2
    assert PayoutAccount.objects.filter(user=freelancer).count() == 1
    assert freelancer_api.get(ONBOARDING).json()[0]["account_id"] == first.json()["account"]["account_id"]


def test_paypal_onboarding_records_the_paypal_email(freelancer_api, freelancer, settings):
    settings.PAYMENT_GATEWAY = "paypal"
    response = freelancer_api.post(ONBOARDING, {"email": "Bob.Pays@Example.com"}, format="json")
    assert response.status_code == 200, response.content
    account = PayoutAccount.objects.get(user=freelancer, gateway="paypal")
    assert account.account_id == "bob.pays@example.com" and account.status == PayoutAccountStatus.ACTIVE


def test_bad_onboarding_input_is_400(freelancer_api):
    assert freelancer_api.post(ONBOARDING, {"email": "not-an-email"}, format="json").status_code == 400
    assert freelancer_api.post(ONBOARDING, {"country": "Portugal"}, format="json").status_code == 400


def test_clients_and_anonymous_do_not_onboard(client_api, api):
    assert client_api.post(ONBOARDING, {}, format="json").status_code == 403
    assert client_api.get(ONBOARDING).status_code == 403
    assert api.post(ONBOARDING, {}, format="json").status_code == 401
