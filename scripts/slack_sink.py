"""A local stand-in for a Slack incoming webhook: records every POST, answers like Slack.

Used by the benchmark and, from the command line, by anyone who wants to watch messages arrive:

    python scripts/slack_sink.py --port 8099
"""

from __future__ import annotations

import argparse
import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class SlackSink:
    """Listens on 127.0.0.1 only. ``status`` and ``body`` set what every POST gets back.

    With ``messages_per_second``, it limits like Slack's incoming webhooks: a POST sooner than
    1/rate seconds after the last accepted one gets HTTP 429 ``rate_limited`` with ``Retry-After``,
    and is not kept (``rate_limited`` counts them).
    """

    def __init__(
        self, port: int = 0, status: int = 200, body: str = "ok", messages_per_second: float | None = None
    ) -> None:
        self.status, self.body = status, body
        self.messages: list[dict[str, Any]] = []
        self.arrived: list[float] = []  # time.time() each kept message came
        self.rate_limited = 0
        self._interval = 1 / messages_per_second if messages_per_second else 0.0
        self._last_accepted = float("-inf")
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                with sink._lock:
                    now = time.monotonic()
                    wait = sink._last_accepted + sink._interval - now
                    if wait > 0:
                        sink.rate_limited += 1
                        self._answer(429, "rate_limited", {"Retry-After": str(max(1, round(wait)))})
                        return
                    sink._last_accepted = now
                    sink.arrived.append(time.time())
                    try:
                        sink.messages.append(json.loads(raw))
                    except ValueError:
                        sink.messages.append({"invalid": raw.decode("utf-8", "replace")})
                self._answer(sink.status, sink.body)

            def _answer(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
                answer = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/services/T00000000/B00000000/local-sink"

    def __enter__(self) -> SlackSink:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8099)
    port = parser.parse_args().port
    with SlackSink(port=port) as running:
        print(f"listening: {running.url} (Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
