"""POST /api/webhooks/stripe: the signature is checked on the raw body, each event id is recorded once, and the
events move money through the services' reference entry points exactly once. Events are signed here exactly as
Stripe signs them."""

import json
import time
from decimal import Decimal

import pytest
import stripe

from billing.models import (
    Escrow,
    EscrowStatus,
    LedgerTransaction,
    PaymentMethod,
    PaymentMethodStatus,
    PayoutAccount,
    PayoutAccountStatus,
    PayoutStatus,
    RefundStatus,
    TransactionFee,
    WebhookEvent,
)
from billing.services.escrow import escrow_fund, escrow_refund
from billing.services.payouts import payout_request
from marketplace.models import MilestoneStatus

from .gateway_fakes import FakeStripeHTTP, install_stripe_defaults, stripe_event, stripe_signature

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_megilance"
URL = "/api/webhooks/stripe"


@pytest.fixture
def stripe_http(settings, monkeypatch):
    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_megilance"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    fake = install_stripe_defaults(FakeStripeHTTP())
    monkeypatch.setattr(stripe, "default_http_client", fake)
    return fake


@pytest.fixture
def deliver(api, django_capture_on_commit_callbacks):
    """deliver(body, secret=..., timestamp=..., signature=...) posts a webhook as Stripe would and runs the task
    that the commit schedules (Celery is eager in tests)."""

    def post(body: str, *, secret: str = SECRET, timestamp: int | None = None, signature: str | None = None):
        header = signature if signature is not None else stripe_signature(body, secret, timestamp=timestamp)
        with django_capture_on_commit_callbacks(execute=True):
            return api.post(URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)

    return post


@pytest.fixture
def pending_escrow(stripe_http, contract, milestone, client_user):
    escrow = escrow_fund(contract=contract, actor=client_user, milestone=milestone)
    assert escrow.status == EscrowStatus.PENDING
    return escrow


def intent(escrow: Escrow, **extra) -> dict:
    return {"id": escrow.gateway_reference, "object": "payment_intent", "amount": int(escrow.amount * 100),
            "currency": "usd", "status": "succeeded", "metadata": {"escrow_id": str(escrow.pk)}, **extra}


# --- the signature -------------------------------------------------------------------------------------------------


def test_a_signed_event_is_recorded_and_acknowledged(deliver, stripe_http):
    body = stripe_event("customer.created", {"id": "cus_1", "object": "customer"}, event_id="evt_signed")
    response = deliver(body)
    assert response.status_code == 200, response.content
    assert response.json() == {"received": True, "duplicate": False, "event_id": "evt_signed"}
    event = WebhookEvent.objects.get(gateway="stripe", event_id="evt_signed")
    assert event.type == "customer.created" and event.payload == json.loads(body)
    assert event.processed_at is not None  # an event nobody handles is done at once


def test_a_wrong_signature_is_refused_and_nothing_is_written(deliver, stripe_http):
    body = stripe_event("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent"})
    response = deliver(body, secret="whsec_someone_else")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert not WebhookEvent.objects.exists()


