"""Incoming provider webhooks: verify, record once, answer fast, act in a task.

1. The signature is checked on the raw body before anything else (Stripe's `Stripe-Signature` HMAC, PayPal's
   verify-webhook-signature call). A delivery that fails is refused with 400 and nothing is written.
2. The event is written to `webhook_events` under the unique (gateway, event id): a repeated delivery finds the
   row and changes nothing.
3. The work runs in the Celery task `billing.process_webhook_event` after the commit (in-process when Celery is
   eager). Handlers call the money services' entry points by provider reference
   (escrow_confirm_funding, refund_mark_processed, payout_mark_paid, ...), which are idempotent themselves, so
   a task that runs twice (a retry, a redelivery) still moves money once.

A handler that fails for a passing reason (the provider did not answer, the local row is not committed yet)
leaves the event unprocessed with its error, and the task retries. A handler refused by a business rule (money
arrived for an escrow that expired) marks the event processed with the refusal in `error`, for staff to see.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from megilance.api.exceptions import ApplicationError, NotFound

from .gateways.base import FAILED, SUCCEEDED, GatewayError, get_gateway
from .gateways.paypal import PAYOUT_ITEM_FAILED, capture_fee
from .models import Escrow, EscrowStatus, Payment, PaymentType, Payout, PayoutStatus, Refund, WebhookEvent
from .services import escrow as escrow_services
from .services import gateway_accounts
from .services import payouts as payout_services
from .services import refunds as refund_services

logger = logging.getLogger(__name__)

RETRY_LIMIT = 8


class WebhookRejected(Exception):
    """The delivery is not genuine or not readable: answer 400 and write nothing."""

    def __init__(self, message: str, *, code: str = "invalid_webhook"):
        super().__init__(message)
        self.message = message
        self.code = code


class RetryLater(Exception):
    """The event belongs to MegiLance but cannot be applied yet (e.g. its row is not committed)."""


# --- receiving -------------------------------------------------------------------------------------------------


def webhook_event_record(*, gateway: str, event_id: str, event_type: str, payload: dict
                         ) -> tuple[WebhookEvent, bool]:
    """Store the event once. Returns (event, created); a repeated delivery returns the stored row unchanged."""
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(gateway=gateway, event_id=event_id[:255], type=event_type[:100],
                                                payload=payload)
    except IntegrityError:
        event = WebhookEvent.objects.get(gateway=gateway, event_id=event_id[:255])
        if event.processed_at is None:
            # Not applied yet (its task failed, or was lost): the redelivery is another chance. Applying is
            # idempotent, so a task still running for it does no harm.
            transaction.on_commit(lambda: process_webhook_event.delay(event.pk))
        return event, False
    transaction.on_commit(lambda: process_webhook_event.delay(event.pk))
    return event, True


def stripe_webhook_receive(*, raw_body: bytes, signature: str | None) -> tuple[WebhookEvent, bool]:
    import stripe

    from .gateways.stripe import StripeGateway

    try:
        event = StripeGateway.verify_webhook(raw_body=raw_body, signature=signature)
    except stripe.SignatureVerificationError as error:
        raise WebhookRejected(f"The Stripe signature does not match: {error.user_message or error}",
                              code="invalid_signature") from None
    except ValueError:
        raise WebhookRejected("The body is not a Stripe event.", code="invalid_payload") from None
    return webhook_event_record(gateway="stripe", event_id=event["id"], event_type=event["type"], payload=event)


def paypal_webhook_receive(*, raw_body: bytes, headers) -> tuple[WebhookEvent, bool]:
    try:
        event = get_gateway("paypal").verify_webhook(raw_body=raw_body, headers=headers)
    except GatewayError as error:
        # PayPal could not tell: refuse the delivery (PayPal sends it again) rather than trust it.
        logger.warning("PayPal webhook not verified: %s", error)
        raise WebhookRejected("PayPal could not verify this event now.", code="verification_unavailable") from None
    if event is None:
        raise WebhookRejected("PayPal did not verify this event.", code="invalid_signature")
    return webhook_event_record(gateway="paypal", event_id=event["id"], event_type=event["event_type"],
                                payload=event)


# --- processing ------------------------------------------------------------------------------------------------


@shared_task(bind=True, name="billing.process_webhook_event", max_retries=RETRY_LIMIT, acks_late=True)
def process_webhook_event(self, event_id: int) -> bool:
    done = webhook_event_process(event_id=event_id)
    if not done and not self.request.is_eager and self.request.retries < RETRY_LIMIT:
        raise self.retry(countdown=min(30 * 2 ** self.request.retries, 3600))
    return done


@shared_task(name="billing.retry_webhook_events")
def retry_webhook_events(*, older_than_minutes: int = 5, limit: int = 200) -> int:
    """The sweep (Celery beat): apply events still unprocessed some minutes after they arrived, e.g. when a
    worker restarted and lost the task, or Celery runs eagerly and never retries. Returns how many got done."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    due = (WebhookEvent.objects.filter(processed_at__isnull=True, received_at__lte=cutoff,
                                       attempts__lt=RETRY_LIMIT * 2)
           .order_by("pk").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in list(due) if webhook_event_process(event_id=pk))


