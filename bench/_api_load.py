"""The API benchmark's load: concurrent clients on the loopback address, each with one
HTTP/1.1 connection kept alive (opened again whenever the server closes it, as gunicorn's
sync workers do after every answer).

The clients are threads spread over several processes, so that no one Python process is
the bottleneck; each writes prepared bytes to its socket and reads the answer by its
Content-Length, which costs a small share of what the server spends on the request. Every
client runs the same schedule: a warm-up whose answers are not counted, then a measured
window; a request counts if it started and ended inside the window. Each process reports
the CPU it used, so the report can show what the load itself took of the machine.
"""

import multiprocessing
import os
import resource
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

Request = Callable[[str], bytes]
"""Builds the whole request (head and body) from a token unique to the request."""


@dataclass(frozen=True)
class Load:
    clients: int = 16
    processes: int = 4
    warmup: float = 2.0
    duration: float = 5.0


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds, of counted requests
    statuses: Counter = field(default_factory=Counter)
    failures: int = 0  # connections refused, reset, or answers that could not be read
    seconds: float = 0.0  # the measured window(s)
    client_cpu: float = 0.0  # CPU seconds of the load processes, warm-up included
    client_wall: float = 0.0
    machine_busy: float = 0.0  # share of the machine's CPU time busy during the window(s)
    cpu: Counter = field(default_factory=Counter)  # CPU seconds in the window(s), by probe

    def merge(self, other: "Result") -> "Result":
        return Result(
            latencies=self.latencies + other.latencies,
            statuses=self.statuses + other.statuses,
            failures=self.failures + other.failures,
            seconds=self.seconds + other.seconds,
            client_cpu=self.client_cpu + other.client_cpu,
            client_wall=self.client_wall + other.client_wall,
            machine_busy=(
                (self.machine_busy * self.seconds + other.machine_busy * other.seconds)
                / ((self.seconds + other.seconds) or 1)
            ),
            cpu=self.cpu + other.cpu,
        )

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)


def http_request(
    method: str, path: str, *, host: str, headers: dict[str, str], body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body or method in {"POST", "PUT", "PATCH"}:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _open(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def exchange(self, data: bytes) -> int:
        """Send one request, read its answer whole; the answer's status."""
        if self.sock is None:
            self.sock = self._open()
        self.sock.sendall(data)
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = 0
        closing = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                closing = True
        while len(rest) < length:
            rest += self._receive(keep=False)
        self.buffer = rest[length:]
        if closing:
            self.close()
        return status

    def _receive(self, keep: bool = True) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        if keep:
            self.buffer += chunk
        return chunk


def _client(port, request, tag, start_at, warm_until, end_at, out: Result, lock) -> None:
    connection = Connection(port)
    latencies: list[float] = []
    statuses: Counter = Counter()
    failures = 0
    number = 0
    while time.time() < start_at:
        time.sleep(0.001)
    while True:
        number += 1
        data = request(f"{tag}-{number}")
        began_wall = time.time()
        if began_wall >= end_at:
            break
        began = time.perf_counter()
        try:
            status = connection.exchange(data)
        except (OSError, ValueError, IndexError):
            connection.close()
            if began_wall >= warm_until:
                failures += 1
            continue
        elapsed = time.perf_counter() - began
        if began_wall >= warm_until and began_wall + elapsed <= end_at:
            latencies.append(elapsed)
            statuses[status] += 1
    connection.close()
    with lock:
        out.latencies += latencies
        out.statuses += statuses
        out.failures += failures


def _process(index, threads, port, request, start_at, warm_until, end_at, queue) -> None:
    out = Result()
    lock = threading.Lock()
    before = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.time()
    workers = [
        threading.Thread(
            target=_client,
            args=(port, request, f"{index}.{n}", start_at, warm_until, end_at, out, lock),
        )
        for n in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    after = resource.getrusage(resource.RUSAGE_SELF)
    out.client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out.client_wall = time.time() - wall
    queue.put(out)


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far (/proc/stat)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def processes_cpu(pids: Iterable[int]) -> dict[int, float]:
    """CPU seconds each process has used so far (/proc/PID/stat), by pid; gone ones left out."""
    used = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICK  # utime, stime
    return used


def children_of(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(entry))
    return found


def run(
    port: int,
    request: Request,
    load: Load,
    probes: dict[str, Callable[[], dict[int, float]]] | None = None,
) -> Result:
    """Drive `load.clients` clients with `request` for the warm-up and the window; each
    probe (CPU seconds so far of some processes, by pid) is read at the window's two ends.
    A process that started in the window counts whole; one that ended in it is left out."""
    probes = probes or {}
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start_at = time.time() + 0.5
    warm_until = start_at + load.warmup
    end_at = warm_until + load.duration
    share, extra = divmod(load.clients, load.processes)
    processes = [
        context.Process(
            target=_process,
            args=(i, share + (i < extra), port, request, start_at, warm_until, end_at, queue),
        )
        for i in range(load.processes)
    ]
    for process in processes:
        process.start()
    while time.time() < warm_until:
        time.sleep(0.01)
    busy_before, total_before = _machine_ticks()
    cpu_before = {name: probe() for name, probe in probes.items()}
    while time.time() < end_at:
        time.sleep(0.01)
    busy_after, total_after = _machine_ticks()
    result = Result()
    for name, probe in probes.items():
        before = cpu_before[name]
        result.cpu[name] = sum(used - before.get(pid, 0.0) for pid, used in probe().items())
    for _ in processes:
        part = queue.get(timeout=120)
        result.latencies += part.latencies
        result.statuses += part.statuses
        result.failures += part.failures
        result.client_cpu += part.client_cpu
        result.client_wall = max(result.client_wall, part.client_wall)
    for process in processes:
        process.join()
    result.seconds = load.duration
    result.machine_busy = (busy_after - busy_before) / max(1, total_after - total_before)
    return result
