"""Benchmark: the case list and a name search under concurrent clients.

    .venv/bin/python benchmarks/case_list_bench.py [--persons 100000] [--clients 20] [--requests 25]
        [--runs 3] [--database-url postgres://postgres@127.0.0.1:5432/tipdata_bench] [--workers 4] [--keep]

Creates a fresh database (PostgreSQL by default), loads the synthetic demo caseload with
N persons through the same encrypting services as the app, serves it with gunicorn on a
loopback port, signs in one supervisor session per client, and has every client alternate
between the first page of the case list and a name search (the POST of the search form,
which answers with the results, as the browser does), with no pause between requests.
Both pages show victim names, so both are audited reads. Prints p50/p95/p99/max latency per
kind of request, first for one client alone (the cost of a request), then for all clients
at once, ``--runs`` times (a shared virtual machine varies from minute to minute, so one
run can mislead), with the CPU each request cost the server's workers and PostgreSQL
(read from /proc), and the machine it ran on.
The target in the issue is p95 < 200 ms with 20 clients and 100,000 persons.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from machine import describe  # benchmarks/machine.py (scripts run from this folder)

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BIN = Path(sys.executable).parent


def run(cmd: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{result.stderr[-3000:]}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Client:
    """A lean HTTP client (http.client, cookies kept by hand): it shares the two cores with
    the server, so every millisecond it spends is one the server cannot."""

    def __init__(self, base: str) -> None:
        parsed = urllib.parse.urlparse(base)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.base = base
        self.cookies: dict[str, str] = {}

    def _request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, str, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Referer": self.base + path}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            page = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.headers.get("Location", ""), page
        finally:
            conn.close()

    def get(self, path: str) -> bytes:
        status, location, page = self._request("GET", path)
        if status in (301, 302, 303):
            return self.get(urllib.parse.urlparse(location).path or "/")
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
        return page

    def post(self, path: str, data: dict[str, str]) -> bytes:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]}).encode()
        status, location, page = self._request("POST", path, body)
        if status in (301, 302, 303):
            return self.get(urllib.parse.urlparse(location).path or "/")
        if status != 200:
            raise SystemExit(f"POST {path} answered {status}")
        return page

    def login(self, username: str, password: str) -> None:
        self.get("/login/")
        page = self.post("/login/", {"username": username, "password": password})
        if b"Sign out" not in page:
            raise SystemExit(f"could not sign in as {username}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=25, help="requests of each kind per client")
    parser.add_argument("--runs", type=int, default=3, help="times the concurrent load is repeated")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/tipdata_bench")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--keep", action="store_true", help="reuse a database already loaded by an earlier run")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="tipdata-bench-"))
    env = {**os.environ, "DATABASE_URL": args.database_url, "TIPDATA_VAR_DIR": str(var),
           "TIPDATA_ENV": "local", "TIPDATA_MASTER_KEY_FILE": str(ROOT / "var" / "bench-master.key"),
           # Database connections last the whole run (60 s by default), so the CPU of PostgreSQL's
           # backends can be read from /proc: a backend that exits takes its count with it.
           "TIPDATA_DB_CONN_MAX_AGE": "3600"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    tipdata = [str(BIN / "tipdata")]
    print(f"machine: {describe()}")
    print(f"database: {args.database_url.split('@')[-1]}  persons: {args.persons}  clients: {args.clients}")

    if args.database_url.startswith("postgres") and not args.keep:
        name = urllib.parse.urlparse(args.database_url).path.lstrip("/")
        admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-q", "-c", f'DROP DATABASE IF EXISTS "{name}"'], check=True, env=env)
        subprocess.run(["psql", admin, "-q", "-c", f'CREATE DATABASE "{name}"'], check=True, env=env)
    run([*tipdata, "keys", "init"], env)
    run([*tipdata, "migrate", "-v", "0"], env)
    if not args.keep:
        started = time.perf_counter()
        run([*tipdata, "demo", "load", "--persons", str(args.persons), "--seed", "1"], env)
        print(f"loaded in {time.perf_counter() - started:.0f} s (encrypting services, bulk batches)")
        if args.database_url.startswith("postgres"):
            # What autovacuum would do a little later: planner statistics and the visibility
            # map (index-only counts) for the freshly loaded tables.
            subprocess.run(["psql", args.database_url, "-q", "-c", "VACUUM ANALYZE"], check=True, env=env)

    # A name that exists in the biggest demo organisation, to search for.
    name = run([PY, "-c", (
        "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','tipdata.config.settings.local');django.setup();"
        "from tipdata.cases.models import Person;from tipdata.cases.services import person_data_key;"
        "from tipdata.cases.sealing import open_values;"
        "p=Person.objects.filter(organisation__slug='demo-shelter-kh').order_by('id')[5];"
        "print(open_values({'prs_first_name':p.sealed['prs_first_name']},key=person_data_key(p),record_ref=f'person:{p.public_id}')['prs_first_name'])"
    )], env).strip()

    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "tipdata.config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
         "--access-logfile", "-", "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        clients = [Client(base) for _ in range(args.clients)]
        for client in clients:
            client.login("supervisor-shelter-kh", "Demo-tipdata-2026")
        print(f"gunicorn workers: {args.workers}")
        load(clients, 5, name)  # every worker has imported what it serves
        p95s: dict[str, list[float]] = {"case list": [], "name search": []}
        for n_clients, requests in ((1, max(args.requests, 40)), *[(args.clients, args.requests)] * args.runs):
            before = cpu_ticks(server.pid)
            timings, wall = load(clients[:n_clients], requests, name)
            after = cpu_ticks(server.pid)
            total = sum(len(v) for v in timings.values())
            cpu = {part: seconds * 1000 / total for part, seconds in cpu_used(before, after).items()}
            print(f"{n_clients} client(s): {total} requests in {wall:.1f} s ({total / wall:.0f} req/s); CPU per request: "
                  f"workers {cpu['workers']:.1f} ms, PostgreSQL {cpu['postgres']:.1f} ms, load generator {cpu['client']:.1f} ms")
            for kind, values in timings.items():
                ms = sorted(v * 1000 for v in values)
                q = statistics.quantiles(ms, n=100)
                print(f"  {kind:<12} n={len(ms):>5}  p50 {q[49]:7.1f} ms  p95 {q[94]:7.1f} ms  p99 {q[98]:7.1f} ms  max {ms[-1]:7.1f} ms")
                if n_clients == args.clients:
                    p95s[kind].append(q[94])
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("(name search = the POST of the search form, answered with the result page)")
    for kind, values in p95s.items():
        print(f"p95 of {kind} over {len(values)} run(s) with {args.clients} clients: "
              f"lowest {min(values):.0f} ms, median {statistics.median(values):.0f} ms, highest {max(values):.0f} ms")


def cpu_ticks(server_pid: int) -> dict[int, tuple[str, int]]:
    """For every process of the server's workers, PostgreSQL and this one: its part and the
    CPU ticks it has used so far."""
    ticks: dict[int, tuple[str, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # the process ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        pid, parent, used = int(entry.name), int(fields[1]), int(fields[11]) + int(fields[12])  # utime + stime
        if pid == server_pid or parent == server_pid:
            ticks[pid] = ("workers", used)
        elif cmdline.startswith(b"postgres") or b"/bin/postgres" in cmdline[:200]:
            ticks[pid] = ("postgres", used)
        elif pid == os.getpid():
            ticks[pid] = ("client", used)
    return ticks


def cpu_used(before: dict[int, tuple[str, int]], after: dict[int, tuple[str, int]]) -> dict[str, float]:
    """Seconds of CPU per part between two readings (a process that ended in between, such
    as a database connection closed after its maximum age, is left out: a slight undercount)."""
    used = {"workers": 0.0, "postgres": 0.0, "client": 0.0}
    for pid, (part, ticks) in after.items():
        used[part] += (ticks - before.get(pid, (part, 0))[1]) / os.sysconf("SC_CLK_TCK")
    return used


def load(clients: list[Client], requests: int, name: str) -> tuple[dict[str, list[float]], float]:
    """Every client alternates list and search ``requests`` times, all starting together."""
    timings: dict[str, list[float]] = {"case list": [], "name search": []}
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients))

    def work(client: Client) -> None:
        barrier.wait()
        for _ in range(requests):
            t0 = time.perf_counter()
            page = client.get("/cases/?clear=1")
            t1 = time.perf_counter()
            found = client.post("/cases/", {"name": name})
            t2 = time.perf_counter()
            if b"cases" not in page or name.encode() not in found:
                raise SystemExit("unexpected page: the benchmark would measure an error")
            with lock:
                timings["case list"].append(t1 - t0)
                timings["name search"].append(t2 - t1)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, time.perf_counter() - started


if __name__ == "__main__":
    main()
