"""Domain events of billing (Django signals), sent inside the service's transaction. Receivers that leave the
database (emails, push) defer their work with transaction.on_commit."""

from django.dispatch import Signal

escrow_funded = Signal()  # escrow
escrow_funding_failed = Signal()  # escrow, reason
escrow_released = Signal()  # escrow, payment, amount, actor
escrow_refunded = Signal()  # escrow, refund, amount, actor
escrow_disputed = Signal()  # escrow, reason
escrow_unfrozen = Signal()  # escrow, actor
escrow_split = Signal()  # escrow, client_amount, freelancer_amount, actor
refund_requested = Signal()  # refund
refund_approved = Signal()  # refund, actor
refund_rejected = Signal()  # refund, actor
refund_processed = Signal()  # refund
refund_failed = Signal()  # refund, reason
earnings_matured = Signal()  # payment
payout_created = Signal()  # payout
payout_paid = Signal()  # payout
payout_failed = Signal()  # payout, reason
