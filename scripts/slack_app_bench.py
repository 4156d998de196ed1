"""``make bench``'s Slack app mode cases (issue 17's "done when"): the handler in this process, the
session table in moto's DynamoDB (in-process), Slack played by scripts/slack_api_standin.py with
Slack's limits (1 post a second per channel, about 50 edits a minute, 429 with Retry-After beyond).

Prints one Markdown table; each row says what was measured and whether it met its target.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from harness.console_session import (
    centralized_root_session,
    console_session,
    hour_of_console_use,
    queue_batches,
    sqs_batch,
)
from harness.fields import calls_shown
from harness.invoke import LambdaContext
from harness.mappings import FUNCTION_TIMEOUT
from slack_api_standin import BOT_TOKEN, SlackApiStandIn
from slack_sink import SlackSink

CHANNEL = "C0SECURITY1"
TABLE = "bench-slack-sessions"


class Quiet:
    """The handler's log lines to a list (parsed), not the terminal."""

    def __init__(self) -> None:
        self.lines: list[dict] = []

    def write(self, text: str) -> int:
        self.lines += [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        return len(text)

    def flush(self) -> None:
        pass

    def __enter__(self) -> Quiet:
        self._stderr, sys.stderr = sys.stderr, self
        return self

    def __exit__(self, *_) -> None:
        sys.stderr = self._stderr


class AppMode:
    """A fresh session table and stand-in, the environment of a deployed function in Slack app mode."""

    def __init__(self, *, table: bool = True) -> None:
        self.table = table

    def __enter__(self) -> AppMode:
        import boto3
        from moto import mock_aws

        from harness.dynamodb import serialized_client
        from root_activity_notifier.config import secrets as ssm_secrets
        from root_activity_notifier.delivery import pacing
        from root_activity_notifier.delivery import stateful as session_delivery
        from root_activity_notifier.state import store as session_store

        self._saved = dict(os.environ)
        self._default_client = session_store._default_client
        session_store._default_client = serialized_client  # moto's transactions are not thread-safe
        self._mock = mock_aws()
        self._mock.start()
        self.slack = SlackApiStandIn().__enter__()
        os.environ.pop("SLACK_WEBHOOK_URL", None)
        os.environ.update(
            AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="us-east-1",  # noqa: S106 - moto's
            AWS_DEFAULT_REGION="us-east-1", SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_CHANNEL_ID=CHANNEL,
            SLACK_API_URL=self.slack.url, SLACK_SESSION_TABLE=TABLE, NOTIFIER_MENTION="here",
            NOTIFIER_ANNOUNCE_ASSUME_ROOT="true",
        )  # fmt: skip
        if self.table:
            boto3.client("dynamodb").create_table(
                TableName=TABLE,
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        ssm_secrets.clear_cache()
        pacing.forget_last_post()
        session_delivery.forget_pacing()
        return self

    def __exit__(self, *_) -> None:
        from root_activity_notifier.state import store as session_store

        session_store._default_client = self._default_client
        self.slack.__exit__()
        self._mock.stop()
        os.environ.clear()
        os.environ.update(self._saved)

    calls_of = staticmethod(calls_shown)


def invoke(events: list[dict]) -> dict:
    from root_activity_notifier.handler import lambda_handler

    return lambda_handler(sqs_batch(events), LambdaContext(FUNCTION_TIMEOUT))


def as_the_mappings_would(events: list[dict]) -> int:
    """The burst through the handler as the mappings hand it over, each invocation a container of its own."""
    from harness import mappings
    from root_activity_notifier.delivery import pacing
    from root_activity_notifier.delivery import stateful as session_delivery
    from root_activity_notifier.handler import lambda_handler

    def run(batch: dict) -> dict:
        pacing.forget_last_post()
        session_delivery.forget_pacing()
        return lambda_handler(batch, LambdaContext(FUNCTION_TIMEOUT))

    return mappings.as_the_mappings_would(events, run)


def row(case: str, result: str, target: str, met: bool) -> str:
    return f"| {case} | {result} | {target} | {'yes' if met else '**no**'} |"


def hour_in_webhook_mode() -> str:
    saved = dict(os.environ)
    with SlackSink(messages_per_second=1) as sink, Quiet():
        os.environ["SLACK_WEBHOOK_URL"] = sink.url
        for batch in queue_batches(hour_of_console_use()):
            invoke(batch)
    os.environ.clear()
    os.environ.update(saved)
    return row(
        "the hour of console use, webhook mode without the session table",
        f"{len(sink.messages)} messages",
        "38, as before",
        len(sink.messages) == 38,
    )


def hour_in_webhook_mode_with_digests() -> str:
    from attack_bench import Environment

    from harness.state import deliver_follow_up

    events = hour_of_console_use()
    with Environment("webhook") as environment, Quiet():
        for batch in queue_batches(events):
            invoke(batch)
        deliver_follow_up(environment.follow_ups[-1])  # the last digest, when its delay has passed
        sink = environment.slack
        exact = calls_shown(sink.messages[-1]) == len(events)
    return row(
        "the hour of console use, webhook mode (digests every 5 minutes)",
        f"{len(sink.messages)} messages, {sink.rate_limited} × 429, totals {'exact' if exact else 'WRONG'}",
        "≤ 20, exact",
        len(sink.messages) <= 20 and exact,
    )


def hour_in_slack_app_mode() -> str:
    events = hour_of_console_use()
    with AppMode() as app, Quiet():
        started = time.perf_counter()
        for batch in queue_batches(events):
            invoke(batch)
        wall = time.perf_counter() - started
        slack = app.slack
        level, parents = slack.channel_level(), slack.parents()
        exact = len(parents) == 1 and app.calls_of(parents[0]) == len(events)
        replies = len(slack.replies(parents[0])) if parents else 0
        edits = len(parents[0]["edits"]) if parents else 0
    result = (
        f"{len(level)} in the channel ({len(parents)} parent, {len(level) - len(parents)} broadcast), "
        f"{replies} replies, {edits} edits, totals {'exact' if exact else 'WRONG'} ({len(events)} calls), "
        f"{slack.rate_limited} × 429, {wall:.0f} s"
    )
    return row(
        "the hour of console use (38 batches), Slack app mode",
        result,
        "≤ 3 in the channel, exact",
        len(level) <= 3 and exact,
    )


def twenty_sessions() -> str:
    events = [
        event
        for number in range(20)
        for event in console_session(
            reads=100, changes=0, prefix=f"s{number:02d}",
            access_key_id=f"ASIA{number:04d}SESSIONEXAMPLE", source_ip=f"198.51.100.{number}",
        )[:-1]  # a sign-in and 100 reads
    ]  # fmt: skip
    with AppMode() as app, Quiet():
        started = time.perf_counter()
        lost = as_the_mappings_would(events)
        wall = time.perf_counter() - started
        parents = app.slack.parents()
        counted = sum(app.calls_of(parent) for parent in parents)
    result = (
        f"{len(parents)} parents, {lost} lost, {counted} of {len(events)} calls in the totals, "
        f"{app.slack.rate_limited} × 429, {wall:.0f} s"
    )
    return row(
        "20 sessions at once (a sign-in and 100 reads each)",
        result,
        "20 parents, 0 lost, ≤ 5 × 429",
        len(parents) == 20 and lost == 0 and app.slack.rate_limited <= 5,  # noqa: PLR2004 - issue 24's bound
    )


def race() -> str:
    from root_activity_notifier.delivery import pacing
    from root_activity_notifier.delivery import stateful as session_delivery

    trials, single = 5, 0
    for trial in range(trials):
        events = console_session(reads=10, changes=3, prefix=f"race{trial}")
        with AppMode() as app, Quiet():
            start = threading.Barrier(2)

            def run(batch, start=start):
                pacing.forget_last_post()
                session_delivery.forget_pacing()
                start.wait()
                return invoke(batch)

            with ThreadPoolExecutor(2) as pool:
                list(pool.map(run, [events[:1] + events[11:], events[1:11]]))
            single += len(app.slack.parents()) == 1
    return row(
        "two invocations on one session at the same moment",
        f"one parent in {single} of {trials} trials",
        "always one",
        single == trials,
    )


def duplicate() -> str:
    events = console_session(reads=20, changes=2)
    with AppMode() as app, Quiet():
        invoke(events)
        before = (app.calls_of(app.slack.parents()[0]), len(app.slack.messages))
        invoke(events)
        after = (app.calls_of(app.slack.parents()[0]), len(app.slack.messages))
    return row(
        "a batch delivered twice",
        f"calls {before[0]} → {after[0]}, messages {before[1]} → {after[1]}",
        "unchanged",
        before == after,
    )


def state_store_unavailable() -> str:
    events = console_session(reads=20, changes=2)
    with AppMode(table=False) as app, Quiet() as log:
        answer = invoke(events)
        warnings = sum(1 for line in log.lines if line.get("state_store") == "unavailable")
        threaded = sum(1 for message in app.slack.messages if message["thread_ts"])
        posted = len(app.slack.messages)
    failed = len(answer["batchItemFailures"])
    result = f"{posted} posted ({threaded} threaded), {failed} failed, {warnings} WARNING lines"
    return row(
        "DynamoDB unavailable (no table)",
        result,
        "all posted, unthreaded",
        posted == 3 and failed == 0 and warnings > 0,
    )


def token_revoked() -> str:
    events = console_session(reads=3, changes=1)
    with AppMode() as app, Quiet() as log:
        app.slack.revoke()
        answer = invoke(events)
        counted = sum(1 for line in log.lines if line.get("outcome") == "failed")  # the DeliveryFailures filter
    failed = len(answer["batchItemFailures"])
    result = f"{failed} of {len(events)} records failed, {counted} lines counted by the delivery-failures alarm"
    return row("token revoked", result, "every record fails, alarm", failed == len(events) and counted > 0)


def assume_root_either_order() -> str:
    threads = []
    for first in ("AssumeRoot", "member"):
        opened, calls = centralized_root_session()
        with AppMode() as app, Quiet():
            for batch in ([opened], calls) if first == "AssumeRoot" else (calls, [opened]):
                invoke(batch)
            threads.append(len(app.slack.parents()))
    result = f"{threads[0]} thread with AssumeRoot first, {threads[1]} with the member's calls first"
    return row("sts:AssumeRoot and the member session it opened", result, "1 thread either way", threads == [1, 1])


def slack_app_cases() -> None:
    print("| Slack app mode | result | target | met |")
    print("|---|---|---|---|")
    for case in (
        hour_in_webhook_mode,
        hour_in_webhook_mode_with_digests,
        hour_in_slack_app_mode,
        twenty_sessions,
        race,
        duplicate,
        state_store_unavailable,
        token_revoked,
        assume_root_either_order,
    ):
        print(case(), flush=True)
