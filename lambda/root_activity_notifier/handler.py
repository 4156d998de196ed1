"""The Lambda entry point: ``root_activity_notifier.handler.lambda_handler``."""

from __future__ import annotations

import os
from functools import partial

from .config import TIME_ZONE_VARIABLE, load_settings
from .deliver import Deadline
from .events import InputError, is_sqs_event, parse_input, parse_sqs_event
from .log import log_line
from .notify import Status, notify, notify_batch
from .webhook import webhook_url


def lambda_handler(event: object, context: object) -> dict[str, object]:
    """Announce the root activity in ``event``.

    An SQS batch (the module's event source mappings) returns ``batchItemFailures``: exactly the
    messages whose root activity did not reach Slack, which SQS delivers again and, after a few
    receives, moves to the dead-letter queue. Any other input (a direct invocation, a replay) raises
    when any of its root activity did not reach Slack, for the same reason.
    """
    settings = load_settings(os.environ)
    unavailable_zone = settings.render.time_zone.unavailable_name
    if unavailable_zone:
        log_line(
            "WARNING",
            f"time zone {unavailable_zone!r} ({TIME_ZONE_VARIABLE}) could not be loaded; messages show UTC",
        )
    fetch_webhook_url = partial(webhook_url, settings.webhook, settings.webhook_cache_seconds)
    deadline = Deadline.from_lambda_context(context)
    if is_sqs_event(event):
        failed = notify_batch(parse_sqs_event(event), settings.render, fetch_webhook_url, deadline)
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
    try:
        records = parse_input(event)
    except InputError as error:
        log_line("ERROR", f"unreadable input: {error}", outcome=Status.FAILED.value)
        raise
    outcomes = notify(records, settings.render, fetch_webhook_url, deadline)
    return {
        "delivered": sum(1 for outcome in outcomes if outcome.status is Status.DELIVERED),
        "ignored": sum(1 for outcome in outcomes if outcome.status is Status.IGNORED),
    }
