"""Abuse limits: rate limits answer 429 with Retry-After; django-axes locks an account or an address out of every
log-in door after repeated failures; the client IP is read correctly behind one proxy."""

import pytest
from rest_framework.test import APIClient

from accounts.requests import client_ip
from accounts.tests.factories import DEFAULT_PASSWORD, ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_rates(settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]}
    rates.update(dict.fromkeys(rates, "2/min"))
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def _third_is_limited(send):
    answers = [send() for _ in range(3)]
    assert [a.status_code for a in answers[:2]] != [429, 429]
    limited = answers[2]
    assert limited.status_code == 429, limited.content
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["code"] == "throttled"
    return limited


def test_login_is_rate_limited_per_ip(api, tight_rates, client_user):
    _third_is_limited(lambda: api.post("/api/auth/login", {"email": "x@example.com", "password": "wrong-one"},
                                       format="json"))


def test_register_is_rate_limited(api, tight_rates):
    counter = iter(range(10))
    _third_is_limited(lambda: api.post("/api/auth/register", {
        "email": f"new{next(counter)}@example.com", "password": "a-Long-pass-phrase-9", "name": "New"},
        format="json"))


@pytest.mark.parametrize("path,body", [
    ("/api/auth/forgot-password", {"email": "a@example.com"}),
    ("/api/auth/reset-password", {"token": "1-abc", "new_password": "a-Long-pass-phrase-9"}),
    ("/api/auth/resend-verification", {"email": "a@example.com"}),
    ("/api/auth/verify-email", {"token": "abc"}),
    ("/api/auth/2fa/verify-login", {"mfa_token": "abc", "code": "123456"}),
])
def test_password_reset_verification_and_2fa_codes_are_rate_limited(api, tight_rates, path, body):
    _third_is_limited(lambda: api.post(path, body, format="json"))


def test_proposals_are_rate_limited_per_freelancer(tight_rates, freelancer_api, client_user):
    from marketplace.tests.factories import ProjectFactory

    projects = iter([ProjectFactory(client=client_user) for _ in range(3)])
    letter = "I have built three similar dashboards and can start on Monday with a clear plan. " * 2
    _third_is_limited(lambda: freelancer_api.post("/api/proposals", {
        "project_id": next(projects).pk, "cover_letter": letter, "bid_amount": 900}, format="json"))
    assert freelancer_api.get("/api/proposals").status_code == 200  # reading is not limited


def test_messages_are_rate_limited_per_sender(tight_rates, freelancer_api, client_user, freelancer):
    from engagement.tests.factories import ConversationFactory
    from marketplace.tests.factories import ProjectFactory

    conversation = ConversationFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    _third_is_limited(lambda: freelancer_api.post("/api/messages", {"conversation_id": conversation.pk,
                                                                    "content": "Hello"}, format="json"))


# --- lockout -------------------------------------------------------------------------------------------------


def _fail(api, email, times):
    for _ in range(times):
        api.post("/api/auth/login", {"email": email, "password": "not-the-password"}, format="json")


