"""Each delivery channel against a real receiver: an SMTP server, a push endpoint, Twilio's client."""

import base64
import email
import json
import os
import socket
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import http_ece
import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from twilio.http import HttpClient
from twilio.http.response import Response as TwilioResponse

from engagement import sms, tasks
from engagement.models import Notification, PushSubscription
from engagement.services.notifications import notification_create, notification_preferences_update

pytestmark = pytest.mark.django_db


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# --- email ---------------------------------------------------------------------------------------------------------

class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    # aiosmtpd checks the server by connecting to the given port, so it needs a real one, not 0.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def test_instant_email_goes_through_a_real_smtp_server(smtp_server, client_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        note = notification_create(user=client_user, notification_type="proposal_submitted",
                                   title="New proposal on “Logo design”", message="Bob bid 800.00 USD.",
                                   link="/projects/1/proposals/")
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == [client_user.email]
    parsed = email.message_from_bytes(envelope.content, policy=policy.default)
    assert parsed["Subject"] == "New proposal on “Logo design”"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "Bob bid 800.00 USD." in text and "/projects/1/proposals/" in text
    assert "Open on MegiLance" in html
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_daily_digest_waits_and_sends_one_email(smtp_server, client_user, django_capture_on_commit_callbacks):
    notification_preferences_update(user=client_user, email_frequency="daily")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            notification_create(user=client_user, notification_type="proposal_submitted", title=f"Proposal {n}")
    assert smtp_server.messages == []
    assert Notification.objects.filter(user=client_user, digest_pending=True).count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_notification_digests() == 1
    assert len(smtp_server.messages) == 1
    parsed = email.message_from_bytes(smtp_server.messages[0].content, policy=policy.default)
    assert "3 updates" in parsed["Subject"]
    body = parsed.get_body(("plain",)).get_content()
    assert all(f"Proposal {n}" in body for n in range(3))
    assert not Notification.objects.filter(digest_pending=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_notification_digests() == 0  # nothing twice


def test_email_off_sends_nothing(smtp_server, client_user, django_capture_on_commit_callbacks):
    notification_preferences_update(user=client_user, channels={"proposal_submitted": {"email": False}})
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(user=client_user, notification_type="proposal_submitted", title="x")
    assert smtp_server.messages == []


# --- web push ------------------------------------------------------------------------------------------------------

class PushEndpoint(BaseHTTPRequestHandler):
    received: list = []
    status = 201

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        PushEndpoint.received.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                      "body": self.rfile.read(length)})
        self.send_response(PushEndpoint.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def push_endpoint():
    PushEndpoint.received = []
    PushEndpoint.status = 201
    server = HTTPServer(("127.0.0.1", 0), PushEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def vapid(settings):
    key = ec.generate_private_key(ec.SECP256R1())
    raw_private = key.private_numbers().private_value.to_bytes(32, "big")
    settings.VAPID_PRIVATE_KEY = b64url(raw_private)
    settings.VAPID_PUBLIC_KEY = b64url(key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    return settings


@pytest.fixture
def browser_keys():
    """What a browser's PushManager creates: an ECDH key pair and a 16-byte auth secret."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(serialization.Encoding.X962,
                                               serialization.PublicFormat.UncompressedPoint)
    auth = os.urandom(16)
    return {"private": private, "p256dh": b64url(public), "auth_bytes": auth, "auth": b64url(auth)}


def test_web_push_encrypts_the_payload_for_the_browser(vapid, push_endpoint, browser_keys, client_user,
                                                       django_capture_on_commit_callbacks):
    PushSubscription.objects.create(user=client_user, endpoint=f"{push_endpoint}/push/abc",
                                    p256dh=browser_keys["p256dh"], auth=browser_keys["auth"])
    notification_preferences_update(user=client_user, channels={"proposal_submitted": {"email": False}})
    with django_capture_on_commit_callbacks(execute=True):
        note = notification_create(user=client_user, notification_type="proposal_submitted",
                                   title="New proposal", message="Bob bid", link="/projects/1/")
    assert len(PushEndpoint.received) == 1
    request = PushEndpoint.received[0]
    assert request["path"] == "/push/abc"
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert request["headers"]["authorization"].startswith("vapid t=")
    assert f"k={vapid.VAPID_PUBLIC_KEY}" in request["headers"]["authorization"]
    assert b"New proposal" not in request["body"]  # encrypted on the wire
    plain = http_ece.decrypt(request["body"], private_key=browser_keys["private"],
                             auth_secret=browser_keys["auth_bytes"], version="aes128gcm")
    assert json.loads(plain) == {"title": "New proposal", "body": "Bob bid", "url": "/projects/1/",
                                 "type": "proposal_submitted", "id": note.pk}
    assert PushSubscription.objects.get().last_used_at is not None


def test_push_subscription_gone_is_removed(vapid, push_endpoint, browser_keys, client_user):
    PushEndpoint.status = 410
    PushSubscription.objects.create(user=client_user, endpoint=f"{push_endpoint}/push/gone",
                                    p256dh=browser_keys["p256dh"], auth=browser_keys["auth"])
    note = Notification.objects.create(user=client_user, notification_type="new_message", title="Hi")
    assert tasks.send_notification_push(note.pk) == 0
    assert not PushSubscription.objects.exists()


def test_push_subscribe_endpoint(client_api, outsider_api, api, client_user):
    body = {"endpoint": "https://push.example.net/send/xyz", "keys": {"p256dh": "BPub", "auth": "secret"}}
    assert api.post("/api/push-subscriptions", body).status_code == 401
    response = client_api.post("/api/push-subscriptions", body)
    assert response.status_code == 201, response.content
    assert PushSubscription.objects.get().user == client_user
    bad = client_api.post("/api/push-subscriptions", {**body, "endpoint": "http://169.254.169.254/latest"})
    assert bad.status_code == 400
    # An outsider cannot unsubscribe someone else's browser.
    outsider_api.post("/api/push-subscriptions/unsubscribe", {"endpoint": body["endpoint"]})
    assert PushSubscription.objects.count() == 1
    assert client_api.post("/api/push-subscriptions/unsubscribe", {"endpoint": body["endpoint"]}).status_code == 204
    assert not PushSubscription.objects.exists()


# --- SMS -----------------------------------------------------------------------------------------------------------

class RecordingTwilioHttp(HttpClient):
    def __init__(self):
        super().__init__(logger=None, is_async=False)
        self.requests = []

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        self.requests.append({"method": method, "uri": uri, "data": data, "auth": auth})
        return TwilioResponse(201, json.dumps({"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued",
                                               "to": data["To"], "from": data["From"], "body": data["Body"]}))


@pytest.fixture
def twilio(settings, monkeypatch):
    settings.TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000000"
    settings.TWILIO_AUTH_TOKEN = "test-token"
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    transport = RecordingTwilioHttp()
    monkeypatch.setattr(sms, "http_client", transport)
    return transport


def test_urgent_event_goes_out_by_sms_through_twilio(twilio, client_user, django_capture_on_commit_callbacks):
    notification_preferences_update(user=client_user, sms_phone_number="+14155550100",
                                    channels={"milestone_submitted": {"sms": True, "email": False}})
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(user=client_user, notification_type="milestone_submitted",
                            title="Work submitted for review: Logo", link="/contracts/4/")
    assert len(twilio.requests) == 1
    request = twilio.requests[0]
    assert request["method"] == "POST"
    assert request["uri"].endswith("/Accounts/AC00000000000000000000000000000000/Messages.json")
    assert request["auth"] == ("AC00000000000000000000000000000000", "test-token")
    assert request["data"]["To"] == "+14155550100" and request["data"]["From"] == "+15005550006"
    assert request["data"]["Body"].startswith("MegiLance: Work submitted for review: Logo")
    assert "/contracts/4/" in request["data"]["Body"]


def test_sms_is_never_sent_for_non_urgent_events(twilio, client_user, django_capture_on_commit_callbacks):
    notification_preferences_update(user=client_user, sms_phone_number="+14155550100")
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(user=client_user, notification_type="new_follower", title="Someone follows you")
    assert twilio.requests == []



def test_a_broken_mail_server_does_not_fail_the_action(settings, client_user, freelancer, freelancer_api,
                                                       django_capture_on_commit_callbacks):
    from engagement.tests.factories import ConversationFactory
    from marketplace.tests.factories import ProjectFactory

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens
    notification_preferences_update(user=client_user, channels={"new_message": {"email": True}})
    conversation = ConversationFactory(project=ProjectFactory(client=client_user), client=client_user,
                                       freelancer=freelancer)
    with django_capture_on_commit_callbacks(execute=True):
        response = freelancer_api.post("/api/messages", {"conversation_id": conversation.pk, "content": "Hello"})
    assert response.status_code == 201
    assert Notification.objects.get(user=client_user).emailed_at is None
