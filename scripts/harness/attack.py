"""A stolen root access key driven by a script (issue 24's enumeration case), and a replay of it
through the function as the module's two event source mappings would hand it over, in time.

The events are built from AWS's documented sample of a root API call
(examples/events/root-read-only-call.json, from the CloudTrail User Guide's userIdentity examples),
renamed: 10,000 calls in 10 minutes across 17 regions, from one IP, signed with one long-term root
key (AKIA…), no sign-in: 9,100 read-only calls and 900 changes, among them three CreateAccessKey, a
StopLogging and a DeleteTrail.

``replay`` closes each batch as the mappings would (harness.console_session.queue_batches: the
sign-ins-and-changes queue's 5-second window and 100 records, the read-only queue's 300 seconds and
1,000 records), hands it over at its closing time divided by ``speed``, at most two invocations per
queue at once, each a container of its own with the function's timeout. What a batch reports failed
comes back with the queue's next batch, up to five receives. A follow-up the function sends itself
comes back on the sign-ins-and-changes queue after its delay (divided by ``speed`` too). Slack keeps
its limits in real time.
"""

from __future__ import annotations

import copy
import heapq
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

from .console_session import CHANGES, READS, START, queue_batches, sqs_batch
from .mappings import CONCURRENCY_PER_QUEUE, MAX_RECEIVES
from .samples import load_sample

REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "eu-central-1", "eu-north-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
    "ap-southeast-2", "ap-south-1", "sa-east-1",
]  # fmt: skip
STOLEN_KEY = "AKIAIOSFODNN7STOLEN1"
ATTACKER_IP = "198.51.100.77"
# (seconds into the attack, event source, event name) of the critical changes.
CRITICALS = [
    (60, "iam.amazonaws.com", "CreateAccessKey"),
    (200, "iam.amazonaws.com", "CreateAccessKey"),
    (300, "cloudtrail.amazonaws.com", "StopLogging"),
    (400, "iam.amazonaws.com", "CreateAccessKey"),
    (500, "cloudtrail.amazonaws.com", "DeleteTrail"),
]


