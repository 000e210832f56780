from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from billing.models import (
    AccountPurpose,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    LedgerTransactionKind,
    LedgerWriteRefused,
)
from billing.services.ledger import InsufficientFunds, LedgerImbalance, ledger_account_get, ledger_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(client_user, freelancer, contract, ledger_check_off):
    return {
        "funding": ledger_account_get(purpose=AccountPurpose.CLIENT_FUNDING, currency="USD", user=client_user),
        "escrow": ledger_account_get(purpose=AccountPurpose.ESCROW, currency="USD", contract=contract),
        "pending": ledger_account_get(purpose=AccountPurpose.FREELANCER_PENDING, currency="USD", user=freelancer),
        "revenue": ledger_account_get(purpose=AccountPurpose.PLATFORM_REVENUE, currency="USD"),
    }


def test_accounts_are_one_per_owner_purpose_and_currency(client_user, accounts):
    again = ledger_account_get(purpose=AccountPurpose.CLIENT_FUNDING, currency="USD", user=client_user)
    assert again.pk == accounts["funding"].pk
    assert ledger_account_get(purpose=AccountPurpose.CLIENT_FUNDING, currency="EUR", user=client_user).pk != again.pk
    with pytest.raises(ValueError):
        ledger_account_get(purpose=AccountPurpose.ESCROW, currency="USD")


def test_a_movement_that_does_not_balance_writes_nothing(accounts):
    with pytest.raises(LedgerImbalance):
        ledger_post(kind=LedgerTransactionKind.FUNDING,
                    lines=[(accounts["funding"], Decimal("-10")), (accounts["escrow"], Decimal("9.99"))])
    assert not LedgerTransaction.objects.exists() and not LedgerEntry.objects.exists()


def test_an_account_holding_money_never_goes_below_zero(accounts):
    ledger_post(kind=LedgerTransactionKind.FUNDING,
                lines=[(accounts["funding"], Decimal("-10")), (accounts["escrow"], Decimal("10"))])
    with pytest.raises(InsufficientFunds):
        ledger_post(kind=LedgerTransactionKind.RELEASE,
                    lines=[(accounts["escrow"], Decimal("-10.01")), (accounts["pending"], Decimal("10.01"))])
    assert LedgerTransaction.objects.count() == 1
    accounts["escrow"].refresh_from_db()
    assert accounts["escrow"].balance == Decimal("10.00")


def test_the_database_refuses_a_negative_holding_balance(accounts):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=accounts["escrow"].pk).update(balance=Decimal("-1"))
    # Platform revenue is not someone's money: gateway fees may take it below zero.
    LedgerAccount.objects.filter(pk=accounts["revenue"].pk).update(balance=Decimal("-1"))


def test_entries_and_transactions_are_append_only(accounts):
    posted = ledger_post(kind=LedgerTransactionKind.FUNDING,
                         lines=[(accounts["funding"], Decimal("-10")), (accounts["escrow"], Decimal("10"))])
    entry = posted.entries.first()
    entry.amount = Decimal("99")
    with pytest.raises(LedgerWriteRefused):
        entry.save()
    with pytest.raises(LedgerWriteRefused):
        entry.delete()
    with pytest.raises(LedgerWriteRefused):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1"))
    with pytest.raises(LedgerWriteRefused):
        LedgerEntry.objects.all().delete()
    with pytest.raises(LedgerWriteRefused):
        posted.delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount in (Decimal("-10"), Decimal("10"))


def test_ledger_check_passes_on_balanced_books(funded_escrow):
    out = StringIO()
    call_command("ledger_check", stdout=out)
    assert "balances" in out.getvalue()


def test_ledger_check_exits_non_zero_when_a_cached_balance_is_wrong(funded_escrow, contract, capsys):
    account = LedgerAccount.objects.get(purpose=AccountPurpose.ESCROW, contract=contract)
    LedgerAccount.objects.filter(pk=account.pk).update(balance=Decimal("499.99"))
    with pytest.raises(CommandError) as error:
        call_command("ledger_check")
    # manage.py exits with the error's returncode.
    assert error.value.returncode == 1
    assert "caches 499.99" in capsys.readouterr().err
    LedgerAccount.objects.filter(pk=account.pk).update(balance=Decimal("500.00"))  # for the after-test check


def test_ledger_check_sees_escrow_rows_that_skipped_the_ledger(funded_escrow):
    from billing.models import Escrow
    from billing.services.ledger import ledger_differences

    Escrow.objects.filter(pk=funded_escrow.pk).update(released_amount=Decimal("100"))
    assert any("escrow rows hold 400.00" in problem for problem in ledger_differences())
    Escrow.objects.filter(pk=funded_escrow.pk).update(released_amount=Decimal("0"))


def test_ledger_check_sees_a_transaction_that_does_not_sum_to_zero_and_money_without_an_account(funded_escrow):
    from django.db import connection

    from billing.services.ledger import ledger_differences

    entry = LedgerEntry.objects.filter(transaction__escrow=funded_escrow, amount__gt=0).first()
    escrow_account = LedgerAccount.objects.get(purpose=AccountPurpose.ESCROW, contract=funded_escrow.contract)
    # Entries are append-only in the application; a broken row can only come from outside it.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_entries SET amount = amount + 1 WHERE id = %s", [entry.pk])
        cursor.execute("UPDATE ledger_accounts SET contract_id = NULL, owner_key = 'moved' WHERE id = %s",
                       [escrow_account.pk])
    problems = ledger_differences()
    assert any(f"transaction {entry.transaction_id} sums to 1.00 USD" in problem for problem in problems)
    assert any(f"contract {funded_escrow.contract_id} holds escrow in USD with no escrow account" in problem
               for problem in problems)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_entries SET amount = amount - 1 WHERE id = %s", [entry.pk])
        cursor.execute("UPDATE ledger_accounts SET contract_id = %s, owner_key = %s WHERE id = %s",
                       [funded_escrow.contract_id, f"contract:{funded_escrow.contract_id}", escrow_account.pk])
    assert ledger_differences() == []
