"""Side effects of account events: the welcome email after registration."""

import pytest
from django.core import mail

from accounts import services

pytestmark = pytest.mark.django_db


def test_registering_through_the_api_sends_one_welcome_and_one_verification_email_after_commit(
        api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/auth/register",
            {"email": "ines@example.com", "password": "a-Long-pass-phrase-9", "name": "Ines Duarte",
             "role": "freelancer"},
            format="json",
        )
        assert response.status_code == 201
        assert mail.outbox == []

    assert sorted(m.subject for m in mail.outbox) == ["Confirm your email address for MegiLance",
                                                      "Welcome to MegiLance, Ines Duarte"]
    message = next(m for m in mail.outbox if "Welcome" in m.subject)
    assert message.to == ["ines@example.com"]
    assert "Welcome to MegiLance" in message.subject
    assert "Ines Duarte" in message.body
    assert "proposal" in message.body  # the freelancer's next steps


def test_a_client_gets_the_client_next_steps(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_create(email="carla@example.com", password="a-Long-pass-phrase-9", name="Carla",
                             role="client")

    assert "Post your first project" in mail.outbox[0].body


def test_a_refused_registration_sends_nothing(api, client_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/auth/register",
                            {"email": client_user.email, "password": "a-Long-pass-phrase-9", "name": "Again"},
                            format="json")

    assert response.status_code == 400
    assert mail.outbox == []


def test_2fa_changes_on_the_web_pages_are_audited(client_user, rf):
    from allauth.mfa import signals as mfa_signals
    from allauth.mfa.models import Authenticator

    from accounts.models import AuditLog

    request = rf.post("/accounts/2fa/totp/activate")
    totp = Authenticator(user=client_user, type=Authenticator.Type.TOTP)
    codes = Authenticator(user=client_user, type=Authenticator.Type.RECOVERY_CODES)
    mfa_signals.authenticator_added.send(sender=Authenticator, request=request, user=client_user, authenticator=totp)
    mfa_signals.authenticator_reset.send(sender=Authenticator, request=request, user=client_user, authenticator=codes)
    mfa_signals.authenticator_removed.send(sender=Authenticator, request=request, user=client_user, authenticator=totp)

    actions = list(AuditLog.objects.filter(user=client_user).order_by("id").values_list("action", flat=True))
    assert actions == ["mfa.enabled", "mfa.recovery_codes_regenerated", "mfa.disabled"]
