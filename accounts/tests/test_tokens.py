"""Refresh-token rotation under concurrency: one refresh token buys exactly one new pair."""

import threading

import pytest
from django.db import connection
from rest_framework.exceptions import AuthenticationFailed

from accounts import services
from accounts.models import SessionKind
from accounts.tests.factories import ClientFactory
from accounts.tokens import refresh_rotate, token_pair


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_refreshes_with_one_token_yield_one_new_pair():
    user = ClientFactory()
    session = services.session_start(user=user, kind=SessionKind.API)
    raw = token_pair(user=user, session=session)["refresh_token"]
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def refresh():
        try:
            barrier.wait(timeout=10)
            refresh_rotate(raw)
            outcomes.append("new pair")
        except AuthenticationFailed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["new pair", "refused", "refused", "refused"]


@pytest.mark.django_db
def test_a_rotated_pair_stays_in_the_same_session(client_user):
    session = services.session_start(user=client_user, kind=SessionKind.API)
    first = token_pair(user=client_user, session=session)

    second = refresh_rotate(first["refresh_token"])

    from rest_framework_simplejwt.tokens import RefreshToken

    assert RefreshToken(second["refresh_token"])["sid"] == session.pk
