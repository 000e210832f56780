"""Invoice numbers under concurrency (PostgreSQL, real threads): twenty invoices issued at once by one issuer get
the numbers 1 to 20, no gaps and no duplicates; an issue that rolls back gives its number back."""

import threading

import pytest
from django.db import connection, transaction

from billing.models import Invoice, InvoiceStatus
from billing.services.invoices import invoice_create, invoice_issue
from marketplace.tests.factories import ContractFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_invoices_issued_at_once_are_numbered_one_to_twenty(client_user, freelancer, ledger_check_off):
    contract = ContractFactory(project__client=client_user, freelancer=freelancer)
    drafts = [invoice_create(issuer=freelancer, contract=contract, items=[{"description": f"Part {n}",
                                                                           "amount": 10}], issue=False)
              for n in range(20)]
    barrier = threading.Barrier(len(drafts))
    errors = []

    def issue(draft):
        try:
            barrier.wait(timeout=20)
            invoice_issue(invoice=draft, actor=freelancer)
        except Exception as error:  # reported below; a thread must not die silently
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    numbers = sorted(Invoice.objects.filter(status=InvoiceStatus.PENDING).values_list("number", flat=True))
    year = Invoice.objects.first().issue_date.year
    assert numbers == [f"INV-{year}-{n:06d}" for n in range(1, 21)]


def test_a_rolled_back_issue_leaves_no_gap(client_user, freelancer, ledger_check_off):
    contract = ContractFactory(project__client=client_user, freelancer=freelancer)
    first = invoice_create(issuer=freelancer, contract=contract, items=[{"description": "a", "amount": 10}],
                           issue=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(invoice=first, actor=freelancer)
        raise RuntimeError("the issuing transaction failed later")
    second = invoice_create(issuer=freelancer, contract=contract, items=[{"description": "b", "amount": 10}])
    assert second.number.endswith("-000001")
