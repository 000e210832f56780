"""The platform fee, computed per movement and rounded there (megilance.money), then recorded."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from megilance.money import percent_of, quantize

from ..models import Payment, TransactionFee


@dataclass(frozen=True)
class FeeBreakdown:
    base_amount: Decimal
    percent: Decimal
    fee: Decimal
    net: Decimal


def fee_compute(*, amount: Decimal, percent: Decimal | None = None) -> FeeBreakdown:
    """The platform fee on a payment to a freelancer: `percent` (settings.PLATFORM_FEE_PERCENT) of the amount,
    rounded half up to the cent; the net is what is left, so fee + net is always the amount."""
    base = quantize(amount)
    percent = quantize(settings.PLATFORM_FEE_PERCENT if percent is None else percent)
    fee = percent_of(base, percent)
    return FeeBreakdown(base_amount=base, percent=percent, fee=fee, net=base - fee)


def fee_record(*, payment: Payment, breakdown: FeeBreakdown, gateway_fee: Decimal = Decimal("0.00")) -> TransactionFee:
    return TransactionFee.objects.create(
        payment=payment,
        base_amount=breakdown.base_amount,
        platform_fee_percent=breakdown.percent,
        platform_fee_amount=breakdown.fee,
        payment_gateway_fee=quantize(gateway_fee),
        net_amount=breakdown.net,
        currency=payment.currency,
    )
