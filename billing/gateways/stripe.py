"""Stripe, through the official `stripe` library.

- Funding: a PaymentIntent. The browser confirms it with the client secret; the escrow stays pending until the
  signed `payment_intent.succeeded` webhook arrives (billing/webhooks.py).
- Saved cards for hourly weeks: a SetupIntent (usage off_session) saves a card on the client's Stripe Customer;
  `charge_saved_method` then confirms a PaymentIntent off-session.
- Refunds: a Refund on the funding's PaymentIntent.
- Payouts: a Connect transfer to the freelancer's Express account, onboarded through an Account Link.

Every call that creates something carries the service's idempotency key, so a retry after a timeout never
charges, refunds or pays twice. The library's HTTP client is `stripe.default_http_client` when one is set (tests
put a fake there), else the library's own.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from decimal import Decimal

import stripe
from django.conf import settings

from megilance.money import quantize

from .base import FAILED, PENDING, SUCCEEDED, FundingResult, Gateway, GatewayError, PayoutResult, RefundResult

logger = logging.getLogger(__name__)

# Currencies Stripe counts in whole units (no cents): https://docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL_CURRENCIES = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND",
                           "VUV", "XAF", "XOF", "XPF"}
# PaymentIntent statuses that mean "not done, and not failed either": the payer or the bank still has a step.
INTENT_WAITING = {"requires_payment_method", "requires_confirmation", "requires_action", "processing",
                  "requires_capture"}


def to_minor(amount: Decimal, currency: str) -> int:
    amount = quantize(amount)
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return int(amount)
    return int(amount * 100)


def from_minor(value: int, currency: str) -> Decimal:
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return quantize(Decimal(value))
    return quantize(Decimal(value) / 100)


def _metadata(metadata: dict | None) -> dict:
    # Stripe metadata values are strings; None would be sent as an empty string, which deletes a key.
    return {key: str(value) for key, value in (metadata or {}).items() if value is not None}


@dataclass(frozen=True)
class SetupResult:
    reference: str  # the SetupIntent id
    client_secret: str
    customer_id: str
    status: str


@dataclass(frozen=True)
class CardDetails:
    payment_method_id: str
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None


class StripeGateway(Gateway):
    name = "stripe"
    is_remote = True

    def __init__(self, *, api_key: str | None = None, http_client: stripe.HTTPClient | None = None):
        self.api_key = api_key if api_key is not None else settings.STRIPE_SECRET_KEY
        self._http_client = http_client
        self._client: stripe.StripeClient | None = None

    # --- plumbing -------------------------------------------------------------------------------------------

    @property
    def client(self) -> stripe.StripeClient:
        if self._client is None:
            if not self.api_key:
                raise GatewayError("Stripe is not configured: set STRIPE_SECRET_KEY.", code="not_configured",
                                   retryable=False)
            self._client = stripe.StripeClient(
                self.api_key, http_client=self._http_client or stripe.default_http_client, max_network_retries=2,
            )
        return self._client

    def _call(self, what: str, function, *args, **kwargs):
        """Run one library call and turn Stripe's errors into GatewayError. A card decline is not an error of
        the adapter: callers that expect one catch stripe.CardError themselves."""
        try:
            return function(*args, **kwargs)
        except stripe.CardError:
            raise
        except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
            raise GatewayError(f"Stripe could not {what}: {error.user_message or error}", code="gateway_unavailable",
                               retryable=True) from error
        except stripe.StripeError as error:
            raise GatewayError(f"Stripe refused to {what}: {error.user_message or error}", code="gateway_refused",
                               retryable=False) from error

    @staticmethod
    def _options(idempotency_key: str | None) -> dict:
        return {"idempotency_key": idempotency_key} if idempotency_key else {}

    # --- funding --------------------------------------------------------------------------------------------

    @staticmethod
    def _funding_result(intent) -> FundingResult:
        status = intent.status
        if status == "succeeded":
            # Only an off-session charge succeeds in its own answer; a new funding waits for the browser and the
            # webhook. Either way `payment_intent.succeeded` follows, and confirming twice changes nothing.
            result_status = SUCCEEDED
        elif status in INTENT_WAITING:
            result_status = PENDING
        else:  # canceled
            result_status = FAILED
        reason = ""
        if result_status == FAILED:
            error = getattr(intent, "last_payment_error", None)
            reason = getattr(error, "message", "") or "The payment was cancelled."
        return FundingResult(reference=intent.id, status=result_status, failure_reason=reason,
                             client_secret=getattr(intent, "client_secret", None), raw={"status": status})

    def create_funding(self, *, amount, currency, payer, description, metadata, idempotency_key) -> FundingResult:
        params = {
            "amount": to_minor(amount, currency),
            "currency": currency.lower(),
            "description": description[:1000],
            "metadata": _metadata(metadata),
            "automatic_payment_methods": {"enabled": True},
        }
        if payer is not None and getattr(payer, "email", ""):
            params["receipt_email"] = payer.email
        customer_id = self._customer_of(payer)
        if customer_id:
            params["customer"] = customer_id
        intent = self._call("start the payment", self.client.v1.payment_intents.create, params=params,
                            options=self._options(idempotency_key))
        return self._funding_result(intent)

    def charge_saved_method(self, *, amount, currency, payer, payment_method, description, metadata,
                            idempotency_key) -> FundingResult:
        customer_id = self._customer_of(payer)
        if not customer_id:
            raise GatewayError("This client has no saved card at Stripe.", code="no_saved_method", retryable=False)
        params = {
            "amount": to_minor(amount, currency),
            "currency": currency.lower(),
            "customer": customer_id,
            "payment_method": payment_method,
            "off_session": True,
            "confirm": True,
            "description": description[:1000],
            "metadata": _metadata(metadata),
        }
        try:
            intent = self._call("charge the saved card", self.client.v1.payment_intents.create, params=params,
                                options=self._options(idempotency_key))
        except stripe.CardError as error:
            # Declined off-session (or the bank wants the card holder present): the invoice stays unpaid.
            intent_id = (error.json_body or {}).get("error", {}).get("payment_intent", {}).get("id", "")
            return FundingResult(reference=intent_id, status=FAILED,
                                 failure_reason=error.user_message or "The card was declined.")
        return self._funding_result(intent)

    def cancel_funding(self, *, reference: str) -> None:
        """Cancel a PaymentIntent whose escrow was given up, so that the payer cannot complete it later and pay
        for an escrow that no longer waits for the money."""
        self._call("cancel the payment", self.client.v1.payment_intents.cancel, reference,
                   params={"cancellation_reason": "abandoned"})

    def funding_fee(self, *, reference: str) -> Decimal | None:
        """What Stripe kept on a succeeded PaymentIntent (from its charge's balance transaction), or None."""
        intent = self._call("read the payment", self.client.v1.payment_intents.retrieve, reference,
                            params={"expand": ["latest_charge.balance_transaction"]})
        charge = getattr(intent, "latest_charge", None)
        balance = getattr(charge, "balance_transaction", None) if charge and not isinstance(charge, str) else None
        if balance is None or isinstance(balance, str):
            return None
        return from_minor(balance.fee, balance.currency)

    # --- refunds --------------------------------------------------------------------------------------------

    def refund(self, *, reference, amount, currency, idempotency_key, metadata=None) -> RefundResult:
        if not reference:
            raise GatewayError("The funding has no Stripe payment to refund.", code="no_reference", retryable=False)
        refund = self._call("refund the payment", self.client.v1.refunds.create, params={
            "payment_intent": reference,
            "amount": to_minor(amount, currency),
            "metadata": _metadata(metadata),
        }, options=self._options(idempotency_key))
        status = {"succeeded": SUCCEEDED, "pending": PENDING, "requires_action": PENDING}.get(refund.status, FAILED)
        reason = getattr(refund, "failure_reason", None) or ("" if status != FAILED else refund.status)
        return RefundResult(reference=refund.id, status=status, failure_reason=reason if status == FAILED else "",
                            raw={"status": refund.status})

    # --- payouts --------------------------------------------------------------------------------------------

    def payout(self, *, amount, currency, payee, metadata, idempotency_key) -> PayoutResult:
        from billing.models import PayoutAccount

        account = PayoutAccount.objects.filter(user=payee, gateway=self.name).first()
        if account is None or not account.can_receive:
            return PayoutResult(reference="", status=FAILED,
                                failure_reason="Finish setting up your Stripe payout account first.")
        transfer = self._call("pay out", self.client.v1.transfers.create, params={
            "amount": to_minor(amount, currency),
            "currency": currency.lower(),
            "destination": account.account_id,
            "description": f"MegiLance payout to {payee.pk}",
            "metadata": _metadata(metadata),
        }, options=self._options(idempotency_key))
        if getattr(transfer, "reversed", False):
            return PayoutResult(reference=transfer.id, status=FAILED, failure_reason="The transfer was reversed.")
        # A transfer to a connected account is final once Stripe returns it; `transfer.reversed` undoes it.
        return PayoutResult(reference=transfer.id, status=SUCCEEDED, raw={"destination": account.account_id})

    # --- saved cards (SetupIntents) -------------------------------------------------------------------------

    def _customer_of(self, user) -> str:
        if user is None or not getattr(user, "pk", None):
            return ""
        from billing.models import PaymentMethod

        return (PaymentMethod.objects.filter(user_id=user.pk, gateway=self.name).exclude(gateway_customer_id="")
                .values_list("gateway_customer_id", flat=True).first() or "")

    def create_customer(self, *, user) -> str:
        customer = self._call("create the customer", self.client.v1.customers.create, params={
            "email": user.email, "name": getattr(user, "name", "") or user.email,
            "metadata": {"user_id": str(user.pk)},
        }, options=self._options(f"customer-user-{user.pk}"))
        return customer.id

    def create_setup(self, *, user, idempotency_key: str) -> SetupResult:
        customer_id = self._customer_of(user) or self.create_customer(user=user)
        intent = self._call("start saving the card", self.client.v1.setup_intents.create, params={
            "customer": customer_id,
            "usage": "off_session",
            "automatic_payment_methods": {"enabled": True},
            "metadata": {"user_id": str(user.pk)},
        }, options=self._options(idempotency_key))
        return SetupResult(reference=intent.id, client_secret=intent.client_secret, customer_id=customer_id,
                           status=intent.status)

    def card_details(self, *, payment_method_id: str) -> CardDetails:
        method = self._call("read the card", self.client.v1.payment_methods.retrieve, payment_method_id)
        card = getattr(method, "card", None)
        return CardDetails(
            payment_method_id=method.id,
            brand=(card.brand if card else getattr(method, "type", "")) or "",
            last4=(card.last4 if card else "") or "",
            exp_month=card.exp_month if card else None,
            exp_year=card.exp_year if card else None,
        )

    def detach_method(self, *, payment_method_id: str) -> None:
        self._call("remove the card", self.client.v1.payment_methods.detach, payment_method_id)

    # --- Connect Express onboarding -------------------------------------------------------------------------

    def create_payout_account(self, *, user, country: str | None = None) -> str:
        params = {
            "type": "express",
            "email": user.email,
            "capabilities": {"transfers": {"requested": True}},
            "business_type": "individual",
            "metadata": {"user_id": str(user.pk)},
        }
        if country:
            params["country"] = country.upper()
        account = self._call("create the payout account", self.client.v1.accounts.create, params=params,
                             options=self._options(f"connect-account-user-{user.pk}"))
        return account.id

    def onboarding_link(self, *, account_id: str, refresh_url: str, return_url: str) -> str:
        link = self._call("start onboarding", self.client.v1.account_links.create, params={
            "account": account_id, "refresh_url": refresh_url, "return_url": return_url,
            "type": "account_onboarding",
        })
        return link.url

    def payout_account_state(self, *, account_id: str) -> dict:
        account = self._call("read the payout account", self.client.v1.accounts.retrieve, account_id)
        return account_state(account)

    # --- webhooks -------------------------------------------------------------------------------------------

    @staticmethod
    def verify_webhook(*, raw_body: bytes, signature: str | None) -> dict:
        """The event, if the `Stripe-Signature` header signs this exact body with STRIPE_WEBHOOK_SECRET within
        the tolerance. Raises stripe.SignatureVerificationError (bad or old signature) or ValueError (not JSON).

        STRIPE_WEBHOOK_SECRET may list several secrets separated by commas: Stripe signs the platform's own
        events and its Connect accounts' events (account.updated) with the secret of each endpoint."""
        secrets = [secret.strip() for secret in settings.STRIPE_WEBHOOK_SECRET.split(",") if secret.strip()]
        if not secrets:
            raise stripe.SignatureVerificationError("STRIPE_WEBHOOK_SECRET is not set.", signature)
        for index, secret in enumerate(secrets):
            try:
                stripe.Webhook.construct_event(raw_body, signature, secret,
                                               tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS)
                break
            except stripe.SignatureVerificationError:
                if index == len(secrets) - 1:
                    raise
            except (AttributeError, TypeError) as error:
                # Correctly signed JSON that is not an object (a list, a number): the library trips over it.
                raise ValueError("A Stripe event is a JSON object.") from error
        # Kept as plain JSON exactly as Stripe sent it: that is what webhook_events stores and handlers read.
        event = json.loads(raw_body)
        if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
            raise ValueError("A Stripe event has an id and a type.")
        return event


def account_state(account) -> dict:
    """payouts_enabled / details_submitted of a Connect account, from an Account object or an event's dict."""
    get = account.get if isinstance(account, dict) else (lambda key, default=None: getattr(account, key, default))
    return {"payouts_enabled": bool(get("payouts_enabled", False)),
            "details_submitted": bool(get("details_submitted", False))}
