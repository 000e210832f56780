"""Payment providers behind one adapter interface (see base.py). `get_gateway()` picks settings.PAYMENT_GATEWAY."""

from .base import get_gateway

__all__ = ["get_gateway"]
