import csv
import io
from decimal import Decimal

import pytest

from billing.models import Payment, PaymentType
from billing.services.escrow import escrow_fund, escrow_release
from marketplace.tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def _released(contract, client_user):
    escrow = escrow_fund(contract=contract, actor=client_user, milestone=MilestoneFactory(contract=contract))
    return escrow_release(escrow=escrow, actor=client_user)


def test_history_lists_what_the_caller_paid_and_received(client_api, freelancer_api, outsider_api, contract,
                                                         client_user):
    _released(contract, client_user)
    client_rows = client_api.get("/api/payments/").json()["results"]
    assert {row["payment_type"] for row in client_rows} == {"escrow_funding", "release"}
    freelancer_rows = freelancer_api.get("/api/payments/").json()["results"]
    assert {row["payment_type"] for row in freelancer_rows} == {"release", "fee"}
    release = next(row for row in freelancer_rows if row["payment_type"] == "release")
    assert release["amount"] == 500.0 and release["fees"] == 50.0 and release["net_amount"] == 450.0
    assert release["from_user_id"] == client_user.pk and release["currency"] == "USD"
    assert outsider_api.get("/api/payments/").json()["count"] == 0


def test_payment_detail_is_404_for_outsiders(client_api, outsider_api, staff_api, finance_api, contract,
                                             client_user):
    payment = _released(contract, client_user)
    assert client_api.get(f"/api/payments/{payment.pk}").status_code == 200
    assert outsider_api.get(f"/api/payments/{payment.pk}").status_code == 404
    assert staff_api.get(f"/api/payments/{payment.pk}").status_code == 404
    assert finance_api.get(f"/api/payments/{payment.pk}").status_code == 200


def test_payment_list_has_constant_queries(client_api, contract, client_user, django_assert_num_queries):
    _released(contract, client_user)
    client_api.get("/api/payments/")
    with django_assert_num_queries(3):
        assert client_api.get("/api/payments/").json()["count"] == 2
    _released(contract, client_user)
    with django_assert_num_queries(3):
        assert client_api.get("/api/payments/").json()["count"] == 4


def test_csv_export_by_format_and_by_path(client_api, outsider_api, contract, client_user):
    _released(contract, client_user)
    for path in ("/api/payments/?format=csv", "/api/payments/export", "/api/payments/export/"):
        response = client_api.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/csv")
        assert "no-store" in response["Cache-Control"]
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert {row["payment_type"] for row in rows} == {"escrow_funding", "release"}
        assert next(row for row in rows if row["payment_type"] == "release")["fees"] == "50.00"
    outsider = outsider_api.get("/api/payments/export")
    assert list(csv.DictReader(io.StringIO(b"".join(outsider.streaming_content).decode()))) == []


def test_csv_export_keeps_the_filters(client_api, contract, client_user):
    _released(contract, client_user)
    response = client_api.get("/api/payments/export?payment_type=release")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["payment_type"] for row in rows] == ["release"]


def test_post_payment_is_a_deposit(client_api, freelancer_api, outsider_api, contract):
    response = client_api.post("/api/payments/", {"contract_id": contract.pk, "amount": 120})
    assert response.status_code == 201, response.content
    assert response.json()["payment_type"] == "deposit" and response.json()["status"] == "completed"
    assert freelancer_api.post("/api/payments/", {"contract_id": contract.pk, "amount": 120}).status_code == 403
    assert outsider_api.post("/api/payments/", {"contract_id": contract.pk, "amount": 120}).status_code == 404
    bad = client_api.post("/api/payments/", {"contract_id": contract.pk, "amount": 1, "payment_type": "release"})
    assert bad.status_code == 400


def test_anonymous_cannot_read_payments(api):
    assert api.get("/api/payments/").status_code == 401
    assert api.get("/api/payments/?format=csv").status_code == 401


def test_fee_lines_are_seen_by_payer_payee_and_finance(client_api, freelancer_api, outsider_api, staff_api,
                                                       finance_api, contract, client_user):
    payment = _released(contract, client_user)
    for api in (client_api, freelancer_api, finance_api):
        rows = api.get("/api/transaction-fees/").json()["results"]
        assert [row["payment_id"] for row in rows] == [payment.pk]
        assert rows[0]["platform_fee_amount"] == 50.0 and rows[0]["platform_fee_percent"] == 10.0
        assert rows[0]["base_amount"] == 500.0 and rows[0]["net_amount"] == 450.0
    fee_id = rows[0]["id"]
    for api in (outsider_api, staff_api):
        assert api.get("/api/transaction-fees/").json()["count"] == 0
        assert api.get(f"/api/transaction-fees/{fee_id}").status_code == 404


def test_fee_list_has_constant_queries(freelancer_api, contract, client_user, django_assert_num_queries):
    _released(contract, client_user)
    freelancer_api.get("/api/transaction-fees/")
    with django_assert_num_queries(3):
        freelancer_api.get("/api/transaction-fees/")
    _released(contract, client_user)
    with django_assert_num_queries(3):
        assert freelancer_api.get("/api/transaction-fees/").json()["count"] == 2


def test_wallet_shows_pending_available_and_escrow(client_api, freelancer_api, outsider_api, contract,
                                                   client_user, funded_escrow):
    escrow_release(escrow=funded_escrow, actor=client_user, amount=Decimal("200"))
    freelancer_wallet = freelancer_api.get("/api/wallet").json()
    assert freelancer_wallet == {"currency": "USD", "available": 0.0, "pending": 180.0, "in_escrow": 300.0,
                                 "lifetime_earned": 180.0, "lifetime_spent": 0.0}
    client_wallet = client_api.get("/api/wallet/").json()
    assert client_wallet["in_escrow"] == 300.0 and client_wallet["lifetime_spent"] == 200.0
    assert outsider_api.get("/api/wallet").json()["in_escrow"] == 0
    assert client_api.get("/api/wallet?currency=EURO").status_code == 400
    assert "no-store" in client_api.get("/api/wallet")["Cache-Control"]


def test_fee_payment_rows_match_releases(contract, client_user):
    payment = _released(contract, client_user)
    fee = Payment.objects.get(payment_type=PaymentType.FEE, escrow=payment.escrow)
    assert fee.amount == payment.fee_amount and fee.from_user_id == payment.to_user_id


def test_csv_export_defuses_spreadsheet_formulas(client_api, funded_escrow, client_user):
    escrow_release(escrow=funded_escrow, actor=client_user, reason='=HYPERLINK("http://x")')
    response = client_api.get("/api/payments/export?payment_type=release")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["description"] == "'=HYPERLINK(\"http://x\")"
