"""Deep pages of the project list under gunicorn: page 1 against page 10,000, with page numbers (offset, count
exact up to 10,000 then estimated) and with the keyset `cursor`, and a naive DRF list (exact COUNT(*) and
OFFSET) as the baseline, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/megilance_perf python benchmarks/deep_pages.py

Goals: no exact COUNT(*) over more than 100k rows in any request, and the deep page within 2x of page 1 (the
cursor is the way there; OFFSET has to walk past every earlier row).
"""

import argparse
import base64
import time
from urllib.parse import urlencode

from _django import setup
from _server import gunicorn, machine, measure

DEEP_PAGE = 10_000
PAGE_SIZE = 20


def deep_cursor(deep_page: int) -> tuple[str, int]:
    """A keyset cursor positioned where page 10,000 starts (DRF's cursor format: base64 of `p=<created_at>`)."""
    from django.contrib.auth.models import AnonymousUser

    from marketplace import selectors

    visible = selectors.project_list(viewer=AnonymousUser()).order_by("-created_at", "-id")
    offset = (deep_page - 1) * PAGE_SIZE
    created = visible.values_list("created_at", flat=True)[offset]
    token = base64.b64encode(urlencode({"p": str(created)}).encode("ascii")).decode("ascii")
    return token, offset


def count_statements(path: str) -> list[str]:
    """The COUNT statements one request runs (in-process, same code path), to show they are bounded."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        Client().get(path, HTTP_HOST="127.0.0.1")
    return [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--page", type=int, default=DEEP_PAGE, help="the deep page (10,000 by default)")
    args = parser.parse_args()
    deep_page = args.page
    setup()
    from django.contrib.auth.models import AnonymousUser

    from marketplace import selectors
    from marketplace.models import Project

    cursor, offset = deep_cursor(deep_page)
    visible = selectors.project_list(viewer=AnonymousUser()).count()
    print(f"# Deep pages of /api/projects/, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"# machine: {machine()}")
    print(f"# {Project.objects.count()} projects, {visible} visible to an anonymous visitor; page {deep_page} "
          f"starts at row {offset}; page size {PAGE_SIZE}")
    for sql in count_statements(f"/api/projects/?page={deep_page}"):
        bounded = "LIMIT 10001" in sql.upper()
        print(f"# count statement of the real deep page ({'bounded' if bounded else 'UNBOUNDED'}): {sql[:160]}...")
    cases = [
        ("real, page 1", f"/api/projects/?page=1&page_size={PAGE_SIZE}"),
        (f"real, page {deep_page} (offset)", f"/api/projects/?page={deep_page}&page_size={PAGE_SIZE}"),
        ("real, cursor first page", f"/api/projects/?cursor=&page_size={PAGE_SIZE}"),
        (f"real, cursor at page {deep_page}", f"/api/projects/?cursor={cursor}&page_size={PAGE_SIZE}"),
        ("naive, page 1", f"/baseline/naive/projects/?page=1&page_size={PAGE_SIZE}"),
        (f"naive, page {deep_page}", f"/baseline/naive/projects/?page={deep_page}&page_size={PAGE_SIZE}"),
    ]
    results = {}
    with gunicorn(workers=args.workers, log_path="/tmp/megilance-bench-gunicorn.log") as port:
        print(f"{'case':<32}{'req/s':>8}{'p50 ms':>10}{'p95 ms':>10}{'queries':>9}{'errors':>8}")
        for label, path in cases:
            m = measure(port, path, requests=args.requests, concurrency=args.concurrency, warmup=3)
            results[label] = m
            print(f"{label:<32}{m.rps:>8.1f}{m.p50:>10.1f}{m.p95:>10.1f}{m.queries or '-':>9}{m.errors:>8}")
    first, deep = results["real, page 1"], results[f"real, page {deep_page} (offset)"]
    cfirst, cdeep = results["real, cursor first page"], results[f"real, cursor at page {deep_page}"]
    nfirst, ndeep = results["naive, page 1"], results[f"naive, page {deep_page}"]
    print()
    print(f"offset: deep/page-1 p50 {deep.p50 / first.p50:.1f}x")
    print(f"cursor: deep/page-1 p50 {cdeep.p50 / first.p50:.1f}x "
          f"({'met' if cdeep.p50 <= 2 * first.p50 else 'missed'} the 2x goal)")
    print(f"cursor deep vs cursor first p50 {cdeep.p50 / cfirst.p50:.1f}x")
    print(f"naive: deep/page-1 p50 {ndeep.p50 / nfirst.p50:.1f}x; real cursor deep is "
          f"{ndeep.p50 / cdeep.p50:.1f}x faster than naive deep (p50)")


if __name__ == "__main__":
    main()
