"""Email verification (both doors share allauth's addresses) and password reset by token."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from freezegun import freeze_time

from accounts import auth_services
from accounts.guards import require_verified_email
from accounts.models import AuditLog, User, UserSession
from accounts.tests.factories import ClientFactory
from megilance.api.exceptions import Forbidden

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-New-phrase-77"


def _token_from(message) -> str:
    return re.search(r"paste this code instead: (\S+)", message.body).group(1)


def _register(api, commit):
    with commit(execute=True):
        response = api.post("/api/auth/register", {"email": "nina@example.com", "password": "a-Long-pass-phrase-9",
                                                   "name": "Nina New", "role": "client"}, format="json")
    assert response.status_code == 201
    return User.objects.get(email="nina@example.com")


def test_register_sends_a_verification_email_whose_token_confirms_the_address(
        api, django_capture_on_commit_callbacks):
    user = _register(api, django_capture_on_commit_callbacks)
    assert not user.email_verified
    message = next(m for m in mail.outbox if "Confirm your email" in m.subject)
    token = _token_from(message)
    assert f"/accounts/confirm-email/{token}/" in message.body  # the same key works on the web page

    response = api.post("/api/auth/verify-email", {"token": token}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["email_verified"] is True
    user.refresh_from_db()
    assert user.email_verified
    assert AuditLog.objects.filter(user=user, action="user.email_verified").exists()


def test_the_web_confirmation_page_accepts_the_api_token(api, client, django_capture_on_commit_callbacks):
    user = _register(api, django_capture_on_commit_callbacks)
    token = _token_from(next(m for m in mail.outbox if "Confirm your email" in m.subject))

    client.post(f"/accounts/confirm-email/{token}/")

    user.refresh_from_db()
    assert user.email_verified


@pytest.mark.parametrize("token", ["", "garbage", "MQ:1abc:xyz"])
def test_a_bad_verification_token_answers_400(api, token):
    response = api.post("/api/auth/verify-email", {"token": token}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] in {"invalid", "invalid_token"}


def test_a_used_verification_token_answers_400(api, django_capture_on_commit_callbacks):
    _register(api, django_capture_on_commit_callbacks)
    token = _token_from(next(m for m in mail.outbox if "Confirm your email" in m.subject))
    assert api.post("/api/auth/verify-email", {"token": token}, format="json").status_code == 200
    assert api.post("/api/auth/verify-email", {"token": token}, format="json").status_code == 400


def test_resend_verification_answers_the_same_for_known_unknown_and_verified_addresses(
        api, client_user, django_capture_on_commit_callbacks):
    unverified = ClientFactory(email="late@example.com", email_verified=False)
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for email in (unverified.email, "nobody@example.com", client_user.email):
            response = api.post("/api/auth/resend-verification", {"email": email}, format="json")
            answers.append((response.status_code, response.json()))

    assert answers[0] == answers[1] == answers[2]
    assert [m.to for m in mail.outbox] == [[unverified.email]]


def test_unverified_people_cannot_post_projects_bid_or_move_money():
    person = ClientFactory(email_verified=False)
    with pytest.raises(Forbidden) as caught:
        require_verified_email(person)
    assert caught.value.code == "email_not_verified"
    require_verified_email(ClientFactory())  # verified: no error


def test_an_unverified_client_gets_403_when_posting_a_project(api_as):
    person = ClientFactory(email_verified=False)
    response = api_as(person).post("/api/projects", {
        "title": "A landing page", "description": "Build a landing page for our product launch.",
        "budget_type": "fixed", "budget_min": 100, "budget_max": 500}, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "email_not_verified"


# --- password reset -------------------------------------------------------------------------------------------


def _request_reset(api, email, commit):
    with commit(execute=True):
        response = api.post("/api/auth/forgot-password", {"email": email}, format="json")
    assert response.status_code == 200
    return response.json()


def test_forgot_password_answers_the_same_whether_or_not_the_address_exists(
        api, client_user, django_capture_on_commit_callbacks):
    known = _request_reset(api, client_user.email, django_capture_on_commit_callbacks)
    unknown = _request_reset(api, "nobody@example.com", django_capture_on_commit_callbacks)

    assert known == unknown
    assert [m.to for m in mail.outbox] == [[client_user.email]]


def test_reset_password_sets_the_new_password_and_ends_every_session(
        api, api_as, client_user, password, django_capture_on_commit_callbacks):
    signed_in = api_as(client_user)
    _request_reset(api, client_user.email, django_capture_on_commit_callbacks)
    token = _token_from(mail.outbox[0])
    assert "/accounts/password/reset/key/" in mail.outbox[0].body

    response = api.post("/api/auth/reset-password", {"token": token, "new_password": NEW_PASSWORD}, format="json")

    assert response.status_code == 200, response.content
    client_user.refresh_from_db()
    assert client_user.check_password(NEW_PASSWORD)
    assert not UserSession.objects.filter(user=client_user, revoked_at__isnull=True).exists()
    assert signed_in.get("/api/auth/me").status_code == 401
    refresh = api.post("/api/auth/refresh", {"refresh_token": signed_in.tokens["refresh_token"]}, format="json")
    assert refresh.status_code == 401
    assert AuditLog.objects.filter(user=client_user, action="auth.password_reset").exists()
    # The old password no longer works, the new one does.
    assert api.post("/api/auth/login", {"email": client_user.email, "password": password},
                    format="json").status_code == 401
    assert api.post("/api/auth/login", {"email": client_user.email, "password": NEW_PASSWORD},
                    format="json").status_code == 200


def test_a_reset_token_works_once(api, client_user, django_capture_on_commit_callbacks):
    _request_reset(api, client_user.email, django_capture_on_commit_callbacks)
    token = _token_from(mail.outbox[0])
    assert api.post("/api/auth/reset-password", {"token": token, "new_password": NEW_PASSWORD},
                    format="json").status_code == 200

    again = api.post("/api/auth/reset-password", {"token": token, "new_password": "another-Phrase-88"},
                     format="json")

    assert again.status_code == 400
    assert again.json()["code"] == "invalid_token"


def test_a_reset_token_expires_after_one_hour(api, client_user):
    with freeze_time("2026-03-01 10:00:00"):
        token = auth_services.password_reset_token(client_user)
    with freeze_time("2026-03-01 10:59:00"):
        assert auth_services._user_from_reset_token(token) == client_user
    with freeze_time("2026-03-01 10:00:00") as frozen:
        frozen.tick(timedelta(hours=1, minutes=1))
        response = api.post("/api/auth/reset-password", {"token": token, "new_password": NEW_PASSWORD},
                            format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("token", ["", "nodash", "zz-abc", "1-abc-def", "99999999-abc"])
def test_a_malformed_reset_token_answers_400(api, token):
    response = api.post("/api/auth/reset-password", {"token": token, "new_password": NEW_PASSWORD}, format="json")
    assert response.status_code == 400


def test_reset_password_refuses_a_weak_password_and_keeps_the_token_usable(
        api, client_user, django_capture_on_commit_callbacks):
    _request_reset(api, client_user.email, django_capture_on_commit_callbacks)
    token = _token_from(mail.outbox[0])

    weak = api.post("/api/auth/reset-password", {"token": token, "new_password": "123"}, format="json")

    assert weak.status_code == 400
    assert "new_password" in weak.json()["errors"]
    assert api.post("/api/auth/reset-password", {"token": token, "new_password": NEW_PASSWORD},
                    format="json").status_code == 200


def test_the_web_password_change_ends_the_other_sessions_and_keeps_this_browser(
        client, api_as, client_user, password):
    api_session = api_as(client_user)
    client.post("/accounts/login/", {"login": client_user.email, "password": password})

    response = client.post("/accounts/password/change/", {
        "oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert api_session.get("/api/auth/me").status_code == 401
    assert client.get("/dashboard/").status_code == 200
    open_sessions = UserSession.objects.filter(user=client_user, revoked_at__isnull=True)
    assert [s.kind for s in open_sessions] == ["web"]
    assert AuditLog.objects.filter(user=client_user, action="auth.password_change").exists()


def test_the_web_password_reset_ends_every_session(client, api_as, client_user):
    api_session = api_as(client_user)
    token = auth_services.password_reset_token(client_user)
    uid, key = token.split("-", 1)
    page = client.get(f"/accounts/password/reset/key/{uid}-{key}/", follow=True)
    client.post(page.redirect_chain[-1][0] if page.redirect_chain else f"/accounts/password/reset/key/{uid}-{key}/",
                {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    client_user.refresh_from_db()
    assert client_user.check_password(NEW_PASSWORD)
    assert api_session.get("/api/auth/me").status_code == 401
    assert not UserSession.objects.filter(user=client_user, revoked_at__isnull=True).exists()


def test_web_sign_up_sends_the_registered_event_with_its_welcome_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", {
            "name": "Wendy Web", "email": "wendy@example.com", "role": "freelancer",
            "password1": "a-Long-pass-phrase-9", "password2": "a-Long-pass-phrase-9"})
    assert response.status_code == 302
    assert any("Welcome to MegiLance" in m.subject for m in mail.outbox)
    assert any(m.to == ["wendy@example.com"] and "confirm" in m.body.lower() for m in mail.outbox)


def test_an_unverified_freelancer_cannot_bid_and_an_unverified_client_cannot_fund_escrow(client_user):
    from accounts.tests.factories import FreelancerFactory
    from billing.services.escrow import escrow_fund
    from marketplace.services.proposals import proposal_submit
    from marketplace.tests.factories import ContractFactory, ProjectFactory

    with pytest.raises(Forbidden):
        proposal_submit(freelancer=FreelancerFactory(email_verified=False), project=ProjectFactory(client=client_user),
                        cover_letter="I have built this kind of dashboard many times and can start right away. " * 2,
                        bid_amount=500)
    unverified = ClientFactory(email_verified=False)
    contract = ContractFactory(project=ProjectFactory(client=unverified))
    with pytest.raises(Forbidden):
        escrow_fund(contract=contract, actor=unverified, amount=100)
