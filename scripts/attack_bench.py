"""``make bench``'s attack scale (issue 24): a stolen root key driven by a script, 10,000 calls over 17
regions in 10 minutes (harness/attack.py), through the module's two queues as deployed, in webhook
mode and in Slack app mode, against a Slack that keeps its limits in real time.

The function runs in this process with the session table and its follow-up queue in moto (as the
module creates them), each invocation a container of its own. Prints one Markdown table; each row
says what was measured and whether it met issue 24's target.

    python scripts/attack_bench.py [--speed 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "lambda"), str(REPO / "scripts")]

from harness.attack import STOLEN_KEY, Replay, enumeration  # noqa: E402
from harness.fields import calls_shown  # noqa: E402
from harness.invoke import LambdaContext  # noqa: E402
from harness.mappings import FUNCTION_TIMEOUT  # noqa: E402

CHANNEL = "C0SECURITY1"
TARGETS = {"webhook": 20, "app": 3}  # channel-level messages, at most
MOST_429 = 5
FIRST_CRITICAL_SECONDS = 10


class Environment:
    """moto (the session table, the follow-up queue), the environment of a deployed function, and Slack."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def __enter__(self) -> Environment:
        import boto3
        import pytest
        from moto import mock_aws

        from harness.dynamodb import serialized_client
        from harness.state import TABLE, create_session_table, recording_follow_ups
        from root_activity_notifier.config import secrets as ssm_secrets
        from root_activity_notifier.state import store as session_store

        self._patch = pytest.MonkeyPatch()
        self._mock = mock_aws()
        self._mock.start()
        for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
                            "AWS_DEFAULT_REGION": "us-east-1", "SLACK_SESSION_TABLE": TABLE,
                            "NOTIFIER_MENTION": "here"}.items():  # fmt: skip
            self._patch.setenv(name, value)
        self._patch.setattr(session_store, "_default_client", serialized_client)  # moto: one call at a time
        for name in ("SLACK_WEBHOOK_URL", "SLACK_BOT_TOKEN", "SLACK_CHANNEL_ID", "SLACK_API_URL"):
            self._patch.delenv(name, raising=False)
        create_session_table(boto3.client("dynamodb", region_name="us-east-1"))
        self.follow_ups = recording_follow_ups(self._patch)
        if self.mode == "webhook":
            from slack_sink import SlackSink

            self.slack = SlackSink(messages_per_second=1).__enter__()
            self._patch.setenv("SLACK_WEBHOOK_URL", self.slack.url)
        else:
            from slack_api_standin import BOT_TOKEN, SlackApiStandIn

            self.slack = SlackApiStandIn().__enter__()
            self._patch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
            self._patch.setenv("SLACK_CHANNEL_ID", CHANNEL)
            self._patch.setenv("SLACK_API_URL", self.slack.url)
        ssm_secrets.clear_cache()
        return self

    def __exit__(self, *_) -> None:
        self.slack.__exit__()
        self._mock.stop()
        self._patch.undo()

    def channel_level(self) -> list[tuple[float, dict]]:
        """(when it arrived, the message) of each channel-level message."""
        if self.mode == "webhook":
            return list(zip(self.slack.arrived, self.slack.messages, strict=True))
        return [(message["posted_at"], message) for message in self.slack.channel_level()]


def invoke(batch: dict) -> dict:
    """One invocation in a container of its own (its own pacers), as the mappings start them."""
    from root_activity_notifier.delivery import pacing
    from root_activity_notifier.delivery import stateful as session_delivery
    from root_activity_notifier.handler import lambda_handler

    pacing.forget_last_post()
    session_delivery.forget_pacing()
    return lambda_handler(batch, LambdaContext(FUNCTION_TIMEOUT))


def attack(mode: str, speed: float) -> str:
    from slack_app_bench import Quiet

    events = enumeration()
    first_critical = next(
        event["detail"]["eventID"] for event in events if event["detail"]["eventName"] == "CreateAccessKey"
    )
    with Environment(mode) as environment, Quiet():
        replay = Replay(invoke, speed, environment.follow_ups)
        started = time.perf_counter()
        replay.run(events)
        wall = time.perf_counter() - started
        level = environment.channel_level()
        rate_limited = environment.slack.rate_limited
        handed = next(moment for moment, ids in replay.handed if first_critical in ids)
        handed_epoch = time.time() - (time.monotonic() - handed)
        # the first message that says so: a webhook's own, a Slack app's broadcast reply (the parent's
        # headline names it too, but only once edited)
        posted = next(
            (at for at, message in level if "CreateAccessKey" in message["text"] and not message.get("edits")), None
        )
        if mode == "webhook":
            totals = calls_shown(level[-1][1]) if level else -1
            replies = 0
        else:
            parents = environment.slack.parents()
            totals = calls_shown(parents[0]) if len(parents) == 1 else -1
            replies = len(environment.slack.replies(parents[0])) if parents else 0
    latency = (posted - handed_epoch) if posted is not None else float("inf")
    met = (
        len(level) <= TARGETS[mode]
        and rate_limited <= MOST_429
        and replay.lost == 0
        and totals == len(events)
        and latency <= FIRST_CRITICAL_SECONDS
    )
    what = "webhook" if mode == "webhook" else "Slack app mode"
    thread = f", {replies} thread replies" if mode == "app" else ""
    result = (
        f"{len(level)} channel-level{thread}, {rate_limited} × 429, {replay.lost} lost, totals "
        f"{'exact' if totals == len(events) else f'WRONG ({totals})'}, first critical {latency:.1f} s after its batch, "
        f"{len(environment.follow_ups)} follow-ups, {wall:.0f} s"
    )
    target = f"≤ {TARGETS[mode]}, ≤ {MOST_429} × 429, 0 lost, exact, ≤ {FIRST_CRITICAL_SECONDS} s"
    case = f"stolen key {STOLEN_KEY[:8]}…: 10,000 calls, 17 regions, 10 min ({what})"
    return f"| {case} | {result} | {target} | {'yes' if met else '**no**'} |"


def attack_cases(speed: float) -> bool:
    print(f"| attack scale (replayed {speed:g}× real time, idle stretches skipped) | result | target | met |")
    print("|---|---|---|---|")
    rows = [attack(mode, speed) for mode in ("webhook", "app")]
    for row in rows:
        print(row, flush=True)
    return all(row.endswith("| yes |") for row in rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=2.0)
    arguments = parser.parse_args()
    os.chdir(REPO)
    sys.exit(0 if attack_cases(arguments.speed) else 1)
