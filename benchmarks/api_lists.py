"""List endpoints under gunicorn: MegiLance's endpoint against (a) a plain DRF ModelViewSet with no
select_related and (b) a hand-written .values() + JsonResponse view, at page sizes 10, 50 and 100, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/megilance_perf REDIS_URL=redis://127.0.0.1:6379/9 \
        python benchmarks/api_lists.py [--requests 200] [--concurrency 4] [--workers 2]

Signs in as the freelancer with the most contracts (a random password is set for the run; bulk users have none)
and prints req/s, p50/p95 latency and SQL statements per request for every variant, with the ratios
real/ceiling (goal: >= 50 %) and real/naive. Goal for queries: the same count at every page size.

The real list and the ceiling are measured in alternating rounds (`--rounds`, each a share of `--requests`), so a
slow minute of the machine (autovacuum, a checkpoint, another process) falls on both sides instead of on one; the
ratio is the one of all their requests together, and the spread of the rounds' own ratios is printed beside it.
"""

import argparse
import json
import secrets
import sys
import time

from _django import setup
from _server import Measurement, gunicorn, login, machine, measure

LISTS = {
    "projects": "/api/projects/",
    "proposals": "/api/proposals/",
    "contracts": "/api/contracts/",
    "messages": "/api/messages/",
    "notifications": "/api/notifications/",
    "invoices": "/api/invoices/",
}
PAGE_SIZES = (10, 50, 100)


def prepare_user() -> tuple[str, str, dict]:
    """The busiest freelancer, with a password for this run, and how many rows each list has for them."""
    from django.db.models import Count, Q

    from accounts.models import User
    from billing.models import Invoice
    from engagement.models import Message, Notification
    from marketplace.models import Contract, Project, Proposal

    top = (Contract.objects.values("freelancer_id").annotate(n=Count("id")).order_by("-n", "freelancer_id")
           .first())
    if top is None:
        raise SystemExit("No contracts: run seed_bulk (and megilance.bulk) first.")
    user = User.objects.get(pk=top["freelancer_id"])
    password = secrets.token_urlsafe(16)
    user.set_password(password)
    user.email_verified = True
    user.save(update_fields=["password", "email_verified"])
    sizes = {
        "projects": Project.objects.count(),
        "proposals": Proposal.objects.filter(freelancer=user).count(),
        "contracts": Contract.objects.filter(Q(client=user) | Q(freelancer=user)).count(),
        "messages": Message.objects.filter(Q(sender=user) | Q(recipient=user)).count(),
        "notifications": Notification.objects.filter(user=user, in_app=True).count(),
        "invoices": Invoice.objects.filter(Q(from_user=user) | Q(to_user=user)).count(),
    }
    return user.email, password, sizes


def combined(parts: list[Measurement]) -> Measurement:
    return Measurement(requests=sum(m.requests for m in parts), seconds=sum(m.seconds for m in parts),
                       latencies_ms=[ms for m in parts for ms in m.latencies_ms],
                       errors=sum(m.errors for m in parts), queries=parts[0].queries)


def alternating(port, paths: dict, token, requests: int, rounds: int, concurrency: int, warmup: int):
    """The real list and the ceiling in `rounds` alternating rounds (real first in odd rounds, ceiling first in
    even ones); each variant's rounds combined, and each round's real/ceiling ratio."""
    parts = {"real": [], "ceiling": []}
    ratios = []
    for number in range(rounds):
        share = requests // rounds + (1 if number < requests % rounds else 0)
        order = ("real", "ceiling") if number % 2 == 0 else ("ceiling", "real")
        for variant in order:
            parts[variant].append(measure(port, paths[variant], token=token, concurrency=concurrency,
                                          warmup=warmup if number == 0 else 0, requests=share))
        ratios.append(parts["real"][-1].rps / parts["ceiling"][-1].rps)
    return {variant: combined(ms) for variant, ms in parts.items()}, ratios


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--naive-requests", type=int, default=None,
                        help="requests per naive cell (default: --requests); the naive lists take seconds each")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5,
                        help="alternating rounds of the real list and the ceiling per cell")
    parser.add_argument("--lists", default=",".join(LISTS))
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args()
    setup()
    email, password, sizes = prepare_user()
    print(f"# API list endpoints, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"# machine: {machine()}")
    print(f"# gunicorn workers: {args.workers}, {args.requests} requests per cell "
          f"({args.naive_requests or args.requests} for the naive lists), {args.concurrency} clients, "
          f"real and ceiling in {args.rounds} alternating rounds")
    print("# rows visible to the signed-in freelancer: " + ", ".join(f"{k} {v}" for k, v in sizes.items()))
    rows = []
    with gunicorn(workers=args.workers, log_path="/tmp/megilance-bench-gunicorn.log") as port:
        token = login(port, email, password)
        header = (f"{'list':<14}{'size':>5} | {'variant':<8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'queries':>8}"
                  f"{'errors':>7} | {'real/ceiling':>12}{'rounds':>12}{'real/naive':>11}")
        print(header)
        print("-" * len(header))
        for name in args.lists.split(","):
            for size in PAGE_SIZES:
                paths = {"real": f"{LISTS[name]}?page_size={size}",
                         "naive": f"/baseline/naive/{name}/?page_size={size}",
                         "ceiling": f"/baseline/ceiling/{name}/?page_size={size}"}
                result, rounds = alternating(port, paths, token, args.requests, args.rounds,
                                             args.concurrency, args.warmup)
                result["naive"] = measure(port, paths["naive"], token=token, concurrency=args.concurrency,
                                          warmup=args.warmup, requests=args.naive_requests or args.requests)
                ratio_ceiling = result["real"].rps / result["ceiling"].rps
                ratio_naive = result["real"].rps / result["naive"].rps
                spread = f"{min(rounds):.0%}-{max(rounds):.0%}"
                for variant, m in result.items():
                    ratios = (f"{ratio_ceiling:>11.0%} {spread:>11} {ratio_naive:>10.2f}x"
                              if variant == "real" else "")
                    print(f"{name:<14}{size:>5} | {variant:<8}{m.rps:>8.1f}{m.p50:>9.1f}{m.p95:>9.1f}"
                          f"{m.queries if m.queries is not None else '-':>8}{m.errors:>7} | {ratios}")
                    rows.append({"list": name, "page_size": size, "variant": variant, "rps": round(m.rps, 1),
                                 "p50_ms": round(m.p50, 1), "p95_ms": round(m.p95, 1), "queries": m.queries,
                                 "errors": m.errors,
                                 **({"round_ratios": [round(r, 3) for r in rounds]} if variant == "real" else {})})
                sys.stdout.flush()
    print()
    for name in args.lists.split(","):
        counts = {r["page_size"]: r["queries"] for r in rows if r["list"] == name and r["variant"] == "real"}
        real = {r["page_size"]: r["rps"] for r in rows if r["list"] == name and r["variant"] == "real"}
        ceiling = {r["page_size"]: r["rps"] for r in rows if r["list"] == name and r["variant"] == "ceiling"}
        constant = len(set(counts.values())) == 1
        share = min(real[s] / ceiling[s] for s in real)
        print(f"{name}: queries per page size {counts} -> {'constant' if constant else 'NOT constant'}; "
              f"lowest real/ceiling {share:.0%} ({'met' if share >= 0.5 else 'missed'} the 50 % goal)")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"sizes": sizes, "rows": rows}, handle, indent=1)


if __name__ == "__main__":
    main()
