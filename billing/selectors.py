"""Reads of money, scoped to who may see them. A person sees what they paid or received and the escrow of their
contracts; Finance staff (Django permissions through the Finance group) and superusers see everything. Anything
else is not in the queryset, so the API answers 404 for it."""

from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from marketplace.models import Contract
from megilance.money import quantize

from .models import (
    MONEY_HOLDING_STATUSES,
    AccountPurpose,
    Escrow,
    EscrowStatus,
    LedgerAccount,
    Payment,
    PaymentStatus,
    PaymentType,
    Payout,
    PayoutSchedule,
    Refund,
    TransactionFee,
)

ZERO = Decimal("0.00")
MONEY_OUTPUT = DecimalField(max_digits=14, decimal_places=2)
# Escrow whose payment was confirmed at some point: its amount counts as funded.
FUNDED_STATUSES = (*MONEY_HOLDING_STATUSES, EscrowStatus.RELEASED, EscrowStatus.REFUNDED)


def _can(user, permission: str) -> bool:
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm(permission))


def escrow_visible_to(user) -> QuerySet[Escrow]:
    qs = Escrow.objects.select_related("contract", "milestone")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if _can(user, "billing.view_escrow"):
        return qs
    return qs.filter(contract_id__in=_contract_ids_of(user))


def _contract_ids_of(user) -> QuerySet:
    """The ids of the contracts the user is a party to. An escrow (and its client) always belongs to its contract,
    so "my escrow" is the escrow of these contracts: two index scans on contracts, then escrow by contract, where
    an OR across the join would read every escrow row."""
    return Contract.objects.filter(Q(client=user) | Q(freelancer=user)).values("pk")


def escrows_of(user) -> QuerySet[Escrow]:
    """The escrow of every contract the user is a party to (as client or freelancer), whatever their staff rights."""
    return Escrow.objects.filter(contract_id__in=_contract_ids_of(user))


def payments_visible_to(user) -> QuerySet[Payment]:
    qs = Payment.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if _can(user, "billing.view_payment"):
        return qs
    return qs.filter(Q(from_user=user) | Q(to_user=user))


def refunds_visible_to(user) -> QuerySet[Refund]:
    """The payer's own refunds, the refunds on a freelancer's contracts (it is their escrow too), and all of
    them for Finance staff."""
    qs = Refund.objects.select_related("escrow")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if _can(user, "billing.view_refund"):
        return qs
    return qs.filter(Q(requested_by=user) | Q(payment__from_user=user) | Q(escrow__contract__freelancer=user))


def fees_visible_to(user) -> QuerySet[TransactionFee]:
    qs = TransactionFee.objects.select_related("payment")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if _can(user, "billing.view_transactionfee"):
        return qs
    return qs.filter(payment_id__in=Payment.objects.filter(Q(from_user=user) | Q(to_user=user)).values("pk"))


def payouts_visible_to(user) -> QuerySet[Payout]:
    qs = Payout.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if _can(user, "billing.view_payout"):
        return qs
    return qs.filter(freelancer=user)


def contracts_visible_to(user) -> QuerySet[Contract]:
    if _can(user, "billing.view_escrow"):
        return Contract.objects.all()
    return Contract.objects.filter(Q(client=user) | Q(freelancer=user))


def payout_schedule_of(user) -> PayoutSchedule | None:
    return PayoutSchedule.objects.filter(freelancer=user).first()


def _escrow_status(totals: dict, escrows: QuerySet[Escrow]) -> str:
    """One word for a set of escrow rows, most pressing first."""
    if escrows.filter(status=EscrowStatus.DISPUTED).exists():
        return EscrowStatus.DISPUTED
    if totals["available_balance"] > 0:
        return EscrowStatus.PARTIALLY_RELEASED if totals["total_released"] > 0 else EscrowStatus.FUNDED
    if escrows.filter(status=EscrowStatus.PENDING).exists():
        return EscrowStatus.PENDING
    if totals["total_released"] > 0:
        return EscrowStatus.RELEASED
    if totals["total_refunded"] > 0:
        return EscrowStatus.REFUNDED
    return "unfunded"


def escrow_balance(*, escrows: QuerySet[Escrow], contract_id: int | None = None) -> dict:
    """`{contract_id, total_funded, total_released, total_refunded, available_balance, status}` over the given
    escrow rows (those of one contract, or all the caller's)."""
    money = Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY_OUTPUT)
    funded = escrows.filter(status__in=FUNDED_STATUSES)
    totals = funded.aggregate(
        total_funded=money,
        total_released=Coalesce(Sum("released_amount"), Value(ZERO), output_field=MONEY_OUTPUT),
        total_refunded=Coalesce(Sum("refunded_amount"), Value(ZERO), output_field=MONEY_OUTPUT),
    )
    totals = {name: quantize(value) for name, value in totals.items()}  # SQLite sums decimals as floats
    totals["available_balance"] = totals["total_funded"] - totals["total_released"] - totals["total_refunded"]
    currencies = list(escrows.values_list("currency", flat=True).distinct()[:2])
    return {"contract_id": contract_id, **totals, "status": _escrow_status(totals, escrows),
            "currency": currencies[0] if len(currencies) == 1 else settings.DEFAULT_CURRENCY}


def wallet(*, user, currency: str | None = None) -> dict:
    """The caller's balances in one currency: available and pending earnings (the ledger's cached balances),
    money held in escrow on their contracts (as client or freelancer), what they earned and spent in total."""
    currency = (currency or settings.DEFAULT_CURRENCY).upper()
    balances = dict(
        LedgerAccount.objects.filter(
            user=user, currency=currency,
            purpose__in=[AccountPurpose.FREELANCER_AVAILABLE, AccountPurpose.FREELANCER_PENDING],
        ).values_list("purpose", "balance")
    )
    in_escrow = escrows_of(user).filter(
        currency=currency, status__in=MONEY_HOLDING_STATUSES,
    ).aggregate(total=Coalesce(Sum(F("amount") - F("released_amount") - F("refunded_amount")), Value(ZERO),
                               output_field=MONEY_OUTPUT))["total"]
    releases = Payment.objects.filter(payment_type=PaymentType.RELEASE, status=PaymentStatus.COMPLETED,
                                      currency=currency)
    earned = releases.filter(to_user=user).aggregate(
        total=Coalesce(Sum("net_amount"), Value(ZERO), output_field=MONEY_OUTPUT))["total"]
    spent = releases.filter(from_user=user).aggregate(
        total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY_OUTPUT))["total"]
    return {
        "currency": currency,
        "available": balances.get(AccountPurpose.FREELANCER_AVAILABLE, ZERO),
        "pending": balances.get(AccountPurpose.FREELANCER_PENDING, ZERO),
        "in_escrow": quantize(in_escrow),
        "lifetime_earned": quantize(earned),
        "lifetime_spent": quantize(spent),
    }