def test_five_failures_lock_the_account_on_the_api_even_with_the_right_password(client_user):
    attacker = APIClient(REMOTE_ADDR="203.0.113.5")
    _fail(attacker, client_user.email, 5)

    response = APIClient(REMOTE_ADDR="198.51.100.7").post(
        "/api/auth/login", {"email": client_user.email, "password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 429, response.content
    assert response.json()["code"] == "locked_out"
    assert int(response["Retry-After"]) == 15 * 60


def test_four_failures_do_not_lock_and_a_success_resets_the_accounts_count(client_user):
    api = APIClient(REMOTE_ADDR="203.0.113.5")
    _fail(api, client_user.email, 4)
    assert api.post("/api/auth/login", {"email": client_user.email, "password": DEFAULT_PASSWORD},
                    format="json").status_code == 200
    api = APIClient(REMOTE_ADDR="198.51.100.7")  # the first address keeps its own count
    _fail(api, client_user.email, 4)
    assert api.post("/api/auth/login", {"email": client_user.email, "password": DEFAULT_PASSWORD},
                    format="json").status_code == 200


def test_failures_across_many_accounts_lock_the_address(client_user):
    attacker = APIClient(REMOTE_ADDR="203.0.113.9")
    for n in range(5):
        _fail(attacker, f"guess{n}@example.com", 1)

    response = attacker.post("/api/auth/login", {"email": client_user.email, "password": DEFAULT_PASSWORD},
                             format="json")

    assert response.status_code == 429
    other_address = APIClient(REMOTE_ADDR="198.51.100.7")
    assert other_address.post("/api/auth/login", {"email": client_user.email, "password": DEFAULT_PASSWORD},
                              format="json").status_code == 200


def test_api_failures_lock_the_web_log_in_too(client, client_user):
    _fail(APIClient(REMOTE_ADDR="203.0.113.5"), client_user.email, 5)

    response = client.post("/accounts/login/", {"login": client_user.email, "password": DEFAULT_PASSWORD},
                           REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 429
    assert client.get("/dashboard/").status_code == 302


def test_web_failures_lock_the_api_log_in_too(client, client_user):
    for _ in range(5):
        client.post("/accounts/login/", {"login": client_user.email, "password": "not-the-password"},
                    REMOTE_ADDR="203.0.113.5")

    response = APIClient(REMOTE_ADDR="198.51.100.7").post(
        "/api/auth/login", {"email": client_user.email, "password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 429


def test_the_lockout_is_per_account_not_for_everyone(client_user, outsider):
    _fail(APIClient(REMOTE_ADDR="203.0.113.5"), client_user.email, 5)
    response = APIClient(REMOTE_ADDR="198.51.100.7").post(
        "/api/auth/login", {"email": outsider.email, "password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 200


def test_the_lockout_ends_after_the_cool_off(client_user, settings):
    from datetime import timedelta

    from freezegun import freeze_time

    with freeze_time() as frozen:
        _fail(APIClient(REMOTE_ADDR="203.0.113.5"), client_user.email, 5)
        frozen.tick(timedelta(minutes=16))
        response = APIClient(REMOTE_ADDR="198.51.100.7").post(
            "/api/auth/login", {"email": client_user.email, "password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 200


# --- client IP behind a proxy -----------------------------------------------------------------------------------


class _Request:
    def __init__(self, **meta):
        self.META = meta


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    settings.NUM_PROXIES = 0
    assert client_ip(_Request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6")) == "10.0.0.2"


def test_behind_one_proxy_the_address_the_proxy_saw_counts_not_a_spoofed_one(settings):
    settings.NUM_PROXIES = 1
    request = _Request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert client_ip(request) == "203.0.113.5"


def test_the_lockout_counts_the_real_client_behind_the_proxy(settings, client_user):
    settings.NUM_PROXIES = 1
    for n in range(5):
        # An attacker cannot escape the per-address count by inventing X-Forwarded-For values.
        APIClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.5").post(
            "/api/auth/login", {"email": f"guess{n}@example.com", "password": "x-wrong-1"}, format="json")

    blocked = APIClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5").post(
        "/api/auth/login", {"email": client_user.email, "password": DEFAULT_PASSWORD}, format="json")
    other = APIClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7").post(
        "/api/auth/login", {"email": ClientFactory().email, "password": DEFAULT_PASSWORD}, format="json")

    assert blocked.status_code == 429
    assert other.status_code == 200


# --- audit of money movements -------------------------------------------------------------------------------------


def test_funding_and_releasing_escrow_write_audit_rows(client_user, freelancer):
    from accounts.models import AuditLog
    from billing.services.escrow import escrow_fund, escrow_release
    from marketplace.tests.factories import ContractFactory, ProjectFactory

    contract = ContractFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    escrow = escrow_fund(contract=contract, actor=client_user, amount=250)
    escrow_release(escrow=escrow, actor=client_user, amount=100)

    rows = AuditLog.objects.filter(target_type="escrow", target_id=str(escrow.pk))
    assert set(rows.values_list("action", flat=True)) == {"money.escrow_funded", "money.escrow_released"}
    assert all(r.user_id == client_user.pk for r in rows)


@pytest.mark.redis
def test_rate_limits_are_counted_in_redis_so_every_worker_shares_them(settings, api, tight_rates):
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": settings.REDIS_URL,
                                   "KEY_PREFIX": "megilance-test-throttle"}}
    try:
        cache.delete_pattern("*")  # only this test's prefixed keys: the Redis database is shared with Celery
        _third_is_limited(lambda: api.post("/api/auth/forgot-password", {"email": "a@example.com"}, format="json"))
        assert cache.keys("throttle_password_reset_*")
    finally:
        cache.delete_pattern("*")
