"""Every big list answers with the same number of SQL statements for 10 rows as for 100 (no query per row)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Skill
from billing.models import Invoice
from engagement.models import Conversation, Message, Notification
from marketplace.models import Category, Contract, Milestone, Project, Proposal, Tag
from megilance.api.serializers import FastReadMixin

ROWS = 105


@pytest.fixture
def busy_world(client_user, freelancer):
    """ROWS of each list visible to the freelancer (and the client): projects, proposals, contracts with a
    milestone, messages, notifications and invoices."""
    now = timezone.now()
    category = Category.objects.create(name="Web", slug="web")
    projects = Project.objects.bulk_create([
        Project(client=client_user, title=f"Build a site {n}", description="A site for a bakery. " * 5,
                category=category, budget_type="fixed", budget_min=Decimal("500"), budget_max=Decimal("900"),
                status="open", published_at=now - timedelta(minutes=n))
        for n in range(ROWS)])
    proposals = Proposal.objects.bulk_create([
        Proposal(project=p, freelancer=freelancer, client=client_user,
                 cover_letter="I can build this well and on time. " * 3,
                 bid_amount=Decimal("700"), status="submitted")
        for p in projects])
    contracts = Contract.objects.bulk_create([
        Contract(project=p, proposal=proposal, client=client_user, freelancer=freelancer, title=p.title,
                 amount=Decimal("700"), status="active")
        for p, proposal in zip(projects, proposals, strict=True)])
    Milestone.objects.bulk_create([
        Milestone(contract=c, title="First version", amount=Decimal("700"), order=1) for c in contracts])
    conversation = Conversation.objects.create(project=projects[0], client=client_user, freelancer=freelancer,
                                               last_message_at=now)
    Message.objects.bulk_create([
        Message(conversation=conversation, sender=client_user if n % 2 else freelancer,
                recipient=freelancer if n % 2 else client_user, body=f"Message {n}")
        for n in range(ROWS)])
    Notification.objects.bulk_create([
        Notification(user=freelancer, notification_type="new_message", title=f"Notification {n}")
        for n in range(ROWS)])
    Invoice.objects.bulk_create([
        Invoice(number=f"INV-2026-{n:06d}", kind="work", contract=c, from_user=freelancer, to_user=client_user,
                amount=Decimal("700"), total=Decimal("700"), status="pending",
                items=[{"description": "Work", "quantity": "1", "unit_price": "700", "amount": "700"}])
        for n, c in enumerate(contracts, start=1)])


LISTS = ["/api/projects/", "/api/proposals/", "/api/contracts/", "/api/messages/", "/api/notifications/",
         "/api/invoices/"]


@pytest.mark.parametrize("path", LISTS)
def test_a_list_runs_the_same_queries_for_100_rows_as_for_10(busy_world, freelancer_api,
                                                             django_assert_num_queries, path):
    freelancer_api.get(f"{path}?page_size=10")  # warm: session last-seen and caches
    with CaptureQueriesContext(connection) as small:
        first = freelancer_api.get(f"{path}?page_size=10")
    assert first.status_code == 200, first.content
    assert len(first.json()["results"]) == 10

    with django_assert_num_queries(len(small.captured_queries)):
        response = freelancer_api.get(f"{path}?page_size=100")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 100


@pytest.mark.parametrize("path", ["/api/projects/", "/api/messages/", "/api/notifications/"])
def test_a_big_list_pages_by_cursor_with_the_same_queries(busy_world, freelancer_api, django_assert_num_queries,
                                                          path):
    freelancer_api.get(f"{path}?cursor=&page_size=10")
    with CaptureQueriesContext(connection) as small:
        first = freelancer_api.get(f"{path}?cursor=&page_size=10")
    assert first.json()["next"]

    with django_assert_num_queries(len(small.captured_queries)):
        response = freelancer_api.get(f"{path}?cursor=&page_size=100")

    assert len(response.json()["results"]) == 100


@pytest.mark.parametrize("path", ["/api/messages/", "/api/notifications/"])
def test_big_lists_say_whether_their_count_is_an_estimate(busy_world, freelancer_api, path):
    body = freelancer_api.get(path).json()

    assert body["count"] == ROWS
    assert body["count_is_estimate"] is False


@pytest.mark.parametrize("path", LISTS[1:])
def test_outsiders_see_none_of_the_rows(busy_world, outsider_api, path):
    response = outsider_api.get(f"{path}?page_size=100")

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("path", ["/api/projects/", "/api/proposals/", "/api/messages/"])
def test_pages_read_ids_first_keep_the_lists_order_and_rows(busy_world, freelancer_api, path):
    whole = freelancer_api.get(f"{path}?page_size=100").json()["results"]
    paged = []
    for page in range(1, 12):
        body = freelancer_api.get(f"{path}?page_size=10&page={page}").json()
        paged.extend(body.get("results", []))
    # Eleven pages of ten hold all 105 rows; the first hundred are the single page of 100, in the same order.
    assert len({row["id"] for row in paged}) == len(paged) == ROWS
    assert [row["id"] for row in paged][:100] == [row["id"] for row in whole]
    assert paged[:3] == whole[:3]


@pytest.mark.parametrize("path", LISTS)
def test_lists_answer_byte_for_byte_what_drfs_own_field_walk_answers(busy_world, freelancer_api, monkeypatch,
                                                                      path):
    react, django_skill = Skill.objects.create(name="React"), Skill.objects.create(name="Django")
    urgent = Tag.objects.create(name="urgent", slug="urgent")
    for project in Project.objects.order_by("-id")[:5]:
        project.skills.add(react, django_skill)
        project.tags.add(urgent)
    invoice = Invoice.objects.order_by("-id").first()
    invoice.from_details = {"name": "Ann Lee", "country": "PK"}  # partial details: DRF skips or nulls the rest
    invoice.save(update_fields=["from_details"])

    fast = freelancer_api.get(f"{path}?page_size=100")
    monkeypatch.setattr(FastReadMixin, "to_representation",
                        lambda self, instance: super(FastReadMixin, self).to_representation(instance))
    plain = freelancer_api.get(f"{path}?page_size=100")

    assert fast.status_code == plain.status_code == 200
    assert fast.content == plain.content


@pytest.mark.django_db
def test_rows_read_by_id_keep_their_joins_and_annotations(client_user):
    from django.db.models import F

    from megilance.queries import rows_in_order

    older, newer = (Project.objects.create(client=client_user, title=title, description="d", status="open")
                    for title in ("Older", "Newer"))
    listed = (Project.objects.filter(title="Older").select_related("client")
              .annotate(client_name=F("client__name")))

    # Read through the list's filter, "Newer" stays out; by id alone (the ids came through that filter), the
    # filter is not applied again, and the joined client and the annotation are still there.
    assert rows_in_order(listed, [newer.pk, older.pk]) == [older]
    rows = rows_in_order(listed, [newer.pk, older.pk], ids_read_through_it=True)
    assert rows == [newer, older]
    assert rows[0].client_name == client_user.name and "client" in rows[0]._state.fields_cache


def test_notifications_read_the_columns_their_serializer_shows():
    from engagement.api.serializers import NotificationSerializer
    from megilance.api.serializers import plain_columns

    assert plain_columns(NotificationSerializer) == ["id", "notification_type", "title", "message", "link", "data",
                                                     "is_read", "read_at", "created_at"]


@pytest.mark.parametrize("path", ["/api/projects/", "/api/contracts/", "/api/notifications/", "/api/invoices/"])
def test_list_rows_read_as_dicts_answer_what_their_detail_answers(busy_world, freelancer_api, freelancer, path):
    react, django_skill = Skill.objects.create(name="React"), Skill.objects.create(name="Django")
    for project in Project.objects.order_by("-id")[:3]:
        project.skills.add(react, django_skill)
        project.tags.add(Tag.objects.get_or_create(name="urgent", slug="urgent")[0])
    Project.objects.filter(pk=Project.objects.order_by("-id")[1].pk).update(category=None)
    contract = Contract.objects.order_by("-id").first()
    Milestone.objects.create(contract=contract, title="Second", amount=Decimal("50"), order=2, status="funded")
    Notification.objects.filter(user=freelancer).update(data={"project_id": 7, "amount": "12.50"}, link="/x")
    Notification.objects.filter(pk=Notification.objects.filter(user=freelancer).first().pk).update(
        is_read=True, read_at=timezone.now())
    invoice = Invoice.objects.order_by("-id").first()
    Invoice.objects.filter(pk=invoice.pk).update(number=None, status="draft",
                                                 from_details={"name": "Ann Lee", "country": "PK"})

    listed = freelancer_api.get(f"{path}?page_size=100").json()["results"]
    assert len(listed) == 100
    if path != "/api/contracts/":  # contracts page by number only
        assert freelancer_api.get(f"{path}?cursor=&page_size=100").json()["results"] == listed
    for row in listed[:4] + listed[-2:]:
        assert freelancer_api.get(f"{path}{row['id']}").json() == row


def test_only_serializers_of_stored_columns_read_rows_as_dicts():
    from rest_framework import serializers

    from accounts.models import User
    from billing.api.invoice_views import InvoiceSerializer
    from marketplace.api.serializers import ProjectSerializer
    from megilance.api.serializers import plain_columns

    class Avatar(FastReadMixin, serializers.ModelSerializer):
        class Meta:
            model = Notification
            fields = ["id", "user"]  # a related object, not its id

    class Named(FastReadMixin, serializers.ModelSerializer):
        name = serializers.CharField(source="user.name")

        class Meta:
            model = Notification
            fields = ["id", "user_id", "name"]

    class Plain(serializers.ModelSerializer):  # DRF's own walk reads instances only
        class Meta:
            model = User
            fields = ["id", "name"]

    # A nested person, a method field (the PDF link), a relation, a dotted source, no read plan: instances.
    for serializer in (ProjectSerializer, InvoiceSerializer, Avatar, Named, Plain):
        assert plain_columns(serializer) is None, serializer


@pytest.mark.django_db
def test_rows_read_by_id_take_one_array_on_postgresql(client_user):
    from megilance.queries import any_of, rows_in_order

    projects = [Project.objects.create(client=client_user, title=f"P{n}", description="d", status="open")
                for n in range(60)]
    ids = [p.pk for p in reversed(projects)]

    with CaptureQueriesContext(connection) as queries:
        rows = rows_in_order(Project.objects.all(), [*ids, 10**9])
    assert [row.pk for row in rows] == ids
    assert rows_in_order(Project.objects.all(), []) == []
    as_dicts = rows_in_order(Project.objects.values("id", "title"), ids[:3], ids_read_through_it=True)
    assert as_dicts == [{"id": pk, "title": f"P{59 - n}"} for n, pk in enumerate(ids[:3])]
    where, params = any_of("id", ids[:3])
    if connection.vendor == "postgresql":
        # 60 ids are one parameter: the statement's text is the same for every page of any size.
        assert "= ANY(" in queries[0]["sql"] and " IN (" not in queries[0]["sql"]
        assert (where, params) == ("id = ANY(%s)", [ids[:3]])
    else:
        assert (where, params) == ("id IN (%s, %s, %s)", ids[:3])


def test_list_rows_leave_the_search_vectors_in_the_database(busy_world, freelancer_api):
    one = Project.objects.values_list("pk", flat=True).first()
    with CaptureQueriesContext(connection) as queries:
        for path in ("/api/projects/?page_size=100", "/api/proposals/?page_size=100",
                     "/api/messages/?page_size=100", f"/api/projects/{one}"):
            assert freelancer_api.get(path).status_code == 200

    assert queries.captured_queries
    assert not [q["sql"] for q in queries.captured_queries if "search_vector" in q["sql"]]


@pytest.mark.django_db
def test_a_project_pages_ids_are_read_from_the_projects_table_alone(client_user):
    from accounts.selectors import with_person_summaries
    from marketplace import selectors
    from marketplace.api.serializers import ProjectSerializer
    from megilance.api.serializers import read_columns

    Project.objects.create(client=client_user, title="A site", description="d", status="open")
    rows = selectors.with_category_names(with_person_summaries(
        selectors.project_list(viewer=None).prefetch_related(None), "client"))

    # No join at all in the ids step (not even one PostgreSQL would drop: it plans as if the joined column were
    # read, and leaves the newest-first index for the table), and the rows still carry their names.
    sql = str(rows.values_list("pk", flat=True).query).upper()
    assert " JOIN " not in sql and "USERS" not in sql and "CATEGORIES" not in sql
    row = rows.values(*read_columns(ProjectSerializer, *selectors.PROJECT_LIST_EXTRA_COLUMNS)).get()
    assert row["client_summary_name"] == client_user.name and row["category_summary_slug"] is None
