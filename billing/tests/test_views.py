"""The money pages: a client funds a milestone, releases or takes back escrow, asks for a refund and downloads the
payment history; a freelancer sees earnings, sets the payout schedule and account, and pays out. Outsiders get 404,
the wrong role 403."""

import csv
import io
from decimal import Decimal

import pytest
import stripe
from django.urls import reverse
from django.utils import timezone

from billing.models import (
    Escrow,
    EscrowStatus,
    Payment,
    PaymentType,
    Payout,
    PayoutAccount,
    PayoutSchedule,
    PayoutStatus,
    Refund,
    RefundStatus,
)
from billing.services.escrow import escrow_fund, escrow_release
from billing.services.payments import payments_mature_due

from .gateway_fakes import FakeStripeHTTP, install_stripe_defaults

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_client(client, client_user):
    client.force_login(client_user)
    return client


@pytest.fixture
def as_freelancer(client, freelancer):
    client.force_login(freelancer)
    return client


@pytest.fixture
def as_outsider(client, outsider):
    client.force_login(outsider)
    return client


def fund_url(milestone):
    return reverse("billing:fund-milestone", args=[milestone.contract_id, milestone.pk])


# --- funding ---------------------------------------------------------------------------------------------------


def test_the_fund_page_shows_what_the_client_pays(as_client, milestone):
    page = as_client.get(fund_url(milestone))
    assert page.status_code == 200
    assert b"Pay $500 into escrow" in page.content


def test_funding_on_the_manual_gateway_funds_at_once_and_returns_to_the_contract(as_client, milestone):
    response = as_client.post(fund_url(milestone))
    assert response.status_code == 302
    assert response.url == reverse("marketplace:contract-detail", args=[milestone.contract_id])
    assert Escrow.objects.get(milestone=milestone).status == EscrowStatus.FUNDED
    again = as_client.get(fund_url(milestone))
    assert b'data-testid="fund-done"' in again.content


def test_funding_twice_is_refused_with_a_message(as_client, funded_escrow, milestone):
    response = as_client.post(fund_url(milestone), follow=True)
    assert b"already funded" in response.content
    assert Escrow.objects.filter(milestone=milestone).count() == 1


def test_with_stripe_the_client_confirms_the_card_on_the_pay_page(as_client, milestone, settings, monkeypatch):
    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_pages"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_pages"
    monkeypatch.setattr(stripe, "default_http_client", install_stripe_defaults(FakeStripeHTTP()))
    response = as_client.post(fund_url(milestone))
    assert response.status_code == 200
    escrow = Escrow.objects.get(milestone=milestone)
    assert escrow.status == EscrowStatus.PENDING
    assert f'data-secret="{escrow.gateway_reference}_secret_x"'.encode() in response.content
    assert b'data-key="pk_test_pages"' in response.content


def test_with_paypal_the_client_is_sent_to_approve_and_funded_on_return(as_client, milestone, settings, monkeypatch):
    from billing.gateways import paypal_api

    from .gateway_fakes import PAYPAL_TOKEN, FakePayPalTransport, paypal_session
    from .test_gateways_paypal import CAPTURED, ORDER

    settings.PAYMENT_GATEWAY = "paypal"
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET = "id", "secret"
    transport = (FakePayPalTransport().on("POST", "/v1/oauth2/token", PAYPAL_TOKEN)
                 .on("POST", "/v2/checkout/orders", ORDER)
                 .on("POST", f"/v2/checkout/orders/{ORDER['id']}/capture", CAPTURED))
    monkeypatch.setattr(paypal_api, "new_session", lambda: paypal_session(transport))

    sent = as_client.post(fund_url(milestone))
    assert sent.status_code == 302 and sent.url.startswith("https://www.sandbox.paypal.com/checkoutnow")
    back = as_client.get(reverse("billing:paypal-return") + f"?token={ORDER['id']}")
    assert back.status_code == 302
    assert Escrow.objects.get(milestone=milestone).status == EscrowStatus.FUNDED


