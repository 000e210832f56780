"""What billing keeps at payment providers about a person (saved cards, payout accounts), for GDPR export and
erasure. Webhook events hold no user key; their payloads are provider records kept like other money records."""

from accounts import privacy

from .models import PaymentMethod, PaymentMethodStatus, PayoutAccount


def export_gateway_accounts(user) -> dict:
    return {
        "payment_methods": [
            {"id": m.pk, "gateway": m.gateway, "brand": m.brand, "last4": m.last4, "exp_month": m.exp_month,
             "exp_year": m.exp_year, "status": m.status, "is_default": m.is_default,
             "created_at": m.created_at.isoformat()}
            for m in PaymentMethod.objects.filter(user=user).order_by("pk")
        ],
        "payout_accounts": [
            {"id": a.pk, "gateway": a.gateway, "account_id": a.account_id, "status": a.status,
             "created_at": a.created_at.isoformat()}
            for a in PayoutAccount.objects.filter(user=user).order_by("pk")
        ],
    }


def erase_gateway_accounts(user) -> None:
    """Saved cards stop being usable and lose their card details; payout accounts are removed (a PayPal
    account id is an email address). The provider keeps its own records under its own retention rules."""
    PaymentMethod.objects.filter(user=user).update(status=PaymentMethodStatus.DETACHED, is_default=False,
                                                   brand="", last4="", exp_month=None, exp_year=None)
    PayoutAccount.objects.filter(user=user).delete()


privacy.register("gateway_accounts", export_gateway_accounts, erase_gateway_accounts,
                 models=("billing.PaymentMethod", "billing.PayoutAccount"))