def webhook_event_process(*, event_id: int) -> bool:
    """Apply one recorded event. Returns True when it is processed (now or before)."""
    event = WebhookEvent.objects.get(pk=event_id)
    if event.processed_at is not None:
        return True
    handler = HANDLERS.get(event.gateway, {}).get(event.type)
    note = ""
    try:
        if handler is not None:
            note = handler(_object_of(event)) or ""
    except ApplicationError as error:
        if isinstance(error, NotFound):
            return _failed(event, f"{error.message} (will retry)")
        # A business rule refused it: retrying cannot help. Kept visible to staff in the admin.
        logger.error("Webhook %s %s refused: %s", event.gateway, event.event_id, error.message)
        note = f"refused: {error.message}"
    except (RetryLater, GatewayError) as error:
        return _failed(event, str(error))
    except Exception as error:
        logger.exception("Webhook %s %s failed", event.gateway, event.event_id)
        return _failed(event, f"{type(error).__name__}: {error}")
    WebhookEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
        processed_at=timezone.now(), error=note[:2000], attempts=F("attempts") + 1)
    return True


def _object_of(event: WebhookEvent) -> dict:
    """The provider object the event is about: Stripe's `data.object`, PayPal's `resource`."""
    if event.gateway == "stripe":
        return (event.payload.get("data") or {}).get("object") or {}
    return event.payload.get("resource") or {}


def _failed(event: WebhookEvent, message: str) -> bool:
    WebhookEvent.objects.filter(pk=event.pk).update(error=message[:2000], attempts=F("attempts") + 1)
    return False


# --- finding MegiLance's rows from a provider's object -----------------------------------------------------------


def _metadata_id(obj: dict, key: str) -> int | None:
    value = (obj.get("metadata") or {}).get(key)
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _escrow_for(gateway: str, reference: str, obj: dict | None = None) -> Escrow | None:
    """The escrow this provider payment funds. Found by reference; else by the escrow id in the metadata, when
    the provider's answer was never stored (a crash between the call and the write, or an off-session charge
    whose webhook won the race): the reference is then written as the funding service would have."""
    if not reference:
        return None
    escrow = Escrow.objects.filter(gateway=gateway, gateway_reference=reference).first()
    if escrow is not None:
        return escrow
    escrow_id = _metadata_id(obj or {}, "escrow_id")
    if escrow_id is None:
        return None
    if not Escrow.objects.filter(pk=escrow_id, gateway=gateway).exists():
        raise RetryLater(f"Escrow {escrow_id} is not in the database yet.")
    updated = Escrow.objects.filter(pk=escrow_id, gateway=gateway, gateway_reference="").update(
        gateway_reference=reference)
    if updated:
        Payment.objects.filter(escrow_id=escrow_id, gateway_reference="",
                               payment_type__in=[PaymentType.ESCROW_FUNDING, PaymentType.DEPOSIT]
                               ).update(gateway_reference=reference)
    return Escrow.objects.filter(gateway=gateway, gateway_reference=reference).first()


