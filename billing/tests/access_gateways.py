"""Object routes of the provider-facing API, for the access-control matrix: bob's saved card is alice's
(payment methods belong to clients). `billing/tests/access.py` may add these to its list; the same intruders
are tried in test_gateways_api.py."""

from billing.models import PaymentMethod, PaymentMethodStatus


def gateway_routes(world) -> list[tuple[str, str]]:
    method = PaymentMethod.objects.create(user=world.client, gateway="manual", payment_method_id="manual_pm_access",
                                          brand="manual", last4="0000", status=PaymentMethodStatus.ACTIVE,
                                          is_default=True)
    return [
        ("GET", f"/api/payment-methods/{method.pk}"),
        ("DELETE", f"/api/payment-methods/{method.pk}"),
    ]
