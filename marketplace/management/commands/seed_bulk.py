"""`seed_bulk`: a large, realistic marketplace for search and list benchmarks.

    python manage.py seed_bulk --projects 1000000 --freelancers 200000 --clients 50000

Text comes from a vocabulary with the shape of real postings: a few words in a large share of projects (common:
"website", "app"), skills and industries in a few percent each (medium), and a long tail of brand and place names
in a few hundred projects each (rare), so benchmarks can query each kind. Rows are generated in batches and
streamed with PostgreSQL `COPY` (psycopg 3); project vectors are computed in the same `INSERT ... SELECT` that moves
a batch from an unlogged staging table into `projects`, and the search indexes are built once at the end. On
SQLite (small demos) the same rows go in with `bulk_create`. Bulk users get unusable passwords: they fill lists,
nobody signs in as them.
"""

import random
import time
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Role, Skill, User, UserSkill
from marketplace.models import Category, Project, ProjectTag, Tag
from marketplace.search import sql
from marketplace.seeding import CATEGORIES, SKILLS, TAGS
from megilance.progress import ProgressBar

COMMON_PRODUCTS = [("website", 30), ("app", 22), ("dashboard", 7), ("platform", 6), ("store", 5), ("api", 5),
                   ("landing page", 4), ("plugin", 3), ("chatbot", 2), ("report", 3), ("brand identity", 3),
                   ("video", 3), ("newsletter", 2), ("database", 3), ("game", 2)]
VERBS = ["Build", "Redesign", "Fix", "Improve", "Create", "Develop", "Migrate", "Launch", "Optimize", "Maintain",
         "Audit", "Extend", "Automate", "Design", "Refactor"]
ADJECTIVES = ["modern", "simple", "responsive", "secure", "fast", "scalable", "multilingual", "accessible",
              "minimal", "custom", "mobile", "internal", "public", "bilingual", "lightweight"]
INDUSTRIES = ["bakery", "dental clinic", "law firm", "real estate", "fitness studio", "restaurant", "hotel",
              "logistics", "insurance", "nonprofit", "school", "university", "pharmacy", "veterinary", "winery",
              "brewery", "coffee roaster", "bookshop", "florist", "architecture", "construction", "solar energy",
              "fintech", "healthcare", "recruiting", "travel agency", "car rental", "photography", "music label",
              "podcast", "fashion", "jewelry", "furniture", "gardening", "pet shop", "yoga", "language school",
              "accounting", "marketing agency", "museum", "theatre", "sports club", "farm", "fishery", "bike shop",
              "cosmetics", "skincare", "tea shop", "charity", "church", "city council", "clinic", "laboratory",
              "manufacturing", "shipping", "aviation", "mining", "telecom", "gaming studio", "esports"]
SENTENCES = [
    "We are a {industry} business looking for an experienced freelancer.",
    "The {product} must work well on phones and tablets.",
    "You will work with our team in {place} on the {brand} account.",
    "Experience with {skill} and {skill2} is required.",
    "Please share examples of similar {product} work in your proposal.",
    "The current {product} is slow and hard to update.",
    "We need clean code, clear communication and weekly updates.",
    "Our customers are mostly {industry} owners who want to book online.",
    "Deliverables include documentation and a short handover call.",
    "The budget is flexible for the right person.",
    "Bonus if you know {skill} and have worked for {industry} clients.",
    "This is the first phase of a longer collaboration with {brand}.",
    "Integrate payments, email notifications and an admin area.",
    "Search engine visibility matters for our {industry} customers.",
    "Designs are ready in Figma; we need them built pixel-perfect.",
]
LOCATIONS = ["Lisbon", "Berlin", "Lagos", "Nairobi", "Karachi", "Lahore", "Manila", "Bogotá", "Kyiv", "Warsaw",
             "Austin", "Toronto", "Dhaka", "Cairo", "Hanoi", "Jakarta", "Madrid", "Paris", "London", "Remote"]
