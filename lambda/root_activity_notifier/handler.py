"""The Lambda entry point: ``root_activity_notifier.handler.lambda_handler``."""

from __future__ import annotations

import os
from typing import Any

from .config import load_settings
from .deliver import Deadline
from .events import InputError, parse_input
from .log import log_line
from .notify import notify
from .webhook import webhook_url


def lambda_handler(event: Any, context: Any) -> dict[str, int]:
    """Announce root activity in ``event``; raise when any of it did not reach Slack.

    Raising is deliberate: Lambda then retries the invocation and, once retries are exhausted,
    its on-failure destination keeps the event, and the error alarm fires.
    """
    settings = load_settings(os.environ)
    try:
        records = parse_input(event)
    except InputError as error:
        log_line("ERROR", f"unreadable input: {error}", outcome="failed")
        raise
    outcomes = notify(
        records,
        settings.render,
        lambda: webhook_url(settings.webhook, settings.webhook_cache_seconds),
        Deadline.from_lambda_context(context),
    )
    return {
        "delivered": sum(1 for outcome in outcomes if outcome.status == "delivered"),
        "ignored": sum(1 for outcome in outcomes if outcome.status == "ignored"),
    }
