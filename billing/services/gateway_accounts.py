"""What a person keeps at a payment provider: a saved card (a client, for hourly weeks) and a payout account (a
freelancer, for payouts). The provider is asked first, outside any transaction; the local row is written after
in a short one. Webhooks (billing/webhooks.py) finish what the browser started: a SetupIntent that succeeded
activates its card, an updated Connect account turns payouts on.
"""

import uuid

from django.conf import settings
from django.db import IntegrityError, transaction

from accounts.models import Role, User
from megilance.api.exceptions import ApplicationError, Forbidden, NotFound

from ..gateways.base import GatewayError, get_gateway
from ..models import PaymentMethod, PaymentMethodStatus, PayoutAccount, PayoutAccountStatus


def _gateway_error(error: GatewayError) -> ApplicationError:
    return ApplicationError(error.message, code=error.code, status_code=502 if error.retryable else 400)


# --- saved payment methods -------------------------------------------------------------------------------------


def _make_default_if_first(method: PaymentMethod) -> None:
    """Called inside a transaction: the first usable method of a person becomes their default."""
    others = PaymentMethod.objects.select_for_update().filter(user_id=method.user_id).exclude(pk=method.pk)
    if not any(other.is_default for other in others):
        method.is_default = True


def payment_method_setup(*, user: User, gateway: str | None = None) -> PaymentMethod:
    """Start saving a card for off-session charges (hourly weeks). With Stripe this creates a SetupIntent: the
    returned method is pending and carries `client_secret` for the browser; the `setup_intent.succeeded`
    webhook activates it. The manual gateway saves a stand-in method at once."""
    if user.role != Role.CLIENT:
        raise Forbidden("Only clients save a payment method; freelancers are paid out instead.")
    provider = get_gateway(gateway)
    if provider.name == "manual":
        with transaction.atomic():
            method = PaymentMethod(user=user, gateway="manual", payment_method_id=f"manual_pm_{uuid.uuid4().hex[:24]}",
                                   brand="manual", last4="0000", status=PaymentMethodStatus.ACTIVE)
            _make_default_if_first(method)
            method.save()
        method.client_secret = None
        return method
    if not hasattr(provider, "create_setup"):
        raise ApplicationError(f"Saving a card is not available with {provider.name}.", code="not_supported")
    try:
        setup = provider.create_setup(user=user, idempotency_key=f"setup-user-{user.pk}-{uuid.uuid4().hex}")
    except GatewayError as error:
        raise _gateway_error(error) from None
    method = PaymentMethod.objects.create(
        user=user, gateway=provider.name, gateway_customer_id=setup.customer_id, setup_reference=setup.reference,
        status=PaymentMethodStatus.PENDING,
    )
    method.client_secret = setup.client_secret
    return method


@transaction.atomic
def payment_method_activate(*, gateway: str, setup_reference: str, payment_method_id: str, brand: str = "",
                            last4: str = "", exp_month: int | None = None, exp_year: int | None = None
                            ) -> PaymentMethod:
    """The provider confirmed the card (webhook). Idempotent: an active method is returned unchanged."""
    method = PaymentMethod.objects.select_for_update().filter(gateway=gateway, setup_reference=setup_reference).first()
    if method is None:
        raise NotFound(f"No saved method waits for {setup_reference!r}.")
    if method.status == PaymentMethodStatus.ACTIVE:
        return method
    method.payment_method_id = payment_method_id
    method.brand, method.last4 = brand[:30], last4[:4]
    method.exp_month, method.exp_year = exp_month, exp_year
    method.status = PaymentMethodStatus.ACTIVE
    _make_default_if_first(method)
    method.save()
    return method


@transaction.atomic
def payment_method_fail(*, gateway: str, setup_reference: str) -> PaymentMethod | None:
    method = PaymentMethod.objects.select_for_update().filter(gateway=gateway, setup_reference=setup_reference).first()
    if method is None or method.status != PaymentMethodStatus.PENDING:
        return method
    method.status = PaymentMethodStatus.FAILED
    method.save(update_fields=["status", "updated_at"])
    return method


