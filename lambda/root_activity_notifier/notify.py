"""Deliver: the pipeline from records to Slack, shared by the Lambda handler and the command line.

* ``notify``: one message per root event (a direct invocation, the command line, a replay).
* ``notify_batch``: an event source mapping's batch, grouped by root session (sessions.py), paced,
  reporting the SQS messages whose root activity did not reach Slack.
"""

from __future__ import annotations

import enum
import time
from collections import namedtuple

from .classify import classify, is_announced
from .config import ConfigurationError
from .deliver import DEFAULT_RETRY_POLICY, DeliveryError, post_message
from .log import log_line
from .render import render_message
from .sessions import occurrences, plan_messages
from .summary import render_summary
from .webhook import WebhookUnavailable

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from .deliver import Deadline
    from .events import ActivityRecord, QueuedMessage
    from .render import RenderOptions
    from .sessions import PlannedMessage


class Status(enum.Enum):
    """What became of one input record; the value is the ``outcome`` of its log line."""

    DELIVERED = "delivered"
    SUMMARIZED = "summarized"
    FAILED = "failed"
    IGNORED = "ignored"


# Slack accepts about one message a second per webhook; a batch never posts faster than this.
SECONDS_BETWEEN_POSTS = 1.0


# record: ActivityRecord; status: Status; attempts: POSTs made; error: why it failed
Outcome = namedtuple("Outcome", ["record", "status", "attempts", "error"], defaults=[0, ""])


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
    if not is_announced(record, announce_assume_root=options.announce_assume_root):
        _log_ignored(record)
        return Outcome(record=record, status=Status.IGNORED)

    classification = classify(record)
    started = time.monotonic()
    payload = render_message(record, classification, options)
    try:
        result = post_message(webhook_url(), payload, deadline)
    except DeliveryError as error:
        outcome = Outcome(record, Status.FAILED, attempts=error.attempts, error=error.reason)
    except (ConfigurationError, WebhookUnavailable) as error:  # the webhook could not be read
        outcome = Outcome(record, Status.FAILED, error=str(error))
    else:
        outcome = Outcome(record, Status.DELIVERED, attempts=result.attempts)
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


class Pacer:
    """Spaces posts at least ``interval`` seconds apart."""

    def __init__(self, interval: float = SECONDS_BETWEEN_POSTS, *, clock=time.monotonic, sleep=time.sleep) -> None:
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self._last: float | None = None

    def delay(self) -> float:
        """Seconds until the next post may go."""
        return 0.0 if self._last is None else max(0.0, self._last + self.interval - self.clock())

    def wait(self) -> None:
        delay = self.delay()
        if delay > 0:
            self.sleep(delay)
        self._last = self.clock()


def notify_batch(
    messages: list[QueuedMessage],
    options: RenderOptions,
    webhook_url: Callable[[], str],
    deadline: Deadline,
    *,
    pacer: Pacer | None = None,
) -> list[str]:
    """Announce a batch's root activity, a few messages per root session; return the IDs of the SQS
    messages whose root activity did not reach Slack (never one that held no root activity).

    Every message is tried, and every input event gets one log line, whatever fails.
    """
    failed_ids: dict[str, None] = {}  # ordered set
    root = []
    for message in messages:
        if message.error:
            log_line(
                "ERROR",
                f"unreadable message: {message.error}",
                message_id=message.message_id,
                outcome=Status.FAILED.value,
            )
            failed_ids[message.message_id] = None
        for record in message.records:
            if is_announced(record, announce_assume_root=options.announce_assume_root):
                root.append((message.message_id, record))
            else:
                _log_ignored(record, message_id=message.message_id)
    if not root:
        return list(failed_ids)

    batch = occurrences(root)
    try:
        url = webhook_url()
    except (ConfigurationError, WebhookUnavailable) as error:
        for occurrence in batch:
            _log_occurrence(occurrence, Status.FAILED, kind=None, error=str(error))
            failed_ids.update(dict.fromkeys(occurrence.message_ids))
        return list(failed_ids)

    pacer = pacer or Pacer()
    for planned in plan_messages(batch):
        status, error = _send(planned, url, options, deadline, pacer)
        if status is Status.DELIVERED and planned.kind == "summary":
            status = Status.SUMMARIZED
        for occurrence in planned.occurrences:
            _log_occurrence(occurrence, status, kind=planned.kind, error=error)
            if status is Status.FAILED:
                failed_ids.update(dict.fromkeys(occurrence.message_ids))
    return list(failed_ids)


def _send(
    planned: PlannedMessage, url: str, options: RenderOptions, deadline: Deadline, pacer: Pacer
) -> tuple[Status, str]:
    if planned.kind == "summary":
        payload = render_summary(planned, options)
    else:
        (occurrence,) = planned.occurrences
        payload = render_message(occurrence.record, occurrence.classification, options)
    started = time.monotonic()
    if pacer.delay() >= deadline.remaining() - DEFAULT_RETRY_POLICY.safety_margin:
        # Waiting would outlast the function: report it now, so that SQS delivers it again, rather
        # than be stopped mid-batch and have the whole batch (sent messages too) delivered again.
        status, attempts, reason = Status.FAILED, 0, "no time left in the function's timeout to send it"
    else:
        pacer.wait()
        try:
            result = post_message(url, payload, deadline)
        except DeliveryError as error:
            status, attempts, reason = Status.FAILED, error.attempts, error.reason
        else:
            status, attempts, reason = Status.DELIVERED, result.attempts, ""
    log_line(
        "INFO" if status is Status.DELIVERED else "ERROR",
        "Slack message sent" if status is Status.DELIVERED else "Slack message NOT sent",
        kind=planned.kind,
        events=len(planned.occurrences),
        account=planned.session[0],
        session=planned.session[1],
        outcome=status.value,
        attempts=attempts,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
        error=reason or None,
    )
    return status, reason


def _log_occurrence(occurrence, status: Status, *, kind: str | None, error: str) -> None:
    record = occurrence.record
    log_line(
        "ERROR" if status is Status.FAILED else "INFO",
        f"root activity {status.value}",
        event_id=record.event_id,
        event_name=record.event_name,
        account=record.account_id,
        region=record.region,
        severity=occurrence.classification.severity.value,
        outcome=status.value,
        slack_message=kind,
        message_ids=occurrence.message_ids,
        error=error or None,
    )


def _log_ignored(record: ActivityRecord, **fields) -> None:
    log_line(
        "INFO",
        "not root activity; ignored",
        event_id=record.event_id,
        event_name=record.event_name,
        identity_type=record.identity_type or "missing",
        outcome=Status.IGNORED.value,
        **fields,
    )
