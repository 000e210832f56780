"""PayPal, over its REST API (billing/gateways/paypal_api.py).

- Funding: an Order (intent CAPTURE). The payer approves it at PayPal (the approval link is the result's
  `client_secret`); the order is then captured, and the escrow is funded when the capture completes (the
  `PAYMENT.CAPTURE.COMPLETED` webhook, or the capture's own answer on the return page).
- Refunds: a refund of the order's capture.
- Payouts: a Payouts batch of one item to the freelancer's PayPal email (their payout account).
- Webhooks: verified by PayPal's verify-webhook-signature call with PAYPAL_WEBHOOK_ID.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings

from megilance.money import quantize

from .base import FAILED, PENDING, SUCCEEDED, FundingResult, Gateway, GatewayError, PayoutResult, RefundResult
from .paypal_api import PayPalAPI, PayPalError

# Item statuses of a payout that will not turn into money for the freelancer.
PAYOUT_ITEM_FAILED = {"FAILED", "RETURNED", "BLOCKED", "DENIED", "REFUNDED", "REVERSED", "UNCLAIMED"}


def _link(body: dict, *rels: str) -> str:
    for link in body.get("links", []):
        if link.get("rel") in rels:
            return link.get("href", "")
    return ""


def capture_of(order: dict) -> dict:
    """The first capture of a captured order (the order of one purchase unit MegiLance creates)."""
    for unit in order.get("purchase_units", []):
        captures = unit.get("payments", {}).get("captures", [])
        if captures:
            return captures[0]
    return {}


def capture_fee(capture: dict) -> Decimal | None:
    fee = capture.get("seller_receivable_breakdown", {}).get("paypal_fee", {}).get("value")
    return quantize(fee) if fee is not None else None


class PayPalGateway(Gateway):
    name = "paypal"
    is_remote = True

    def __init__(self, *, api: PayPalAPI | None = None):
        self._api = api

    @property
    def api(self) -> PayPalAPI:
        if self._api is None:
            self._api = PayPalAPI()
        return self._api

    def _call(self, what: str, function, **kwargs):
        try:
            return function(**kwargs)
        except PayPalError as error:
            # 4xx: PayPal refused (no retry helps); no answer or 5xx: PayPal may have acted, a retry is safe.
            retryable = error.status is None or error.status >= 500
            raise GatewayError(f"PayPal could not {what}: {error}", code="gateway_unavailable" if retryable
                               else "gateway_refused", retryable=retryable) from error

    # --- funding --------------------------------------------------------------------------------------------

    def create_funding(self, *, amount, currency, payer, description, metadata, idempotency_key) -> FundingResult:
        site = settings.SITE_URL.rstrip("/")
        order = self._call("start the payment", self.api.order_create, amount=amount, currency=currency,
                           reference=idempotency_key, description=description,
                           return_url=f"{site}/billing/paypal/return/", cancel_url=f"{site}/billing/paypal/cancel/")
        status = order.get("status", "")
        if status == "COMPLETED":
            return FundingResult(reference=order["id"], status=SUCCEEDED, fee=capture_fee(capture_of(order)))
        if status in ("VOIDED",):
            return FundingResult(reference=order["id"], status=FAILED, failure_reason="PayPal voided the order.")
        return FundingResult(reference=order["id"], status=PENDING,
                             client_secret=_link(order, "payer-action", "approve"), raw={"status": status})

    def capture(self, *, reference: str) -> FundingResult:
        """Capture an order the payer approved. SUCCEEDED once the capture completed; a capture PayPal holds
        for review stays PENDING until its webhook."""
        order = self._call("take the payment", self.api.order_capture, order_id=reference)
        capture = capture_of(order)
        capture_status = capture.get("status", "")
        if order.get("status") == "COMPLETED" and capture_status == "COMPLETED":
            return FundingResult(reference=reference, status=SUCCEEDED, fee=capture_fee(capture))
        if capture_status in ("DECLINED", "FAILED"):
            return FundingResult(reference=reference, status=FAILED, failure_reason="PayPal declined the payment.")
        return FundingResult(reference=reference, status=PENDING, raw={"status": order.get("status", "")})

    def charge_saved_method(self, *, amount, currency, payer, payment_method, description, metadata,
                            idempotency_key) -> FundingResult:
        raise GatewayError("PayPal cannot charge a saved card here; hourly billing needs Stripe or manual.",
                           code="not_supported", retryable=False)

    # --- refunds --------------------------------------------------------------------------------------------

    def refund(self, *, reference, amount, currency, idempotency_key, metadata=None) -> RefundResult:
        order = self._call("read the payment", self.api.order_get, order_id=reference)
        capture_id = capture_of(order).get("id")
        if not capture_id:
            raise GatewayError("This PayPal order has no capture to refund.", code="no_capture", retryable=False)
        refund = self._call("refund the payment", self.api.capture_refund, capture_id=capture_id, amount=amount,
                            currency=currency, reference=idempotency_key)
        status = {"COMPLETED": SUCCEEDED, "PENDING": PENDING}.get(refund.get("status", ""), FAILED)
        return RefundResult(reference=refund.get("id", ""), status=status,
                            failure_reason="PayPal refused the refund." if status == FAILED else "",
                            raw={"status": refund.get("status", "")})

    # --- payouts --------------------------------------------------------------------------------------------

    def payout(self, *, amount, currency, payee, metadata, idempotency_key) -> PayoutResult:
        from billing.models import PayoutAccount

        account = PayoutAccount.objects.filter(user=payee, gateway=self.name).first()
        if account is None or not account.can_receive:
            return PayoutResult(reference="", status=FAILED,
                                failure_reason="Add the PayPal email to be paid at first.")
        batch = self._call("pay out", self.api.payout_create, amount=amount, currency=currency,
                           receiver=account.account_id, reference=idempotency_key,
                           note="Your MegiLance earnings")
        header = batch.get("batch_header", {})
        status = header.get("batch_status", "")
        reference = header.get("payout_batch_id", "")
        if status in ("DENIED", "CANCELED"):
            return PayoutResult(reference=reference, status=FAILED, failure_reason="PayPal refused the payout.")
        # PENDING or PROCESSING: the PAYMENT.PAYOUTS-ITEM webhooks say how it ended.
        return PayoutResult(reference=reference, status=PENDING, raw={"status": status})

    # --- webhooks -------------------------------------------------------------------------------------------

    def verify_webhook(self, *, raw_body: bytes, headers) -> dict | None:
        """The event if PayPal confirms this delivery is genuine, else None. Raises GatewayError when PayPal
        could not be asked (the delivery is then refused and PayPal sends it again later)."""
        verified = self._call("check the webhook", self.api.webhook_verify, headers=headers, raw_body=raw_body,
                              webhook_id=settings.PAYPAL_WEBHOOK_ID)
        if not verified:
            return None
        event = json.loads(raw_body)
        if not isinstance(event, dict) or not event.get("id") or not event.get("event_type"):
            return None
        return event
