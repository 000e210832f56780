"""Fakes that stand in for the network under the payment adapters, so no test talks to Stripe or PayPal.

- `FakeStripeHTTP` replaces the `stripe` library's HTTP client: it answers canned JSON per (method, path) and
  records each request with its decoded form body.
- `FakePayPalTransport` is a `requests` transport adapter mounted on the PayPal client's session.
- `stripe_signature` signs a webhook body exactly as Stripe does: `t=<ts>,v1=<hex hmac_sha256(secret, "t.body")>`.
"""

import hashlib
import hmac
import io
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatch
from urllib.parse import parse_qsl, urlsplit

import requests
import stripe
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


def stripe_signature(payload: str, secret: str, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def stripe_event(event_type: str, obj: dict, *, event_id: str | None = None) -> str:
    """A webhook body shaped like Stripe's (API version of the installed library)."""
    return json.dumps({
        "id": event_id or f"evt_{next(_ids)}",
        "object": "event",
        "api_version": stripe.api_version,
        "created": int(time.time()),
        "type": event_type,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": obj},
    })


_ids = itertools.count(1000)


def _unflatten(pairs) -> dict:
    """Stripe form-encodes nested params as `metadata[escrow_id]=7`; turn them back into dicts for asserts."""
    result: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict
    params: dict
    body_json: dict | None = None


class FakeStripeHTTP(stripe.HTTPClient):
    """routes: {("POST", "/v1/payment_intents"): dict | callable(params) -> dict | (dict, status)}."""

    name = "megilance-fake"

    def __init__(self, routes: dict | None = None):
        super().__init__()
        self.routes = routes or {}
        self.requests: list[RecordedRequest] = []

    def on(self, method: str, path: str, response: dict | Callable):
        self.routes[(method.upper(), path)] = response
        return self

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        pairs = parse_qsl(post_data.decode() if isinstance(post_data, bytes) else (post_data or ""))
        pairs += parse_qsl(parts.query)
        params = _unflatten(pairs)
        self.requests.append(RecordedRequest(method.upper(), parts.path, dict(headers or {}), params))
        handler = self.routes.get((method.upper(), parts.path))
        if handler is None:
            # Routes may end in "/*" for an id in the path: the handler then gets the path as "__path__".
            for (route_method, route_path), candidate in self.routes.items():
                if route_method == method.upper() and route_path.endswith("/*") and fnmatch(parts.path, route_path):
                    handler = candidate
                    params = {**params, "__path__": parts.path}
                    break
        if handler is None:
            body, status = {"error": {"type": "invalid_request_error",
                                      "message": f"No fake for {method.upper()} {parts.path}"}}, 404
        else:
            result = handler(params) if callable(handler) else handler
            body, status = result if isinstance(result, tuple) else (result, 200)
        headers = {"Request-Id": f"req_{next(_ids)}"}
        if status >= 400:
            # The library would retry a 5xx after a sleep; the fake's answer is final, so say so.
            headers["stripe-should-retry"] = "false"
        return json.dumps(body), status, headers

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        content, status, headers = self.request(method, url, headers, post_data)
        return io.BytesIO(content.encode()), status, headers

    def close(self):
        pass

    def calls(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method.upper() and r.path == path]


class FakePayPalTransport(BaseAdapter):
    """Mount with `session.mount("https://", transport)`. Routes as for FakeStripeHTTP; callables get the
    decoded JSON body (or form fields for the OAuth call)."""

    def __init__(self, routes: dict | None = None):
        super().__init__()
        self.routes = routes or {}
        self.requests: list[RecordedRequest] = []

    def on(self, method: str, path: str, response):
        self.routes[(method.upper(), path)] = response
        return self

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        raw = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
        try:
            body_json = json.loads(raw) if raw else None
        except ValueError:
            body_json = None
        params = dict(parse_qsl(raw)) if body_json is None else {}
        self.requests.append(RecordedRequest(request.method, parts.path, dict(request.headers), params, body_json))
        handler = self.routes.get((request.method, parts.path))
        if handler is None:
            body, status = {"name": "RESOURCE_NOT_FOUND", "message": f"No fake for {parts.path}"}, 404
        else:
            result = handler(body_json if body_json is not None else params) if callable(handler) else handler
            body, status = result if isinstance(result, tuple) else (result, 200)
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass

    def calls(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method.upper() and r.path == path]


def paypal_session(transport: FakePayPalTransport) -> requests.Session:
    session = requests.Session()
    session.mount("https://", transport)
    session.mount("http://", transport)
    return session


PAYPAL_TOKEN = {"access_token": "A21AAFakeToken", "token_type": "Bearer", "expires_in": 32400}


def install_stripe_defaults(fake: FakeStripeHTTP, *, refund_status: str = "succeeded", fee_cents: int = 1480):
    """Canned answers for every Stripe endpoint the adapter uses, shaped like Stripe's (trimmed)."""
    intents: dict[str, dict] = {}

    def create_intent(params):
        number = next(_ids)
        status = "succeeded" if params.get("confirm") == "true" else "requires_payment_method"
        intent = {"id": f"pi_{number}", "object": "payment_intent", "amount": int(params["amount"]),
                  "currency": params["currency"], "status": status, "client_secret": f"pi_{number}_secret_x",
                  "customer": params.get("customer"), "metadata": params.get("metadata", {}),
                  "latest_charge": f"ch_{number}" if status == "succeeded" else None}
        intents[intent["id"]] = intent
        return intent

    def intent_by_path(params):
        path_id = params["__path__"].split("/")[3]
        intent = dict(intents.get(path_id) or {"id": path_id, "object": "payment_intent", "amount": 0,
                                               "currency": "usd", "metadata": {}})
        if params["__path__"].endswith("/cancel"):
            intent["status"] = "canceled"
            return intent
        # Read after the payer confirmed: succeeded, with the charge's balance transaction expanded.
        intent["status"] = "succeeded"
        intent["latest_charge"] = {
            "id": f"ch_{path_id}", "object": "charge",
            "balance_transaction": {"id": f"txn_{path_id}", "object": "balance_transaction",
                                    "amount": intent["amount"], "fee": fee_cents, "currency": intent["currency"]},
        }
        return intent

    fake.on("POST", "/v1/payment_intents", create_intent)
    fake.on("GET", "/v1/payment_intents/*", intent_by_path)
    fake.on("POST", "/v1/payment_intents/*", intent_by_path)
    fake.on("GET", "/v1/payment_methods/*", lambda p: stripe_card(p["__path__"].split("/")[3]))
    fake.on("POST", "/v1/payment_methods/*", lambda p: {**stripe_card(p["__path__"].split("/")[3]),
                                                        "customer": None})
    fake.intents = intents
    fake.on("POST", "/v1/refunds", lambda p: {
        "id": f"re_{next(_ids)}", "object": "refund", "amount": int(p["amount"]), "currency": "usd",
        "payment_intent": p["payment_intent"], "status": refund_status, "metadata": p.get("metadata", {})})
    fake.on("POST", "/v1/transfers", lambda p: {
        "id": f"tr_{next(_ids)}", "object": "transfer", "amount": int(p["amount"]), "currency": p["currency"],
        "destination": p["destination"], "reversed": False, "metadata": p.get("metadata", {})})
    fake.on("POST", "/v1/customers", lambda p: {"id": f"cus_{next(_ids)}", "object": "customer",
                                                "email": p.get("email")})
    fake.on("POST", "/v1/setup_intents", lambda p: {
        "id": f"seti_{next(_ids)}", "object": "setup_intent", "customer": p["customer"],
        "status": "requires_payment_method", "client_secret": "seti_secret_x", "usage": "off_session"})
    fake.on("POST", "/v1/accounts", lambda p: {"id": f"acct_{next(_ids)}", "object": "account", "type": "express",
                                               "payouts_enabled": False, "details_submitted": False})
    fake.on("POST", "/v1/account_links", lambda p: {
        "object": "account_link", "url": f"https://connect.stripe.com/setup/e/{p['account']}/x",
        "expires_at": int(time.time()) + 300})
    return fake


def stripe_card(pm_id: str = "pm_card_visa") -> dict:
    return {"id": pm_id, "object": "payment_method", "type": "card",
            "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2034}}