def payment_method_remove(*, method: PaymentMethod, actor: User) -> PaymentMethod:
    """Remove a saved method: detached at the provider first, then marked removed here. If it was the default,
    the newest other active method takes its place."""
    if method.user_id != actor.pk:
        raise NotFound("No such payment method.")
    if method.status == PaymentMethodStatus.DETACHED:
        return method
    if method.gateway != "manual" and method.payment_method_id:
        provider = get_gateway(method.gateway)
        try:
            provider.detach_method(payment_method_id=method.payment_method_id)
        except GatewayError as error:
            raise _gateway_error(error) from None
    with transaction.atomic():
        methods = list(PaymentMethod.objects.select_for_update().filter(user_id=method.user_id).order_by("pk"))
        method = next(m for m in methods if m.pk == method.pk)
        was_default = method.is_default
        method.status = PaymentMethodStatus.DETACHED
        method.is_default = False
        method.save(update_fields=["status", "is_default", "updated_at"])
        if was_default:
            heir = max((m for m in methods if m.pk != method.pk and m.status == PaymentMethodStatus.ACTIVE),
                       key=lambda m: (m.created_at, m.pk), default=None)
            if heir is not None:
                heir.is_default = True
                heir.save(update_fields=["is_default", "updated_at"])
    return method


# --- payout accounts -------------------------------------------------------------------------------------------


def payout_account_onboard(*, user: User, gateway: str | None = None, email: str = "",
                           country: str = "") -> tuple[PayoutAccount, str]:
    """Start (or continue) setting up where the freelancer is paid. Returns the account and the provider's
    onboarding link to send the browser to (empty when nothing is left to do there).

    Stripe: a Connect Express account, created once, and a fresh Account Link each time (links expire in
    minutes). PayPal: the PayPal email to pay (the login email unless another is given). Manual: nothing to set
    up, the account is active at once."""
    if user.role != Role.FREELANCER:
        raise Forbidden("Only freelancers set up a payout account.")
    provider = get_gateway(gateway)
    existing = PayoutAccount.objects.filter(user=user, gateway=provider.name).first()
    if provider.name == "stripe":
        try:
            account_id = existing.account_id if existing else provider.create_payout_account(user=user,
                                                                                              country=country)
            site = settings.SITE_URL.rstrip("/")
            url = provider.onboarding_link(account_id=account_id, refresh_url=f"{site}/earnings/payout-account/",
                                           return_url=f"{site}/earnings/?onboarding=done")
        except GatewayError as error:
            raise _gateway_error(error) from None
        account = existing or _payout_account_create(user=user, gateway=provider.name, account_id=account_id,
                                                     status=PayoutAccountStatus.ONBOARDING, enabled=False)
        return account, url
    if provider.name == "paypal":
        account_id = (email or user.email).strip().lower()
    else:
        account_id = f"manual-{user.pk}"
    if existing:
        with transaction.atomic():
            existing = PayoutAccount.objects.select_for_update().get(pk=existing.pk)
            existing.account_id = account_id
            existing.status = PayoutAccountStatus.ACTIVE
            existing.payouts_enabled = existing.details_submitted = True
            existing.save()
        return existing, ""
    return _payout_account_create(user=user, gateway=provider.name, account_id=account_id,
                                  status=PayoutAccountStatus.ACTIVE, enabled=True), ""


def _payout_account_create(*, user: User, gateway: str, account_id: str, status: str, enabled: bool
                           ) -> PayoutAccount:
    try:
        with transaction.atomic():
            return PayoutAccount.objects.create(user=user, gateway=gateway, account_id=account_id, status=status,
                                                payouts_enabled=enabled, details_submitted=enabled)
    except IntegrityError:
        # A second click raced the first one: the account exists now, use it.
        account = PayoutAccount.objects.filter(user=user, gateway=gateway).first()
        if account is None:
            raise ApplicationError("This payout account belongs to someone else.", code="account_taken") from None
        return account


@transaction.atomic
def payout_account_sync(*, gateway: str, account_id: str, payouts_enabled: bool,
                        details_submitted: bool) -> PayoutAccount | None:
    """The provider told us the account's state (Stripe's `account.updated`)."""
    account = PayoutAccount.objects.select_for_update().filter(gateway=gateway, account_id=account_id).first()
    if account is None:
        return None
    account.payouts_enabled = payouts_enabled
    account.details_submitted = details_submitted
    if payouts_enabled:
        account.status = PayoutAccountStatus.ACTIVE
    elif details_submitted:
        account.status = PayoutAccountStatus.RESTRICTED
    else:
        account.status = PayoutAccountStatus.ONBOARDING
    account.save()
    return account
