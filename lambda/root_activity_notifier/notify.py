"""The pipeline shared by the Lambda handler and the command line: classify, render, deliver."""

from __future__ import annotations

import enum
import time
from collections import namedtuple

from .classify import classify
from .deliver import DeliveryError, post_message
from .log import log_line
from .render import render_message

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from .deliver import Deadline
    from .events import ActivityRecord
    from .render import RenderOptions


class Status(enum.Enum):
    """What became of one input record; the value is the ``outcome`` of its log line."""

    DELIVERED = "delivered"
    FAILED = "failed"
    IGNORED = "ignored"


# record: ActivityRecord; classification: Classification, or None when ignored; status: Status;
# attempts: POSTs made; error: why it failed
Outcome = namedtuple("Outcome", ["record", "classification", "status", "attempts", "error"], defaults=[0, ""])


class NotificationFailed(RuntimeError):
    """At least one root event did not reach Slack. Raised after every record has been tried."""

    def __init__(self, failures: list[Outcome], total: int) -> None:
        self.failures = failures
        details = "; ".join(f"{outcome.record.event_id or 'no event ID'}: {outcome.error}" for outcome in failures)
        super().__init__(f"{len(failures)} of {total} root activity messages were not delivered: {details}")


def notify(
    records: Iterable[ActivityRecord],
    options: RenderOptions,
    webhook_url: Callable[[], str],
    deadline: Deadline,
) -> list[Outcome]:
    """Announce each root record; ignore the others. Raises NotificationFailed after trying all.

    ``webhook_url`` is called only when there is something to send, so an input without root
    activity costs no SSM read.
    """
    outcomes = [_notify_one(record, options, webhook_url, deadline) for record in records]
    failures = [outcome for outcome in outcomes if outcome.status is Status.FAILED]
    if failures:
        raise NotificationFailed(failures, total=sum(1 for outcome in outcomes if outcome.status is not Status.IGNORED))
    return outcomes


def _notify_one(
    record: ActivityRecord,
    options: RenderOptions,
    webhook_url: Callable[[], str],
    deadline: Deadline,
) -> Outcome:
    if not record.is_root:
        log_line(
            "INFO",
            "not root activity; ignored",
            event_id=record.event_id,
            event_name=record.event_name,
            identity_type=record.identity_type or "missing",
            outcome=Status.IGNORED.value,
        )
        return Outcome(record=record, classification=None, status=Status.IGNORED)

    classification = classify(record)
    started = time.monotonic()
    payload = render_message(record, classification, options)
    try:
        result = post_message(webhook_url(), payload, deadline)
    except DeliveryError as error:
        outcome = Outcome(record, classification, Status.FAILED, attempts=error.attempts, error=error.reason)
    else:
        outcome = Outcome(record, classification, Status.DELIVERED, attempts=result.attempts)
    delivered = outcome.status is Status.DELIVERED
    log_line(
        "INFO" if delivered else "ERROR",
        "root activity delivered to Slack" if delivered else "root activity NOT delivered to Slack",
        event_id=record.event_id,
        event_name=record.event_name,
        account=record.account_id,
        region=record.region,
        severity=classification.severity.value,
        outcome=outcome.status.value,
        attempts=outcome.attempts,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
        error=outcome.error or None,
    )
    return outcome
