"""Bearer tokens: only an unexpired, correctly signed access token of an open session of an active user works."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from rest_framework_simplejwt.tokens import AccessToken

from accounts import services
from accounts.models import UserSession

pytestmark = pytest.mark.django_db


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _unb64(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _me(api, token):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api.get("/api/auth/me")


def _assert_401(response):
    assert response.status_code == 401, response.content
    body = response.json()
    assert set(body) >= {"detail", "code"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_fresh_access_token_works(api, client_api):
    assert _me(api, client_api.tokens["access_token"]).status_code == 200


def test_a_tampered_signature_is_refused(api, client_api):
    header, payload, signature = client_api.tokens["access_token"].split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]

    _assert_401(_me(api, f"{header}.{payload}.{flipped}"))


def test_a_tampered_payload_is_refused(api, client_api, outsider):
    header, payload, signature = client_api.tokens["access_token"].split(".")
    claims = _unb64(payload)
    claims["user_id"] = str(outsider.pk)

    _assert_401(_me(api, f"{header}.{_b64(claims)}.{signature}"))


def test_an_alg_none_token_is_refused(api, client_api):
    _, payload, _ = client_api.tokens["access_token"].split(".")
    unsigned_header = _b64({"alg": "none", "typ": "JWT"})

    _assert_401(_me(api, f"{unsigned_header}.{payload}."))
    _assert_401(_me(api, f"{unsigned_header}.{payload}"))


def test_a_token_signed_with_another_key_is_refused(api, client_user):
    import jwt

    session = UserSession.objects.create(user=client_user, kind="api")
    now = timezone.now()
    forged = jwt.encode(
        {"token_type": "access", "user_id": str(client_user.pk), "sid": session.pk, "jti": "x" * 32,
         "iat": int(now.timestamp()), "exp": int((now + timedelta(minutes=5)).timestamp())},
        "not-the-server-key-but-long-enough-for-hs256",
        algorithm="HS256",
    )

    _assert_401(_me(api, forged))


def test_an_expired_access_token_is_refused(api, client_api):
    with freeze_time(timezone.now() + timedelta(hours=2)):
        _assert_401(_me(api, client_api.tokens["access_token"]))


def test_an_access_token_lives_as_configured(api, client_api, settings):
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    with freeze_time(timezone.now() + lifetime - timedelta(seconds=30)):
        assert _me(api, client_api.tokens["access_token"]).status_code == 200


def test_a_refresh_token_is_not_an_access_token(api, client_api):
    _assert_401(_me(api, client_api.tokens["refresh_token"]))


def test_an_expired_refresh_token_is_refused(api, client_api, settings):
    lifetime = settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]
    with freeze_time(timezone.now() + lifetime + timedelta(minutes=1)):
        response = api.post("/api/auth/refresh", {"refresh_token": client_api.tokens["refresh_token"]},
                            format="json")
    _assert_401(response)


def test_a_token_without_a_session_claim_is_refused(api, client_user):
    token = AccessToken.for_user(client_user)

    _assert_401(_me(api, str(token)))


def test_a_token_naming_another_users_session_is_refused(api, client_user, outsider):
    theirs = UserSession.objects.create(user=outsider, kind="api")
    token = AccessToken.for_user(client_user)
    token["sid"] = theirs.pk

    _assert_401(_me(api, str(token)))


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Token abc", "Bearer a b", "Basic Zm9vOmJhcg=="])
def test_malformed_authorization_headers_never_authenticate(api, client_user, header):
    api.credentials(HTTP_AUTHORIZATION=header)

    response = api.get("/api/auth/me")

    assert response.status_code == 401


def test_a_revoked_session_stops_its_access_token(api, client_api, client_user):
    services.sessions_revoke_all(user=client_user, reason="test")

    _assert_401(_me(api, client_api.tokens["access_token"]))


def test_an_access_token_of_a_deactivated_user_is_refused_even_if_the_session_is_open(api, client_api, client_user):
    # Bypass the service on purpose: the token check itself looks at is_active.
    type(client_user).objects.filter(pk=client_user.pk).update(is_active=False)

    response = _me(api, client_api.tokens["access_token"])

    _assert_401(response)


def test_using_a_token_marks_the_session_as_seen_at_most_every_few_minutes(api, client_api, client_user):
    session = UserSession.objects.get(user=client_user)
    first_seen = session.last_seen_at

    _me(api, client_api.tokens["access_token"])
    session.refresh_from_db()
    assert session.last_seen_at == first_seen

    with freeze_time(timezone.now() + timedelta(minutes=10)):
        assert _me(api, client_api.tokens["access_token"]).status_code == 200
    session.refresh_from_db()
    assert session.last_seen_at > first_seen
