"""How billing reacts to what happens in the marketplace. These receivers run inside the sender's transaction:
if one raises, the cause (the approval, the completion) rolls back with it."""

from django.dispatch import receiver

from marketplace import events as marketplace_events
from marketplace.models import Contract, Milestone
from megilance.api.exceptions import ApplicationError

from . import events as billing_events
from .models import LIVE_ESCROW_STATUSES, Escrow, EscrowStatus
from .services.escrow import escrow_release


@receiver(marketplace_events.milestone_approved, sender=Milestone, dispatch_uid="billing.release_on_approval")
def release_escrow_on_approval(sender, milestone: Milestone, actor=None, **kwargs) -> None:
    """Approving a milestone releases what its escrow still holds, in the approval's transaction. A frozen
    (disputed) escrow makes the release fail, and the approval with it. Work that was never funded is approved
    with nothing to release."""
    escrow = Escrow.objects.filter(milestone=milestone, status__in=LIVE_ESCROW_STATUSES).order_by("-pk").first()
    if escrow is None:
        return
    if escrow.status == EscrowStatus.PENDING:
        raise ApplicationError("The payment for this milestone is not confirmed yet; approve it once it is.",
                               code="escrow_not_funded")
    escrow_release(escrow=escrow, actor=None, reason=f"Milestone approved: {milestone.title}")


def _refuse_if_deposit_held(contract: Contract, doing: str) -> None:
    held = Escrow.objects.filter(contract=contract, milestone__isnull=True, status__in=LIVE_ESCROW_STATUSES)
    if held.exists():
        raise ApplicationError(f"A deposit is still held in escrow for this contract; release or refund it "
                               f"before you {doing} the contract.", code="money_in_escrow")


@receiver(marketplace_events.contract_completed, sender=Contract, dispatch_uid="billing.deposit_on_complete")
def refuse_completion_with_deposit(sender, contract: Contract, **kwargs) -> None:
    _refuse_if_deposit_held(contract, "complete")


@receiver(marketplace_events.contract_cancelled, sender=Contract, dispatch_uid="billing.deposit_on_cancel")
def refuse_cancellation_with_deposit(sender, contract: Contract, **kwargs) -> None:
    _refuse_if_deposit_held(contract, "cancel")


# Every money movement also writes an audit_logs row: staff see it in the admin, the person concerned in their
# security log. The row is written in the movement's transaction, so a rolled-back movement leaves none.
_MONEY_EVENTS = {
    billing_events.escrow_funded: "money.escrow_funded", billing_events.escrow_released: "money.escrow_released",
    billing_events.escrow_refunded: "money.escrow_refunded", billing_events.escrow_split: "money.escrow_split",
    billing_events.refund_approved: "money.refund_approved", billing_events.refund_rejected: "money.refund_rejected",
    billing_events.refund_processed: "money.refund_processed", billing_events.payout_paid: "money.payout_paid",
    billing_events.payout_failed: "money.payout_failed",
}


def _audit_money_movement(sender, signal, **kwargs):
    from accounts.services import audit_record

    obj = kwargs.get("payout") or kwargs.get("refund") or kwargs.get("escrow")
    owner = getattr(obj, "freelancer", None) or getattr(obj, "requested_by", None) or getattr(obj, "client", None)
    amount = kwargs.get("amount") or getattr(obj, "amount", None)
    audit_record(action=_MONEY_EVENTS[signal], actor=kwargs.get("actor"), user=owner, target=obj,
                 amount=str(amount) if amount is not None else None, currency=getattr(obj, "currency", ""))


for _signal in _MONEY_EVENTS:
    _signal.connect(_audit_money_movement, dispatch_uid=f"billing.audit.{_MONEY_EVENTS[_signal]}")
