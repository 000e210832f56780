"""What billing holds about a person, for GDPR export and erasure.

Erasure keeps money records: payments, escrow, refunds, payouts and the ledger are accounting records that tax
and anti-money-laundering law require MegiLance to retain (typically ten years). The person's name and email
are erased from their profile by accounts; these rows keep pointing to that anonymised user. Free text the
person wrote (refund reasons) is stripped, since the amounts and dates are what the law asks to keep.
"""

from django.db.models import Q

from accounts import privacy

from .models import Escrow, IdempotencyKey, LedgerAccount, Payment, Payout, PayoutSchedule, Refund


def _money(value) -> str:
    return f"{value:.2f}"


def export_payments(user) -> list:
    return [
        {"id": p.pk, "payment_type": p.payment_type, "status": p.status, "amount": _money(p.amount),
         "fees": _money(p.fee_amount), "currency": p.currency, "direction": "out" if p.from_user_id == user.pk
         else "in", "description": p.description, "created_at": p.created_at.isoformat(),
         "completed_at": p.completed_at.isoformat() if p.completed_at else None}
        for p in Payment.objects.filter(Q(from_user=user) | Q(to_user=user)).order_by("pk")
    ]


def export_escrow(user) -> list:
    return [
        {"id": e.pk, "contract_id": e.contract_id, "milestone_id": e.milestone_id, "amount": _money(e.amount),
         "released_amount": _money(e.released_amount), "refunded_amount": _money(e.refunded_amount),
         "currency": e.currency, "status": e.status, "created_at": e.created_at.isoformat()}
        for e in Escrow.objects.filter(Q(client=user) | Q(contract__freelancer=user)).order_by("pk")
    ]


def export_refunds(user) -> list:
    return [
        {"id": r.pk, "amount": _money(r.amount), "currency": r.currency, "status": r.status, "reason": r.reason,
         "created_at": r.created_at.isoformat()}
        for r in Refund.objects.filter(requested_by=user).order_by("pk")
    ]


def export_payouts(user) -> dict:
    schedule = PayoutSchedule.objects.filter(freelancer=user).first()
    return {
        "schedule": {"frequency": schedule.frequency, "minimum_amount": _money(schedule.minimum_amount),
                     "currency": schedule.currency, "is_active": schedule.is_active} if schedule else None,
        "payouts": [
            {"id": p.pk, "amount": _money(p.amount), "currency": p.currency, "status": p.status,
             "created_at": p.created_at.isoformat(), "paid_at": p.paid_at.isoformat() if p.paid_at else None}
            for p in Payout.objects.filter(freelancer=user).order_by("pk")
        ],
        "balances": [
            {"purpose": a.purpose, "currency": a.currency, "balance": _money(a.balance)}
            for a in LedgerAccount.objects.filter(user=user).order_by("pk")
        ],
    }


def keep_money_records(user) -> None:
    """Money records are retained as the law requires; nothing in them is erased (see the module docstring)."""


def erase_refund_reasons(user) -> None:
    Refund.objects.filter(requested_by=user).update(reason="")


def erase_idempotency_keys(user) -> None:
    IdempotencyKey.objects.filter(user=user).delete()


def erase_payout_schedule(user) -> None:
    PayoutSchedule.objects.filter(freelancer=user).update(is_active=False)


privacy.register("payments", export_payments, keep_money_records,
                 models=("billing.Payment", "billing.LedgerAccount", "billing.LedgerTransaction"))
privacy.register("escrow", export_escrow, keep_money_records, models=("billing.Escrow",))
privacy.register("refunds", export_refunds, erase_refund_reasons, models=("billing.Refund",))
privacy.register("payouts", export_payouts, erase_payout_schedule,
                 models=("billing.Payout", "billing.PayoutSchedule"))
privacy.register("idempotency_keys", lambda user: [], erase_idempotency_keys, models=("billing.IdempotencyKey",))
