"""Billing models, one module per sub-domain."""

from .escrow import *  # noqa: F403
from .gateway import *  # noqa: F403
from .idempotency import *  # noqa: F403
from .invoices import *  # noqa: F403
from .ledger import *  # noqa: F403
from .payments import *  # noqa: F403
from .payouts import *  # noqa: F403
