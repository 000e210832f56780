import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import AccountPurpose, Escrow, EscrowStatus, IdempotencyKey
from billing.services.ledger import balance_of
from billing.tasks import auto_release_escrow, purge_idempotency_keys
from marketplace.models import Milestone, MilestoneStatus

from .conftest import submit

pytestmark = pytest.mark.django_db


def _submitted_days_ago(milestone, days):
    Milestone.objects.filter(pk=milestone.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=days))


def test_unanswered_work_is_released_after_the_auto_release_period(funded_escrow, milestone, freelancer, settings):
    submit(milestone, freelancer)
    _submitted_days_ago(milestone, settings.ESCROW_AUTO_RELEASE_DAYS - 1)
    assert auto_release_escrow() == 0
    _submitted_days_ago(milestone, settings.ESCROW_AUTO_RELEASE_DAYS + 1)
    assert auto_release_escrow() == 1
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.PAID
    assert Escrow.objects.get(pk=funded_escrow.pk).status == EscrowStatus.RELEASED
    assert balance_of(purpose=AccountPurpose.FREELANCER_PENDING, currency="USD", user=freelancer) == Decimal("450")
    # A rerun finds nothing to do.
    assert auto_release_escrow() == 0


def test_auto_release_skips_disputed_escrow(funded_escrow, milestone, freelancer, settings):
    from billing.services.escrow import escrow_freeze

    submit(milestone, freelancer)
    _submitted_days_ago(milestone, settings.ESCROW_AUTO_RELEASE_DAYS + 1)
    escrow_freeze(escrow=funded_escrow, reason="dispute")
    assert auto_release_escrow() == 0
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SUBMITTED


def test_expired_idempotency_keys_are_purged(client_user):
    now = timezone.now()
    IdempotencyKey.objects.create(user=client_user, method="POST", path="/a", key="old", request_hash="x",
                                  expires_at=now - datetime.timedelta(seconds=1))
    IdempotencyKey.objects.create(user=client_user, method="POST", path="/a", key="new", request_hash="x",
                                  expires_at=now + datetime.timedelta(hours=1))
    assert purge_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
