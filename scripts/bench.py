"""Benchmark the handler: warm cost per event, cold start, source size. Prints a Markdown table."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "lambda"), str(REPO / "scripts")]

from slack_sink import SlackSink  # noqa: E402

EVENT = REPO / "examples" / "events" / "root-console-sign-in-without-mfa.json"
WARM_EVENTS = 2000
COLD_RUNS = 15

COLD_PROGRAM = """
import json, sys, time
if sys.argv[2] == "preload":
    import http.client  # already loaded by Lambda's runtime interface client before the handler
started = time.perf_counter()
from root_activity_notifier.handler import lambda_handler
imported = time.perf_counter()
class Context:
    def get_remaining_time_in_millis(self):
        return 30000
lambda_handler(json.loads(sys.argv[1]), Context())
done = time.perf_counter()
print(json.dumps({"import_ms": (imported - started) * 1000, "total_ms": (done - started) * 1000,
                  "boto3": "boto3" in sys.modules}))
"""


class Context:
    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def main() -> None:
    event = json.loads(EVENT.read_text())
    with SlackSink() as sink:
        os.environ["SLACK_WEBHOOK_URL"] = sink.url
        from root_activity_notifier.handler import lambda_handler

        with open(os.devnull, "w") as quiet:
            stderr, sys.stderr = sys.stderr, quiet
            try:
                lambda_handler(event, Context())
                started = time.perf_counter()
                for _ in range(WARM_EVENTS):
                    lambda_handler(event, Context())
                warm_ms = (time.perf_counter() - started) * 1000 / WARM_EVENTS
            finally:
                sys.stderr = stderr
        if len(sink.messages) != WARM_EVENTS + 1:
            raise SystemExit(f"the sink received {len(sink.messages)} messages, expected {WARM_EVENTS + 1}")

        environment = {**os.environ, "PYTHONPATH": str(REPO / "lambda"), "SLACK_WEBHOOK_URL": sink.url}
        cold = {"bare": [], "preload": []}
        for _ in range(COLD_RUNS):
            for mode, runs in cold.items():
                result = subprocess.run(
                    [
                        sys.executable,
                        "-I",
                        "-c",
                        "import sys; sys.path.insert(0, sys.argv[3]);" + COLD_PROGRAM,
                        json.dumps(event),
                        mode,
                        str(REPO / "lambda"),
                    ],
                    capture_output=True,
                    text=True,
                    env=environment,
                    check=True,
                )
                runs.append(json.loads(result.stdout.splitlines()[-1]))
    if any(run["boto3"] for runs in cold.values() for run in runs):
        raise SystemExit("importing the handler imported boto3")
    source_bytes = sum(path.stat().st_size for path in (REPO / "lambda" / "root_activity_notifier").glob("*.py"))

    print(f"| measure (Python {sys.version.split()[0]}, this machine) | result | target |")
    print("|---|---|---|")
    print(f"| warm: parse + classify + render + POST to a loopback sink, per event | {warm_ms:.3f} ms | < 1 ms |")

    def median(mode: str, key: str) -> float:
        return statistics.median(run[key] for run in cold[mode])

    print(
        f"| cold: import of the handler (median of {COLD_RUNS} fresh interpreters) | "
        f"{median('bare', 'import_ms'):.1f} ms | |"
    )
    print(f"| cold: import + first event (median of {COLD_RUNS}) | {median('bare', 'total_ms'):.1f} ms | < 40 ms |")
    print(
        f"| cold: import + first event, http.client already loaded as in Lambda's runtime | "
        f"{median('preload', 'total_ms'):.1f} ms | < 40 ms |"
    )
    print(f"| handler sources | {source_bytes / 1024:.1f} KB | < 100 KB |")
    print("| boto3 imported by the handler at start | no | no |")


if __name__ == "__main__":
    main()