def test_only_the_client_funds_and_outsiders_see_nothing(client, freelancer, outsider, milestone):
    client.force_login(freelancer)
    assert client.get(fund_url(milestone)).status_code == 403
    client.force_login(outsider)
    assert client.get(fund_url(milestone)).status_code == 404
    assert client.post(fund_url(milestone)).status_code == 404
    assert not Escrow.objects.exists()


def test_money_pages_need_a_login(client, milestone):
    for url in (fund_url(milestone), reverse("billing:payment-list"), reverse("billing:earnings"),
                reverse("billing:escrow-list")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


# --- escrow ----------------------------------------------------------------------------------------------------


def test_the_client_releases_part_of_the_escrow(as_client, funded_escrow):
    url = reverse("billing:escrow-detail", args=[funded_escrow.pk])
    assert b'data-testid="release-box"' in as_client.get(url).content
    as_client.post(reverse("billing:escrow-release", args=[funded_escrow.pk]), {"amount": "150.00"})
    funded_escrow.refresh_from_db()
    assert funded_escrow.released_amount == Decimal("150.00")
    assert funded_escrow.status == EscrowStatus.PARTIALLY_RELEASED


def test_the_client_takes_back_unreleased_money(as_client, funded_escrow):
    as_client.post(reverse("billing:escrow-refund", args=[funded_escrow.pk]), {"reason": "Not needed any more"})
    funded_escrow.refresh_from_db()
    assert funded_escrow.status == EscrowStatus.REFUNDED


def test_the_freelancer_cannot_release_to_themselves(as_freelancer, funded_escrow):
    response = as_freelancer.post(reverse("billing:escrow-release", args=[funded_escrow.pk]), follow=True)
    assert b"Only the client releases escrow." in response.content
    funded_escrow.refresh_from_db()
    assert funded_escrow.released_amount == 0


def test_outsiders_get_404_on_escrow_pages(as_outsider, funded_escrow):
    for name in ("escrow-detail", "escrow-release", "escrow-refund"):
        url = reverse(f"billing:{name}", args=[funded_escrow.pk])
        assert (as_outsider.post(url) if name != "escrow-detail" else as_outsider.get(url)).status_code == 404
    funded_escrow.refresh_from_db()
    assert funded_escrow.remaining == funded_escrow.amount


# --- refund requests -------------------------------------------------------------------------------------------


@pytest.fixture
def funding(funded_escrow):
    return Payment.objects.get(escrow=funded_escrow, payment_type=PaymentType.ESCROW_FUNDING)


def test_a_client_asks_for_part_of_a_funding_back(as_client, funding):
    url = reverse("billing:refund-request", args=[funding.pk])
    assert as_client.get(url).status_code == 200
    response = as_client.post(url, {"amount": "120.00", "reason": "Half of the screens were dropped."})
    assert response.status_code == 302
    refund = Refund.objects.get(payment=funding)
    assert refund.status == RefundStatus.REQUESTED and refund.amount == Decimal("120.00")


def test_asking_for_more_than_is_refundable_shows_the_limit(as_client, funding):
    response = as_client.post(reverse("billing:refund-request", args=[funding.pk]),
                              {"amount": "900.00", "reason": "Everything back please"})
    assert response.status_code == 400
    assert b"At most 500.00" in response.content
    assert not Refund.objects.exists()


def test_nobody_else_asks_for_a_refund_of_your_payment(client, freelancer, outsider, funding):
    url = reverse("billing:refund-request", args=[funding.pk])
    for person in (freelancer, outsider):
        client.force_login(person)
        assert client.post(url, {"reason": "mine now"}).status_code == 404
    assert not Refund.objects.exists()


# --- payment history -------------------------------------------------------------------------------------------


def test_payment_history_shows_only_the_callers_payments_in_constant_queries(
        as_client, client_user, contract, milestone, second_milestone, outsider, django_assert_num_queries):
    from marketplace.tests.factories import ContractFactory, MilestoneFactory

    other = MilestoneFactory(contract=ContractFactory(project__client=outsider))
    escrow_fund(contract=other.contract, actor=outsider, milestone=other)
    escrow_fund(contract=contract, actor=client_user, milestone=milestone)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("billing:payment-list")
    as_client.get(url)  # warm the session and the site's caches
    # The layout's own queries (navigation, notifications) belong to other pages' owners; what matters here is
    # that one more payment costs no query.
    with CaptureQueriesContext(connection) as layout_and_page:
        as_client.get(url)
    with django_assert_num_queries(len(layout_and_page.captured_queries)):
        as_client.get(url)
    escrow_fund(contract=contract, actor=client_user, milestone=second_milestone)
    with django_assert_num_queries(len(layout_and_page.captured_queries)):
        page = as_client.get(url)
    assert page.content.count(b'data-testid="payment-row"') == 2


def test_the_csv_export_has_the_callers_payments_and_defuses_formulas(as_client, client_user, contract):
    from marketplace.tests.factories import MilestoneFactory

    risky = MilestoneFactory(contract=contract, title="=HYPERLINK(\"http://x\")", amount=Decimal("80.00"))
    escrow_fund(contract=contract, actor=client_user, milestone=risky)
    response = as_client.get(reverse("billing:payment-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["type"], row["amount"], row["direction"]) for row in rows] == [("escrow_funding", "80.00", "out")]
    assert rows[0]["milestone"].startswith("'=")


def test_the_csv_export_follows_the_filters(as_client, funded_escrow, client_user):
    escrow_release(escrow=funded_escrow, actor=client_user, amount=Decimal("100.00"))
    response = as_client.get(reverse("billing:payment-export") + "?payment_type=release")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["type"] for row in rows] == ["release"]


# --- freelancer: earnings and payouts --------------------------------------------------------------------------


@pytest.fixture
def matured(funded_escrow, client_user):
    escrow_release(escrow=funded_escrow, actor=client_user)
    payments_mature_due(now=timezone.now() + timezone.timedelta(days=10))


def test_earnings_show_pending_and_available_balances(as_freelancer, funded_escrow, client_user):
    escrow_release(escrow=funded_escrow, actor=client_user, amount=Decimal("200.00"))
    page = as_freelancer.get(reverse("billing:earnings"))
    assert page.status_code == 200
    assert page.context["wallet"]["pending"] == Decimal("180.00")
    assert page.context["wallet"]["available"] == Decimal("0.00")
    assert b'data-testid="pending">$180' in page.content


def test_clients_have_no_earnings_page(as_client):
    assert as_client.get(reverse("billing:earnings")).status_code == 403
    assert as_client.post(reverse("billing:payout-now")).status_code == 403


def test_the_freelancer_sets_the_payout_schedule(as_freelancer, freelancer):
    as_freelancer.post(reverse("billing:payout-schedule"), {"frequency": "weekly", "minimum_amount": "75.00",
                                                            "is_active": "on"})
    schedule = PayoutSchedule.objects.get(freelancer=freelancer)
    assert (schedule.frequency, schedule.minimum_amount, schedule.is_active) == ("weekly", Decimal("75.00"), True)
    assert schedule.next_run_at.weekday() == 0


def test_a_bad_schedule_is_refused(as_freelancer, freelancer):
    response = as_freelancer.post(reverse("billing:payout-schedule"), {"frequency": "daily",
                                                                        "minimum_amount": "-1"}, follow=True)
    assert b"Choose how often" in response.content
    assert not PayoutSchedule.objects.exists()


def test_the_freelancer_sets_up_payouts_and_pays_out_the_available_balance(as_freelancer, freelancer, matured):
    as_freelancer.post(reverse("billing:payout-account"))
    assert PayoutAccount.objects.get(user=freelancer).can_receive
    response = as_freelancer.post(reverse("billing:payout-now"), follow=True)
    payout = Payout.objects.get(freelancer=freelancer)
    assert payout.status == PayoutStatus.PAID and payout.amount == Decimal("450.00")
    assert b"Payout of 450.00 USD" in response.content
    history = as_freelancer.get(reverse("billing:payout-list"))
    assert history.content.count(b'data-testid="payout-row"') == 1


def test_paying_out_with_nothing_available_says_so(as_freelancer):
    response = as_freelancer.post(reverse("billing:payout-now"), follow=True)
    assert b"There is no available balance to pay out." in response.content
