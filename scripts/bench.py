"""Benchmark the handler: warm cost per event, cold start against a minimal handler, source size,
and bursts of root activity against a Slack that allows one message a second.

Prints Markdown tables (CONTRIBUTING.md, "Speed" and "Bursts"). The cold start is import plus a
first event in a fresh interpreter, the way every invocation of a root notifier runs (root activity
is rare), measured with harness/invoke.py for the handler and for the minimal standard-library
handler this script carries (bench_baseline/), alternately, so both see the same machine.

A burst goes through the handler as the module's event source mappings would hand it over: the
events split between the two queues (read-only calls, everything else), in batches of the deployed
sizes, at most two invocations per queue at once, each with the function's default 60 s; what a
batch reports as failed is delivered again, up to the queues' five receives. Each worker thread is
a warm container (its own pacing of posts). Slack is a loopback server that answers 429 with
Retry-After to anything faster than one message a second. The flood is one batch, as an attacker
would make it.
"""

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

from harness.console_session import console_session, sqs_batch  # noqa: E402
from harness.invoke import INVOKE_SCRIPT, LambdaContext  # noqa: E402
from harness.mappings import FUNCTION_TIMEOUT, as_the_mappings_would  # noqa: E402
from harness.samples import load_sample  # noqa: E402
from slack_sink import SlackSink  # noqa: E402

SAMPLE = "root-console-sign-in-without-mfa.json"
WARM_EVENTS = 2000
COLD_RUNS = 21
HANDLERS = {"handler": REPO / "lambda", "minimal": REPO / "scripts" / "bench_baseline"}
# The session table's and Slack app mode's modules: a webhook alert without the table never imports them.
SESSION_MODULES = {
    "delivery.stateful", "state.store", "delivery.digests", "delivery.threaded", "state.follow_up", "core.threads",
    "render.parent", "slack.web_api",
}  # fmt: skip
# The cold start of the handler may cost at most this much more than the minimal handler's.
COLD_RATIO_TARGET = 1.5


def warm_ms_per_event(event: dict) -> float:
    from root_activity_notifier.delivery.pacing import forget_last_post
    from root_activity_notifier.handler import lambda_handler

    with open(os.devnull, "w") as quiet:
        stderr, sys.stderr = sys.stderr, quiet
        try:
            lambda_handler(event, LambdaContext())
            started = time.perf_counter()
            for _ in range(WARM_EVENTS):
                forget_last_post()  # the cost of the handler, not the second it waits between posts
                lambda_handler(event, LambdaContext())
            return (time.perf_counter() - started) * 1000 / WARM_EVENTS
        finally:
            sys.stderr = stderr


def cold_run(directory: Path, event: dict, webhook_url: str) -> dict:
    """One invocation in a fresh interpreter: import_ms, total_ms, boto3_imported."""
    result = subprocess.run(
        [sys.executable, "-I", str(INVOKE_SCRIPT), str(directory), "30"],
        input=json.dumps(event),
        env={"PATH": os.environ.get("PATH", ""), "SLACK_WEBHOOK_URL": webhook_url},
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout.splitlines()[-1])
    if report.get("result", {}).get("delivered") != 1:
        raise SystemExit(f"{directory} did not deliver: {report}")
    return report


def burst(name: str, events: list[dict]) -> str:
    """One Markdown row: the burst through the handler against a Slack that allows 1 message/s."""
    from root_activity_notifier.handler import lambda_handler

    with SlackSink(messages_per_second=1) as sink, open(os.devnull, "w") as quiet:
        os.environ["SLACK_WEBHOOK_URL"] = sink.url
        stderr, sys.stderr = sys.stderr, quiet
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            lost = as_the_mappings_would(events, lambda batch: lambda_handler(batch, LambdaContext(FUNCTION_TIMEOUT)))
        finally:
            sys.stderr = stderr
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return (
        f"| {name} | {len(events)} | {len(sink.messages)} | {sink.rate_limited} | {lost} | {wall:.0f} s "
        f"| {cpu * 1000 / len(events):.2f} ms |"
    )


def bursts() -> None:
    print("| burst | events | Slack messages | 429 received | events lost | wall time | handler CPU per event |")
    print("|---|---|---|---|---|---|---|")
    print(burst("one root session of 1,000 events", console_session(reads=990, changes=8)))
    sessions = [
        event
        for number in range(20)
        for event in console_session(
            reads=45,
            changes=3,
            prefix=f"s{number:02d}",
            access_key_id=f"ASIA{number:04d}SESSIONEXAMPLE",
            source_ip=f"198.51.100.{number}",
        )
    ]
    print(burst("20 root sessions at once, 50 events each", sessions))
    print(flood())


