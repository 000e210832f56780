import factory
from django.utils import timezone

from accounts.tests.factories import ClientFactory
from support.models import Announcement, SupportTicket, TicketCategory, TicketPriority, TicketStatus


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportTicket

    user = factory.SubFactory(ClientFactory)
    subject = factory.Sequence(lambda n: f"Cannot download invoice {n}")
    description = "The download button does nothing on the invoices page."
    category = TicketCategory.BILLING
    priority = TicketPriority.MEDIUM
    status = TicketStatus.OPEN
    first_response_due_at = factory.LazyFunction(lambda: SupportTicket.due_for(TicketPriority.MEDIUM))


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    title = factory.Sequence(lambda n: f"Announcement {n}")
    content = "Scheduled maintenance on Sunday night."
    starts_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))
