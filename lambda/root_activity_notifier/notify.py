"""Deliver: the pipeline from records to Slack, shared by the Lambda handler and the command line.

Every input takes the same path, an event source mapping's batch or not: what is not root activity
is ignored, what claims to be root activity without AWS having delivered it is refused, and the
rest is grouped by root session (sessions.py), most severe first, within a bounded number of
messages, and posted paced. The result names the SQS messages whose root activity did not reach
Slack, so that they are delivered again.

With the session table, each root session is remembered across batches (session_delivery.py): a
webhook posts a session's first messages at once and its further activity as digests
(notify_digest.py); a Slack app keeps it as one live thread (notify_threaded.py). Every invocation
then shares one pace per destination (SharedPacer).
"""

from __future__ import annotations

import enum
import threading
import time
from collections import namedtuple

from .classify import is_announced, is_from_aws
from .config import ConfigurationError
from .deliver import DEFAULT_RETRY_POLICY, DeliveryError
from .log import log_line
from .render import render_message
from .sessions import occurrences, plan_messages
from .ssm_secrets import SecretUnavailable
from .summary import render_fold, render_summary

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from .deliver import Deadline
    from .destination import SlackAppDestination, WebhookDestination
    from .events import ActivityRecord, QueuedMessage
    from .render import RenderOptions
    from .session_delivery import SessionDelivery
    from .session_store import SessionStore
    from .sessions import Occurrence, PlannedMessage


class Status(enum.Enum):
    """What became of one input record; the value is the ``outcome`` of its log line."""

    DELIVERED = "delivered"
    SUMMARIZED = "summarized"
    FAILED = "failed"
    IGNORED = "ignored"
    REFUSED = "refused"


# Slack accepts about one message a second per webhook; posts are never closer than this.
SECONDS_BETWEEN_POSTS = 1.0


class Pacer:
    """Spaces posts at least ``interval`` seconds apart: from the end of one (when Slack has counted
    it) to the start of the next, so that network jitter cannot make two look closer to Slack."""

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

    def posted(self) -> None:
        """The post just ended: count the interval from now."""
        self._last = self.clock()

    def acquire(self, deadline: Deadline, keep: float = 0.0) -> bool:
        """Wait for the next post's turn; False (without waiting) when it would outlast the function
        with ``keep`` seconds to spare (for what must follow the post)."""
        if out_of_time(self, deadline, keep):
            return False
        self.wait()
        return True


class SharedPacer:
    """One pace per destination for every concurrent invocation: each post reserves the next free
    turn in the session table (session_store.reserve_slot) and waits for it. When the table cannot
    be reached, the container's own pacer paces alone, as before."""

    def __init__(
        self, store: SessionStore, destination: str, interval: float, local: Pacer, *, clock=time.time, sleep=time.sleep
    ) -> None:
        self.store, self.destination, self.interval, self.local = store, destination, interval, local
        self.clock, self.sleep = clock, sleep

    def delay(self) -> float:
        return self.local.delay()

    def acquire(self, deadline: Deadline, keep: float = 0.0) -> bool:
        from .session_store import StoreUnavailable

        now = self.clock()
        spare = DEFAULT_RETRY_POLICY.safety_margin + DEFAULT_RETRY_POLICY.base_delay + keep
        latest = now + deadline.remaining() - spare
        try:
            turn = self.store.reserve_slot(self.destination, self.interval, latest)
        except StoreUnavailable:
            return self.local.acquire(deadline, keep)
        if turn is None:
            return False
        wait = turn - self.clock()
        if wait > 0:
            self.sleep(wait)
        self.local.posted()
        return True

    def posted(self) -> None:
        self.local.posted()


# The last post's time lives as long as the container, so that back-to-back batches of a warm
# function are paced too (concurrent invocations run in other containers; Retry-After covers those).
# Lambda runs one invocation at a time per container; tests and the benchmark that run invocations
# on threads get one pacer per thread, as separate containers would.
_container = threading.local()


def container_pacer() -> Pacer:
    pacer = getattr(_container, "pacer", None)
    if pacer is None:
        pacer = _container.pacer = Pacer()
    return pacer


def forget_last_post() -> None:
    """Start the container's pacing afresh (tests)."""
    _container.pacer = Pacer()


def out_of_time(pacer: Pacer, deadline: Deadline, keep: float = 0.0) -> bool:
    """Whether waiting for the pacer would outlast the function (with the retry policy's margin and
    ``keep`` seconds more)."""
    return pacer.delay() >= deadline.remaining() - DEFAULT_RETRY_POLICY.safety_margin - keep


NO_TIME_LEFT = "no time left in the function's timeout to send it"


