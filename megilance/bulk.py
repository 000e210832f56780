"""Bulk rows for scale tests: proposals, contracts with milestones, escrow with its ledger, conversations,
messages, notifications and invoices, streamed into PostgreSQL with `COPY` (psycopg 3).

`seed_bulk` creates the people and projects; `generate()` adds the activity around them:

- proposals: per project, a few distinct freelancers bid (no two live proposals by one freelancer on a project);
- contracts: one accepted proposal per chosen project, 1-4 milestones each, escrow per funded milestone;
- money: every funded escrow has a FUNDING ledger transaction (client funding -> contract escrow) and every
  released one a RELEASE (escrow -> freelancer pending + platform fee), written as balanced entries; the cached
  account balances are then set from the sum of their entries, so `manage.py ledger_check` passes afterwards;
- messages: one conversation per contract, messages alternating between its two parties;
- notifications and invoices for the same people.

A few "busy" freelancers (the first ones of the range) get a larger share of everything, so list endpoints can be
measured on an account with thousands of rows. Ids are allocated up front from max(id) + 1 and the sequences are
moved past them at the end; run it while nothing else writes these tables.
"""

import json
import random
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from megilance.money import percent_of, quantize
from megilance.progress import ProgressBar

BUSY_FREELANCERS = 20
BUSY_SHARE = 0.02

PROPOSAL_LINES = [
    "I have delivered several similar projects and can start this week.",
    "Here is how I would approach the work: discovery, a first version, then two rounds of changes.",
    "I will keep you updated every few days and share progress on a staging link.",
    "My recent clients include agencies and small businesses in the same field.",
    "I can also help with hosting, analytics and a short handover session.",
    "Happy to do a short call to go through the details before we agree on milestones.",
]
MESSAGE_LINES = [
    "Thanks, I have started on the first part.", "Could you share the login for the staging server?",
    "The draft is ready for review.", "Looks good, a few small changes on the second page.",
    "I pushed the fix, please check again.", "Can we move the call to Thursday?",
    "Milestone submitted, let me know what you think.", "Approved, thank you for the quick turnaround.",
    "Do you have the brand colours as hex codes?", "I will send the invoice at the end of the week.",
]
MILESTONE_TITLES = ["Discovery and plan", "First version", "Revisions", "Launch and handover"]


