"""A burst of root activity handed to the function as the module's event source mappings would: the
events split between the two queues (read-only calls, everything else), in batches of the deployed
sizes, at most two invocations per queue at once, each with the function's default 60 s; what a
batch reports as failed is delivered again, up to the queues' five receives."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .console_session import sqs_batch

# As deployed (delivery.tf, variables.tf): batch sizes, concurrency per queue, timeout, receives.
BATCH_SIZES = {"sign-ins-and-changes": 100, "read-only": 1000}
CONCURRENCY_PER_QUEUE = 2
FUNCTION_TIMEOUT = 60
MAX_RECEIVES = 5


def as_the_mappings_would(events: list[dict[str, Any]], invoke: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
    """Hand ``events`` to ``invoke`` (one SQS batch event at a time, on worker threads) until every
    one is delivered or received five times; how many were still failing (lost) at the end."""
    pending: dict[str, list[dict[str, Any]]] = {path: [] for path in BATCH_SIZES}
    for record in sqs_batch(events)["Records"]:
        read_only = json.loads(record["body"])["detail"].get("readOnly") is True
        pending["read-only" if read_only else "sign-ins-and-changes"].append(record)
    for _ in range(MAX_RECEIVES):
        batches = [
            {"Records": records[start : start + BATCH_SIZES[path]]}
            for path, records in pending.items()
            for start in range(0, len(records), BATCH_SIZES[path])
        ]
        if not batches:
            break
        with ThreadPoolExecutor(CONCURRENCY_PER_QUEUE * len(BATCH_SIZES)) as pool:
            answers = list(pool.map(invoke, batches))
        failed = {item["itemIdentifier"] for answer in answers for item in answer["batchItemFailures"]}
        pending = {
            path: [record for record in records if record["messageId"] in failed] for path, records in pending.items()
        }
    return sum(len(records) for records in pending.values())


def at_once(invoke: Callable[..., Any], *arguments: tuple, each_container: Callable[[], None] | None = None) -> list:
    """``invoke`` with each of ``arguments`` on threads released at the same moment, as concurrent
    invocations would run (``each_container`` first on each thread: a container of its own); the
    answers, in the order given."""
    import threading

    start = threading.Barrier(len(arguments), timeout=10)

    def run(given: tuple) -> Any:
        if each_container:
            each_container()
        start.wait()
        return invoke(*given)

    with ThreadPoolExecutor(len(arguments)) as pool:
        return list(pool.map(run, arguments))
