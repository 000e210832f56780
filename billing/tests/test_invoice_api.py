"""Invoices API: create (draft or issued) as in API.md, list scoped to the two parties, PDF, pay, send, cancel,
CSV export; outsiders are refused everywhere."""

import pytest

from billing.models import Invoice, InvoiceStatus
from billing.services.invoices import invoice_create

pytestmark = pytest.mark.django_db

ITEMS = [{"description": "Landing page", "quantity": 2, "unit_price": 150.0, "amount": 300.0},
         {"description": "Hosting", "amount": 20.5}]


@pytest.fixture
def invoice(contract, freelancer):
    return invoice_create(issuer=freelancer, contract=contract, items=ITEMS, tax_rate=10)


def test_freelancer_creates_an_issued_invoice(contract, freelancer_api):
    response = freelancer_api.post("/api/invoices/", {"contract_id": contract.pk, "items": ITEMS, "tax_rate": 10,
                                                      "notes": "Thanks"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["invoice_number"].startswith("INV-") and body["status"] == "pending"
    assert body["amount"] == 320.5 and body["tax"] == 32.05 and body["total"] == 352.55
    assert body["items"][0] == {"description": "Landing page", "quantity": 2.0, "unit_price": 150.0, "amount": 300.0}
    assert body["pdf_url"] == f"/api/invoices/{body['id']}/pdf"


def test_draft_then_issue(contract, freelancer_api, client_api):
    draft = freelancer_api.post("/api/invoices", {"contract_id": contract.pk, "items": ITEMS, "status": "draft"})
    assert draft.status_code == 201 and draft.json()["invoice_number"] is None
    # A draft is the issuer's alone.
    assert client_api.get(f"/api/invoices/{draft.json()['id']}").status_code == 404
    issued = freelancer_api.post(f"/api/invoices/{draft.json()['id']}/issue")
    assert issued.status_code == 200 and issued.json()["status"] == "pending"
    assert client_api.get(f"/api/invoices/{draft.json()['id']}").status_code == 200


@pytest.mark.parametrize("payload", [
    {"items": []},
    {"items": [{"description": "x", "quantity": 2, "unit_price": 5, "amount": 11}]},
    {"items": [{"description": "x"}]},
    {"items": "nope"},
    {"items": ITEMS, "tax_rate": 150},
    {"items": ITEMS, "due_date": "2001-01-01"},
])
def test_bad_input_answers_400(contract, freelancer_api, payload):
    response = freelancer_api.post("/api/invoices/", {"contract_id": contract.pk, **payload})
    assert response.status_code == 400, response.content


def test_client_and_outsider_cannot_invoice_the_contract(contract, client_api, outsider_api):
    assert client_api.post("/api/invoices/", {"contract_id": contract.pk, "items": ITEMS}).status_code == 403
    assert outsider_api.post("/api/invoices/", {"contract_id": contract.pk, "items": ITEMS}).status_code == 404


def test_pdf_download(invoice, client_api, outsider_api):
    response = client_api.get(f"/api/invoices/{invoice.pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert invoice.number in response["Content-Disposition"]
    assert client_api.get(f"/api/invoices/{invoice.pk}/pdf", HTTP_ACCEPT="application/pdf").status_code == 200
    assert outsider_api.get(f"/api/invoices/{invoice.pk}/pdf").status_code == 404


def test_client_pays_with_post_or_patch(invoice, contract, freelancer, client_api, freelancer_api, outsider_api):
    assert freelancer_api.post(f"/api/invoices/{invoice.pk}/pay").status_code == 403
    assert outsider_api.post(f"/api/invoices/{invoice.pk}/pay").status_code == 404
    response = client_api.post(f"/api/invoices/{invoice.pk}/pay", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "paid" and response.json()["payment_id"]
    replay = client_api.post(f"/api/invoices/{invoice.pk}/pay", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    assert client_api.post(f"/api/invoices/{invoice.pk}/pay").status_code == 409
    other = invoice_create(issuer=freelancer, contract=contract, items=[{"description": "x", "amount": 10}])
    assert client_api.patch(f"/api/invoices/{other.pk}/pay", {}).json()["status"] == "paid"


def test_send_and_cancel_by_the_issuer_only(invoice, client_api, freelancer_api, outsider_api):
    assert client_api.post(f"/api/invoices/{invoice.pk}/send").status_code == 403
    assert freelancer_api.post(f"/api/invoices/{invoice.pk}/send").json()["sent_at"]
    assert client_api.post(f"/api/invoices/{invoice.pk}/cancel").status_code == 403
    assert outsider_api.post(f"/api/invoices/{invoice.pk}/cancel").status_code == 404
    cancelled = freelancer_api.post(f"/api/invoices/{invoice.pk}/cancel", {"reason": "Duplicate"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert freelancer_api.post(f"/api/invoices/{invoice.pk}/cancel").status_code == 409


def test_list_scoped_filtered_and_constant_in_queries(contract, freelancer, client_api, outsider_api,
                                                      django_assert_num_queries):
    invoice_create(issuer=freelancer, contract=contract, items=ITEMS)
    with django_assert_num_queries(3):  # token user, count, page
        assert client_api.get("/api/invoices/").json()["count"] == 1
    invoice_create(issuer=freelancer, contract=contract, items=ITEMS)
    with django_assert_num_queries(3):
        assert client_api.get("/api/invoices/?status=pending&direction=received").json()["count"] == 2
    assert client_api.get("/api/invoices/?direction=issued").json()["count"] == 0
    assert outsider_api.get("/api/invoices/").json()["count"] == 0


def test_csv_export(invoice, client_api, outsider_api):
    response = client_api.get("/api/invoices/export")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert text.splitlines()[0].startswith("number,status")
    assert invoice.number in text and "352.55" in text
    assert invoice.number not in outsider_api.get("/api/invoices/export").content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PENDING


def test_billing_profile_is_the_callers_own_and_printed_on_new_invoices(contract, freelancer, freelancer_api, api):
    assert api.get("/api/billing-profile").status_code == 401
    assert freelancer_api.get("/api/billing-profile").json()["legal_name"] == ""
    response = freelancer_api.put("/api/billing-profile", {"legal_name": "Bob B. Freelancer", "country": "pt",
                                                           "tax_id": "PT 254 118 927", "city": "Lisboa"})
    assert response.status_code == 200 and response.json()["country"] == "PT"
    assert freelancer_api.patch("/api/billing-profile/", {"country": "Portugal"}).status_code == 400
    invoice = invoice_create(issuer=freelancer, contract=contract, items=ITEMS)
    assert invoice.from_details["name"] == "Bob B. Freelancer"
    assert invoice.from_details["tax_id"] == "PT 254 118 927"
