"""The Lambda entry point: ``root_activity_notifier.handler.lambda_handler``."""

from __future__ import annotations

import os

from .config import TIME_ZONE_VARIABLE, load_settings
from .deliver import Deadline
from .events import InputError, parse_input
from .log import log_line
from .notify import Status, notify
from .webhook import webhook_url


def lambda_handler(event: object, context: object) -> dict[str, int]:
    """Announce root activity in ``event``; raise when any of it did not reach Slack.

    Raising is deliberate: the event is then retried and, once retries are exhausted, kept in the
    dead-letter queue, and the error alarm fires.
    """
    settings = load_settings(os.environ)
    unavailable_zone = settings.render.time_zone.unavailable_name
    if unavailable_zone:
        log_line(
            "WARNING",
            f"time zone {unavailable_zone!r} ({TIME_ZONE_VARIABLE}) could not be loaded; messages show UTC",
        )
    try:
        records = parse_input(event)
    except InputError as error:
        log_line("ERROR", f"unreadable input: {error}", outcome=Status.FAILED.value)
        raise
    outcomes = notify(
        records,
        settings.render,
        lambda: webhook_url(settings.webhook, settings.webhook_cache_seconds),
        Deadline.from_lambda_context(context),
    )
    return {
        "delivered": sum(1 for outcome in outcomes if outcome.status is Status.DELIVERED),
        "ignored": sum(1 for outcome in outcomes if outcome.status is Status.IGNORED),
    }
