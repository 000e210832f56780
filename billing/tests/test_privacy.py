import pytest

from accounts import privacy
from billing.models import Payment, Refund
from billing.services.escrow import escrow_release

pytestmark = pytest.mark.django_db


def test_export_has_the_persons_money(funded_escrow, client_user, freelancer):
    escrow_release(escrow=funded_escrow, actor=client_user)
    exported = privacy.export_user(client_user)
    assert {row["payment_type"] for row in exported["payments"]} == {"escrow_funding", "release"}
    assert exported["escrow"][0]["amount"] == "500.00"
    freelancer_export = privacy.export_user(freelancer)
    assert {row["payment_type"] for row in freelancer_export["payments"]} == {"release", "fee"}
    assert freelancer_export["escrow"][0]["id"] == funded_escrow.pk


def test_erasure_keeps_money_records_and_strips_free_text(client_api, funded_escrow, client_user):
    from billing.models import PaymentType

    funding = Payment.objects.get(escrow=funded_escrow, payment_type=PaymentType.ESCROW_FUNDING)
    client_api.post("/api/refunds/", {"payment_id": funding.pk, "amount": 10, "reason": "My private reason"})
    before = Payment.objects.count()
    privacy.erase_user(client_user)
    assert Payment.objects.count() == before
    assert Refund.objects.get().reason == ""


MONEY_CORE_MODULES = {f"billing.models.{name}" for name in ("ledger", "escrow", "payments", "payouts", "idempotency")}


def test_every_money_model_with_a_person_is_covered():
    from django.apps import apps

    covered = privacy.covered_models()
    for model in apps.get_app_config("billing").get_models():
        if model.__module__ not in MONEY_CORE_MODULES:
            continue
        has_user = any(getattr(field, "related_model", None) is not None
                       and field.related_model._meta.label == "accounts.User" for field in model._meta.fields)
        if has_user and model._meta.label not in covered:
            pytest.fail(f"{model._meta.label} holds a person but is not registered with accounts.privacy")
