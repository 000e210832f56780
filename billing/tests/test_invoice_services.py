"""Invoice services: lines and rounding, numbering per issuer and year, issue-time billing details, paying through
escrow (the ledger balances), linking a payment, cancel, send, overdue, and the paper of every escrow release."""

from decimal import Decimal

import pytest
from django.core import mail
from freezegun import freeze_time

from accounts.models import BillingProfile
from billing.models import (
    EscrowStatus,
    Invoice,
    InvoiceKind,
    InvoiceSource,
    InvoiceStatus,
    PaymentType,
)
from billing.services.escrow import escrow_release
from billing.services.invoices import (
    invoice_cancel,
    invoice_create,
    invoice_issue,
    invoice_lines,
    invoice_next_number,
    invoice_pay,
    invoice_send,
    invoice_totals,
    invoices_mark_overdue,
)
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden

pytestmark = pytest.mark.django_db

ONE_LINE = [{"description": "Work", "amount": "100.00"}]


def test_lines_are_rounded_before_they_are_summed():
    lines = invoice_lines([{"description": "A", "quantity": "3", "unit_price": "0.335"},
                           {"description": "B", "quantity": "3", "unit_price": "0.335"}])
    # Each line: 3 x 0.34 (the unit price is money, rounded half up) = 1.02; the sum of rounded lines is 2.04.
    assert [line["amount"] for line in lines] == [Decimal("1.02"), Decimal("1.02")]
    amount, tax, total = invoice_totals(lines, Decimal("12.5"))
    assert (amount, tax, total) == (Decimal("2.04"), Decimal("0.26"), Decimal("2.30"))


@pytest.mark.parametrize("items", [
    [], [{"amount": 5}], [{"description": "x"}], [{"description": "x", "amount": "abc"}],
    [{"description": "x", "quantity": 2, "unit_price": 5, "amount": 11}], [{"description": "x", "quantity": 0,
                                                                             "unit_price": 5}],
    "not a list", [{"description": "x", "amount": "NaN"}], [{"description": "x", "amount": "1e30"}],
])
def test_bad_lines_are_refused_as_input_errors(items):
    with pytest.raises(ApplicationError) as error:
        invoice_lines(items)
    assert error.value.status_code == 400


def test_numbers_count_per_issuer_and_year():
    assert invoice_next_number(issuer_key="user:1", prefix="INV", year=2026) == "INV-2026-000001"
    assert invoice_next_number(issuer_key="user:1", prefix="INV", year=2026) == "INV-2026-000002"
    assert invoice_next_number(issuer_key="user:2", prefix="INV", year=2026) == "INV-2026-000001"
    assert invoice_next_number(issuer_key="user:1", prefix="INV", year=2027) == "INV-2027-000001"
    assert invoice_next_number(issuer_key="platform", prefix="MGL", year=2026) == "MGL-2026-000001"


def test_two_freelancers_each_start_at_one(contract, freelancer, client_user, other_freelancer):
    from marketplace.tests.factories import ContractFactory

    other = ContractFactory(project__client=client_user, freelancer=other_freelancer)
    first = invoice_create(issuer=freelancer, contract=contract, items=ONE_LINE)
    second = invoice_create(issuer=other_freelancer, contract=other, items=ONE_LINE)
    assert first.number == second.number and first.number.endswith("-000001")


def test_draft_has_no_number_until_issued_and_details_are_frozen_then(contract, freelancer, client_user):
    draft = invoice_create(issuer=freelancer, contract=contract, items=ONE_LINE, issue=False)
    assert draft.status == InvoiceStatus.DRAFT and draft.number is None
    BillingProfile.objects.create(user=client_user, legal_name="Alice Ltd", tax_id="GB1")
    issued = invoice_issue(invoice=draft, actor=freelancer)
    assert issued.number.startswith("INV-") and issued.status == InvoiceStatus.PENDING
    assert issued.to_details["name"] == "Alice Ltd" and issued.to_details["tax_id"] == "GB1"
    BillingProfile.objects.filter(user=client_user).update(legal_name="Renamed")
    issued.refresh_from_db()
    assert issued.to_details["name"] == "Alice Ltd"
    with pytest.raises(Conflict):
        invoice_issue(invoice=issued, actor=freelancer)


def test_only_the_contracts_freelancer_invoices_it(contract, client_user, other_freelancer):
    with pytest.raises(Forbidden):
        invoice_create(issuer=client_user, contract=contract, items=ONE_LINE)
    with pytest.raises(Forbidden):
        invoice_create(issuer=other_freelancer, contract=contract, items=ONE_LINE)