def _cell(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


class Table:
    """One table's COPY stream: the columns given per row, plus the model's defaults for every other column."""

    def __init__(self, model: type[models.Model], given: list[str], now: datetime):
        self.model = model
        self.table = model._meta.db_table
        self.given = given
        fields = [f for f in model._meta.concrete_fields if f.column not in given and f.column != "id"]
        self.rest = [f.column for f in fields]
        tail = []
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                tail.append(now)
            elif field.has_default():
                tail.append(field.get_default())
            elif field.null:
                tail.append(None)
            elif isinstance(field, (models.CharField, models.TextField, models.FileField)):
                tail.append("")
            else:
                raise ValueError(f"{self.table}.{field.column} needs a value")
        self.tail = "\t".join(_cell(v) for v in tail)
        self.rows: list[str] = []

    def add(self, *values) -> None:
        line = "\t".join(_cell(v) for v in values)
        self.rows.append(f"{line}\t{self.tail}\n" if self.tail else f"{line}\n")

    def flush(self) -> int:
        if not self.rows:
            return 0
        columns = ", ".join(f'"{c}"' for c in self.given + self.rest)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
            for start in range(0, len(self.rows), 10_000):
                copy.write("".join(self.rows[start:start + 10_000]))
        written = len(self.rows)
        self.rows = []
        return written


def _scalar(query: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(query, params or [])
        return cursor.fetchone()[0]


def _next_id(table: str) -> int:
    return (_scalar(f"SELECT COALESCE(MAX(id), 0) FROM {table}") or 0) + 1


def _reset_sequences(tables: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")


class IndexesDeferred:
    """Drop a table's secondary indexes while rows stream in and build them once at the end: one sort per index
    instead of millions of B-tree insertions (the same reason seed_bulk builds the search indexes last)."""

    def __init__(self, *tables: str, stdout=None):
        self.tables = tables
        self.stdout = stdout
        self.definitions: list[tuple[str, str]] = []

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("""
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
                           [list(self.tables)])
            self.definitions = cursor.fetchall()
            for name, _ in self.definitions:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        return self

    def __exit__(self, *exc):
        bar = ProgressBar(len(self.definitions), f"indexes on {', '.join(self.tables)}"[:28], stream=self.stdout)
        with bar, connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in self.definitions:
                cursor.execute(definition)
                bar.advance()
        return False


class Ids:
    def __init__(self, table: str):
        self.value = _next_id(table)

    def take(self) -> int:
        value = self.value
        self.value += 1
        return value


class Generator:
    def __init__(self, *, seed: int, batch: int, stdout, skip_triggers: bool = True):
        if connection.vendor != "postgresql":
            raise RuntimeError("Bulk generation streams with COPY and needs PostgreSQL (set DATABASE_URL).")
        self.rng = random.Random(seed)
        self.batch = batch
        self.stdout = stdout
        self.now = timezone.now()
        self.fee_percent = Decimal(str(settings.PLATFORM_FEE_PERCENT))
        freelancers = _freelancer_ids()
        if not freelancers:
            raise RuntimeError("No freelancers yet: run seed_bulk (or seed_demo) first.")
        self.freelancers = freelancers
        self.busy = freelancers[:BUSY_FREELANCERS]
        self.skip_triggers = skip_triggers and bool(_scalar(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))

    def __enter__(self):
        # Like pg_restore --disable-triggers: the rows are consistent by construction (every id written here was
        # allocated here or read from the database), so the per-row foreign-key triggers only cost time.
        # Needs a superuser; otherwise the triggers run and the load is slower.
        if self.skip_triggers:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
        return self

    def __exit__(self, *exc):
        if self.skip_triggers:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        return False

    def pick_freelancers(self, count: int) -> list[int]:
        chosen = set()
        while len(chosen) < count:
            pool = self.busy if self.rng.random() < BUSY_SHARE else self.freelancers
            chosen.add(self.rng.choice(pool))
        return list(chosen)

    def when(self, after: datetime, days: float = 60) -> datetime:
        moment = after + timedelta(days=self.rng.random() * days, seconds=self.rng.randint(0, 86_399))
        return min(moment, self.now)

    # --- proposals, contracts, milestones, escrow, ledger, conversations, invoices -------------------------

    def marketplace(self, *, proposals: int, contracts: int, invoices_share: float = 0.5) -> dict:
        from billing.models import (
            AccountPurpose,
            Escrow,
            Invoice,
            LedgerAccount,
            LedgerEntry,
            LedgerTransaction,
        )
        from engagement.models import Conversation
        from marketplace.models import Contract, Milestone, Proposal

        start_after = _scalar("SELECT COALESCE(MAX(project_id), 0) FROM proposals")
        available = _scalar("SELECT count(*) FROM projects WHERE id > %s", [start_after])
        if available == 0 or proposals <= 0:
            return {"proposals": 0, "contracts": 0}
        per_project = max(1.0, proposals / available)
        projects_needed = min(available, max(1, int(proposals / per_project)))
        # A little above the exact share: the per-project draw would otherwise land a few per cent short, and the
        # count check below stops at the target.
        contract_chance = min(1.0, 1.05 * contracts / projects_needed)

        ids = {name: Ids(name) for name in ("proposals", "contracts", "milestones", "escrow", "ledger_accounts",
                                             "ledger_transactions", "ledger_entries", "conversations", "invoices")}
        t = {
            "proposals": Table(Proposal, ["id", "project_id", "freelancer_id", "client_id", "cover_letter",
                                          "bid_amount",
                                          "currency", "status", "decided_at", "created_at", "updated_at"], self.now),
            "contracts": Table(Contract, ["id", "project_id", "proposal_id", "client_id", "freelancer_id", "title",
                                          "contract_type", "amount", "currency", "status", "start_date",
                                          "completed_at", "created_at", "updated_at"], self.now),
            "milestones": Table(Milestone, ["id", "contract_id", "title", "amount", "currency", "order", "status",
                                            "funded_at", "submitted_at", "approved_at", "paid_at", "created_at",
                                            "updated_at"], self.now),
            "escrow": Table(Escrow, ["id", "contract_id", "milestone_id", "client_id", "amount", "currency",
                                     "status", "released_amount", "funded_at", "released_at", "created_at",
                                     "updated_at"], self.now),
            "ledger_accounts": Table(LedgerAccount, ["id", "purpose", "currency", "user_id", "contract_id",
                                                     "owner_key", "balance"], self.now),
            "ledger_transactions": Table(LedgerTransaction, ["id", "kind", "description", "escrow_id",
                                                             "created_at"], self.now),
            "ledger_entries": Table(LedgerEntry, ["id", "transaction_id", "account_id", "amount", "currency",
                                                  "created_at"], self.now),
            "conversations": Table(Conversation, ["id", "project_id", "contract_id", "client_id", "freelancer_id",
                                                  "subject", "last_message_at", "created_at", "updated_at"],
                                   self.now),
            "invoices": Table(Invoice, ["id", "number", "kind", "contract_id", "from_user_id", "to_user_id",
                                        "items", "amount", "total", "currency", "status", "issue_date", "due_date",
                                        "paid_date", "created_at", "updated_at"], self.now),
        }
        accounts = {(p, k): pk for p, k, pk in LedgerAccount.objects.filter(currency="USD").values_list(
            "purpose", "owner_key", "pk")}
        first_new_account = ids["ledger_accounts"].value

        def account(purpose, owner_key, user_id=None, contract_id=None):
            key = (purpose, owner_key)
            if key not in accounts:
                pk = ids["ledger_accounts"].take()
                accounts[key] = pk
                t["ledger_accounts"].add(pk, purpose, "USD", user_id, contract_id, owner_key, "0.00")
            return accounts[key]

        def post(kind, escrow_id, description, at, lines):
            assert sum(amount for _, amount in lines) == 0, lines
            txn = ids["ledger_transactions"].take()
            t["ledger_transactions"].add(txn, kind, description, escrow_id, at)
            for account_id, amount in lines:
                t["ledger_entries"].add(ids["ledger_entries"].take(), txn, account_id, amount, "USD", at)

        revenue = account(AccountPurpose.PLATFORM_REVENUE, "platform")
        counts = dict.fromkeys(("proposals", "contracts", "milestones", "escrow", "ledger_transactions",
                                "conversations", "invoices"), 0)
        rng = self.rng
        cover = " ".join(PROPOSAL_LINES)
        last_project = start_after
        with IndexesDeferred("proposals", "ledger_entries", "ledger_transactions", stdout=self.stdout), \
                ProgressBar(proposals, "proposals and contracts", stream=self.stdout) as bar:
            while counts["proposals"] < proposals:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT id, client_id, title, budget_min, created_at FROM projects WHERE id > %s "
                                   "ORDER BY id LIMIT %s", [last_project, max(1000, self.batch // 5)])
                    projects = cursor.fetchall()
                if not projects:
                    break
                last_project = projects[-1][0]
                for project_id, client_id, title, budget, created in projects:
                    remaining = proposals - counts["proposals"]
                    if remaining <= 0:
                        break
                    n = min(remaining, max(1, int(rng.expovariate(1 / per_project) + 0.5)), 60,
                            len(self.freelancers))
                    bidders = self.pick_freelancers(n)
                    winner = rng.randrange(n) if rng.random() < contract_chance and counts["contracts"] < contracts \
                        else None
                    budget = quantize(budget or 500)
                    for index, freelancer_id in enumerate(bidders):
                        pk = ids["proposals"].take()
                        at = self.when(created, 14)
                        bid = quantize(budget * Decimal(rng.randint(80, 130)) / 100)
                        status = "accepted" if index == winner else rng.choice(
                            ("submitted", "submitted", "submitted", "shortlisted", "rejected", "withdrawn"))
                        t["proposals"].add(pk, project_id, freelancer_id, client_id, cover, bid, "USD", status,
                                           at if status in ("accepted", "rejected") else None, at, at)
                        counts["proposals"] += 1
                        if index == winner:
                            self._contract(t, ids, counts, account, post, revenue, rng, pk, project_id, client_id,
                                           freelancer_id, title, bid, at, invoices_share)
                    bar.advance(n)
                self._flush(t)
        _reset_sequences(ids)
        self.settle_balances(first_new_account, revenue)
        with connection.cursor() as cursor:
            for table in ("proposals", "contracts", "milestones", "escrow", "ledger_accounts", "ledger_entries",
                          "conversations", "invoices"):
                cursor.execute(f"ANALYZE {table}")
        return counts

    def _contract(self, t, ids, counts, account, post, revenue, rng, proposal_id, project_id, client_id,
                  freelancer_id, title, bid, at, invoices_share):
        from billing.models import AccountPurpose, LedgerTransactionKind

        contract_id = ids["contracts"].take()
        completed = rng.random() < 0.45
        status = "completed" if completed else "active"
        milestone_count = rng.randint(1, 4)
        amounts = [quantize(bid / milestone_count)] * milestone_count
        amounts[-1] = bid - sum(amounts[:-1])
        done_at = self.when(at, 90) if completed else None
        t["contracts"].add(contract_id, project_id, proposal_id, client_id, freelancer_id, title[:200], "fixed", bid,
                           "USD", status, at.date(), done_at, at, done_at or at)
        counts["contracts"] += 1
        conversation_id = ids["conversations"].take()
        t["conversations"].add(conversation_id, project_id, contract_id, client_id, freelancer_id, title[:200],
                               at, at, at)
        counts["conversations"] += 1
        funding = account(AccountPurpose.CLIENT_FUNDING, f"user:{client_id}", user_id=client_id)
        escrow_account = account(AccountPurpose.ESCROW, f"contract:{contract_id}", contract_id=contract_id)
        pending = account(AccountPurpose.FREELANCER_PENDING, f"user:{freelancer_id}", user_id=freelancer_id)
        released_total = Decimal("0.00")
        for order, amount in enumerate(amounts, start=1):
            milestone_id = ids["milestones"].take()
            # Completed contracts paid every milestone; active ones paid the first few and funded the next.
            if completed or order < milestone_count / 2 + 0.5:
                state = "paid"
            elif order == milestone_count or rng.random() < 0.5:
                state = "funded"
            else:
                state = "pending"
            funded_at = self.when(at, 10) if state != "pending" else None
            paid_at = self.when(funded_at, 20) if state == "paid" else None
            t["milestones"].add(milestone_id, contract_id, MILESTONE_TITLES[order - 1], amount, "USD", order, state,
                                funded_at, paid_at, paid_at, paid_at, at, paid_at or funded_at or at)
            counts["milestones"] += 1
            if state == "pending" or amount <= 0:
                continue
            escrow_id = ids["escrow"].take()
            t["escrow"].add(escrow_id, contract_id, milestone_id, client_id, amount, "USD",
                            "released" if paid_at else "funded", amount if paid_at else "0.00", funded_at, paid_at,
                            funded_at, paid_at or funded_at)
            counts["escrow"] += 1
            post(LedgerTransactionKind.FUNDING, escrow_id, f"Escrow {escrow_id} funded", funded_at,
                 [(funding, -amount), (escrow_account, amount)])
            counts["ledger_transactions"] += 1
            if paid_at:
                fee = percent_of(amount, self.fee_percent)
                post(LedgerTransactionKind.RELEASE, escrow_id, f"Escrow release: {MILESTONE_TITLES[order - 1]}",
                     paid_at, [(escrow_account, -amount), (pending, amount - fee), (revenue, fee)])
                counts["ledger_transactions"] += 1
                released_total += amount
        if released_total > 0 and rng.random() < invoices_share:
            invoice_id = ids["invoices"].take()
            issued = done_at or self.now
            items = [{"description": title[:120], "quantity": "1", "unit_price": str(released_total),
                      "amount": str(released_total)}]
            t["invoices"].add(invoice_id, f"BLK-{invoice_id:08d}", "work", contract_id, freelancer_id, client_id,
                              items, released_total, released_total, "USD", "paid", issued.date(),
                              (issued + timedelta(days=14)).date(), issued, issued, issued)
            counts["invoices"] += 1

    @transaction.atomic
    def _flush(self, tables: dict[str, Table]) -> None:
        # Parents before children: the foreign keys are checked row by row.
        for name in ("proposals", "contracts", "conversations", "milestones", "escrow", "ledger_accounts",
                     "ledger_transactions", "ledger_entries", "invoices"):
            tables[name].flush()

    def settle_balances(self, first_new_account: int, revenue: int) -> None:
        """Cached balances = the sum of each account's entries (what ledger_post keeps under its locks)."""
        with connection.cursor() as cursor:
            cursor.execute("""
                UPDATE ledger_accounts a SET balance = s.total, updated_at = now()
                FROM (SELECT account_id, SUM(amount) AS total FROM ledger_entries
                      WHERE account_id >= %s OR account_id IN (
                          SELECT id FROM ledger_accounts WHERE purpose IN ('platform_revenue', 'client_funding',
                                                                           'freelancer_pending'))
                      GROUP BY account_id) s
                WHERE a.id = s.account_id AND a.balance <> s.total""", [first_new_account])

    # --- messages and notifications ----------------------------------------------------------------------------

    def messages(self, count: int) -> int:
        from engagement.models import Message

        if count <= 0:
            return 0
        conversations = _scalar("SELECT count(*) FROM conversations")
        if not conversations:
            raise RuntimeError("No conversations yet: generate contracts first.")
        per_conversation = max(1.0, count / conversations)
        ids = Ids("messages")
        table = Table(Message, ["id", "conversation_id", "sender_id", "recipient_id", "body", "read_at",
                                "created_at"], self.now)
        rng = self.rng
        written = 0
        last = 0
        with IndexesDeferred("messages", stdout=self.stdout), \
                ProgressBar(count, "messages", stream=self.stdout) as bar:
            while written < count:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT id, client_id, freelancer_id, created_at FROM conversations "
                                   "WHERE id > %s ORDER BY id LIMIT 2000", [last])
                    rows = cursor.fetchall()
                if not rows:
                    last = 0  # more messages than one pass gives: go round again
                    continue
                last = rows[-1][0]
                latest = []
                for conversation_id, client_id, freelancer_id, created in rows:
                    n = min(count - written, max(1, int(rng.gauss(per_conversation, per_conversation / 3))))
                    at = created
                    for _ in range(n):
                        at = self.when(at, 2)
                        sender, recipient = (client_id, freelancer_id) if rng.random() < 0.5 else (
                            freelancer_id, client_id)
                        read = at + timedelta(minutes=rng.randint(1, 600)) if at < self.now - timedelta(days=1) \
                            else None
                        table.add(ids.take(), conversation_id, sender, recipient, rng.choice(MESSAGE_LINES), read, at)
                    written += n
                    latest.append((conversation_id, at))
                    if written >= count:
                        break
                with transaction.atomic():
                    done = table.flush()
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "UPDATE conversations c SET last_message_at = v.at "
                            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) "
                            "WHERE c.id = v.id AND (c.last_message_at IS NULL OR c.last_message_at < v.at)",
                            [[pk for pk, _ in latest], [at for _, at in latest]])
                bar.advance(done)
        _reset_sequences(["messages"])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE messages")
        return written

    def notifications(self, count: int) -> int:
        from engagement.models import Notification

        if count <= 0:
            return 0
        ids = Ids("notifications")
        table = Table(Notification, ["id", "user_id", "notification_type", "title", "message", "link", "is_read",
                                     "read_at", "created_at"], self.now)
        rng = self.rng
        kinds = [("proposal_received", "New proposal"), ("message_received", "New message"),
                 ("milestone_submitted", "Milestone submitted"), ("payment_received", "Payment received")]
        with IndexesDeferred("notifications", stdout=self.stdout), \
                ProgressBar(count, "notifications", stream=self.stdout) as bar:
            for start in range(0, count, self.batch):
                n = min(self.batch, count - start)
                for _ in range(n):
                    user = rng.choice(self.busy) if rng.random() < BUSY_SHARE * 5 else rng.choice(self.freelancers)
                    kind, title = rng.choice(kinds)
                    at = self.now - timedelta(days=365 * rng.random() ** 2)
                    read = rng.random() < 0.7
                    table.add(ids.take(), user, kind, title, title + ".", "/dashboard/", read,
                              at + timedelta(hours=1) if read else None, at)
                with transaction.atomic():
                    bar.advance(table.flush())
        _reset_sequences(["notifications"])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE notifications")
        return count


def _freelancer_ids() -> list[int]:
    from accounts.models import Role, User

    return list(User.objects.filter(role=Role.FREELANCER, is_active=True).order_by("pk").values_list("pk", flat=True))


def generate(*, proposals: int, contracts: int, messages: int, notifications: int = 0, seed: int = 11,
             batch: int = 50_000, stdout=None, skip_triggers: bool = True,
             log: Callable[[str], None] | None = None) -> dict:
    """Add activity to a database that already has clients, freelancers and projects. Returns the row counts."""
    with Generator(seed=seed, batch=batch, stdout=stdout, skip_triggers=skip_triggers) as generator:
        counts = generator.marketplace(proposals=proposals, contracts=contracts)
        counts["messages"] = generator.messages(messages)
        counts["notifications"] = generator.notifications(notifications)
    if log:
        log(", ".join(f"{value} {name}" for name, value in counts.items()))
    return counts
