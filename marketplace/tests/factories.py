"""factory_boy factories for the marketplace models, shared by every marketplace test module."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import ClientFactory, FreelancerFactory
from marketplace.models import (
    BudgetType,
    Category,
    Contract,
    ContractStatus,
    ContractType,
    Milestone,
    MilestoneStatus,
    PortfolioItem,
    Project,
    ProjectStatus,
    ProjectTag,
    Proposal,
    ProposalStatus,
    Review,
    Tag,
)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    parent = None


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    """An open, public fixed-price project. Pass `status=ProjectStatus.DRAFT` for a draft."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    title = factory.Sequence(lambda n: f"Build feature {n}")
    description = factory.Faker("paragraph", nb_sentences=4)
    category = factory.SubFactory(CategoryFactory)
    budget_type = BudgetType.FIXED
    budget_min = Decimal("500.00")
    budget_max = Decimal("1500.00")
    status = ProjectStatus.OPEN
    published_at = factory.LazyAttribute(lambda o: timezone.now() if o.status != ProjectStatus.DRAFT else None)

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            for tag in extracted:
                ProjectTag.objects.get_or_create(project=self, tag=tag)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    project = factory.SubFactory(ProjectFactory)
    freelancer = factory.SubFactory(FreelancerFactory)
    cover_letter = factory.LazyFunction(
        lambda: "I have shipped several projects like this one and can start this week. " * 2
    )
    bid_amount = Decimal("1000.00")
    availability = "immediately"
    status = ProposalStatus.SUBMITTED


class ContractFactory(factory.django.DjangoModelFactory):
    """An active fixed-price contract between the project's client and a freelancer (no proposal by default)."""

    class Meta:
        model = Contract

    project = factory.SubFactory(ProjectFactory, status=ProjectStatus.IN_PROGRESS)
    proposal = None
    client = factory.LazyAttribute(lambda o: o.project.client)
    freelancer = factory.SubFactory(FreelancerFactory)
    title = factory.LazyAttribute(lambda o: o.project.title)
    description = factory.LazyAttribute(lambda o: o.project.description)
    contract_type = ContractType.FIXED
    amount = Decimal("1000.00")
    status = ContractStatus.ACTIVE


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    contract = factory.SubFactory(ContractFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    description = "Deliver the agreed part of the work."
    amount = Decimal("500.00")
    order = factory.Sequence(lambda n: n + 1)
    status = MilestoneStatus.PENDING


class PortfolioItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortfolioItem

    freelancer = factory.SubFactory(FreelancerFactory)
    title = factory.Sequence(lambda n: f"Portfolio piece {n}")
    description = factory.Faker("sentence")
    project_url = "https://example.com/work"
    skills = factory.LazyFunction(lambda: ["Python"])


class ReviewFactory(factory.django.DjangoModelFactory):
    """The client's review of the freelancer on a completed contract, visible at once."""

    class Meta:
        model = Review

    contract = factory.SubFactory(ContractFactory, status=ContractStatus.COMPLETED,
                                  completed_at=factory.LazyFunction(timezone.now))
    reviewer = factory.LazyAttribute(lambda o: o.contract.client)
    reviewee = factory.LazyAttribute(lambda o: o.contract.freelancer)
    rating = 5
    comment = "Clear communication and solid work."
    visible_at = factory.LazyFunction(lambda: timezone.now() - timedelta(seconds=1))
