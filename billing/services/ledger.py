"""The only writer of ledger rows. Callers hold their own domain locks (escrow, payment) first; ledger_post then
locks the accounts it touches in id order, so two movements never wait for each other in a circle."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.db.models.functions import Round

from megilance.api.exceptions import ApplicationError
from megilance.money import quantize

from ..models import AccountPurpose, LedgerAccount, LedgerEntry, LedgerTransaction

PLATFORM_PURPOSES = (AccountPurpose.PLATFORM_REVENUE, AccountPurpose.GATEWAY_FEES)
CONTRACT_PURPOSES = (AccountPurpose.ESCROW,)


class LedgerImbalance(RuntimeError):
    """A movement whose entries do not sum to zero: a programming error, never a user's mistake."""


class InsufficientFunds(ApplicationError):
    default_code = "insufficient_funds"


def _owner_key(purpose: str, user, contract) -> str:
    if purpose in PLATFORM_PURPOSES:
        if user is not None or contract is not None:
            raise ValueError(f"{purpose} belongs to the platform")
        return "platform"
    if purpose in CONTRACT_PURPOSES:
        if contract is None:
            raise ValueError(f"{purpose} needs a contract")
        return f"contract:{contract.pk}"
    if user is None:
        raise ValueError(f"{purpose} needs a user")
    return f"user:{user.pk}"


def ledger_account_get(*, purpose: str, currency: str, user=None, contract=None) -> LedgerAccount:
    """The account for an owner and purpose, created on first use (safe when two transactions race to create it)."""
    owner_key = _owner_key(purpose, user, contract)
    account = LedgerAccount.objects.filter(purpose=purpose, owner_key=owner_key, currency=currency).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return LedgerAccount.objects.create(
                purpose=purpose, owner_key=owner_key, currency=currency,
                user=user if purpose not in PLATFORM_PURPOSES + CONTRACT_PURPOSES else None,
                contract=contract if purpose in CONTRACT_PURPOSES else None,
            )
    except IntegrityError:
        # Another transaction created it first; it has committed, so it is visible now.
        return LedgerAccount.objects.get(purpose=purpose, owner_key=owner_key, currency=currency)


def ledger_accounts_lock(*accounts: LedgerAccount) -> list[LedgerAccount]:
    """Lock several accounts at once, in id order (the order ledger_post uses), and return them fresh, in the
    order given. Use it when balances must be read before a movement that touches all of them."""
    locked = {a.pk: a for a in LedgerAccount.objects.select_for_update().filter(
        pk__in=[a.pk for a in accounts]).order_by("pk")}
    return [locked[a.pk] for a in accounts]


def balance_of(*, purpose: str, currency: str, user=None, contract=None) -> Decimal:
    owner_key = _owner_key(purpose, user, contract)
    account = LedgerAccount.objects.filter(purpose=purpose, owner_key=owner_key, currency=currency).first()
    return account.balance if account else Decimal("0.00")


