"""Search benchmark: the real project search and autocomplete against a naive ILIKE baseline, in one process.

    DATABASE_URL=postgres://.../megilance_bench python benchmarks/search.py [--iterations 40]

Seed the database first with `manage.py seed_bulk`. Terms come in three kinds by how many projects contain them:
rare (a brand name in a few hundred projects), medium (an industry or a skill, one to five percent) and common
(a word in a quarter of all projects). Each side answers what the endpoint answers: the total (capped and
estimated above 1,000 on the real side, exact on the naive side) and the first page of 20 serialized projects.
Queries are interleaved so that both sides see the same cache state; p50 and p95 are of wall-clock milliseconds.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "megilance.settings.local")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

from accounts.models import Skill  # noqa: E402
from marketplace.api.serializers import ProjectSerializer  # noqa: E402
from marketplace.models import Project, Tag  # noqa: E402
from marketplace.search import service  # noqa: E402
from marketplace.search.params import ProjectQuery  # noqa: E402
from marketplace.selectors import PUBLIC_PROJECT, project_public_list  # noqa: E402

TERMS = {
    "rare": ["wheeler", "mcdonald", "gallagher", "pruitt", "villanueva"],
    "medium": ["bakery", "winery", "kubernetes", "terraform", "veterinary"],
    "common": ["website", "app", "responsive", "mobile", "dashboard"],
}
PREFIXES = ["re", "kub", "dash", "web", "ter", "fig", "py", "bak", "sho", "wh"]


def real_search(term):
    page = service.project_search(ProjectQuery(q=term), limit=20)
    return page.count, ProjectSerializer(page.items, many=True).data


def naive_search(term):
    qs = project_public_list().filter(Q(title__icontains=term) | Q(description__icontains=term))
    count = qs.count()
    return count, ProjectSerializer(list(qs.order_by("-created_at", "-id")[:20]), many=True).data


def real_autocomplete(prefix):
    return service.autocomplete(prefix, limit=8)


def naive_autocomplete(prefix):
    found = list(Skill.objects.filter(name__icontains=prefix).values_list("pk", "name")[:8])
    found += list(Tag.objects.filter(name__icontains=prefix).values_list("pk", "name")[:8])
    found += list(Project.objects.filter(PUBLIC_PROJECT, title__icontains=prefix).values_list("pk", "title")[:8])
    return found


_BACKEND_STAT = None


def backend_cpu_ms() -> float:
    """CPU time used so far by this connection's PostgreSQL backend (from /proc, same machine only)."""
    global _BACKEND_STAT
    if _BACKEND_STAT is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            _BACKEND_STAT = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    try:
        fields = _BACKEND_STAT.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def timed(fn, arg, cpu=None):
    """Wall-clock milliseconds; with `cpu` (a list), also appends the CPU milliseconds spent by this process and
    its database backend: what the call costs on an idle machine, whatever else competes for the cores."""
    cpu_start, db_start = time.process_time(), backend_cpu_ms() if cpu is not None else 0.0
    started = time.perf_counter()
    fn(arg)
    wall = (time.perf_counter() - started) * 1000
    if cpu is not None:
        cpu.append((time.process_time() - cpu_start) * 1000 + backend_cpu_ms() - db_start)
    return wall


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def run(label, terms, real, naive, iterations, naive_iterations):
    for term in terms:  # warm both sides
        real(term)
        naive(term)
    real_ms, naive_ms, real_cpu = [], [], []
    for i in range(iterations):
        term = terms[i % len(terms)]
        real_ms.append(timed(real, term, real_cpu))
        if i < naive_iterations:
            naive_ms.append(timed(naive, term))
    row = {
        "kind": label, "real_p50": statistics.median(real_ms), "real_p95": percentile(real_ms, 95),
        "naive_p50": statistics.median(naive_ms), "naive_p95": percentile(naive_ms, 95),
        "runs": len(real_ms), "naive_runs": len(naive_ms),
        "cpu_p50": statistics.median(real_cpu), "cpu_p95": percentile(real_cpu, 95),
    }
    row["ratio_p95"] = row["naive_p95"] / row["real_p95"] if row["real_p95"] else float("inf")
    return row


def machine():
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, {platform.system()} {platform.release()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--naive-iterations", type=int, default=10,
                        help="Baseline runs per kind (the naive side takes seconds per query at 1M rows)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL; the simple backend is measured", file=sys.stderr)
    total = Project.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(",")[0]
    print(f"machine: {machine()}")
    print(f"database: {version}, {total:,} projects, {connection.settings_dict['NAME']}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.1f}")
    for kind, terms in TERMS.items():
        counts = [real_search(term)[0] for term in terms]
        print(f"{kind:>7} terms: " + ", ".join(f"{t} ({c:,}{'+' if c > 1000 else ''})"
                                                for t, c in zip(terms, counts, strict=True)))
    rows = [run(kind, terms, real_search, naive_search, args.iterations, args.naive_iterations)
            for kind, terms in TERMS.items()]
    rows.append(run("autocomplete", PREFIXES, real_autocomplete, naive_autocomplete, args.iterations * 2,
                    args.naive_iterations * 2))
    print()
    print(f"{'kind':<13}{'real p50':>10}{'real p95':>10}{'naive p50':>11}{'naive p95':>11}{'p95 ratio':>11}"
          f"{'real CPU p50':>14}{'real CPU p95':>14}")
    for row in rows:
        print(f"{row['kind']:<13}{row['real_p50']:>8.1f}ms{row['real_p95']:>8.1f}ms{row['naive_p50']:>9.1f}ms"
              f"{row['naive_p95']:>9.1f}ms{row['ratio_p95']:>10.1f}x{row['cpu_p50']:>12.1f}ms{row['cpu_p95']:>12.1f}ms")
    print(f"load average after the run: {os.getloadavg()[0]:.1f}")
    goals = {"rare": 50, "medium": 50, "common": 200, "autocomplete": 30}
    print()
    for row in rows:
        goal = goals[row["kind"]]
        verdict = "met" if row["real_p95"] < goal else "MISSED"
        print(f"goal {row['kind']}: p95 < {goal} ms -> {row['real_p95']:.1f} ms, {verdict}")


if __name__ == "__main__":
    main()
