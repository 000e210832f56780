"""Domain events of support (Django signals), sent inside the service's transaction. engagement/receivers.py turns
them into notifications; anything leaving the database is deferred there with transaction.on_commit."""

from django.dispatch import Signal

ticket_created = Signal()  # ticket
ticket_replied = Signal()  # ticket, message, actor
ticket_assigned = Signal()  # ticket, actor
ticket_resolved = Signal()  # ticket, actor
ticket_closed = Signal()  # ticket, actor
dispute_opened = Signal()  # dispute, actor
dispute_evidence_added = Signal()  # dispute, evidence, actor
dispute_assigned = Signal()  # dispute, actor
dispute_resolved = Signal()  # dispute, actor
announcement_published = Signal()  # announcement, actor
