"""2FA on allauth.mfa's devices, shared by the API and the web pages: set-up, log-in with a code, recovery codes."""

import base64
import time
from datetime import UTC, datetime

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from freezegun import freeze_time

from accounts import two_factor
from accounts.models import AuditLog, UserSession
from accounts.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def code_at(secret: str, offset_periods: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset_periods))


def _enable(api, password) -> tuple[str, list[str]]:
    setup = api.post("/api/auth/2fa/setup")
    assert setup.status_code == 200, setup.content
    secret = setup.json()["secret"]
    enabled = api.post("/api/auth/2fa/enable", {"code": code_at(secret), "password": password}, format="json")
    assert enabled.status_code == 200, enabled.content
    return secret, enabled.json()["backup_codes"]


def _password_step(api, user, password):
    response = api.post("/api/auth/login", {"email": user.email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_setup_answers_secret_otpauth_url_and_a_qr_code_data_uri(client_api, client_user):
    response = client_api.post("/api/auth/2fa/setup")

    assert response.status_code == 200
    body = response.json()
    assert body["otpauth_url"].startswith("otpauth://totp/")
    assert f"secret={body['secret']}" in body["otpauth_url"]
    assert body["qr_code"].startswith("data:image/svg+xml;base64,")
    assert b"<svg" in base64.b64decode(body["qr_code"].split(",", 1)[1])
    assert not two_factor.is_enabled(client_user)


def test_enable_needs_the_password_and_a_correct_code(client_api, client_user, password):
    secret = client_api.post("/api/auth/2fa/setup").json()["secret"]

    wrong_password = client_api.post("/api/auth/2fa/enable", {"code": code_at(secret), "password": "nope"},
                                     format="json")
    wrong_code = client_api.post("/api/auth/2fa/enable", {"code": "000000" if code_at(secret) != "000000"
                                                          else "111111", "password": password}, format="json")

    assert wrong_password.status_code == 400 and wrong_password.json()["code"] == "invalid_password"
    assert wrong_code.status_code == 400 and wrong_code.json()["code"] == "invalid_code"
    assert not two_factor.is_enabled(client_user)


def test_enable_turns_on_allauths_totp_and_recovery_codes_and_writes_the_audit(client_api, client_user, password):
    _, codes = _enable(client_api, password)

    kinds = set(Authenticator.objects.filter(user=client_user).values_list("type", flat=True))
    assert kinds == {"totp", "recovery_codes"}
    assert len(codes) >= 8
    status = client_api.get("/api/auth/2fa/status").json()
    assert status == {"enabled": True, "methods": ["recovery_codes", "totp"], "backup_codes_remaining": len(codes)}
    assert AuditLog.objects.filter(user=client_user, action="mfa.enabled").exists()


def test_enable_without_setup_or_twice_is_refused(client_api, password):
    assert client_api.post("/api/auth/2fa/enable", {"code": "123456", "password": password},
                           format="json").json()["code"] == "mfa_setup_required"
    _enable(client_api, password)
    assert client_api.post("/api/auth/2fa/setup").status_code == 409


def test_setup_needs_a_verified_email(api_as):
    person = ClientFactory(email_verified=False)
    response = api_as(person).post("/api/auth/2fa/setup")
    assert response.status_code == 409
    assert response.json()["code"] == "unverified_email"


def test_login_with_2fa_answers_a_token_and_no_access_tokens(api, client_api, client_user, password):
    _enable(client_api, password)

    body = _password_step(api, client_user, password)

    assert body["requires_2fa"] is True
    assert body["mfa_token"] == body["temp_token"]
    assert "access_token" not in body and "refresh_token" not in body
    assert AuditLog.objects.filter(user=client_user, action="auth.mfa_challenge").exists()


def test_verify_login_with_the_next_totp_code_answers_the_login_response(api, client_api, client_user, password):
    secret, _ = _enable(client_api, password)
    token = _password_step(api, client_user, password)["mfa_token"]
    sessions_before = UserSession.objects.filter(user=client_user).count()

    response = api.post("/api/auth/2fa/verify-login", {"mfa_token": token, "code": code_at(secret, 1)},
                        format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert {"access_token", "refresh_token", "token_type", "user", "requires_2fa"} <= set(body)
    assert body["requires_2fa"] is False
    assert UserSession.objects.filter(user=client_user).count() == sessions_before + 1
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert api.get("/api/auth/me").status_code == 200


def test_the_temp_token_alias_works_too(api, client_api, client_user, password):
    secret, _ = _enable(client_api, password)
    token = _password_step(api, client_user, password)["temp_token"]
    response = api.post("/api/auth/2fa/verify-login", {"temp_token": token, "code": code_at(secret, 1)},
                        format="json")
    assert response.status_code == 200


def test_the_code_that_enabled_2fa_cannot_sign_in(api, client_api, client_user, password):
    secret, _ = _enable(client_api, password)
    token = _password_step(api, client_user, password)["mfa_token"]
    response = api.post("/api/auth/2fa/verify-login", {"mfa_token": token, "code": code_at(secret)}, format="json")
    assert response.status_code == 400


def test_a_totp_code_works_once(api, client_api, client_user, password):
    secret, _ = _enable(client_api, password)
    code = code_at(secret, 1)
    first = _password_step(api, client_user, password)["mfa_token"]
    assert api.post("/api/auth/2fa/verify-login", {"mfa_token": first, "code": code}, format="json").status_code == 200

    second = _password_step(api, client_user, password)["mfa_token"]
    replay = api.post("/api/auth/2fa/verify-login", {"mfa_token": second, "code": code}, format="json")

    assert replay.status_code == 400
    assert replay.json()["code"] == "invalid_code"


def test_the_mfa_token_works_once(api, client_api, client_user, password):
    secret, _ = _enable(client_api, password)
    token = _password_step(api, client_user, password)["mfa_token"]
    assert api.post("/api/auth/2fa/verify-login", {"mfa_token": token, "code": code_at(secret, 1)},
                    format="json").status_code == 200

    again = api.post("/api/auth/2fa/verify-login", {"mfa_token": token, "code": code_at(secret, -1)}, format="json")

    assert again.status_code == 401


def test_a_code_without_the_token_from_the_password_step_is_refused(api, client_api, client_user, password):
    secret, _ = _enable(client_api, password)
    missing = api.post("/api/auth/2fa/verify-login", {"code": code_at(secret, 1)}, format="json")
    forged = api.post("/api/auth/2fa/verify-login", {"mfa_token": "forged.token.value", "code": code_at(secret, 1)},
                      format="json")
    assert missing.status_code == 400
    assert forged.status_code == 401


def test_the_mfa_token_expires_after_five_minutes(api, client_api, client_user, password):
    with freeze_time(datetime.now(UTC)) as frozen:
        secret, _ = _enable(client_api, password)
        token = _password_step(api, client_user, password)["mfa_token"]
        frozen.tick(6 * 60)
        response = api.post("/api/auth/2fa/verify-login", {"mfa_token": token, "code": code_at(secret)},
                            format="json")
    assert response.status_code == 401


def test_the_mfa_token_dies_after_five_wrong_codes(api, client_api, client_user, password):
    secret, _ = _enable(client_api, password)
    token = _password_step(api, client_user, password)["mfa_token"]
    for _ in range(5):
        api.post("/api/auth/2fa/verify-login", {"mfa_token": token, "code": "not-a-code"}, format="json")

    response = api.post("/api/auth/2fa/verify-login", {"mfa_token": token, "code": code_at(secret, 1)},
                        format="json")

    assert response.status_code == 401


def test_a_recovery_code_signs_in_once(api, client_api, client_user, password):
    _, codes = _enable(client_api, password)
    token = _password_step(api, client_user, password)["mfa_token"]
    assert api.post("/api/auth/2fa/verify-login", {"mfa_token": token, "code": codes[0]},
                    format="json").status_code == 200

    token = _password_step(api, client_user, password)["mfa_token"]
    reuse = api.post("/api/auth/2fa/verify-login", {"mfa_token": token, "code": codes[0]}, format="json")

    assert reuse.status_code == 400
    assert client_api.get("/api/auth/2fa/status").json()["backup_codes_remaining"] == len(codes) - 1


def test_a_password_reset_does_not_bypass_2fa(api, client_api, client_user, password):
    from accounts import auth_services

    _enable(client_api, password)
    token = auth_services.password_reset_token(client_user)
    assert api.post("/api/auth/reset-password", {"token": token, "new_password": "a-brand-New-phrase-77"},
                    format="json").status_code == 200

    body = _password_step(api, client_user, "a-brand-New-phrase-77")

    assert body["requires_2fa"] is True and "access_token" not in body


def test_disable_needs_the_password_and_a_code(client_api, client_user, password):
    secret, _ = _enable(client_api, password)
    no_code = client_api.post("/api/auth/2fa/disable", {"password": password, "code": "000000"}, format="json")
    wrong_password = client_api.post("/api/auth/2fa/disable", {"password": "x", "code": code_at(secret, 1)},
                                     format="json")
    assert no_code.status_code == 400 and wrong_password.status_code == 400

    response = client_api.post("/api/auth/2fa/disable", {"password": password, "code": code_at(secret, 1)},
                               format="json")

    assert response.status_code == 200, response.content
    assert response.json()["enabled"] is False
    assert not Authenticator.objects.filter(user=client_user).exists()
    assert AuditLog.objects.filter(user=client_user, action="mfa.disabled").exists()


def test_regenerating_backup_codes_needs_the_password_and_kills_the_old_codes(api, client_api, client_user, password):
    _, old = _enable(client_api, password)
    assert client_api.post("/api/auth/2fa/regenerate-backup-codes", {"password": "x"}, format="json").status_code == 400

    response = client_api.post("/api/auth/2fa/regenerate-backup-codes", {"password": password}, format="json")

    assert response.status_code == 200
    new = response.json()["backup_codes"]
    assert set(new) != set(old)
    token = _password_step(api, client_user, password)["mfa_token"]
    assert api.post("/api/auth/2fa/verify-login", {"mfa_token": token, "code": old[0]},
                    format="json").status_code == 400
    assert api.post("/api/auth/2fa/verify-login", {"mfa_token": token, "code": new[0]},
                    format="json").status_code == 200


def test_2fa_endpoints_need_authentication(api):
    for path in ("/api/auth/2fa/setup", "/api/auth/2fa/enable", "/api/auth/2fa/disable",
                 "/api/auth/2fa/regenerate-backup-codes"):
        assert api.post(path, {}, format="json").status_code == 401
    assert api.get("/api/auth/2fa/status").status_code == 401


def test_a_device_set_up_through_the_api_guards_the_web_log_in(client, client_api, client_user, password):
    secret, _ = _enable(client_api, password)

    response = client.post("/accounts/login/", {"login": client_user.email, "password": password})

    assert response.status_code == 302
    assert "/accounts/2fa/authenticate/" in response["Location"]
    assert client.get("/dashboard/").status_code == 302  # not signed in yet
    client.post("/accounts/2fa/authenticate/", {"code": code_at(secret, 1)})
    assert client.get("/dashboard/").status_code == 200
