"""JWT edge cases beyond accounts/tests/test_authentication.py (tampered, alg none, expired, refresh-as-access live
there): algorithm switches, missing expiry, tokens of erased or password-reset accounts, and the 2FA step token
used as a bearer token. Every one answers 401."""

from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.utils import timezone

from accounts import auth_services, two_factor
from accounts.models import UserSession

pytestmark = pytest.mark.django_db


def _claims(user, session, **extra):
    now = timezone.now()
    return {"token_type": "access", "user_id": str(user.pk), "sid": session.pk, "jti": "j" * 32,
            "iat": int(now.timestamp()), "exp": int((now + timedelta(minutes=5)).timestamp()), **extra}


def _me(api, token):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api.get("/api/auth/me")


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_a_token_signed_with_the_right_key_but_another_algorithm_is_refused(api, client_user):
    session = UserSession.objects.create(user=client_user, kind="api")
    token = jwt.encode(_claims(client_user, session), settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS512")
    assert _me(api, token).status_code == 401


def test_a_token_without_an_expiry_is_refused(api, client_user):
    session = UserSession.objects.create(user=client_user, kind="api")
    claims = _claims(client_user, session)
    del claims["exp"]
    token = jwt.encode(claims, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")
    assert _me(api, token).status_code == 401


def test_a_correctly_signed_token_still_needs_an_open_session(api, client_user):
    session = UserSession.objects.create(user=client_user, kind="api", revoked_at=timezone.now())
    token = jwt.encode(_claims(client_user, session), settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")
    assert _me(api, token).status_code == 401


def test_tokens_die_with_a_password_reset(api, client_api, client_user):
    auth_services.password_reset_confirm(token=auth_services.password_reset_token(client_user),
                                         new_password="a-brand-New-phrase-77")
    assert _me(api, client_api.tokens["access_token"]).status_code == 401
    assert api.post("/api/auth/refresh", {"refresh_token": client_api.tokens["refresh_token"]},
                    format="json").status_code == 401


def test_tokens_die_with_erasure(api, client_api, password):
    tokens = client_api.tokens
    assert client_api.post("/api/users/me/delete", {"password": password}, format="json").status_code == 200
    assert _me(api, tokens["access_token"]).status_code == 401
    assert api.post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json").status_code == 401


def test_the_2fa_step_token_is_not_a_bearer_token(api, client_user):
    assert _me(api, two_factor.login_token(client_user)).status_code == 401