TITLES = ["developer", "designer", "engineer", "writer", "consultant", "analyst", "marketer", "editor",
          "architect", "specialist"]
BIO = ["I help {industry} teams ship {product} projects on time.", "Ten years of {skill} work for clients in "
       "{place}.", "Reliable, fast replies, clean {skill} code.", "Worked with {brand} and other {industry} brands."]


class Vocabulary:
    """Word pools and their weights; the tail of brand and place names is what makes terms rare."""

    def __init__(self, seed: int):
        from faker import Faker

        fake = Faker("en_US")
        Faker.seed(seed)
        self.rng = random.Random(seed)
        # Brand names from the surname and first-name lists: thousands of distinct words.
        pool = {w for w in fake.get_words_list() if w.isalpha()}
        provider = fake.provider("faker.providers.person")
        pool |= {name for name in getattr(provider, "last_names", ()) if name.isalpha()}
        pool |= {name for name in getattr(provider, "first_names", ()) if name.isalpha()}
        self.brands = sorted(pool)
        cities = fake.provider("faker.providers.address")
        self.places = sorted(set(getattr(cities, "city_prefixes", ())) | set(LOCATIONS))
        self.products = [p for p, _ in COMMON_PRODUCTS]
        self.product_weights = [w for _, w in COMMON_PRODUCTS]

    def product(self):
        return self.rng.choices(self.products, self.product_weights)[0]


