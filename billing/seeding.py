"""Billing's part of the demo: the money side of the marketplace's contracts, all through the billing services on
the manual gateway, so that every movement is in the ledger and `manage.py ledger_check` passes.

1. Milestones the marketplace seed shows as funded, in progress or handed in get their escrow. (That layer marks
   them funded without money, since billing runs after it; their funding time is cleared here and the escrow
   service funds them for real, which sets it again.)
2. client1 and freelancer1 get a contract whose milestones show every money state: released (with the platform
   fee, matured and partly paid out), refunded, partially released with a refund request waiting for Finance.
3. Each demo freelancer gets a payout account and a payout schedule.

Running it twice changes nothing: each step looks for what it made before.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Role, User
from marketplace.models import Contract, ContractStatus, Milestone, MilestoneStatus, Project, Proposal
from marketplace.services import milestones as milestone_services
from marketplace.services import projects as project_services
from marketplace.services import proposals as proposal_services

from .models import (
    Escrow,
    Payment,
    PaymentType,
    Payout,
    PayoutAccount,
    PayoutSchedule,
    Refund,
    TransactionFee,
)
from .services import escrow as escrow_services
from .services import gateway_accounts
from .services import payments as payment_services
from .services import payouts as payout_services
from .services import refunds as refund_services

GATEWAY = "manual"  # the demo never reaches a real provider, whatever PAYMENT_GATEWAY says
CLIENT = "client1@example.com"
FREELANCER = "freelancer1@example.com"

STORY = {
    "project": {
        "title": "Data quality audit of delivery records",
        "description": "Audit two years of delivery records for duplicates, impossible timestamps and missing "
                       "proof-of-delivery files, fix what can be fixed and document the rest.",
        "budget_min": Decimal("1500"), "budget_max": Decimal("2500"), "skills": ["Python", "PostgreSQL"],
        "estimated_duration": "4 weeks",
    },
    "cover_letter": "I have cleaned delivery data for two couriers: I start with a profile of every table, agree "
                    "the rules with you, then fix in batches that you can check.",
    "milestones": [
        {"title": "Data profile and cleaning rules", "amount": Decimal("600.00"),
         "description": "A profile of every table and the rules we agree on."},
        {"title": "Historical archive import", "amount": Decimal("400.00"),
         "description": "Import the 2019 archive; dropped when the archive turned out to be lost."},
        {"title": "Fixes and documentation", "amount": Decimal("900.00"),
         "description": "Apply the rules in batches; a report of what could not be fixed."},
    ],
}


def _backdate(model, pk: int, days: float, *fields: str) -> None:
    """Seeding builds history: move a row's timestamps back so the demo reads like weeks of real use. Ledger
    rows are append-only and keep the time they were written."""
    when = timezone.now() - timedelta(days=days)
    model.objects.filter(pk=pk).update(**dict.fromkeys(fields, when))


def _fund_marked_milestones(progress) -> int:
    """Escrow for the milestones that the marketplace seed marked funded without money."""
    unfunded = (Milestone.objects.filter(
        status__in=[MilestoneStatus.FUNDED, MilestoneStatus.IN_PROGRESS, MilestoneStatus.SUBMITTED],
        funded_at__isnull=False, contract__status=ContractStatus.ACTIVE)
        .exclude(Exists(Escrow.objects.filter(milestone=OuterRef("pk"))))
        .select_related("contract").order_by("pk"))
    funded = 0
    for milestone in unfunded:
        marked_at = milestone.funded_at
        Milestone.objects.filter(pk=milestone.pk).update(funded_at=None)
        escrow = escrow_services.escrow_fund(contract=milestone.contract, actor=milestone.contract.client,
                                             milestone=Milestone.objects.get(pk=milestone.pk), gateway=GATEWAY)
        # Keep the history the marketplace seed wrote: the money arrived when the milestone says it did.
        Milestone.objects.filter(pk=milestone.pk).update(funded_at=marked_at)
        Escrow.objects.filter(pk=escrow.pk).update(created_at=marked_at, funded_at=marked_at)
        Payment.objects.filter(escrow=escrow).update(created_at=marked_at, completed_at=marked_at)
        funded += 1
    progress.advance()
    return funded


def _story_contract(client: User, freelancer: User) -> Contract | None:
    """The contract of the billing story, created through the marketplace services on the first run."""
    data = STORY["project"]
    project = Project.objects.filter(client=client, title=data["title"]).first()
    if project is not None:
        return Contract.objects.filter(project=project).first()
    project = project_services.project_create(client=client, **data)
    proposal = proposal_services.proposal_submit(project=project, freelancer=freelancer,
                                                 cover_letter=STORY["cover_letter"],
                                                 bid_amount=sum(m["amount"] for m in STORY["milestones"]),
                                                 availability="Next week")
    proposal_services.proposal_accept(proposal=proposal, actor=client, milestones=STORY["milestones"])
    _backdate(Project, project.pk, 60, "created_at", "published_at")
    _backdate(Proposal, proposal.pk, 58, "created_at", "decided_at")
    contract = Contract.objects.get(proposal=proposal)
    _backdate(Contract, contract.pk, 56, "created_at")
    return contract


def _play_story(contract: Contract, client: User, freelancer: User) -> None:
    first, second, third = list(contract.milestones.order_by("order"))

    # 1. Funded, handed in, approved: released with the platform fee, past the security period, partly paid out.
    escrow = escrow_services.escrow_fund(contract=contract, actor=client, milestone=first, gateway=GATEWAY)
    milestone_services.milestone_start(milestone=first, actor=freelancer)
    milestone_services.milestone_submit(milestone=first, actor=freelancer,
                                        deliverables="Profile of 14 tables and 23 cleaning rules, agreed in our "
                                                     "call; notebook and report attached.")
    milestone_services.milestone_approve(milestone=first, actor=client)
    release = Payment.objects.get(escrow=escrow, payment_type=PaymentType.RELEASE)
    _backdate(Escrow, escrow.pk, 50, "created_at", "funded_at")
    Payment.objects.filter(escrow=escrow, payment_type=PaymentType.ESCROW_FUNDING).update(
        created_at=timezone.now() - timedelta(days=50), completed_at=timezone.now() - timedelta(days=50))
    _backdate(Payment, release.pk, 38, "created_at", "completed_at", "available_at")
    Payment.objects.filter(escrow=escrow, payment_type=PaymentType.FEE).update(
        created_at=timezone.now() - timedelta(days=38), completed_at=timezone.now() - timedelta(days=38))
    TransactionFee.objects.filter(payment__escrow=escrow).update(created_at=timezone.now() - timedelta(days=38))
    _backdate(Escrow, escrow.pk, 38, "released_at")
    payment_services.payment_mature(payment=Payment.objects.get(pk=release.pk))
    payout = payout_services.payout_request(freelancer=freelancer, amount=Decimal("300.00"), gateway=GATEWAY)
    _backdate(Payout, payout.pk, 30, "created_at", "paid_at")

    # 2. Funded, then taken back by the client before any work was handed in: refunded.
    dropped = escrow_services.escrow_fund(contract=contract, actor=client, milestone=second, gateway=GATEWAY)
    refund = escrow_services.escrow_refund(escrow=dropped, actor=client,
                                           reason="The 2019 archive was lost in the server move; nothing to "
                                                  "import.")
    _backdate(Escrow, dropped.pk, 35, "created_at", "funded_at")
    _backdate(Refund, refund.pk, 33, "created_at", "processed_at")

    # 3. Funded, part released by hand as a batch was delivered, and a refund request waiting for Finance.
    current = escrow_services.escrow_fund(contract=contract, actor=client, milestone=third, gateway=GATEWAY)
    milestone_services.milestone_start(milestone=third, actor=freelancer)
    escrow_services.escrow_release(escrow=current, actor=client, amount=Decimal("450.00"),
                                   reason="First batch of fixes delivered")
    funding = Payment.objects.get(escrow=current, payment_type=PaymentType.ESCROW_FUNDING)
    refund_services.refund_request(payment=funding, actor=client, amount=Decimal("150.00"),
                                   reason="The proof-of-delivery files turned out to be out of scope; we agreed "
                                          "to drop that part.")
    _backdate(Escrow, current.pk, 20, "created_at", "funded_at")


def _payout_setup(freelancer: User, *, frequency: str, minimum: Decimal) -> None:
    if not PayoutAccount.objects.filter(user=freelancer, gateway=GATEWAY).exists():
        gateway_accounts.payout_account_onboard(user=freelancer, gateway=GATEWAY)
    if not PayoutSchedule.objects.filter(freelancer=freelancer).exists():
        payout_services.payout_schedule_set(freelancer=freelancer, frequency=frequency, minimum_amount=minimum)


def seed_billing(progress) -> None:
    client = User.objects.filter(email=CLIENT).first()
    freelancer = User.objects.filter(email=FREELANCER).first()
    _fund_marked_milestones(progress)
    if client is not None and freelancer is not None:
        contract = _story_contract(client, freelancer)
        if contract is not None and not Escrow.objects.filter(contract=contract).exists():
            _play_story(contract, client, freelancer)
    progress.advance()
    for index, person in enumerate(User.objects.filter(role=Role.FREELANCER, email__endswith="@example.com")
                                   .filter(email__startswith="freelancer").order_by("email")):
        _payout_setup(person, frequency=("monthly", "twice_monthly", "weekly")[index % 3],
                      minimum=Decimal("50.00") if index % 2 == 0 else Decimal("100.00"))
    progress.advance()


seed_billing.steps = 3
