"""Support's object routes for the access-control matrix (tests/test_access_control.py): alice opens a ticket
and disputes bob's funded milestone."""

from decimal import Decimal

from billing.services.escrow import escrow_fund
from marketplace.tests.factories import ContractFactory, MilestoneFactory
from support.services import dispute_open, ticket_create, ticket_reply


def build(world):
    ticket = ticket_create(user=world.client, subject="Invoice is wrong", description="The VAT line is missing.",
                           category="billing", priority="high")
    ticket_reply(ticket=ticket, actor=world.client, body="Any news?")
    contract = ContractFactory(project__client=world.client, freelancer=world.freelancer)
    milestone = MilestoneFactory(contract=contract, amount=Decimal("250.00"))
    escrow_fund(contract=contract, actor=world.client, milestone=milestone)
    dispute = dispute_open(actor=world.client, contract=contract, milestone=milestone, dispute_type="quality",
                           description="The delivery does not match the brief.")
    routes = []
    for base in ("/api/support-tickets", "/api/support/tickets"):
        routes += [
            ("GET", f"{base}/{ticket.pk}"),
            ("PATCH", f"{base}/{ticket.pk}"),
            ("PUT", f"{base}/{ticket.pk}"),
            ("DELETE", f"{base}/{ticket.pk}"),
            ("POST", f"{base}/{ticket.pk}/messages"),
            ("POST", f"{base}/{ticket.pk}/assign"),
            ("POST", f"{base}/{ticket.pk}/resolve"),
            ("POST", f"{base}/{ticket.pk}/close"),
        ]
    routes += [
        ("GET", f"/api/disputes/{dispute.pk}"),
        ("POST", f"/api/disputes/{dispute.pk}/evidence"),
        ("POST", f"/api/disputes/{dispute.pk}/assign"),
        ("POST", f"/api/disputes/{dispute.pk}/resolve"),
        ("POST", f"/api/admin/users/{world.client.pk}/toggle-status"),
        ("POST", f"/api/admin/users/{world.freelancer.pk}/toggle-status"),
    ]
    return routes
