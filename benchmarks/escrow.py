"""Escrow release throughput: billing.services.escrow.escrow_release (row locks, ledger, events) from several
processes against pgbench running the same locking and ledger SQL (benchmarks/escrow_release.sql) on other escrows
of the same database, then the ledger invariants (billing.services.ledger.ledger_differences, as ledger_check).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/megilance_perf REDIS_URL=redis://127.0.0.1:6379/9 \
        python benchmarks/escrow.py [--releases 300] [--clients 4]

Tasks the releases enqueue (emails, invoice PDFs) go to the broker at REDIS_URL and are purged at the end (use a
Redis database of your own): the benchmark measures the money movement itself, as a web process does it.
"""

import argparse
import multiprocessing
import os
import subprocess
import time
from pathlib import Path

from _django import setup


def queue_escrows(limit: int, offset: int) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT e.id, e.contract_id, e.milestone_id, e.amount, c.client_id, c.freelancer_id,
                   ea.id, pa.id, ra.id
            FROM escrow e
            JOIN contracts c ON c.id = e.contract_id
            JOIN milestones m ON m.id = e.milestone_id
            JOIN ledger_accounts ea ON ea.purpose = 'escrow' AND ea.owner_key = 'contract:' || c.id
                 AND ea.currency = e.currency
            JOIN ledger_accounts pa ON pa.purpose = 'freelancer_pending' AND pa.owner_key = 'user:' || c.freelancer_id
                 AND pa.currency = e.currency
            JOIN ledger_accounts ra ON ra.purpose = 'platform_revenue' AND ra.owner_key = 'platform'
                 AND ra.currency = e.currency
            WHERE e.status = 'funded' AND e.released_amount = 0 AND e.refunded_amount = 0
              AND c.status = 'active' AND m.status IN ('funded', 'in_progress', 'submitted') AND e.currency = 'USD'
            ORDER BY e.id LIMIT %s OFFSET %s""", [limit, offset])
        return cursor.fetchall()


def _release_chunk(chunk: list[tuple]) -> tuple[int, list[str], list[float]]:
    """One client: a process of its own with its own database connection, as a web worker is."""
    from django.db import connection

    from accounts.models import User
    from billing.models import Escrow
    from billing.services.escrow import escrow_release

    done, errors, latencies = 0, [], []
    try:
        for row in chunk:
            started = time.perf_counter()
            try:
                escrow_release(escrow=Escrow.objects.get(pk=row[0]), actor=User.objects.get(pk=row[4]))
                done += 1
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
            latencies.append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()
    return done, errors, latencies


def run_python(escrows: list[tuple], clients: int) -> tuple[float, int, list[str], list[float]]:
    """`clients` processes (forked after the parent closed its connection), each releasing its share in turn."""
    from django.db import connections

    connections.close_all()
    chunks = [escrows[i::clients] for i in range(clients)]
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        started = time.perf_counter()
        results = pool.map(_release_chunk, chunks)
        elapsed = time.perf_counter() - started
    errors = [error for _, chunk_errors, _ in results for error in chunk_errors]
    latencies = sorted(ms for _, _, chunk_latencies in results for ms in chunk_latencies)
    return elapsed, sum(done for done, _, _ in results), errors, latencies


def run_pgbench(escrows: list[tuple], clients: int, fee_percent) -> tuple[float, int, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_release_queue")
        cursor.execute("DROP SEQUENCE IF EXISTS bench_release_seq")
        cursor.execute("CREATE TABLE bench_release_queue (n bigint PRIMARY KEY, escrow_id bigint, contract_id bigint,"
                       " milestone_id bigint, amount numeric, client_id bigint, freelancer_id bigint, "
                       "escrow_account bigint, pending_account bigint, revenue_account bigint)")
        cursor.execute("CREATE SEQUENCE bench_release_seq")
        cursor.executemany("INSERT INTO bench_release_queue VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                           [(n, *row) for n, row in enumerate(escrows, start=1)])
    db = connection.settings_dict
    transactions = len(escrows) // clients
    command = ["pgbench", "-n", "-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432),
               "-U", db.get("USER") or "postgres", "-c", str(clients), "-j", str(min(clients, 2)),
               "-t", str(transactions), "-D", f"fee_percent={fee_percent}",
               "-f", str(Path(__file__).with_name("escrow_release.sql")), db["NAME"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_release_queue")
        cursor.execute("DROP SEQUENCE IF EXISTS bench_release_seq")
    if result.returncode != 0:
        raise RuntimeError(result.stdout + result.stderr)
    return elapsed, transactions * clients, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--releases", type=int, default=300, help="per side")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    setup()
    from _server import machine
    from django.conf import settings
    from django.db import connection

    from billing.services.ledger import ledger_differences

    print(f"# Escrow release throughput, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"# machine: {machine()}; {args.clients} concurrent clients per side, {args.releases} releases per side")
    escrows = queue_escrows(args.releases * 2, 0)
    if len(escrows) < args.releases * 2:
        raise SystemExit(f"Only {len(escrows)} funded escrows: seed more contracts first.")
    python_side, pgbench_side = escrows[0::2], escrows[1::2]

    seconds, done, errors, latencies = run_python(python_side, args.clients)
    p50, p95 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.95)]
    print(f"escrow_release (Django service): {done} releases in {seconds:.1f}s = {done / seconds:.1f}/s, "
          f"{len(errors)} errors; latency p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    for error in errors[:5]:
        print(f"  error: {error}")
    pg_seconds, pg_done, output = run_pgbench(pgbench_side, args.clients, settings.PLATFORM_FEE_PERCENT)
    tps = next((line for line in output.splitlines() if line.startswith("tps")), "")
    latency = next((line for line in output.splitlines() if "latency average" in line), "")
    print(f"pgbench (same SQL):              {pg_done} releases in {pg_seconds:.1f}s = {pg_done / pg_seconds:.1f}/s "
          f"({tps.strip()}; {latency.strip()})")
    print(f"ratio service/pgbench: {(done / seconds) / (pg_done / pg_seconds):.0%}")

    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        deadlocks = cursor.fetchone()[0]
    started = time.perf_counter()
    problems = ledger_differences()  # what manage.py ledger_check runs
    checked = time.perf_counter() - started
    print(f"ledger invariants after both: {len(problems)} differences (checked in {checked:.0f}s)"
          f"; deadlocks recorded for this database so far: {deadlocks}")
    for problem in problems[:10]:
        print(f"  {problem}")
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        from megilance.celery import app

        print(f"tasks enqueued by the releases and dropped from the broker: {app.control.purge()}")


if __name__ == "__main__":
    main()