def _refund_for(gateway: str, reference: str, obj: dict | None = None) -> Refund | None:
    refund = Refund.objects.filter(gateway=gateway, gateway_reference=reference).first() if reference else None
    if refund is not None:
        return refund
    refund_id = _metadata_id(obj or {}, "refund_id")
    if refund_id is None or not reference:
        return None
    updated = Refund.objects.filter(pk=refund_id, gateway=gateway, gateway_reference="").update(
        gateway_reference=reference)
    if updated:
        Payment.objects.filter(refund_record__pk=refund_id, gateway_reference="").update(gateway_reference=reference)
    return Refund.objects.filter(gateway=gateway, gateway_reference=reference).first()


def _payout_for(gateway: str, reference: str, obj: dict | None = None) -> Payout | None:
    payout = Payout.objects.filter(gateway=gateway, gateway_reference=reference).first() if reference else None
    if payout is not None:
        return payout
    payout_id = _metadata_id(obj or {}, "payout_id")
    if payout_id is None or not reference:
        return None
    updated = Payout.objects.filter(pk=payout_id, gateway=gateway, gateway_reference="").update(
        gateway_reference=reference)
    if updated:
        Payment.objects.filter(payout_record__pk=payout_id, gateway_reference="").update(gateway_reference=reference)
    return Payout.objects.filter(gateway=gateway, gateway_reference=reference).first()


# --- Stripe ----------------------------------------------------------------------------------------------------


def _stripe_intent_succeeded(obj: dict) -> str:
    escrow = _escrow_for("stripe", obj.get("id", ""), obj)
    if escrow is None:
        return "ignored: not a MegiLance escrow payment"
    if escrow.status != EscrowStatus.PENDING:
        escrow_services.escrow_confirm_funding(reference=escrow.gateway_reference)  # raises if it expired
        return f"escrow {escrow.pk} already {escrow.status}"
    fee = None
    try:
        fee = get_gateway("stripe").funding_fee(reference=escrow.gateway_reference)
    except GatewayError as error:
        # The fee is the platform's cost, recorded when known; the client's money must not wait for it.
        logger.warning("Stripe fee of %s unknown: %s", escrow.gateway_reference, error)
    escrow_services.escrow_confirm_funding(reference=escrow.gateway_reference, gateway_fee=fee)
    return f"escrow {escrow.pk} funded"


def _stripe_intent_failed(obj: dict) -> str:
    escrow = _escrow_for("stripe", obj.get("id", ""), obj)
    if escrow is None:
        return "ignored: not a MegiLance escrow payment"
    reason = ((obj.get("last_payment_error") or {}).get("message") or "The payment failed.")[:255]
    escrow = escrow_services.escrow_fail_funding(reference=escrow.gateway_reference, reason=reason)
    if escrow.status == EscrowStatus.EXPIRED and obj.get("status") != "canceled":
        # The escrow was given up: cancel the PaymentIntent so that a later retry in the browser cannot take
        # money for it. The client funds the milestone again from a fresh start.
        try:
            get_gateway("stripe").cancel_funding(reference=escrow.gateway_reference)
        except GatewayError as error:
            logger.warning("Could not cancel PaymentIntent %s: %s", escrow.gateway_reference, error)
    return f"escrow {escrow.pk} {escrow.status}"


def _stripe_refund(obj: dict) -> str:
    refund = _refund_for("stripe", obj.get("id", ""), obj)
    if refund is None:
        return "ignored: not a MegiLance refund"
    status = obj.get("status")
    if status == "succeeded":
        refund = refund_services.refund_mark_processed(reference=refund.gateway_reference)
    elif status in ("failed", "canceled"):
        refund = refund_services.refund_mark_failed(reference=refund.gateway_reference,
                                                    reason=obj.get("failure_reason") or f"refund {status}")
    return f"refund {refund.pk} {refund.status}"


def _stripe_charge_refunded(obj: dict) -> str:
    # Stripe embeds the charge's refunds only in older API versions; refund.updated covers the others.
    notes = [_stripe_refund(item) for item in (obj.get("refunds") or {}).get("data", [])]
    return "; ".join(notes) or "no refunds embedded"