def test_paying_moves_money_through_escrow_with_the_fee(contract, freelancer, client_user):
    invoice = invoice_create(issuer=freelancer, contract=contract, items=ONE_LINE, tax_rate=10)
    with pytest.raises(Forbidden):
        invoice_pay(invoice=invoice, actor=freelancer)
    paid = invoice_pay(invoice=invoice, actor=client_user)
    assert paid.status == InvoiceStatus.PAID and paid.paid_date
    assert paid.payment.payment_type == PaymentType.RELEASE
    assert paid.payment.amount == Decimal("110.00") and paid.payment.fee_amount == Decimal("11.00")
    assert paid.escrow.status == EscrowStatus.RELEASED
    # The release is documented by this invoice (no second work invoice) and by MegiLance's fee invoice.
    assert Invoice.objects.filter(kind=InvoiceKind.WORK).count() == 1
    fee = Invoice.objects.get(kind=InvoiceKind.PLATFORM_FEE)
    assert fee.number.startswith("MGL-") and fee.to_user == freelancer and fee.total == Decimal("11.00")
    with pytest.raises(Conflict):
        invoice_pay(invoice=paid, actor=client_user)


def test_linking_an_existing_payment(contract, freelancer, client_user, deposit):
    payment = escrow_release(escrow=deposit, actor=client_user)  # 300.00, invoiced automatically
    auto = Invoice.objects.get(kind=InvoiceKind.WORK, source=InvoiceSource.ESCROW_RELEASE)
    assert auto.status == InvoiceStatus.PAID and auto.payment == payment
    invoice = invoice_create(issuer=freelancer, contract=contract, items=[{"description": "x", "amount": 300}])
    with pytest.raises(Conflict):  # that payment already settles the automatic invoice
        invoice_pay(invoice=invoice, actor=client_user, payment=payment)
    other = invoice_create(issuer=freelancer, contract=contract, items=[{"description": "x", "amount": 299}])
    with pytest.raises(ApplicationError):
        invoice_pay(invoice=other, actor=client_user, payment=payment)


def test_every_release_gets_a_work_invoice_and_a_fee_invoice(funded_escrow, client_user, freelancer):
    payment = escrow_release(escrow=funded_escrow, actor=client_user)
    work = Invoice.objects.get(kind=InvoiceKind.WORK)
    fee = Invoice.objects.get(kind=InvoiceKind.PLATFORM_FEE)
    assert work.from_user == freelancer and work.to_user == client_user and work.total == payment.amount
    assert work.status == InvoiceStatus.PAID and "Design" in work.items[0]["description"]
    assert fee.from_user is None and fee.total == payment.fee_amount == Decimal("50.00")


def test_cancel_draft_or_pending_but_not_paid(contract, freelancer, client_user):
    draft = invoice_create(issuer=freelancer, contract=contract, items=ONE_LINE, issue=False)
    assert invoice_cancel(invoice=draft, actor=freelancer).status == InvoiceStatus.CANCELLED
    pending = invoice_create(issuer=freelancer, contract=contract, items=ONE_LINE)
    with pytest.raises(Forbidden):
        invoice_cancel(invoice=pending, actor=client_user)
    cancelled = invoice_cancel(invoice=pending, actor=freelancer, reason="Wrong amount")
    assert cancelled.number and "Wrong amount" in cancelled.notes
    with pytest.raises(Conflict):
        invoice_cancel(invoice=cancelled, actor=freelancer)
    with pytest.raises(ApplicationError):
        invoice_pay(invoice=cancelled, actor=client_user)
    paid = invoice_pay(invoice=invoice_create(issuer=freelancer, contract=contract, items=ONE_LINE),
                       actor=client_user)
    with pytest.raises(ApplicationError):
        invoice_cancel(invoice=paid, actor=freelancer)


def test_send_emails_the_recipient(contract, freelancer, client_user, django_capture_on_commit_callbacks):
    invoice = invoice_create(issuer=freelancer, contract=contract, items=ONE_LINE)
    with django_capture_on_commit_callbacks(execute=True):
        sent = invoice_send(invoice=invoice, actor=freelancer)
    assert sent.sent_at
    assert any(invoice.number in message.subject and message.to == [client_user.email] for message in mail.outbox)


def test_overdue_after_the_due_date_with_one_reminder(contract, freelancer, client_user,
                                                      django_capture_on_commit_callbacks):
    with freeze_time("2026-11-02T10:00:00Z"):
        invoice = invoice_create(issuer=freelancer, contract=contract, items=ONE_LINE)
    assert str(invoice.due_date) == "2026-11-16"
    with freeze_time("2026-11-16T23:00:00Z"):
        assert invoices_mark_overdue() == 0
    with freeze_time("2026-11-17T01:00:00Z"), django_capture_on_commit_callbacks(execute=True):
        assert invoices_mark_overdue() == 1
        assert invoices_mark_overdue() == 0
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OVERDUE
    assert [m for m in mail.outbox if "overdue" in m.subject]
    # An overdue invoice can still be paid.
    assert invoice_pay(invoice=invoice, actor=client_user).status == InvoiceStatus.PAID
