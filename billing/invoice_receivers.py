"""How invoices follow the money. These receivers run inside the sender's transaction.

- escrow_released: every release is documented by an invoice from the freelancer to the client (unless an
  invoice already pays through that escrow) and, when a fee was taken, MegiLance's fee invoice to the freelancer.
- escrow_funded: an escrow opened to pay an invoice is released at once and the invoice marked paid.
- time_week_approved: the client approved a week; it is billed right after the commit.

Importing this module also registers the invoice tasks, the staff admin, the GDPR parts and the demo seeder.
"""

from django.db import transaction
from django.dispatch import receiver

from marketplace.models import TimeEntry
from marketplace.services import time as time_services
from megilance import seeding

from . import events
from .models import Escrow
from .services.invoices import invoice_settle_funded_escrow, invoices_for_release


@receiver(events.escrow_released, sender=Escrow, dispatch_uid="billing.invoices_on_release")
def invoice_the_release(sender, escrow: Escrow, payment, **kwargs) -> None:
    invoices_for_release(escrow=escrow, payment=payment)


@receiver(events.escrow_funded, sender=Escrow, dispatch_uid="billing.settle_invoice_on_funding")
def settle_invoice_on_funding(sender, escrow: Escrow, **kwargs) -> None:
    invoice_settle_funded_escrow(escrow=escrow)


@receiver(time_services.time_week_approved, sender=TimeEntry, dispatch_uid="billing.bill_approved_week")
def bill_approved_week(sender, contract, week_start, **kwargs) -> None:
    from .invoice_tasks import bill_hourly_week

    contract_id, week = contract.pk, week_start.isoformat()
    transaction.on_commit(lambda: bill_hourly_week.delay(contract_id, week))


def _register_parts() -> None:
    from . import invoice_admin, invoice_privacy, invoice_tasks  # noqa: F401
    from .invoice_seeding import seed_invoices

    seeding.register("billing", seed_invoices)


_register_parts()