def messages_that_fit(seconds: float, pacer: Pacer) -> int:
    """How many posts, paced by ``pacer``, fit in ``seconds`` with the retry policy's margin (at least one)."""
    usable = seconds - DEFAULT_RETRY_POLICY.safety_margin - pacer.delay()
    return max(1, int(usable // pacer.interval))


# failed_message_ids: the SQS messages whose root activity did not reach Slack (each once);
# counts: input events by Status; failures: (event ID, why) of each root event not delivered.
BatchResult = namedtuple("BatchResult", ["failed_message_ids", "counts", "failures"])

# planned: the messages to post, in order; failed_message_ids: messages already failed (unreadable);
# counts: input events ignored or refused, by Status; occurrences: the root events (threads.py plans
# them); follow_ups: (message ID, session) of each follow-up the function sent itself (follow_up.py).
PreparedBatch = namedtuple(
    "PreparedBatch", ["planned", "failed_message_ids", "counts", "occurrences", "follow_ups"], defaults=[()]
)


class NotificationFailed(RuntimeError):
    """At least one root event did not reach Slack. Raised after every record has been tried."""

    def __init__(self, failures: list[tuple[str, str]], total: int) -> None:
        self.failures = failures
        details = "; ".join(f"{event_id or 'no event ID'}: {reason}" for event_id, reason in failures)
        super().__init__(f"{len(failures)} of {total} root activity messages were not delivered: {details}")


def notify_batch(
    messages: list[QueuedMessage],
    options: RenderOptions,
    destination: WebhookDestination | SlackAppDestination,
    deadline: Deadline,
    *,
    max_messages: int | None = None,
    pacer: Pacer | None = None,
    sessions: SessionDelivery | None = None,
) -> BatchResult:
    """Announce the root activity of ``messages`` in at most ``max_messages`` Slack messages (and no
    more than fit before ``deadline``). Every message is tried, and every input event gets one log
    line, whatever fails; ``destination`` reads its secret only when there is something to send.
    With ``sessions`` (the session table), each root session is remembered across batches."""
    pacer = pacer or container_pacer()
    budget = messages_that_fit(deadline.remaining(), pacer)
    budget = min(budget, max_messages or budget)
    prepared = prepare_batch(messages, options, budget)
    return send_batch(prepared, options, destination, deadline, pacer=pacer, sessions=sessions, max_messages=budget)


def prepare_batch(messages: list[QueuedMessage], options: RenderOptions, max_messages: int | None) -> PreparedBatch:
    """Sort the input: log and count what is ignored, refused or unreadable; plan the rest."""
    failed_ids: dict[str, None] = {}  # ordered set
    counts = dict.fromkeys(Status, 0)
    root, follow_ups = [], []
    for message in messages:
        if message.follow_up:
            follow_ups.append((message.message_id, message.follow_up))
            continue
        if message.error:
            log_line(
                "ERROR",
                f"unreadable message: {message.error}",
                message_id=message.message_id,
                outcome=Status.FAILED.value,
            )
            failed_ids[message.message_id] = None
        for record in message.records:
            if not is_announced(record, announce_assume_root=options.announce_assume_root):
                _log_ignored(record, message_id=message.message_id or None)
                counts[Status.IGNORED] += 1
            elif not is_from_aws(record):
                _log_refused(record, message_id=message.message_id or None)
                counts[Status.REFUSED] += 1
            else:
                root.append((message.message_id, record))
    batch = occurrences(root, options.expected_principals)
    return PreparedBatch(plan_messages(batch, max_messages), list(failed_ids), counts, batch, follow_ups)


def send_batch(
    prepared: PreparedBatch,
    options: RenderOptions,
    destination: WebhookDestination | SlackAppDestination,
    deadline: Deadline,
    *,
    pacer: Pacer | None = None,
    sessions: SessionDelivery | None = None,
    max_messages: int | None = None,
) -> BatchResult:
    """Post the planned messages in order (or, with ``sessions``, each root session's share of the
    batch as that session needs it); log every event's outcome, and one line for the batch."""
    failed_ids = dict.fromkeys(prepared.failed_message_ids)
    counts, failures = dict(prepared.counts), []
    cannot_send = ""
    if prepared.planned or (prepared.follow_ups and sessions is not None):
        try:
            destination.prepare()
        except (ConfigurationError, SecretUnavailable) as error:
            cannot_send = str(error)

    if sessions is not None and not cannot_send and (prepared.planned or prepared.follow_ups):
        for outcome in sessions.send(prepared.occurrences, max_messages):
            _count(outcome.occurrence, outcome.status, outcome.kind, outcome.error, (counts, failures, failed_ids))
        for message_id, session in prepared.follow_ups:
            if not sessions.follow_up(session):
                failed_ids[message_id] = None
        return _finish(prepared, counts, failures, failed_ids, posted=sessions.posted)
    for message_id, session in prepared.follow_ups:
        if sessions is not None:  # Slack cannot be reached: SQS brings the follow-up again
            failed_ids[message_id] = None
        else:
            log_line("WARNING", "follow-up not made: no session table", session=session, message_id=message_id)

    pacer = pacer or container_pacer()
    for planned in prepared.planned:
        cannot_send = cannot_send or destination.refusal  # the secret unreadable, or Slack refused the token
        if cannot_send:
            status, error = Status.FAILED, cannot_send
        else:
            status, error = _send(planned, destination, options, deadline, pacer)
        if status is Status.DELIVERED and planned.kind != "event":
            status = Status.SUMMARIZED
        for occurrence in planned.occurrences:
            kind = planned.kind if not cannot_send else None
            _count(occurrence, status, kind, error, (counts, failures, failed_ids))
    return _finish(prepared, counts, failures, failed_ids)


def _count(occurrence: Occurrence, status: Status, kind: str | None, error: str, tally: tuple) -> None:
    """Log one occurrence's outcome and add it to ``tally`` (counts, failures, failed message IDs)."""
    counts, failures, failed_ids = tally
    _log_occurrence(occurrence, status, kind=kind, error=error)
    counts[status] += 1
    if status is Status.FAILED:
        failures.append((occurrence.record.event_id, error))
        failed_ids.update(dict.fromkeys(occurrence.message_ids))


def _finish(prepared: PreparedBatch, counts, failures, failed_ids, *, posted: int | None = None) -> BatchResult:
    if prepared.planned or posted:
        log_line(
            "INFO" if not failures else "ERROR",
            "batch done",
            messages=len(prepared.planned) if posted is None else posted,
            **{status.value: count for status, count in counts.items()},
        )
    return BatchResult(list(failed_ids), counts, failures)


def _send(
    planned: PlannedMessage,
    destination: WebhookDestination | SlackAppDestination,
    options: RenderOptions,
    deadline: Deadline,
    pacer: Pacer,
) -> tuple[Status, str]:
    payload = render_planned(planned, options)
    account = routing_account(planned)
    started = time.monotonic()
    if not pacer.acquire(deadline):
        # Waiting would outlast the function: report it now, so that SQS delivers it again, rather
        # than be stopped mid-batch and have the whole batch (sent messages too) delivered again.
        status, attempts, reason = Status.FAILED, 0, NO_TIME_LEFT
    else:
        try:
            posted = destination.post(payload, deadline, account=account)
        except DeliveryError as error:
            status, attempts, reason = Status.FAILED, error.attempts, error.reason
        else:
            status, attempts, reason = Status.DELIVERED, posted.attempts, ""
        finally:
            pacer.posted()
    log_line(
        "INFO" if status is Status.DELIVERED else "ERROR",
        "Slack message sent" if status is Status.DELIVERED else "Slack message NOT sent",
        kind=planned.kind,
        events=len(planned.occurrences),
        account=planned.session[0] if planned.session else None,
        session=planned.session[1] if planned.session else None,
        channel=destination.channel_for(account) if destination.can_thread else None,
        outcome=status.value,
        attempts=attempts,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
        error=reason or None,
    )
    return status, reason


def routing_account(planned: PlannedMessage) -> str:
    """The account whose channel a message goes to: an sts:AssumeRoot call's is the member it opens;
    a fold, which spans sessions, has none (the default channel)."""
    if not planned.session:
        return ""
    first = planned.occurrences[0].record
    if first.is_assume_root and first.target_account_id:
        return first.target_account_id
    return planned.session[0]


def render_planned(planned: PlannedMessage, options: RenderOptions) -> dict:
    """The Slack payload of one planned message, whatever its kind."""
    if planned.kind in ("summary", "reads", "changes"):  # the last two: replies in a thread (threads.py)
        return render_summary(planned, options)
    if planned.kind == "fold":
        return render_fold(planned, options)
    (occurrence,) = planned.occurrences
    return render_message(occurrence.record, occurrence.classification, options)


def _log_occurrence(occurrence: Occurrence, status: Status, *, kind: str | None, error: str) -> None:
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
        tamper_rule=record.tamper_rule or None,
        message_ids=[message_id for message_id in occurrence.message_ids if message_id] or None,
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


def _log_refused(record: ActivityRecord, **fields) -> None:
    envelope = record.envelope
    log_line(
        "WARNING",
        "forged root event refused: its EventBridge source is not an AWS service, so AWS did not deliver it; "
        "never announced",
        source=envelope.source or "missing",
        sender_account=envelope.account or "missing",
        eventbridge_id=envelope.id or None,
        event_id=record.event_id,
        event_name=record.event_name,
        account=record.account_id,
        outcome=Status.REFUSED.value,
        **fields,
    )
