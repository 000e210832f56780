"""SMS delivery for urgent notifications: one small adapter over the Twilio library."""

from django.conf import settings
from twilio.rest import Client

# Twilio's transport; None means the library's own requests-based client. Tests put a recording one here.
http_client = None


def twilio_client() -> Client:
    return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client)


def send_sms(*, to: str, body: str) -> str:
    """Send one text; answers Twilio's message sid."""
    message = twilio_client().messages.create(to=to, from_=settings.TWILIO_FROM_NUMBER, body=body[:1500])
    return message.sid
