"""Run the MegiLance load test once: 50 users for 5 minutes against gunicorn with 3 workers on 127.0.0.1, then
check the goals (0 errors, p95 < 300 ms on reads and < 800 ms on money writes, no deadlock in the PostgreSQL
log, the ledger balanced afterwards). Bounded and loopback only; it stops by itself.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/megilance_perf REDIS_URL=redis://127.0.0.1:6379/9 \
        python loadtest/run.py [--users 50] [--minutes 5] [--workers 3]

Accounts: freelancers and clients of the bulk dataset get a random password for the run (bulk users have none);
clients are the ones with funded escrow to release. Tasks the requests enqueue go to the broker at REDIS_URL and
are purged at the end (use a Redis database of your own).
"""

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from _django import setup  # noqa: E402
from _server import gunicorn, login, machine  # noqa: E402

PG_LOG = Path("/var/log/postgresql/postgresql-15-main.log")


def prepare_accounts(freelancers: int, clients: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count

    from accounts.models import User
    from billing.models import Escrow
    from engagement.models import Conversation

    password = secrets.token_urlsafe(16)
    hashed = make_password(password)
    busy_clients = list(Escrow.objects.filter(status="funded", milestone__isnull=False, contract__status="active")
                        .values("client_id").annotate(n=Count("id")).order_by("-n")
                        .values_list("client_id", flat=True)[:clients])
    freelancer_ids = list(Conversation.objects.values_list("freelancer_id", flat=True).distinct()[:freelancers])
    User.objects.filter(pk__in=busy_clients + freelancer_ids).update(password=hashed, email_verified=True)
    emails = dict(User.objects.filter(pk__in=busy_clients + freelancer_ids).values_list("pk", "email"))

    def conversations(user_id, field):
        return list(Conversation.objects.filter(**{field: user_id}).values_list("pk", flat=True)[:20])

    return {
        "freelancer": [{"email": emails[pk], "password": password, "conversations": conversations(pk, "freelancer")}
                       for pk in freelancer_ids],
        "client": [{"email": emails[pk], "password": password, "conversations": conversations(pk, "client"),
                    "escrows": list(Escrow.objects.filter(client_id=pk, status="funded", milestone__isnull=False,
                                                          contract__status="active")
                                    .values_list("pk", flat=True)[:60])}
                   for pk in busy_clients],
        "search_terms": ["website", "app", "bakery", "dashboard", "react", "logo", "shopify", "wordpress",
                         "dental clinic", "python", "seo", "mobile"],
    }


def deadlocks() -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        stat = cursor.fetchone()[0]
    try:
        logged = PG_LOG.read_text(errors="replace").count("deadlock detected")
    except OSError:
        logged = -1
    return stat, logged


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker; above 1 the workers are gunicorn's gthread workers")
    args = parser.parse_args()
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
    setup()
    from django.db import connection

    from billing.services.ledger import ledger_differences

    accounts = prepare_accounts(freelancers=args.users, clients=args.users)
    # Rate limits count per user in the cache (Redis); a run earlier the same hour by the same accounts would
    # still be counted against them, so each run starts with fresh counters, as new visitors would.
    from django.core.cache import cache

    cleared = cache.delete_pattern("*throttle_*") if hasattr(cache, "delete_pattern") else 0
    folder = Path(tempfile.mkdtemp(prefix="megilance-loadtest-"))
    accounts_file = folder / "accounts.json"
    accounts_file.write_text(json.dumps(accounts))
    before = deadlocks()
    connection.close()
    print(f"# Load test, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"# machine: {machine()}")
    print(f"# {args.users} users for {args.minutes:g} min against gunicorn with {args.workers} workers"
          f"{f' of {args.threads} threads' if args.threads > 1 else ''}; "
          f"{len(accounts['client'])} clients with "
          f"{sum(len(c['escrows']) for c in accounts['client'])} funded escrows to release; "
          f"{cleared} rate-limit counters of earlier runs cleared")
    threads = {"GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": str(args.threads)} if args.threads > 1 else {}
    with gunicorn(workers=args.workers, extra_env=threads, log_path=str(folder / "gunicorn.log")) as port:
        # People arrive signed in, as on a live site where a session lasts for days: each account logs in once
        # through the API before the clock starts, one at a time, and those log-ins are reported on their own.
        # (Fifty password hashes in the first seconds would otherwise queue every read behind them.)
        signed_in = []
        for account in accounts["freelancer"] + accounts["client"]:
            started = time.perf_counter()
            account["token"] = login(port, account["email"], account["password"])
            signed_in.append((time.perf_counter() - started) * 1000)
        accounts_file.write_text(json.dumps(accounts))
        signed_in.sort()
        print(f"# {len(signed_in)} log-ins before the run, one at a time: p50 {signed_in[len(signed_in) // 2]:.0f} ms, "
              f"max {signed_in[-1]:.0f} ms")
        command = [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
                   "-u", str(args.users), "-r", "10", "-t", f"{int(args.minutes * 60)}s", "--stop-timeout", "10",
                   "--host", f"http://127.0.0.1:{port}", "--csv", str(folder / "stats"), "--only-summary"]
        env = {**os.environ, "LOADTEST_ACCOUNTS": str(accounts_file)}
        subprocess.run(command, cwd=ROOT, env=env, timeout=args.minutes * 60 + 180,
                       stdout=open(folder / "locust.log", "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
    rows = list(csv.DictReader(open(folder / "stats_stats.csv")))  # noqa: SIM115
    print(f"{'request':<46}{'count':>7}{'fail':>6}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>8}")
    worst = {"read": 0.0, "money": 0.0, "write": 0.0}
    failures = 0
    for row in rows:
        name = row["Name"]
        p95 = float(row["95%"] or 0)
        print(f"{name:<46}{row['Request Count']:>7}{row['Failure Count']:>6}{float(row['Requests/s']):>8.1f}"
              f"{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}{float(row['Max Response Time']):>8.0f}")
        if name == "Aggregated":
            continue
        failures += int(row["Failure Count"])
        for kind in worst:
            if f"[{kind}]" in name:
                worst[kind] = max(worst[kind], p95)
    after = deadlocks()
    started = time.perf_counter()
    problems = ledger_differences()  # what manage.py ledger_check runs
    print()
    print(f"errors: {failures} ({'met' if failures == 0 else 'MISSED'} the goal of 0)")
    print(f"worst p95 of a read: {worst['read']:.0f} ms ({'met' if worst['read'] < 300 else 'MISSED'} < 300 ms)")
    print(f"worst p95 of a money write: {worst['money']:.0f} ms "
          f"({'met' if worst['money'] < 800 else 'MISSED'} < 800 ms); other writes: {worst['write']:.0f} ms")
    print(f"deadlocks: pg_stat_database {after[0] - before[0]}, 'deadlock detected' lines in the PostgreSQL log "
          f"{after[1] - before[1] if after[1] >= 0 else 'unreadable'}")
    checked = time.perf_counter() - started
    print(f"ledger after the run: {len(problems)} differences (checked in {checked:.0f}s)")
    for problem in problems[:10]:
        print(f"  {problem}")
    failures_file = folder / "stats_failures.csv"
    if failures_file.exists():
        for row in list(csv.DictReader(open(failures_file)))[:10]:  # noqa: SIM115
            print(f"  failure: {row['Method']} {row['Name']}: {row['Error'][:160]} x{row['Occurrences']}")
    from megilance.celery import app

    app.control.purge()
    print(f"# raw locust output and gunicorn log: {folder}")


if __name__ == "__main__":
    main()
