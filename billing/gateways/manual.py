"""The local default gateway: no outside service. It confirms fundings, refunds and payouts at once, as a
provider's test mode would, so the whole money journey runs on a laptop and in tests."""

import uuid
from decimal import Decimal

from .base import SUCCEEDED, FundingResult, Gateway, PayoutResult, RefundResult


def _reference(prefix: str, idempotency_key: str) -> str:
    # The same idempotency key gives the same reference, like a provider answering a retried request.
    return f"manual_{prefix}_{uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key).hex[:24]}"


class ManualGateway(Gateway):
    name = "manual"
    is_remote = False

    def create_funding(self, *, amount, currency, payer, description, metadata, idempotency_key) -> FundingResult:
        return FundingResult(reference=_reference("fund", idempotency_key), status=SUCCEEDED, fee=Decimal("0.00"))

    def charge_saved_method(self, *, amount, currency, payer, payment_method, description, metadata,
                            idempotency_key) -> FundingResult:
        return FundingResult(reference=_reference("charge", idempotency_key), status=SUCCEEDED, fee=Decimal("0.00"))

    def refund(self, *, reference, amount, currency, idempotency_key, metadata=None) -> RefundResult:
        return RefundResult(reference=_reference("refund", idempotency_key), status=SUCCEEDED)

    def payout(self, *, amount, currency, payee, metadata, idempotency_key) -> PayoutResult:
        return PayoutResult(reference=_reference("payout", idempotency_key), status=SUCCEEDED)