def _stripe_transfer_created(obj: dict) -> str:
    payout = _payout_for("stripe", obj.get("id", ""), obj)
    if payout is None:
        return "ignored: not a MegiLance payout"
    if obj.get("reversed"):
        payout = payout_services.payout_mark_failed(reference=payout.gateway_reference,
                                                    reason="The transfer was reversed.")
    else:
        payout = payout_services.payout_mark_paid(reference=payout.gateway_reference)
    return f"payout {payout.pk} {payout.status}"


def _stripe_transfer_reversed(obj: dict) -> str:
    payout = _payout_for("stripe", obj.get("id", ""), obj)
    if payout is None:
        return "ignored: not a MegiLance payout"
    if payout.status == PayoutStatus.PAID:
        # Money already counted as paid out came back to the platform balance: staff decide what to do.
        logger.error("Stripe transfer %s of paid payout %s was reversed", obj.get("id"), payout.pk)
        return f"refused: payout {payout.pk} was paid and its transfer was reversed; staff must follow up"
    payout = payout_services.payout_mark_failed(reference=payout.gateway_reference,
                                                reason="The transfer was reversed.")
    return f"payout {payout.pk} {payout.status}"


def _stripe_payout(succeeded: bool):
    def handle(obj: dict) -> str:
        payout = _payout_for("stripe", obj.get("id", ""), obj)
        if payout is None:
            return "ignored: a payout of a connected account's own balance"
        if succeeded:
            payout = payout_services.payout_mark_paid(reference=payout.gateway_reference)
        else:
            payout = payout_services.payout_mark_failed(
                reference=payout.gateway_reference, reason=obj.get("failure_message") or "The payout failed.")
        return f"payout {payout.pk} {payout.status}"

    return handle


def _stripe_account_updated(obj: dict) -> str:
    from .gateways.stripe import account_state

    account = gateway_accounts.payout_account_sync(gateway="stripe", account_id=obj.get("id", ""),
                                                   **account_state(obj))
    return f"payout account {account.pk} {account.status}" if account else "ignored: unknown account"


def _stripe_setup_succeeded(obj: dict) -> str:
    from .models import PaymentMethod

    if not PaymentMethod.objects.filter(gateway="stripe", setup_reference=obj.get("id", "")).exists():
        return "ignored: not a MegiLance saved card"
    details = get_gateway("stripe").card_details(payment_method_id=obj.get("payment_method") or "")
    method = gateway_accounts.payment_method_activate(
        gateway="stripe", setup_reference=obj["id"], payment_method_id=details.payment_method_id,
        brand=details.brand, last4=details.last4, exp_month=details.exp_month, exp_year=details.exp_year)
    return f"payment method {method.pk} {method.status}"


def _stripe_setup_failed(obj: dict) -> str:
    method = gateway_accounts.payment_method_fail(gateway="stripe", setup_reference=obj.get("id", ""))
    return f"payment method {method.pk} {method.status}" if method else "ignored: not a MegiLance saved card"


# --- PayPal ----------------------------------------------------------------------------------------------------


def _paypal_order_approved(obj: dict) -> str:
    escrow = _escrow_for("paypal", obj.get("id", ""))
    if escrow is None:
        return "ignored: not a MegiLance order"
    if escrow.status != EscrowStatus.PENDING:
        return f"escrow {escrow.pk} already {escrow.status}"
    result = get_gateway("paypal").capture(reference=escrow.gateway_reference)
    if result.status == SUCCEEDED:
        escrow_services.escrow_confirm_funding(reference=escrow.gateway_reference, gateway_fee=result.fee)
        return f"escrow {escrow.pk} funded"
    if result.status == FAILED:
        escrow_services.escrow_fail_funding(reference=escrow.gateway_reference, reason=result.failure_reason)
        return f"escrow {escrow.pk} failed"
    return f"escrow {escrow.pk} capture pending"


def _order_id_of_capture(obj: dict) -> str:
    return ((obj.get("supplementary_data") or {}).get("related_ids") or {}).get("order_id", "")


def _paypal_capture_completed(obj: dict) -> str:
    escrow = _escrow_for("paypal", _order_id_of_capture(obj))
    if escrow is None:
        return "ignored: not a MegiLance order"
    escrow = escrow_services.escrow_confirm_funding(reference=escrow.gateway_reference,
                                                    gateway_fee=capture_fee(obj))
    return f"escrow {escrow.pk} {escrow.status}"


