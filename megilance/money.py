"""The one place where money is rounded. Amounts are Decimal with two places, ROUND_HALF_UP to the cent."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # Floats are converted through their shortest repr so that 0.1 stays 0.1.
        return Decimal(repr(value))
    return Decimal(str(value))


def quantize(value) -> Decimal:
    """Round to the cent, half up (2.345 -> 2.35)."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount, percent) -> Decimal:
    """`percent` % of `amount`, rounded to the cent."""
    return quantize(to_decimal(amount) * to_decimal(percent) / Decimal(100))


def multiply(quantity, unit_price) -> Decimal:
    """A line amount: quantity x unit price, rounded before any sum."""
    return quantize(to_decimal(quantity) * to_decimal(unit_price))


def sum_amounts(amounts) -> Decimal:
    """Sum already-rounded amounts (each is rounded again defensively)."""
    total = Decimal("0.00")
    for amount in amounts:
        total += quantize(amount)
    return total
