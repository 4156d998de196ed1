"""The Lambda entry point: ``root_activity_notifier.handler.lambda_handler``."""

from __future__ import annotations

import os

from .config.settings import TIME_ZONE_VARIABLE, load_settings
from .core.events import InputError, read_event
from .core.sessions import MAX_MESSAGES_PER_BATCH
from .delivery.pipeline import NotificationFailed, notify_batch
from .shared.deadline import Deadline
from .shared.log import log_line
from .shared.outcomes import Status
from .slack.destination import open_destination


def lambda_handler(event: object, context: object) -> dict[str, object]:
    """Announce the root activity in ``event``.

    An SQS batch (the module's event source mappings) returns ``batchItemFailures``: exactly the
    messages whose root activity did not reach Slack, which SQS delivers again and, after a few
    receives, moves to the dead-letter queue. Any other input (a direct invocation, a replay) takes
    the same path and raises when any of its root activity did not reach Slack, for the same reason;
    otherwise it returns how many events were delivered, summarized, ignored and refused.
    """
    settings = load_settings(os.environ)
    unavailable_zone = settings.render.time_zone.unavailable_name
    if unavailable_zone:
        log_line(
            "WARNING",
            f"time zone {unavailable_zone!r} ({TIME_ZONE_VARIABLE}) could not be loaded; messages show UTC",
        )
    destination = open_destination(settings)
    deadline = Deadline.from_lambda_context(context)
    try:
        given = read_event(event)
    except InputError as error:
        log_line("ERROR", f"unreadable input: {error}", outcome=Status.FAILED.value)
        raise
    if given.health_check:
        from .health.checks import check_and_report  # only on its own path: root activity's cold start stays as it was

        return check_and_report(event, settings, destination, deadline)
    store = open_store(settings, deadline)
    result = notify_batch(
        given.messages,
        settings.render,
        destination,
        deadline,
        max_messages=MAX_MESSAGES_PER_BATCH,
        stateful=open_stateful_delivery(settings, destination, deadline, store),
        escalation=open_escalation(settings, deadline, store),
        windows=open_windows(settings, destination, deadline, store),
    )
    if given.from_queue:
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in result.failed_message_ids]}
    if result.failures:
        announced = sum(result.counts[status] for status in (Status.DELIVERED, Status.SUMMARIZED, Status.FAILED))
        raise NotificationFailed(result.failures, total=announced)
    return {status.value: result.counts[status] for status in Status if status is not Status.FAILED}


def open_store(settings, deadline):
    """The session table (SLACK_SESSION_TABLE), which the module always creates; None without one."""
    table = settings.sessions
    if not table.table:
        return None
    from .state.store import SessionStore  # boto3's DynamoDB client only once there is something to post

    return SessionStore(table.table, idle_seconds=table.idle_minutes * 60, deadline=deadline)


def open_windows(settings, destination, deadline, store):
    """Declared expected use, kept in the session table; None without one."""
    if store is None:
        return None
    import time

    from .delivery.windows import DeclaredWindows

    return DeclaredWindows(store, destination, settings.render, deadline, time.time)


def open_escalation(settings, deadline, store):
    """On-call paging when NOTIFIER_ESCALATION_TOPIC_ARN names a topic; else None."""
    if not settings.escalation_topic_arn:
        return None
    from .delivery.escalation import Escalation  # only when paging is configured
    from .state.follow_up import FollowUps

    return Escalation(
        settings.escalation_topic_arn,
        settings.render,
        deadline,
        store,
        follow_ups=FollowUps(settings.sessions.follow_up_queue_url),
        after_minutes=settings.escalation_after_minutes,
    )


def open_stateful_delivery(settings, destination, deadline, store):
    """Each root session remembered across batches, when the module created the session table
    (SLACK_SESSION_TABLE): a webhook's digests, or a Slack app's threads; else None."""
    if store is None:
        return None
    from .state.follow_up import FollowUps

    table = settings.sessions
    arguments = (destination, store, settings.render, deadline, FollowUps(table.follow_up_queue_url))
    if destination.can_thread:
        from .delivery.threaded import ThreadedDelivery  # only Slack app mode loads it

        return ThreadedDelivery(*arguments)
    from .delivery.digests import DigestDelivery

    return DigestDelivery(*arguments, digest_minutes=table.digest_minutes)