def test_a_stale_timestamp_is_refused(deliver, stripe_http):
    body = stripe_event("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent"})
    response = deliver(body, timestamp=int(time.time()) - 3600)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_body_changed_after_signing_is_refused(api, stripe_http):
    body = stripe_event("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent", "amount": 100})
    header = stripe_signature(body, SECRET)
    response = api.post(URL, data=body.replace('"amount": 100', '"amount": 999'), content_type="application/json",
                        HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code == 400


@pytest.mark.parametrize("header", ["", "t=abc", "v1=deadbeef", "t=1,v0=abc"])
def test_missing_or_malformed_signature_headers_are_400(deliver, stripe_http, header):
    assert deliver(stripe_event("x.y", {"id": "o"}), signature=header).status_code == 400


def test_signed_garbage_is_400_not_500(deliver, stripe_http):
    assert deliver("this is not json").status_code == 400
    assert deliver(json.dumps({"no": "id"})).status_code == 400
    assert deliver(json.dumps([1, 2])).status_code == 400


def test_connect_events_signed_with_the_second_endpoint_secret_are_accepted(deliver, stripe_http, settings):
    settings.STRIPE_WEBHOOK_SECRET = f"{SECRET}, whsec_connect_endpoint"
    body = stripe_event("account.updated", {"id": "acct_x", "object": "account"})
    assert deliver(body, secret="whsec_connect_endpoint").status_code == 200
    assert deliver(stripe_event("x.y", {"id": "o"}), secret="whsec_third").status_code == 400


def test_without_a_webhook_secret_every_delivery_is_refused(deliver, stripe_http, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert deliver(stripe_event("x.y", {"id": "o"})).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_webhooks_are_not_blocked_by_csrf(stripe_http, django_capture_on_commit_callbacks):
    from django.test import Client

    body = stripe_event("x.y", {"id": "o"})
    with django_capture_on_commit_callbacks(execute=True):
        response = Client(enforce_csrf_checks=True).post(URL, data=body, content_type="application/json",
                                                         HTTP_STRIPE_SIGNATURE=stripe_signature(body, SECRET))
    assert response.status_code == 200


def test_webhooks_need_no_login_and_ignore_get(api, stripe_http):
    assert api.get(URL).status_code == 405


# --- funding -------------------------------------------------------------------------------------------------------


def test_payment_intent_succeeded_funds_the_escrow_and_records_stripes_fee(deliver, pending_escrow, milestone):
    response = deliver(stripe_event("payment_intent.succeeded", intent(pending_escrow)))

    assert response.status_code == 200
    pending_escrow.refresh_from_db()
    milestone.refresh_from_db()
    assert pending_escrow.status == EscrowStatus.FUNDED
    assert milestone.status == MilestoneStatus.FUNDED
    fee = TransactionFee.objects.get(payment__escrow=pending_escrow)
    assert fee.payment_gateway_fee == Decimal("14.80")  # from the charge's balance transaction


def test_a_replayed_event_changes_nothing(deliver, pending_escrow):
    body = stripe_event("payment_intent.succeeded", intent(pending_escrow), event_id="evt_once")
    assert deliver(body).json()["duplicate"] is False
    movements = LedgerTransaction.objects.count()

    replay = deliver(body)

    assert replay.status_code == 200
    assert replay.json()["duplicate"] is True
    assert LedgerTransaction.objects.count() == movements
    assert WebhookEvent.objects.filter(event_id="evt_once").count() == 1


def test_the_same_success_under_another_event_id_still_funds_once(deliver, pending_escrow):
    deliver(stripe_event("payment_intent.succeeded", intent(pending_escrow)))
    movements = LedgerTransaction.objects.count()
    deliver(stripe_event("payment_intent.succeeded", intent(pending_escrow)))
    assert LedgerTransaction.objects.count() == movements
    assert TransactionFee.objects.filter(payment__escrow=pending_escrow).count() == 1


def test_a_success_whose_reference_was_never_stored_is_found_by_its_metadata(deliver, pending_escrow):
    # The funding service crashed between Stripe's answer and writing the reference.
    reference = pending_escrow.gateway_reference
    Escrow.objects.filter(pk=pending_escrow.pk).update(gateway_reference="")
    deliver(stripe_event("payment_intent.succeeded", {**intent(pending_escrow), "id": reference}))
    pending_escrow.refresh_from_db()
    assert pending_escrow.status == EscrowStatus.FUNDED
    assert pending_escrow.gateway_reference == reference


def test_payment_failed_gives_the_escrow_up_and_cancels_the_intent(deliver, pending_escrow, stripe_http, milestone):
    deliver(stripe_event("payment_intent.payment_failed", intent(
        pending_escrow, status="requires_payment_method",
        last_payment_error={"message": "Your card has insufficient funds."})))

    pending_escrow.refresh_from_db()
    assert pending_escrow.status == EscrowStatus.EXPIRED
    assert "insufficient funds" in pending_escrow.failure_reason
    assert stripe_http.calls("POST", f"/v1/payment_intents/{pending_escrow.gateway_reference}/cancel")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.PENDING


def test_money_arriving_for_an_expired_escrow_is_kept_visible_for_staff(deliver, pending_escrow):
    deliver(stripe_event("payment_intent.payment_failed", intent(pending_escrow, status="requires_payment_method")))
    deliver(stripe_event("payment_intent.succeeded", intent(pending_escrow), event_id="evt_late"))

    pending_escrow.refresh_from_db()
    assert pending_escrow.status == EscrowStatus.EXPIRED  # never funded twice or after giving up
    late = WebhookEvent.objects.get(event_id="evt_late")
    assert late.processed_at is not None and late.error.startswith("refused:")


def test_an_intent_that_is_not_megilances_is_ignored(deliver, stripe_http):
    deliver(stripe_event("payment_intent.succeeded", {"id": "pi_elsewhere", "object": "payment_intent",
                                                      "metadata": {}}, event_id="evt_other"))
    event = WebhookEvent.objects.get(event_id="evt_other")
    assert event.processed_at is not None and event.error.startswith("ignored")


def test_an_event_for_a_row_not_yet_committed_is_kept_for_a_retry(deliver, stripe_http):
    deliver(stripe_event("payment_intent.succeeded", {"id": "pi_future", "object": "payment_intent",
                                                      "metadata": {"escrow_id": "999999"}}, event_id="evt_early"))
    event = WebhookEvent.objects.get(event_id="evt_early")
    assert event.processed_at is None
    assert event.attempts == 1 and "999999" in event.error


# --- refunds -------------------------------------------------------------------------------------------------------


@pytest.fixture
def funded_stripe_escrow(deliver, pending_escrow):
    deliver(stripe_event("payment_intent.succeeded", intent(pending_escrow)))
    pending_escrow.refresh_from_db()
    return pending_escrow


def test_a_pending_stripe_refund_is_processed_by_its_webhook_once(deliver, funded_stripe_escrow, stripe_http,
                                                                  client_user, django_capture_on_commit_callbacks):
    install_stripe_defaults(stripe_http, refund_status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        refund = escrow_refund(escrow=funded_stripe_escrow, actor=client_user, amount=Decimal("200.00"),
                               reason="Scope cut")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PROCESSING and refund.gateway_reference.startswith("re_")
    stripe_refund = {"id": refund.gateway_reference, "object": "refund", "status": "succeeded", "amount": 20000,
                     "payment_intent": funded_stripe_escrow.gateway_reference,
                     "metadata": {"refund_id": str(refund.pk)}}

    deliver(stripe_event("refund.updated", stripe_refund))
    deliver(stripe_event("charge.refunded", {"id": "ch_1", "object": "charge", "refunds": {"data": [stripe_refund]}}))

    refund.refresh_from_db()
    assert refund.status == RefundStatus.PROCESSED
    funded_stripe_escrow.refresh_from_db()
    assert funded_stripe_escrow.refunded_amount == Decimal("200.00")


def test_a_failed_stripe_refund_puts_the_money_back_in_escrow(deliver, funded_stripe_escrow, stripe_http,
                                                              client_user, django_capture_on_commit_callbacks):
    install_stripe_defaults(stripe_http, refund_status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        refund = escrow_refund(escrow=funded_stripe_escrow, actor=client_user, reason="Changed my mind")
    refund.refresh_from_db()

    deliver(stripe_event("refund.failed", {"id": refund.gateway_reference, "object": "refund", "status": "failed",
                                           "failure_reason": "expired_or_canceled_card"}))

    refund.refresh_from_db()
    funded_stripe_escrow.refresh_from_db()
    assert refund.status == RefundStatus.FAILED
    assert funded_stripe_escrow.status == EscrowStatus.FUNDED
    assert funded_stripe_escrow.remaining == funded_stripe_escrow.amount


# --- payouts -------------------------------------------------------------------------------------------------------


@pytest.fixture
def bob_can_be_paid(freelancer, stripe_http):
    from billing.models import AccountPurpose, LedgerTransactionKind
    from billing.services.ledger import ledger_account_get, ledger_post

    PayoutAccount.objects.create(user=freelancer, gateway="stripe", account_id="acct_bob",
                                 status=PayoutAccountStatus.ACTIVE, payouts_enabled=True, details_submitted=True)
    # 300.00 of matured earnings, as if a release had passed its security period.
    ledger_post(kind=LedgerTransactionKind.MATURING, description="test earnings", lines=[
        (ledger_account_get(purpose=AccountPurpose.PLATFORM_REVENUE, currency="USD"), Decimal("-300.00")),
        (ledger_account_get(purpose=AccountPurpose.FREELANCER_AVAILABLE, currency="USD", user=freelancer),
         Decimal("300.00")),
    ])
    return freelancer


def test_a_transfer_whose_answer_was_lost_is_settled_by_transfer_created(deliver, bob_can_be_paid, stripe_http,
                                                                          django_capture_on_commit_callbacks):
    stripe_http.on("POST", "/v1/transfers", ({"error": {"type": "api_error", "message": "timeout"}}, 500))
    with django_capture_on_commit_callbacks(execute=True):
        payout = payout_request(freelancer=bob_can_be_paid)
    payout.refresh_from_db()
    assert stripe_http.calls("POST", "/v1/transfers")
    assert payout.status == PayoutStatus.PROCESSING and payout.gateway_reference == ""

    deliver(stripe_event("transfer.created", {"id": "tr_lost", "object": "transfer", "amount": 30000,
                                              "destination": "acct_bob", "reversed": False,
                                              "metadata": {"payout_id": str(payout.pk)}}))

    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID and payout.gateway_reference == "tr_lost"


def test_a_reversed_transfer_fails_a_processing_payout_and_returns_the_money(deliver, bob_can_be_paid, stripe_http,
                                                                            django_capture_on_commit_callbacks):
    from billing.selectors import wallet

    stripe_http.on("POST", "/v1/transfers", ({"error": {"type": "api_error", "message": "timeout"}}, 500))
    with django_capture_on_commit_callbacks(execute=True):
        payout = payout_request(freelancer=bob_can_be_paid)
    assert wallet(user=bob_can_be_paid)["available"] == Decimal("0.00")

    deliver(stripe_event("transfer.reversed", {"id": "tr_back", "object": "transfer", "reversed": True,
                                               "metadata": {"payout_id": str(payout.pk)}}))

    payout.refresh_from_db()
    assert payout.status == PayoutStatus.FAILED
    assert wallet(user=bob_can_be_paid)["available"] == Decimal("300.00")


def test_a_paid_payout_is_not_undone_by_a_late_reversal(deliver, bob_can_be_paid,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        payout = payout_request(freelancer=bob_can_be_paid)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    deliver(stripe_event("transfer.reversed", {"id": payout.gateway_reference, "object": "transfer",
                                               "reversed": True}, event_id="evt_reversed"))
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    assert WebhookEvent.objects.get(event_id="evt_reversed").error.startswith("refused:")


# --- accounts and saved cards ----------------------------------------------------------------------------------------


def test_account_updated_turns_payouts_on(deliver, freelancer, stripe_http):
    account = PayoutAccount.objects.create(user=freelancer, gateway="stripe", account_id="acct_bob")
    deliver(stripe_event("account.updated", {"id": "acct_bob", "object": "account", "payouts_enabled": True,
                                             "details_submitted": True}))
    account.refresh_from_db()
    assert account.status == PayoutAccountStatus.ACTIVE and account.can_receive


def test_setup_intent_succeeded_activates_the_card_with_its_details(deliver, client_user, stripe_http):
    method = PaymentMethod.objects.create(user=client_user, gateway="stripe", gateway_customer_id="cus_a",
                                          setup_reference="seti_1")
    deliver(stripe_event("setup_intent.succeeded", {"id": "seti_1", "object": "setup_intent", "customer": "cus_a",
                                                    "payment_method": "pm_visa", "status": "succeeded"}))
    method.refresh_from_db()
    assert method.status == PaymentMethodStatus.ACTIVE and method.is_default
    assert (method.payment_method_id, method.brand, method.last4, method.exp_year) == ("pm_visa", "visa", "4242",
                                                                                       2034)


def test_setup_intent_failed_marks_the_card_failed(deliver, client_user, stripe_http):
    method = PaymentMethod.objects.create(user=client_user, gateway="stripe", setup_reference="seti_2")
    deliver(stripe_event("setup_intent.setup_failed", {"id": "seti_2", "object": "setup_intent"}))
    method.refresh_from_db()
    assert method.status == PaymentMethodStatus.FAILED


def test_the_sweep_applies_an_event_once_its_row_exists(deliver, pending_escrow):
    from django.utils import timezone

    from billing.webhooks import retry_webhook_events

    body = stripe_event("payment_intent.succeeded", intent(pending_escrow), event_id="evt_swept")
    reference = pending_escrow.gateway_reference
    Escrow.objects.filter(pk=pending_escrow.pk).update(gateway_reference="", gateway="other")
    deliver(body)  # the escrow is not (yet) a Stripe one: kept for a retry
    assert WebhookEvent.objects.get(event_id="evt_swept").processed_at is None
    Escrow.objects.filter(pk=pending_escrow.pk).update(gateway_reference=reference, gateway="stripe")
    WebhookEvent.objects.filter(event_id="evt_swept").update(received_at=timezone.now() - timezone.timedelta(hours=1))

    assert retry_webhook_events() == 1

    pending_escrow.refresh_from_db()
    assert pending_escrow.status == EscrowStatus.FUNDED


def test_a_redelivery_of_an_unapplied_event_applies_it(deliver, pending_escrow):
    body = stripe_event("payment_intent.succeeded", intent(pending_escrow), event_id="evt_again")
    reference = pending_escrow.gateway_reference
    Escrow.objects.filter(pk=pending_escrow.pk).update(gateway_reference="", gateway="other")
    deliver(body)
    Escrow.objects.filter(pk=pending_escrow.pk).update(gateway_reference=reference, gateway="stripe")

    assert deliver(body).json()["duplicate"] is True

    pending_escrow.refresh_from_db()
    assert pending_escrow.status == EscrowStatus.FUNDED
