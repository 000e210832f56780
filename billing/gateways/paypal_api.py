"""A small client for PayPal's REST API: OAuth token, Orders (fund), captures' refunds, Payouts and the
webhook signature check. Everything goes through one `requests.Session`, so tests mount a fake transport
adapter on it and no test reaches PayPal."""

import json
import logging
import threading
import time
from decimal import Decimal

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

BASE_URLS = {
    "sandbox": "https://api-m.sandbox.paypal.com",
    "live": "https://api-m.paypal.com",
}
TIMEOUT_SECONDS = 20
# Headers PayPal sends with every webhook delivery; all five are needed to verify it.
WEBHOOK_HEADERS = {
    "auth_algo": "PAYPAL-AUTH-ALGO",
    "cert_url": "PAYPAL-CERT-URL",
    "transmission_id": "PAYPAL-TRANSMISSION-ID",
    "transmission_sig": "PAYPAL-TRANSMISSION-SIG",
    "transmission_time": "PAYPAL-TRANSMISSION-TIME",
}


def new_session() -> requests.Session:
    """The HTTP session of a new client. Tests replace it with one whose transport answers for PayPal."""
    return requests.Session()


class PayPalError(Exception):
    def __init__(self, message: str, *, status: int | None = None, body=None):
        super().__init__(message)
        self.status = status
        self.body = body


def money(amount: Decimal, currency: str) -> dict:
    return {"currency_code": currency.upper(), "value": f"{Decimal(amount):.2f}"}


class PayPalAPI:
    def __init__(self, *, client_id: str | None = None, client_secret: str | None = None, mode: str | None = None,
                 session: requests.Session | None = None):
        self.client_id = client_id if client_id is not None else settings.PAYPAL_CLIENT_ID
        self.client_secret = client_secret if client_secret is not None else settings.PAYPAL_CLIENT_SECRET
        self.mode = mode or settings.PAYPAL_MODE
        if self.mode not in BASE_URLS:
            raise PayPalError(f"PAYPAL_MODE must be one of {sorted(BASE_URLS)}, not {self.mode!r}.")
        self.base_url = BASE_URLS[self.mode]
        self.session = session or new_session()
        self._token: str | None = None
        self._token_expires = 0.0
        self._lock = threading.Lock()

    # --- plumbing -------------------------------------------------------------------------------------------

    def access_token(self) -> str:
        """An OAuth2 client-credentials token, reused until a minute before it expires."""
        with self._lock:
            if self._token and time.monotonic() < self._token_expires:
                return self._token
            if not (self.client_id and self.client_secret):
                raise PayPalError("PayPal is not configured: set PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET.")
            response = self._send("POST", "/v1/oauth2/token", auth=(self.client_id, self.client_secret),
                                  data={"grant_type": "client_credentials"},
                                  headers={"Accept": "application/json"})
            body = response.json()
            self._token = body["access_token"]
            self._token_expires = time.monotonic() + max(int(body.get("expires_in", 300)) - 60, 0)
            return self._token

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        try:
            response = self.session.request(method, self.base_url + path, timeout=TIMEOUT_SECONDS, **kwargs)
        except requests.RequestException as exc:
            raise PayPalError(f"PayPal could not be reached: {exc}") from exc
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = response.text
            message = body.get("message") or body.get("error_description") if isinstance(body, dict) else body
            raise PayPalError(f"PayPal answered {response.status_code}: {message}", status=response.status_code,
                              body=body)
        return response

    def call(self, method: str, path: str, *, body=None, raw_body: str | None = None,
             request_id: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self.access_token()}", "Content-Type": "application/json",
                   "Accept": "application/json"}
        if request_id:
            # PayPal's idempotency header: a retried call with the same id does not create a second object.
            headers["PayPal-Request-Id"] = request_id
        data = raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)
        response = self._send(method, path, data=data, headers=headers)
        return response.json() if response.content else {}

    # --- Orders: a client pays into escrow -------------------------------------------------------------------

    def order_create(self, *, amount: Decimal, currency: str, reference: str, description: str = "",
                     return_url: str = "", cancel_url: str = "") -> dict:
        unit = {"reference_id": reference, "custom_id": reference, "amount": money(amount, currency)}
        if description:
            unit["description"] = description[:127]
        body = {"intent": "CAPTURE", "purchase_units": [unit]}
        if return_url or cancel_url:
            body["payment_source"] = {"paypal": {"experience_context": {
                "return_url": return_url, "cancel_url": cancel_url, "user_action": "PAY_NOW",
                "shipping_preference": "NO_SHIPPING", "brand_name": "MegiLance"}}}
        return self.call("POST", "/v2/checkout/orders", body=body, request_id=f"order-{reference}")

    def order_capture(self, *, order_id: str) -> dict:
        return self.call("POST", f"/v2/checkout/orders/{order_id}/capture", body={},
                         request_id=f"capture-{order_id}")

    def order_get(self, *, order_id: str) -> dict:
        return self.call("GET", f"/v2/checkout/orders/{order_id}")

    def capture_refund(self, *, capture_id: str, amount: Decimal, currency: str, reference: str) -> dict:
        return self.call("POST", f"/v2/payments/captures/{capture_id}/refund",
                         body={"amount": money(amount, currency), "custom_id": reference},
                         request_id=f"refund-{reference}")

    # --- Payouts: a freelancer is paid ------------------------------------------------------------------------

    def payout_create(self, *, amount: Decimal, currency: str, receiver: str, reference: str,
                      note: str = "") -> dict:
        body = {
            "sender_batch_header": {"sender_batch_id": reference, "email_subject": "You have a MegiLance payout"},
            "items": [{
                "recipient_type": "EMAIL",
                "amount": {"value": f"{Decimal(amount):.2f}", "currency": currency.upper()},
                "receiver": receiver,
                "note": note or "MegiLance payout",
                "sender_item_id": reference,
            }],
        }
        return self.call("POST", "/v1/payments/payouts", body=body, request_id=f"payout-{reference}")

    # --- Webhooks ---------------------------------------------------------------------------------------------

    def webhook_verify(self, *, headers, raw_body: bytes, webhook_id: str) -> bool:
        """Ask PayPal whether this delivery is genuine. The event is passed on byte for byte: re-serialising it
        could change the text PayPal signed."""
        fields = {}
        for key, header in WEBHOOK_HEADERS.items():
            value = headers.get(header)
            if not value:
                return False
            fields[key] = value
        if not webhook_id:
            raise PayPalError("PAYPAL_WEBHOOK_ID is not set; PayPal webhooks cannot be verified.")
        try:
            event_text = raw_body.decode("utf-8")
            json.loads(event_text)
        except (UnicodeDecodeError, ValueError):
            return False
        envelope = json.dumps({**fields, "webhook_id": webhook_id})
        raw = envelope[:-1] + ', "webhook_event": ' + event_text + "}"
        body = self.call("POST", "/v1/notifications/verify-webhook-signature", raw_body=raw)
        return body.get("verification_status") == "SUCCESS"