class Command(BaseCommand):
    help = "Seed a large marketplace (projects, freelancers, clients) for search benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=10_000)
        parser.add_argument("--freelancers", type=int, default=2_000)
        parser.add_argument("--clients", type=int, default=None, help="Default: projects / 20")
        parser.add_argument("--batch", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=7)
        # Activity around the projects (megilance.bulk, PostgreSQL only). Defaults keep the shape of the full
        # dataset: 5 proposals, 0.25 contracts, 10 messages and 1 notification per project.
        parser.add_argument("--proposals", type=int, default=None)
        parser.add_argument("--contracts", type=int, default=None)
        parser.add_argument("--messages", type=int, default=None)
        parser.add_argument("--notifications", type=int, default=None)

    def handle(self, *args, **opts):
        for name in ("projects", "freelancers", "batch"):
            if opts[name] < 0 or (name == "batch" and opts[name] < 1):
                raise CommandError(f"--{name} must be positive.")
        started = time.monotonic()
        self.voc = Vocabulary(opts["seed"])
        self.rng = self.voc.rng
        self.batch = opts["batch"]
        self.postgres = connection.vendor == "postgresql"
        self.run = f"{time.time_ns():x}"  # unique per run, so a second run adds people instead of colliding
        clients = opts["clients"] if opts["clients"] is not None else max(1, opts["projects"] // 20)
        self.reference_data()
        client_ids = self.users(Role.CLIENT, clients)
        self.users(Role.FREELANCER, opts["freelancers"])
        self.projects(opts["projects"], client_ids)
        self.finish()
        self.activity(opts)
        self.stdout.write(self.style.SUCCESS(
            f"Seeded {opts['projects']} projects, {opts['freelancers']} freelancers, {clients} clients "
            f"in {time.monotonic() - started:.0f}s."))

    # Reference data ----------------------------------------------------------------------------------------

    def reference_data(self):
        self.categories = []
        for position, (name, icon, children) in enumerate(CATEGORIES):
            parent, _ = Category.objects.get_or_create(
                parent=None, name=name, defaults={"slug": slugify(name), "icon": icon, "sort_order": position})
            for child_position, child in enumerate(children):
                node, _ = Category.objects.get_or_create(
                    parent=parent, name=child,
                    defaults={"slug": slugify(f"{name}-{child}")[:110], "sort_order": child_position})
                self.categories.append(node.pk)
        for group, names in SKILLS.items():
            for name in names:
                Skill.objects.get_or_create(name=name, defaults={"slug": slugify(name) or "skill", "category": group})
        self.skills = list(Skill.objects.filter(is_active=True).values_list("pk", "name"))
        for name in TAGS:
            Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
        self.tags = list(Tag.objects.values_list("pk", "name"))

    # Writing ------------------------------------------------------------------------------------------------

    def next_id(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            return cursor.fetchone()[0] + 1

    def copy(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        """Stream rows with COPY. Values never contain tabs, newlines or backslashes (the vocabulary has none)."""
        def cell(value):
            if value is None:
                return r"\N"
            if isinstance(value, bool):
                return "t" if value else "f"
            if isinstance(value, list):
                return "{" + ",".join(str(v) for v in value) + "}"
            return str(value)

        text = "".join("\t".join(cell(v) for v in row) + "\n" for row in rows)
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(text)

    def reset_sequence(self, table: str) -> None:
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")

    def when(self, now, max_days=730, position=None):
        """A posting date: more recent postings than old ones, like a growing marketplace. With `position`
        (0..1, the row's place in the run) dates rise with the ids, as rows inserted over time do, so the table's
        physical order follows time as it does in production."""
        share = self.rng.random() if position is None else 1.0 - position
        days = max_days * (share ** 2)
        return now - timedelta(days=days, seconds=self.rng.randint(0, 59))

    # Users --------------------------------------------------------------------------------------------------

    def users(self, role: str, count: int) -> list[int]:
        if count <= 0:
            return list(User.objects.filter(role=role).values_list("pk", flat=True)[:1000])
        first = self.next_id("users")
        password = make_password(None)
        now = timezone.now()
        voc, rng = self.voc, self.rng
        fields = ["id", "email", "password", "name", "role", "bio", "title", "hourly_rate", "location", "timezone",
                  "profile_image_url", "is_verified", "email_verified", "is_active", "is_staff", "is_superuser",
                  "date_joined", "updated_at", "last_login"]
        label = f"{role}s"
        with ProgressBar(count, label, stream=self.stdout) as bar:
            for start in range(0, count, self.batch):
                rows, skills = [], []
                for n in range(start, min(start + self.batch, count)):
                    pk = first + n
                    name = f"{rng.choice(voc.brands)} {rng.choice(voc.brands)}"
                    joined = self.when(now, 1500, position=n / count)
                    if role == Role.FREELANCER:
                        skill_pks = rng.sample(self.skills, rng.randint(2, 6))
                        top = skill_pks[0][1]
                        title = f"{top} {rng.choice(TITLES)}"
                        bio = " ".join(t.format(industry=rng.choice(INDUSTRIES), product=voc.product(),
                                                skill=top, place=rng.choice(voc.places),
                                                brand=rng.choice(voc.brands)) for t in rng.sample(BIO, 2))
                        rate = Decimal(rng.randint(15, 150))
                        skills.extend((pk, spk, rng.randint(1, 5), rng.randint(0, 15), False, joined)
                                      for spk, _ in skill_pks)
                    else:
                        title, bio, rate = "", "", None
                    rows.append((pk, f"bulk{self.run}.{role}{n}@example.test", password, name, role, bio, title,
                                 rate, rng.choice(LOCATIONS), "UTC", "", False, True, True, False, False, joined,
                                 joined, None))
                self.write_users(fields, rows, skills)
                bar.advance(len(rows))
        self.reset_sequence("users")
        self.reset_sequence("user_skills")
        return list(range(first, first + count))

    @transaction.atomic
    def write_users(self, fields, rows, skills):
        skill_fields = ["user_id", "skill_id", "proficiency_level", "years_of_experience", "is_verified",
                        "created_at"]
        if self.postgres:
            self.copy("users", fields, rows)
            self.copy("user_skills", skill_fields, skills)
            ids = [row[0] for row in rows]
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE users u SET search_vector = {sql.USER_VECTOR} "
                               "WHERE u.id BETWEEN %s AND %s", [ids[0], ids[-1]])
            return
        User.objects.bulk_create([User(**dict(zip(fields, row, strict=True))) for row in rows])
        UserSkill.objects.bulk_create([UserSkill(**dict(zip(skill_fields, row, strict=True))) for row in skills])

    # Projects -----------------------------------------------------------------------------------------------

    def project_row(self, pk, client_ids, now, position=None):
        voc, rng = self.voc, self.rng
        product = voc.product()
        industry = rng.choice(INDUSTRIES)
        skills = rng.sample(self.skills, rng.randint(2, 5))
        tags = rng.sample(self.tags, rng.randint(0, 2))
        title = f"{rng.choice(VERBS)} a {rng.choice(ADJECTIVES)} {product} for a {industry}"
        if rng.random() < 0.3:
            title += f" in {rng.choice(voc.places)}"
        fill = {"industry": industry, "product": product, "skill": skills[0][1], "skill2": skills[-1][1],
                "place": rng.choice(voc.places), "brand": rng.choice(voc.brands)}
        description = " ".join(s.format(**fill) for s in rng.sample(SENTENCES, rng.randint(3, 6)))
        hourly = rng.random() < 0.4
        low = Decimal(rng.randint(15, 60)) if hourly else Decimal(rng.randrange(100, 20_000, 50))
        high = low + (Decimal(rng.randint(5, 60)) if hourly else Decimal(rng.randrange(0, 10_000, 50)))
        roll = rng.random()
        status = "open" if roll < 0.7 else "in_progress" if roll < 0.8 else "completed" if roll < 0.95 else "cancelled"
        created = self.when(now, position=position)
        return {
            "id": pk, "client_id": rng.choice(client_ids), "title": title, "description": description,
            "category_id": rng.choice(self.categories), "budget_type": "hourly" if hourly else "fixed",
            "budget_min": low, "budget_max": high, "currency": "USD",
            "experience_level": rng.choice(("entry", "intermediate", "intermediate", "expert")),
            "estimated_duration": "", "deadline": None, "status": status,
            "visibility": "public" if rng.random() < 0.95 else "invite_only", "is_hidden": False,
            "hidden_reason": "", "proposal_count": rng.randint(0, 40), "published_at": created,
            "created_at": created, "updated_at": created,
            "skill_ids": [s for s, _ in skills], "tag_ids": [t for t, _ in tags],
            "terms_b": " ".join([name for _, name in skills] + [name for _, name in tags]),
        }

    PROJECT_COLUMNS = ["id", "client_id", "title", "description", "category_id", "budget_type", "budget_min",
                       "budget_max", "currency", "experience_level", "estimated_duration", "deadline", "status",
                       "visibility", "is_hidden", "hidden_reason", "proposal_count", "published_at", "created_at",
                       "updated_at"]

    def projects(self, count: int, client_ids: list[int]):
        if count <= 0:
            return
        first = self.next_id("projects")
        now = timezone.now()
        if self.postgres:
            self.drop_search_indexes()
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS bulk_projects")
                columns = ", ".join(f"{c} {t}" for c, t in self.staging_types().items())
                cursor.execute(f"CREATE UNLOGGED TABLE bulk_projects ({columns})")
        with ProgressBar(count, "projects", stream=self.stdout) as bar:
            for start in range(0, count, self.batch):
                rows = [self.project_row(first + n, client_ids, now, position=n / count)
                        for n in range(start, min(start + self.batch, count))]
                self.write_projects(rows)
                bar.advance(len(rows))
        self.reset_sequence("projects")
        self.reset_sequence("project_skills")
        self.reset_sequence("project_tags")
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS bulk_projects")
            self.build_search_indexes()

    def staging_types(self):
        types = {"id": "bigint", "client_id": "bigint", "category_id": "bigint", "budget_min": "numeric",
                 "budget_max": "numeric", "deadline": "date", "is_hidden": "boolean", "proposal_count": "integer",
                 "published_at": "timestamptz", "created_at": "timestamptz", "updated_at": "timestamptz"}
        staged = {c: types.get(c, "text") for c in self.PROJECT_COLUMNS}
        staged.update({"skill_ids": "bigint[]", "tag_ids": "bigint[]", "terms_b": "text"})
        return staged

    @transaction.atomic
    def write_projects(self, rows):
        if not self.postgres:
            Project.objects.bulk_create([Project(**{c: r[c] for c in self.PROJECT_COLUMNS}) for r in rows])
            Project.skills.through.objects.bulk_create([
                Project.skills.through(project_id=r["id"], skill_id=s) for r in rows for s in r["skill_ids"]])
            ProjectTag.objects.bulk_create([
                ProjectTag(project_id=r["id"], tag_id=t, created_at=r["created_at"]) for r in rows
                for t in r["tag_ids"]])
            return
        staged = list(self.staging_types())
        self.copy("bulk_projects", staged, [tuple(r[c] for c in staged) for r in rows])
        cols = ", ".join(self.PROJECT_COLUMNS)
        cfg = sql.TS_CONFIG
        with connection.cursor() as cursor:
            # The same weights as marketplace.search.sql.PROJECT_VECTOR, computed once on the way in.
            cursor.execute(f"""
                INSERT INTO projects ({cols}, search_vector)
                SELECT {cols},
                       setweight(to_tsvector('{cfg}', title), 'A')
                       || setweight(to_tsvector('{cfg}', terms_b), 'B')
                       || setweight(to_tsvector('{cfg}', description), 'C')
                FROM bulk_projects""")
            cursor.execute("INSERT INTO project_skills (project_id, skill_id) "
                           "SELECT id, unnest(skill_ids) FROM bulk_projects")
            cursor.execute("INSERT INTO project_tags (project_id, tag_id, created_at) "
                           "SELECT id, unnest(tag_ids), created_at FROM bulk_projects")
            cursor.execute("TRUNCATE bulk_projects")

    def drop_search_indexes(self):
        with connection.cursor() as cursor:
            for name, _ in sql.PROJECT_INDEXES[:4]:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")

    def build_search_indexes(self):
        statements = [stmt for _, stmt in sql.PROJECT_INDEXES[:4]]
        bar = ProgressBar(len(statements) + 2, "search indexes", stream=self.stdout)
        with bar, connection.cursor() as cursor:
            # Foreign-key checks are deferred; an index cannot be built while some are pending (inside a test's
            # transaction), so run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for statement in statements:
                cursor.execute(statement)
                bar.advance()
            # Fresh statistics for every table the search touches (tags and skills included: a planner that
            # thinks project_tags is empty scans it whole for each page).
            for table in ("projects", "users", "project_skills", "project_tags", "user_skills", "skills", "tags",
                          "categories"):
                cursor.execute(f"ANALYZE {table}")
            bar.advance()
            for statement in sql.REBUILD_SEARCH_WORDS:  # the known title words that correct typos
                cursor.execute(statement)
            bar.advance()

    def activity(self, opts):
        """Proposals, contracts with milestones and escrow (balanced ledger), messages and notifications."""
        if not self.postgres:
            self.stdout.write("Activity (proposals, contracts, messages) needs PostgreSQL: skipped.")
            return
        from megilance import bulk

        def size(name, per_project):
            return opts[name] if opts[name] is not None else int(opts["projects"] * per_project)

        bulk.generate(proposals=size("proposals", 5), contracts=size("contracts", 0.25),
                      messages=size("messages", 10), notifications=size("notifications", 1), seed=opts["seed"],
                      batch=self.batch, stdout=self.stdout, log=self.stdout.write)

    def finish(self):
        with connection.cursor() as cursor:
            cursor.execute("""
                UPDATE categories SET project_count = (
                    SELECT count(*) FROM projects p WHERE p.category_id = categories.id AND p.status = 'open'
                    AND p.visibility = 'public' AND p.is_hidden = %s)""", [False])
            cursor.execute("UPDATE tags SET usage_count = (SELECT count(*) FROM project_tags pt "
                           "WHERE pt.tag_id = tags.id)")
