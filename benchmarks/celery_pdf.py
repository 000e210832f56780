"""The Celery round trip (enqueue -> result) with a real worker on Redis, and invoice PDFs rendered in-process
against the same PDFs built by the worker (billing.build_invoice_pdf: render, store, record), in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/megilance_perf REDIS_URL=redis://127.0.0.1:6379/9 \
        python benchmarks/celery_pdf.py [--pings 200] [--invoices 20]

The worker is started by this script (2 prefork processes, its files in a temporary MEDIA_ROOT) and stopped at
the end. Baselines: the same task called in-process (`apply()`, no broker) and the renderer called directly.
"""

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time

from _django import ROOT, setup


def percentile(values, p):
    data = sorted(values)
    return data[min(len(data) - 1, max(0, round(p / 100 * len(data) + 0.5) - 1))]


def line(label, values):
    return (f"{label:<44} n={len(values):<4} p50 {statistics.median(values):8.1f} ms   "
            f"p95 {percentile(values, 95):8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pings", type=int, default=200)
    parser.add_argument("--invoices", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    media = tempfile.mkdtemp(prefix="megilance-bench-media-")
    os.environ["MEDIA_ROOT"] = media
    setup()
    from _server import machine, stop

    from billing.invoice_tasks import build_invoice_pdf
    from billing.models import Invoice
    from billing.pdf import PdfUnavailable, invoice_render_pdf
    from megilance.celery import ping

    print(f"# Celery round trip and invoice PDFs, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"# machine: {machine()}; broker and results: {os.environ['REDIS_URL']}")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "megilance", "worker", "-c", "2", "-P", "prefork", "-l", "warning",
         "-n", f"bench-{os.getpid()}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(media, "worker.log"), "w"))  # noqa: SIM115
    try:
        started = time.perf_counter()
        ping.delay("ready").get(timeout=120)
        print(f"# worker answered its first task after {time.perf_counter() - started:.1f}s")
        logging.disable(logging.INFO)  # Celery logs every in-process task run at INFO
        direct, trip = [], []
        for _ in range(args.pings):
            t = time.perf_counter()
            ping.apply(args=("pong",)).get()
            direct.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            ping.delay("pong").get(timeout=30)
            trip.append((time.perf_counter() - t) * 1000)
        print(line("megilance.ping in-process (apply)", direct))
        print(line("megilance.ping through Redis + worker", trip))
        print(f"round-trip overhead at p50: {statistics.median(trip) - statistics.median(direct):.1f} ms")

        # Invoices without a stored PDF: the task returns early for one whose file is current.
        invoices = list(Invoice.objects.exclude(number__isnull=True).filter(pdf="")
                        .select_related("from_user", "to_user", "contract").order_by("-id")[: args.invoices * 2])
        if len(invoices) < 2:
            print("PDF: no issued invoices in this database; skipped")
            return
        local, remote = invoices[0::2], invoices[1::2]
        try:
            invoice_render_pdf(local[0])  # fonts, template and CSS caches
        except PdfUnavailable as error:
            print(f"PDF: WeasyPrint cannot run here ({error}); skipped")
            return
        rendered, built = [], []
        for invoice in local:
            t = time.perf_counter()
            data = invoice_render_pdf(invoice)
            rendered.append((time.perf_counter() - t) * 1000)
            assert data.startswith(b"%PDF")
        for invoice in remote:
            t = time.perf_counter()
            name = build_invoice_pdf.delay(invoice.pk).get(timeout=120)
            built.append((time.perf_counter() - t) * 1000)
            assert name.endswith(".pdf"), name
        print(line("invoice PDF rendered in-process (warm)", rendered))
        print(line("invoice PDF built by the worker (round trip)", built))
        print(f"worker/in-process at p50: {statistics.median(built) / statistics.median(rendered):.2f}x")
    finally:
        stop(worker, timeout=60)


if __name__ == "__main__":
    main()
