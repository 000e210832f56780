"""The one interface MegiLance talks to a payment provider through.

Every provider (`manual`, `stripe`, `paypal`) is a subclass of `Gateway` registered under its name in GATEWAYS.
The money services in `billing/services/` call it; nothing else does. The contract an adapter must keep:

- Amounts are `Decimal` with two places in the major unit (12.50 USD), `currency` an ISO 4217 code ("USD").
  An adapter converts to the provider's unit (Stripe wants cents) and back.
- Every call carries an `idempotency_key` built by the service from the local row it is about
  ("escrow-17-funding", "refund-4", "payout-9"). An adapter passes it to the provider, so a retried call after a
  timeout never charges, refunds or pays twice.
- A call returns a result whose `status` is one of `succeeded`, `pending`, `failed`:
  * `succeeded`: the provider confirmed the money moved; the service applies it at once.
  * `pending`: the provider accepted the request and will tell later (a webhook). The service keeps the local row
    pending with `reference`; the webhook handler later calls the service entry point for that reference:
      - funding:  billing.services.escrow.escrow_confirm_funding(*, reference, gateway_fee=None)
                  billing.services.escrow.escrow_fail_funding(*, reference, reason)
      - refund:   billing.services.refunds.refund_mark_processed(*, reference)
                  billing.services.refunds.refund_mark_failed(*, reference, reason)
      - payout:   billing.services.payouts.payout_mark_paid(*, reference)
                  billing.services.payouts.payout_mark_failed(*, reference, reason)
    Each entry point is idempotent: a repeated delivery for a reference already settled changes nothing.
  * `failed`: the provider refused (card declined); `failure_reason` says why in words a person can read.
- `reference` is the provider's id for the movement (a PaymentIntent id, a PayPal order id, a refund id, a transfer
  or payout id). It is stored on the local row and is how webhooks find it again. For a refund, the `reference`
  argument is the reference of the original funding.
- An adapter raises `GatewayError` for a failure it could not classify (network down, bad credentials). The
  service treats it like `failed` for a new movement and leaves the row pending for a retry where money may
  already have moved.
- A provider call never runs inside a database transaction that holds locks: the services commit the local
  "pending" row first, call the gateway, then apply the result in a second short transaction. Adapters with
  `is_remote = False` (manual) answer from memory, so the services may call them inside a transaction.
- `fee` on a result is what the provider keeps for itself, when it says so at once. It is the platform's cost,
  recorded in `transaction_fees` and the ledger's gateway-fee account, never taken from the freelancer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

SUCCEEDED = "succeeded"
PENDING = "pending"
FAILED = "failed"
STATUSES = (SUCCEEDED, PENDING, FAILED)


class GatewayError(Exception):
    """The provider could not be reached or answered something the adapter could not classify."""

    def __init__(self, message: str, *, code: str = "gateway_error", retryable: bool = True):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retryable = retryable


@dataclass(frozen=True)
class GatewayResult:
    reference: str
    status: str
    failure_reason: str = ""
    fee: Decimal | None = None
    raw: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown gateway status {self.status!r}")

    @property
    def succeeded(self) -> bool:
        return self.status == SUCCEEDED

    @property
    def pending(self) -> bool:
        return self.status == PENDING

    @property
    def failed(self) -> bool:
        return self.status == FAILED


@dataclass(frozen=True)
class FundingResult(GatewayResult):
    """A charge of the payer. `client_secret` is handed to the browser when the payer must still confirm
    (Stripe's PaymentIntent client secret, PayPal's approval link)."""

    client_secret: str | None = None


@dataclass(frozen=True)
class RefundResult(GatewayResult):
    pass


@dataclass(frozen=True)
class PayoutResult(GatewayResult):
    pass


class Gateway(ABC):
    """Base class of every payment provider adapter. Subclasses implement the four calls below."""

    name: ClassVar[str] = ""
    # False when the adapter answers without leaving the process (no network, no locks held while waiting).
    is_remote: ClassVar[bool] = True

    @abstractmethod
    def create_funding(self, *, amount: Decimal, currency: str, payer, description: str, metadata: dict,
                       idempotency_key: str) -> FundingResult:
        """Charge `payer` (a User) `amount` to fund an escrow or a deposit. `metadata` carries local ids
        ({"escrow_id": 17, "contract_id": 4, "milestone_id": 9}) that webhooks may echo back."""

    @abstractmethod
    def charge_saved_method(self, *, amount: Decimal, currency: str, payer, payment_method, description: str,
                            metadata: dict, idempotency_key: str) -> FundingResult:
        """Charge a payment method the payer saved before (hourly billing), without the payer present.
        `payment_method` is the provider's id of the saved method (a PaymentMethod id for Stripe)."""

    @abstractmethod
    def refund(self, *, reference: str, amount: Decimal, currency: str, idempotency_key: str,
               metadata: dict | None = None) -> RefundResult:
        """Give back `amount` (all or part) of the funding with provider reference `reference`."""

    @abstractmethod
    def payout(self, *, amount: Decimal, currency: str, payee, metadata: dict, idempotency_key: str) -> PayoutResult:
        """Pay `amount` out to `payee` (a User): a Connect transfer, a PayPal payout, a bank transfer."""


# name -> dotted path of the adapter class. Adapters are imported only when used, so a missing optional SDK
# (stripe) does not stop the site from starting on the manual gateway.
GATEWAYS: dict[str, str] = {
    "manual": "billing.gateways.manual.ManualGateway",
    "stripe": "billing.gateways.stripe.StripeGateway",
    "paypal": "billing.gateways.paypal.PayPalGateway",
}


def register_gateway(name: str, dotted_path: str) -> None:
    GATEWAYS[name] = dotted_path


def get_gateway(name: str | None = None) -> Gateway:
    """The adapter called `name`, by default settings.PAYMENT_GATEWAY ("manual" unless configured)."""
    name = name or getattr(settings, "PAYMENT_GATEWAY", "manual") or "manual"
    try:
        path = GATEWAYS[name]
    except KeyError:
        raise GatewayError(f"Unknown payment gateway {name!r}.", code="unknown_gateway", retryable=False) from None
    return import_string(path)()