def _paypal_capture_denied(obj: dict) -> str:
    escrow = _escrow_for("paypal", _order_id_of_capture(obj))
    if escrow is None:
        return "ignored: not a MegiLance order"
    escrow = escrow_services.escrow_fail_funding(reference=escrow.gateway_reference,
                                                 reason="PayPal declined the payment.")
    return f"escrow {escrow.pk} {escrow.status}"


def _paypal_refund(obj: dict) -> str:
    refund = _refund_for("paypal", obj.get("id", ""))
    if refund is None:
        return "ignored: not a MegiLance refund"
    if obj.get("status", "COMPLETED") == "COMPLETED":
        refund = refund_services.refund_mark_processed(reference=refund.gateway_reference)
    elif obj.get("status") in ("FAILED", "CANCELLED"):
        refund = refund_services.refund_mark_failed(reference=refund.gateway_reference,
                                                    reason="PayPal could not refund.")
    return f"refund {refund.pk} {refund.status}"


def _paypal_payout_item(obj: dict) -> str:
    payout = _payout_for("paypal", obj.get("payout_batch_id", ""))
    if payout is None:
        return "ignored: not a MegiLance payout"
    status = (obj.get("transaction_status") or "").upper()
    if status == "SUCCESS":
        payout = payout_services.payout_mark_paid(reference=payout.gateway_reference)
    elif status in PAYOUT_ITEM_FAILED:
        errors = obj.get("errors") or {}
        payout = payout_services.payout_mark_failed(
            reference=payout.gateway_reference, reason=errors.get("message") or f"PayPal payout {status.lower()}")
    return f"payout {payout.pk} {payout.status}"


def _paypal_batch_denied(obj: dict) -> str:
    payout = _payout_for("paypal", (obj.get("batch_header") or {}).get("payout_batch_id", ""))
    if payout is None:
        return "ignored: not a MegiLance payout"
    payout = payout_services.payout_mark_failed(reference=payout.gateway_reference, reason="PayPal denied the payout.")
    return f"payout {payout.pk} {payout.status}"


HANDLERS = {
    "stripe": {
        "payment_intent.succeeded": _stripe_intent_succeeded,
        "payment_intent.payment_failed": _stripe_intent_failed,
        "payment_intent.canceled": _stripe_intent_failed,
        "charge.refunded": _stripe_charge_refunded,
        "refund.created": _stripe_refund,
        "refund.updated": _stripe_refund,
        "refund.failed": _stripe_refund,
        "transfer.created": _stripe_transfer_created,
        "transfer.reversed": _stripe_transfer_reversed,
        "payout.paid": _stripe_payout(succeeded=True),
        "payout.failed": _stripe_payout(succeeded=False),
        "account.updated": _stripe_account_updated,
        "setup_intent.succeeded": _stripe_setup_succeeded,
        "setup_intent.setup_failed": _stripe_setup_failed,
    },
    "paypal": {
        "CHECKOUT.ORDER.APPROVED": _paypal_order_approved,
        "PAYMENT.CAPTURE.COMPLETED": _paypal_capture_completed,
        "PAYMENT.CAPTURE.DENIED": _paypal_capture_denied,
        "PAYMENT.CAPTURE.DECLINED": _paypal_capture_denied,
        "PAYMENT.CAPTURE.REFUNDED": _paypal_refund,
        "PAYMENT.PAYOUTS-ITEM.SUCCEEDED": _paypal_payout_item,
        "PAYMENT.PAYOUTS-ITEM.FAILED": _paypal_payout_item,
        "PAYMENT.PAYOUTS-ITEM.BLOCKED": _paypal_payout_item,
        "PAYMENT.PAYOUTS-ITEM.DENIED": _paypal_payout_item,
        "PAYMENT.PAYOUTS-ITEM.RETURNED": _paypal_payout_item,
        "PAYMENT.PAYOUTS-ITEM.UNCLAIMED": _paypal_payout_item,
        "PAYMENT.PAYOUTSBATCH.DENIED": _paypal_batch_denied,
    },
}