def enumeration(calls: int = 10_000, changes: int = 900, seconds: int = 600) -> list[dict[str, Any]]:
    """The attack's EventBridge events, in time order."""
    template = load_sample("root-read-only-call.json")
    critical_at = {int(at * calls / seconds): (source, name) for at, source, name in CRITICALS}
    spacing = calls // (changes - len(CRITICALS))
    plain = [number for number in range(spacing // 2, calls, spacing) if number not in critical_at]
    plain_at = set(plain[: changes - len(CRITICALS)])
    events = []
    for number in range(calls):
        if number in critical_at:
            (source, name), read_only = critical_at[number], False
        elif number in plain_at:
            (source, name, _), read_only = CHANGES[number % len(CHANGES)], False
        else:
            (source, name, _), read_only = READS[number % len(READS)], True
        region = (
            "us-east-1"
            if source in ("iam.amazonaws.com", "organizations.amazonaws.com")
            else REGIONS[number % len(REGIONS)]
        )
        event = copy.deepcopy(template)
        detail = event["detail"]
        detail.update(eventSource=source, eventName=name, awsRegion=region, readOnly=read_only)
        detail["sourceIPAddress"] = ATTACKER_IP
        detail["userAgent"] = "python-requests/2.32.3"
        detail["userIdentity"]["accessKeyId"] = STOLEN_KEY
        moment = (START + timedelta(seconds=number * seconds / calls)).strftime("%Y-%m-%dT%H:%M:%SZ")
        detail["eventID"], detail["eventTime"] = f"attack-{number:05d}", moment
        event.update(
            id=f"attack-{number:05d}-envelope", time=moment, region=region, source=f"aws.{source.split('.')[0]}"
        )
        events.append(event)
    return events


def _at(event: dict[str, Any]) -> datetime:
    return datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def timed_batches(events: list[dict[str, Any]]) -> list[tuple[float, str, list[dict[str, Any]]]]:
    """(seconds after the first event when the batch is handed over, queue, events), in that order: a
    batch goes when its window closes, or when it is full."""
    first = min(_at(event) for event in events)
    batches = []
    for batch in queue_batches(events):
        queue = "read-only" if batch[0]["detail"].get("readOnly") is True else "sign-ins-and-changes"
        window, size = (300, 1000) if queue == "read-only" else (5, 100)
        closes = _at(batch[-1]) if len(batch) >= size else _at(batch[0]) + timedelta(seconds=window)
        batches.append(((closes - first).total_seconds(), queue, batch))
    return sorted(batches, key=lambda item: item[0])


def _queued(body: str, number: int) -> dict[str, Any]:
    record = sqs_batch([{}])["Records"][0]
    return {**record, "messageId": f"follow-up-{number}", "body": body}


class Replay:
    """Hands batches over in time: ``handed`` keeps when each went (monotonic) and its event IDs;
    ``lost`` counts the records still failing after five receives."""

    def __init__(
        self, invoke: Callable[[dict[str, Any]], dict[str, Any]], speed: float, follow_ups: list[dict]
    ) -> None:
        self.invoke, self.speed, self.follow_ups = invoke, speed, follow_ups
        self.handed: list[tuple[float, list[str]]] = []
        self.lost = 0
        self._lock = threading.Lock()
        self._heap: list = []
        self._sequence = 0
        self._started = 0.0
        self._skipped = 0.0  # seconds jumped while nothing ran (a follow-up's delay)

    def _now(self) -> float:
        """Seconds of the attack's own time."""
        return (time.monotonic() - self._started + self._skipped) * self.speed

    def _push(self, due: float, queue: str, records: list[dict[str, Any]], receive: int) -> None:
        with self._lock:
            self._sequence += 1
            heapq.heappush(self._heap, (due, self._sequence, queue, records, receive))

    def run(self, events: list[dict[str, Any]]) -> None:
        self._started = time.monotonic()
        for at, queue, batch in timed_batches(events):
            self._push(at, queue, sqs_batch(batch)["Records"], 1)
        taken = 0
        pools = {queue: ThreadPoolExecutor(CONCURRENCY_PER_QUEUE) for queue in ("sign-ins-and-changes", "read-only")}
        running: list = []
        while True:
            with self._lock:
                fresh, taken = self.follow_ups[taken:], len(self.follow_ups)
            for sent in fresh:
                self._push(
                    self._now() + sent["DelaySeconds"], "sign-ins-and-changes", [_queued(sent["MessageBody"], taken)], 1
                )
            with self._lock:
                due = []
                while self._heap and self._heap[0][0] <= self._now():
                    due.append(heapq.heappop(self._heap))
                next_due = self._heap[0][0] if self._heap else None
            for _, _, queue, records, receive in due:
                running.append(pools[queue].submit(self._hand_over, queue, records, receive))
            busy = any(not future.done() for future in running)
            if not busy and not due and len(self.follow_ups) == taken:
                if next_due is None:
                    break
                self._skipped += max(0.0, next_due - self._now()) / self.speed  # nothing runs meanwhile
            time.sleep(0.01)
        for pool in pools.values():
            pool.shutdown(wait=True)

    def _hand_over(self, queue: str, records: list[dict[str, Any]], receive: int) -> None:
        ids = [json.loads(record["body"]).get("detail", {}).get("eventID", "") for record in records]
        with self._lock:
            self.handed.append((time.monotonic(), ids))
        answer = self.invoke({"Records": records})
        failed = {item["itemIdentifier"] for item in answer.get("batchItemFailures", [])}
        again = [record for record in records if record["messageId"] in failed]
        if again and receive >= MAX_RECEIVES:
            with self._lock:
                self.lost += len(again)
        elif again:
            self._push(self._now() + 5, queue, again, receive + 1)