@transaction.atomic
def ledger_post(
    *,
    kind: str,
    lines: Iterable[tuple[LedgerAccount, Decimal]],
    description: str = "",
    escrow=None,
    payment=None,
    payout=None,
    refund=None,
    actor=None,
) -> LedgerTransaction:
    """Write one movement: `lines` are (account, signed amount), positive when money comes into the account.

    Refuses (before anything is written) a movement that does not sum to zero per currency, and one that would
    take an account holding someone's money below zero. Updates the cached balances under row locks taken in
    account id order.
    """
    deltas: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    accounts: dict[int, LedgerAccount] = {}
    for account, amount in lines:
        accounts[account.pk] = account
        deltas[account.pk] += quantize(amount)
    deltas = {pk: amount for pk, amount in deltas.items() if amount != 0}
    if not deltas:
        raise LedgerImbalance("A ledger transaction needs at least one non-zero entry.")

    per_currency: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for pk, amount in deltas.items():
        per_currency[accounts[pk].currency] += amount
    unbalanced = {currency: total for currency, total in per_currency.items() if total != 0}
    if unbalanced:
        raise LedgerImbalance(f"Ledger transaction {kind} does not balance: {unbalanced}")

    locked = list(LedgerAccount.objects.select_for_update().filter(pk__in=deltas).order_by("pk"))
    for account in locked:
        new_balance = account.balance + deltas[account.pk]
        if account.is_holding and new_balance < 0:
            raise InsufficientFunds(
                f"Not enough money in {account.get_purpose_display().lower()}: "
                f"{account.balance} {account.currency} held, {-deltas[account.pk]} needed."
            )
        account.balance = new_balance

    ledger_transaction = LedgerTransaction.objects.create(
        kind=kind, description=description[:255], escrow=escrow, payment=payment, payout=payout, refund=refund,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    LedgerEntry.objects.bulk_create([
        LedgerEntry(transaction=ledger_transaction, account_id=account.pk, amount=deltas[account.pk],
                    currency=account.currency)
        for account in locked
    ])
    for account in locked:
        account.save(update_fields=["balance", "updated_at"])
    return ledger_transaction


def ledger_differences() -> list[str]:
    """Everything that does not add up: transactions whose entries do not sum to zero per currency, accounts
    whose cached balance differs from the sum of their entries, holding accounts below zero, and contracts whose
    escrow rows hold a different amount than their escrow account. Empty when the books are right.

    Every check is one aggregate query, read from a single snapshot on PostgreSQL (repeatable read), so money
    moving while it runs cannot show up as a difference and millions of rows take seconds, not minutes."""
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _differences()


def _differences() -> list[str]:
    from ..models import MONEY_HOLDING_STATUSES, Escrow

    problems: list[str] = []
    # Sums are rounded to the cent before comparing: SQLite adds decimals as floats (PostgreSQL is exact), and a
    # real difference is always at least a cent.
    unbalanced = (
        LedgerEntry.objects.values("transaction_id", "currency").annotate(total=Round(Sum("amount"), 2))
        .exclude(total=0).order_by("transaction_id")
    )
    for row in unbalanced.iterator(chunk_size=2000):
        problems.append(f"transaction {row['transaction_id']} sums to {quantize(row['total'])} {row['currency']}")
    empty = LedgerTransaction.objects.filter(entries__isnull=True).values_list("pk", flat=True)
    problems.extend(f"transaction {pk} has no entries" for pk in empty)

    sums = dict(LedgerEntry.objects.values("account_id").annotate(total=Sum("amount")).order_by()
                .values_list("account_id", "total"))
    held_by_contract = {
        (row["contract_id"], row["currency"]): quantize(row["held"] or 0)
        for row in Escrow.objects.filter(status__in=MONEY_HOLDING_STATUSES).values("contract_id", "currency")
        .annotate(held=Sum(F("amount") - F("released_amount") - F("refunded_amount"))).order_by()
    }
    accounts = LedgerAccount.objects.order_by("pk").only(
        "pk", "purpose", "owner_key", "currency", "balance", "contract_id")
    escrow_accounts = set()
    for account in accounts.iterator(chunk_size=5000):
        total = quantize(sums.get(account.pk) or 0)
        if account.balance != total:
            problems.append(f"account {account.pk} ({account}) caches {account.balance}, entries sum to {total}")
        if account.is_holding and total < 0:
            problems.append(f"account {account.pk} ({account}) is below zero: {total}")
        if account.purpose == AccountPurpose.ESCROW:
            escrow_accounts.add((account.contract_id, account.currency))
            held = held_by_contract.get((account.contract_id, account.currency), Decimal("0.00"))
            if held != total:
                problems.append(f"contract {account.contract_id} escrow rows hold {held} {account.currency}, "
                                f"its escrow account {total}")
    # Escrow money without an account at all (a movement skipped the ledger).
    for contract_id, currency in sorted(set(held_by_contract) - escrow_accounts):
        problems.append(f"contract {contract_id} holds escrow in {currency} with no escrow account")
    return problems
