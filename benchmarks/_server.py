"""Start gunicorn on 127.0.0.1 with benchmarks.settings for one benchmark run, stop it afterwards, and measure
requests against it (keep-alive connections, a fixed number of requests, a few concurrent clients)."""

import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from _django import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(extra: dict | None = None) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "THROTTLE_LOGIN": "100000/min",
        "AXES_ENABLED": "0",
        "CLAMD_HOST": os.environ.get("CLAMD_HOST", "127.0.0.1"),
        "PYTHONPATH": str(ROOT),
    }
    env.update(extra or {})
    return env


@contextmanager
def gunicorn(workers: int = 2, extra_env: dict | None = None, log_path: str | None = None):
    """gunicorn bound to 127.0.0.1 only, stopped (SIGTERM, then SIGKILL) when the block ends."""
    port = free_port()
    env = server_env({"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers),
                      "GUNICORN_ACCESS_LOG": os.devnull, "GUNICORN_MAX_REQUESTS": "0", **(extra_env or {})})
    log = open(log_path or os.devnull, "w")  # noqa: SIM115 (closed in the finally below)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                                "megilance.wsgi"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log_path}")
            try:
                status, _, _ = request(port, "GET", "/api/health/live")
                if status < 500:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 90 s")
            time.sleep(0.5)
        yield port
    finally:
        stop(process, timeout=30)
        log.close()


def stop(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM, and SIGKILL if the process is still there after `timeout` seconds."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def request(port, method, path, body=None, token=None, connection=None):
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Accept": "application/json", "Host": "127.0.0.1"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    data = response.read()
    if own:
        connection.close()
    return response.status, dict(response.getheaders()), data


def login(port, email, password) -> str:
    status, _, data = request(port, "POST", "/api/auth/login", {"email": email, "password": password})
    if status != 200:
        raise RuntimeError(f"login of {email} answered {status}: {data[:200]!r}")
    return json.loads(data)["access_token"]


@dataclass
class Measurement:
    requests: int
    seconds: float
    latencies_ms: list
    errors: int
    queries: int | None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies_ms)
        if not data:
            return 0.0
        index = min(len(data) - 1, max(0, round(p / 100 * len(data) + 0.5) - 1))
        return data[index]

    @property
    def p50(self):
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p95(self):
        return self.percentile(95)


def measure(port, path, token=None, requests=200, concurrency=4, warmup=5) -> Measurement:
    """`requests` GETs of `path` from `concurrency` keep-alive clients; the first response's X-Query-Count."""
    status, headers, body = request(port, "GET", path, token=token)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
    counts = []
    for _ in range(warmup):
        # The count comes from warm requests: the first one of a worker also loads caches and sessions. The most
        # common count of the warm-up is the steady one (a cached estimate expires each minute, a session's
        # last-seen time is written every five).
        _, headers, _ = request(port, "GET", path, token=token)
        counts.append(headers.get("X-Query-Count"))
    queries = statistics.mode(counts) if counts else headers.get("X-Query-Count")
    latencies, errors = [], [0]
    lock = threading.Lock()
    per_client = [requests // concurrency + (1 if i < requests % concurrency else 0) for i in range(concurrency)]

    def client(n):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for _ in range(n):
            started = time.perf_counter()
            try:
                status, _, _ = request(port, "GET", path, token=token, connection=connection)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 599
            mine.append((time.perf_counter() - started) * 1000)
            if status != 200:
                with lock:
                    errors[0] += 1
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in per_client]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return Measurement(requests=requests, seconds=elapsed, latencies_ms=latencies, errors=errors[0],
                       queries=int(queries) if queries else None)


def machine() -> str:
    cpu, memory = "unknown CPU", 0
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
        with open("/proc/meminfo") as handle:
            memory = next(int(line.split()[1]) for line in handle if line.startswith("MemTotal"))
    except OSError:
        pass
    load = os.getloadavg()
    return (f"{os.cpu_count()} cores ({cpu}), {memory / 1024 / 1024:.1f} GiB RAM, "
            f"load average at start {load[0]:.1f}")
