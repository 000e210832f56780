"""A stand-in for a remote payment provider in billing's service tests: it answers what the test tells it to
(succeeded, pending, failed, or an exception) and records each call. Registered under the name "fake_remote"."""

from decimal import Decimal

from billing.gateways.base import FundingResult, Gateway, GatewayError, PayoutResult, RefundResult


class FakeRemoteGateway(Gateway):
    name = "fake_remote"
    is_remote = True

    # What the next calls answer; tests set these (and reset() puts them back).
    funding_status = "pending"
    refund_status = "pending"
    payout_status = "pending"
    funding_fee = Decimal("0.00")
    raise_error: GatewayError | None = None
    calls: list = []

    @classmethod
    def reset(cls):
        cls.funding_status = cls.refund_status = cls.payout_status = "pending"
        cls.funding_fee = Decimal("0.00")
        cls.raise_error = None
        cls.calls = []

    def _call(self, kind, kwargs):
        type(self).calls.append((kind, kwargs))
        if self.raise_error is not None:
            raise self.raise_error

    def create_funding(self, **kwargs):
        self._call("funding", kwargs)
        return FundingResult(reference=f"pi_{kwargs['idempotency_key']}", status=self.funding_status,
                             client_secret=f"secret_{kwargs['idempotency_key']}", fee=self.funding_fee,
                             failure_reason="card declined" if self.funding_status == "failed" else "")

    def charge_saved_method(self, **kwargs):
        return self.create_funding(**kwargs)

    def refund(self, **kwargs):
        self._call("refund", kwargs)
        return RefundResult(reference=f"re_{kwargs['idempotency_key']}", status=self.refund_status)

    def payout(self, **kwargs):
        self._call("payout", kwargs)
        return PayoutResult(reference=f"tr_{kwargs['idempotency_key']}", status=self.payout_status)
