"""The marketplace's demo data: what the issue promises is there, and a second run changes nothing."""

import pytest
from django.db.models import Count

from accounts.models import Skill, User
from accounts.seeding import seed_accounts
from marketplace.models import (
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
    Review,
    Tag,
    TimeEntry,
)
from marketplace.seeding import seed_marketplace

pytestmark = pytest.mark.django_db

MODELS = [Category, Tag, Skill, Project, ProjectTag, Proposal, Contract, Milestone, PortfolioItem, Review, TimeEntry]


class Progress:
    def __init__(self):
        self.done = 0

    def advance(self, n=1):
        self.done += n


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def seeded(db):
    seed_accounts(Progress())
    progress = Progress()
    seed_marketplace(progress)
    return progress


def test_progress_advances_exactly_the_announced_steps(seeded):
    assert seeded.done == seed_marketplace.steps


def test_running_the_seed_twice_keeps_the_same_counts(seeded):
    before = _counts()
    seed_accounts(Progress())
    seed_marketplace(Progress())
    assert _counts() == before


def test_category_tree_skills_and_tags(seeded):
    top = Category.objects.filter(parent__isnull=True).annotate(n=Count("children"))
    assert top.count() >= 10
    assert all(category.n >= 2 and category.icon for category in top)
    assert Skill.objects.exclude(category="").count() >= 60
    assert Tag.objects.filter(usage_count__gt=0).count() >= 10


def test_open_projects_across_categories_fixed_and_hourly(seeded):
    open_projects = Project.objects.filter(status=ProjectStatus.OPEN, is_hidden=False)
    assert open_projects.count() >= 12
    assert open_projects.values("category__parent").distinct().count() >= 8
    assert {"fixed", "hourly"} <= set(open_projects.values_list("budget_type", flat=True))
    assert Category.objects.filter(project_count__gt=0).exists()  # counters recounted


def test_freelancer1_and_client1_have_contracts_in_every_state(seeded):
    alex, daniel = User.objects.get(email="freelancer1@example.com"), User.objects.get(email="client1@example.com")
    contracts = Contract.objects.filter(client=daniel, freelancer=alex)
    fixed = contracts.get(status=ContractStatus.ACTIVE, contract_type=ContractType.FIXED)
    states = set(fixed.milestones.values_list("status", flat=True))
    assert {MilestoneStatus.APPROVED, MilestoneStatus.SUBMITTED, MilestoneStatus.PENDING} <= states
    assert states & {MilestoneStatus.FUNDED, MilestoneStatus.IN_PROGRESS}
    assert contracts.filter(status=ContractStatus.ACTIVE, contract_type=ContractType.HOURLY).exists()
    completed = contracts.get(status=ContractStatus.COMPLETED)
    reviews = list(completed.reviews.all())
    assert len(reviews) == 2 and all(review.is_visible for review in reviews)


def test_every_demo_person_has_something_in_each_list(seeded):
    for email in ["client1@example.com", "client2@example.com", "client3@example.com", "sarah.client@example.com"]:
        client = User.objects.get(email=email)
        assert Project.objects.filter(client=client, status=ProjectStatus.OPEN).exists(), email
        assert Proposal.objects.filter(project__client=client).exists(), email
        assert Contract.objects.filter(client=client).exists(), email
    for n in range(1, 6):
        freelancer = User.objects.get(email=f"freelancer{n}@example.com")
        assert Proposal.objects.filter(freelancer=freelancer).exists(), n
        assert Contract.objects.filter(freelancer=freelancer).exists(), n
        assert PortfolioItem.objects.filter(freelancer=freelancer).exists(), n


@pytest.mark.parametrize("email", ["client1@example.com", "freelancer1@example.com"])
def test_demo_people_see_their_pages(seeded, client, email):
    person = User.objects.get(email=email)
    client.force_login(person)
    for url in ["/dashboard/", "/projects/", "/contracts/", "/freelancers/", f"/people/{person.pk}/",
                "/projects/mine/" if person.is_client else "/proposals/"]:
        assert client.get(url).status_code == 200, url
    for contract in Contract.objects.filter(client=person) | Contract.objects.filter(freelancer=person):
        assert client.get(f"/contracts/{contract.pk}/").status_code == 200
