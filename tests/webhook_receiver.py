"""A webhook receiver as a retailer would write one, listening on 127.0.0.1: the tests of
delivery and of the API's replay send to it."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict
    body: str
    verified: object  # the parsed payload, or the verification error


@dataclass
class Receiver:
    """A webhook receiver as a retailer would write one: it verifies every request with the
    standardwebhooks library, answers with the next scripted status (200 once the script is
    used up), and processes each webhook-id once."""

    url: str = ""
    secret: str = ""
    script: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    processed: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Set `hold` to keep the first request waiting until it is set again: a delivery that
    # is in flight while the test stops its sender.
    arrived: threading.Event = field(default_factory=threading.Event)
    hold: threading.Event | None = None

    def handle(self, headers: dict, body: str) -> int:
        self.arrived.set()
        hold, self.hold = self.hold, None
        if hold is not None:
            hold.wait(30)
        try:
            verified = Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError as error:
            verified = error
        with self.lock:
            self.received.append(Received(headers, body, verified))
            if isinstance(verified, Exception):
                return 400
            status = self.script.pop(0) if self.script else 200
            if 200 <= status < 300:
                self.processed.setdefault(headers["webhook-id"], verified)
            return status

    @property
    def ids(self) -> list[str]:
        return [request.headers["webhook-id"] for request in self.received]


@contextmanager
def receiver_running() -> Iterator[Receiver]:
    """A Receiver served on 127.0.0.1 (a free port) for the length of the block."""
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            status = state.handle({k.lower(): v for k, v in self.headers.items()}, body)
            payload = json.dumps({"ok": 200 <= status < 300}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
