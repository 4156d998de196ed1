"""The pipeline shared by the Lambda handler and the command line: classify, render, deliver."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .classify import Classification, classify
from .deliver import Deadline, DeliveryError, post_message
from .events import ActivityRecord
from .log import log_line
from .render import RenderOptions, render_message


@dataclass(frozen=True)
class Outcome:
    record: ActivityRecord
    classification: Classification | None
    status: str  # "delivered", "failed" or "ignored"
    attempts: int = 0
    error: str = ""


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
    *,
    post: Callable[..., object] = post_message,
) -> list[Outcome]:
    """Announce each root record; ignore the others. Raises NotificationFailed after trying all.

    ``webhook_url`` is called only when there is something to send, so an input without root
    activity costs no SSM read.
    """
    outcomes = [_notify_one(record, options, webhook_url, deadline, post) for record in records]
    failures = [outcome for outcome in outcomes if outcome.status == "failed"]
    if failures:
        raise NotificationFailed(failures, total=sum(1 for outcome in outcomes if outcome.status != "ignored"))
    return outcomes


def _notify_one(
    record: ActivityRecord,
    options: RenderOptions,
    webhook_url: Callable[[], str],
    deadline: Deadline,
    post: Callable[..., object],
) -> Outcome:
    if not record.is_root:
        log_line(
            "INFO",
            "not root activity; ignored",
            event_id=record.event_id,
            event_name=record.event_name,
            identity_type=record.identity_type or "missing",
            outcome="ignored",
        )
        return Outcome(record=record, classification=None, status="ignored")

    classification = classify(record)
    started = time.monotonic()
    payload = render_message(record, classification, options)
    try:
        result = post(webhook_url(), payload, deadline)
    except DeliveryError as error:
        outcome = Outcome(record, classification, "failed", attempts=error.attempts, error=error.reason)
    else:
        outcome = Outcome(record, classification, "delivered", attempts=getattr(result, "attempts", 1))
    log_line(
        "INFO" if outcome.status == "delivered" else "ERROR",
        "root activity delivered to Slack" if outcome.status == "delivered" else "root activity NOT delivered to Slack",
        event_id=record.event_id,
        event_name=record.event_name,
        account=record.account_id,
        region=record.region,
        severity=classification.severity.value,
        outcome=outcome.status,
        attempts=outcome.attempts,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
        error=outcome.error or None,
    )
    return outcome