def flood() -> str:
    """One Markdown row: the issue's attack, one batch of 300 one-call root sessions and then a sign-in
    without MFA, against a Slack that allows 1 message/s, with the function's default timeout."""
    from root_activity_notifier.handler import lambda_handler

    events = [
        console_session(reads=1, changes=0, prefix=f"flood{number:04d}", access_key_id=f"ASIA{number:016d}")[1]
        for number in range(300)
    ]
    events.append(console_session(reads=0, changes=0, prefix="real")[0])
    with SlackSink(messages_per_second=1) as sink, open(os.devnull, "w") as quiet:
        os.environ["SLACK_WEBHOOK_URL"] = sink.url
        stderr, sys.stderr = sys.stderr, quiet
        started = time.perf_counter()
        try:
            answer = lambda_handler(sqs_batch(events), LambdaContext(FUNCTION_TIMEOUT))
        finally:
            sys.stderr = stderr
        wall = time.perf_counter() - started
    first = "the sign-in" if sink.messages and "without MFA" in sink.messages[0]["text"] else "NOT the sign-in"
    return (
        f"| 300 one-call root sessions, then a sign-in without MFA, in one batch | {len(events)} "
        f"| {len(sink.messages)} (first: {first}) | {sink.rate_limited} | {len(answer['batchItemFailures'])} "
        f"reported for redelivery | {wall:.0f} s | |"
    )


def main() -> int:
    event = load_sample(SAMPLE)
    with SlackSink() as sink:
        os.environ["SLACK_WEBHOOK_URL"] = sink.url
        warm_ms = warm_ms_per_event(event)
        if len(sink.messages) != WARM_EVENTS + 1:
            raise SystemExit(f"the sink received {len(sink.messages)} messages, expected {WARM_EVENTS + 1}")
        cold: dict[str, list[dict]] = {name: [] for name in HANDLERS}
        for _ in range(COLD_RUNS):
            for name, directory in HANDLERS.items():
                cold[name].append(cold_run(directory, event, sink.url))
    if any(run["boto3_imported"] for run in cold["handler"]):
        raise SystemExit("the handler imported boto3 without an SSM parameter to read")

    def median(name: str, key: str) -> float:
        return statistics.median(run[key] for run in cold[name])

    package = REPO / "lambda" / "root_activity_notifier"
    source_bytes = sum(path.stat().st_size for path in package.rglob("*.py"))
    loaded = cold["handler"][0]["package_modules"]

    def source_of(name: str) -> Path:
        relative = Path(*name.split(".")[1:])
        return package / relative / "__init__.py" if (package / relative).is_dir() else package / f"{relative}.py"

    loaded_bytes = sum(source_of(name).stat().st_size for name in loaded if name != "root_activity_notifier")
    if any(name.split(".", 1)[-1] in SESSION_MODULES for name in loaded):
        raise SystemExit(f"the webhook path without the session table imported its modules: {loaded}")

    print(f"| measure (Python {sys.version.split()[0]}, this machine) | result | target |")
    print("|---|---|---|")
    print(f"| warm: parse + classify + render + POST to a loopback sink, per event | {warm_ms:.3f} ms | < 1 ms |")
    handler_import, handler_total = median("handler", "import_ms"), median("handler", "total_ms")
    minimal_total = median("minimal", "total_ms")
    print(f"| cold: import of the handler (median of {COLD_RUNS} fresh interpreters) | {handler_import:.1f} ms | |")
    print(f"| cold: import + first event, handler | {handler_total:.1f} ms | |")
    print(f"| cold: import + first event, minimal standard-library handler | {minimal_total:.1f} ms | |")
    ratio = handler_total / minimal_total
    print(f"| cold: handler / minimal handler | {ratio:.2f}× | ≤ {COLD_RATIO_TARGET}× |")
    print(f"| handler sources, all | {source_bytes / 1024:.1f} KB | |")
    print(
        f"| handler sources a webhook alert imports ({len(loaded)} modules) | {loaded_bytes / 1024:.1f} KB | < 100 KB |"
    )
    print("| boto3 imported by the handler at start | no | no |")
    print()
    bursts()
    print()
    from slack_app_bench import slack_app_cases

    slack_app_cases()
    print()
    from attack_bench import attack_cases

    attack_cases(speed=2.0)
    if ratio > COLD_RATIO_TARGET:
        print(f"cold start {ratio:.2f}× the minimal handler's, over the {COLD_RATIO_TARGET}× target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
