"""Deliver: the pipeline from records to Slack, shared by the Lambda handler and the command line.

Every input takes the same path, an event source mapping's batch or not: what is not root activity
is ignored, what claims to be root activity without AWS having delivered it is refused, and the
rest is grouped by root session (core/sessions.py), most severe first, within a bounded number of
messages, and posted paced. The result names the SQS messages whose root activity did not reach
Slack, so that they are delivered again.

With the session table, each root session is remembered across batches (delivery/stateful.py): a
webhook posts a session's first messages at once and its further activity as digests
(delivery/digests.py); a Slack app keeps it as one live thread (delivery/threaded.py). Every invocation
then shares one pace per destination (SharedPacer).
"""

from __future__ import annotations

import time
from collections import namedtuple

from ..config.secrets import SecretUnavailable
from ..config.settings import ConfigurationError
from ..core.classify import admission
from ..core.sessions import occurrences, plan_messages
from ..render.planned import render_planned
from ..shared.log import log_line
from ..shared.outcomes import Status
from ..shared.record import routing_account
from ..slack.http import DeliveryError
from .pacing import NO_TIME_LEFT, NO_TURN, Pacer, container_pacer, pace_batch

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from ..core.events import QueuedMessage
    from ..core.sessions import Occurrence, PlannedMessage
    from ..render.event import RenderOptions
    from ..shared.deadline import Deadline
    from ..shared.record import ActivityRecord
    from ..slack.destination import SlackAppDestination, WebhookDestination
    from .escalation import Escalation
    from .stateful import SessionDelivery
    from .windows import DeclaredWindows


# failed_message_ids: the SQS messages whose root activity did not reach Slack (each once);
# counts: input events by Status; failures: (event ID, why) of each root event not delivered.
BatchResult = namedtuple("BatchResult", ["failed_message_ids", "counts", "failures"])

# planned: the messages to post, in order; failed_message_ids: messages already failed (unreadable);
# counts: input events ignored or refused, by Status; occurrences: the root events (core/threads.py plans
# them); follow_ups: (message ID, session) of each follow-up the function sent itself (state/follow_up.py);
# checks: (message ID, session, kind) of each check whether a critical session was answered;
# announcements: the accounts whose declared windows the expect command asked to announce.
PreparedBatch = namedtuple(
    "PreparedBatch",
    ["planned", "failed_message_ids", "counts", "occurrences", "follow_ups", "checks", "announcements"],
    defaults=[(), (), ()],
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
    stateful: SessionDelivery | None = None,
    escalation: Escalation | None = None,
    windows: DeclaredWindows | None = None,
) -> BatchResult:
    """Announce the root activity of ``messages`` in at most ``max_messages`` Slack messages (and no
    more than fit before ``deadline``). Every message is tried, and every input event gets one log
    line, whatever fails; ``destination`` reads its secret only when there is something to send.
    With ``stateful`` (delivery with the session table), each root session is remembered across batches.
    With ``escalation``, critical activity pages on-call first, whatever Slack does. With ``windows``
    (the session table's declared expected use), what an announced window covers is labelled."""
    prepared, unannounced = sort_batch(messages, options), []
    if windows is not None and prepared.occurrences:
        # The table only: pages never wait for Slack.
        labelled, unannounced = windows.label(prepared.occurrences)
        prepared = prepared._replace(occurrences=labelled)
    not_paged = escalation.escalate(prepared.occurrences) if escalation is not None and prepared.occurrences else []
    budget = max_messages
    if stateful is None or stateful.bounded:  # a thread holds any number: nothing to fold
        pacer, budget = pace_batch(deadline, pacer, max_messages)  # what the pages left of the time
    if stateful is None:  # with the table, the sessions' delivery plans
        prepared = prepared._replace(planned=plan_messages(prepared.occurrences, budget))
    result = send_batch(prepared, options, destination, deadline, pacer=pacer, stateful=stateful, max_messages=budget)
    if escalation is not None:
        not_paged += escalation.page_unseen(result.failed_message_ids)
    if windows is not None:  # after the batch: what it found unannounced covers none of it
        windows.announce(unannounced, prepared.announcements)
    for message_id, session, kind in prepared.checks:
        link = getattr(destination, "workspace_url", None)  # Slack app mode's, to link the parent
        reason = escalation.check(session, kind, link) if escalation is not None else ""
        if escalation is None:
            log_line("WARNING", "unanswered check without an on-call topic; nothing paged", session=session, kind=kind)
        if reason and message_id not in result.failed_message_ids:
            result.failed_message_ids.append(message_id)  # SQS brings the check again
    for page, reason in not_paged:  # SQS delivers them again: Slack's claims keep the channel from hearing it twice
        result.failed_message_ids.extend(
            message_id
            for occurrence in page.occurrences
            for message_id in occurrence.message_ids
            if message_id not in result.failed_message_ids
        )
        result.failures.append((page.occurrences[0].record.event_id, f"on-call not paged: {reason}"))
    return result


def prepare_batch(messages: list[QueuedMessage], options: RenderOptions, max_messages: int | None) -> PreparedBatch:
    """Sort the input (sort_batch) and plan its root events in at most ``max_messages`` messages."""
    prepared = sort_batch(messages, options)
    return prepared._replace(planned=plan_messages(prepared.occurrences, max_messages))


def sort_batch(messages: list[QueuedMessage], options: RenderOptions) -> PreparedBatch:
    """Log and count what is ignored, refused or unreadable; the rest, once per event, as the root
    events to plan (``planned`` is left empty)."""
    failed_ids: dict[str, None] = {}  # ordered set
    counts = dict.fromkeys(Status, 0)
    root, follow_ups, checks, announcements = [], [], [], []
    for message in messages:
        if message.announce:
            announcements.append(message.announce)
            continue
        if message.follow_up:
            follow_ups.append((message.message_id, message.follow_up))
            continue
        if message.unanswered:
            checks.append((message.message_id, *message.unanswered))
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
            turned_away = admission(record, announce_assume_root=options.announce_assume_root)
            if turned_away is Status.IGNORED:
                _log_ignored(record, message_id=message.message_id or None)
            elif turned_away is Status.REFUSED:
                _log_refused(record, message_id=message.message_id or None)
            else:
                root.append((message.message_id, record))
            if turned_away is not None:
                counts[turned_away] += 1
    batch = occurrences(root, options.expected_principals)
    return PreparedBatch([], list(failed_ids), counts, batch, follow_ups, checks, announcements)


def send_batch(
    prepared: PreparedBatch,
    options: RenderOptions,
    destination: WebhookDestination | SlackAppDestination,
    deadline: Deadline,
    *,
    pacer: Pacer | None = None,
    stateful: SessionDelivery | None = None,
    max_messages: int | None = None,
) -> BatchResult:
    """Post the planned messages in order (or, with ``stateful``, each root session's share of the
    batch as that session needs it); log every event's outcome, and one line for the batch."""
    failed_ids = dict.fromkeys(prepared.failed_message_ids)
    counts, failures = dict(prepared.counts), []
    cannot_send = ""
    if stateful is not None and (prepared.occurrences or prepared.follow_ups):
        try:  # before the table is asked anything (without it, the first post reads the secret)
            destination.prepare()
        except (ConfigurationError, SecretUnavailable) as error:
            cannot_send = str(error)
        if not cannot_send:
            for outcome in stateful.send(prepared.occurrences, max_messages):
                _count(outcome.occurrence, outcome.status, outcome.kind, outcome.error, (counts, failures, failed_ids))
            for message_id, session in prepared.follow_ups:
                if not stateful.follow_up(session):
                    failed_ids[message_id] = None
            return _finish(prepared, counts, failures, failed_ids, posted=stateful.posted)
        # Every root event fails below, planned as without the table.
        prepared = prepared._replace(planned=plan_messages(prepared.occurrences, max_messages))
    for message_id, session in prepared.follow_ups:
        if stateful is not None:  # Slack cannot be reached: SQS brings the follow-up again
            failed_ids[message_id] = None
        else:
            log_line("WARNING", "follow-up not made: no session table", session=session, message_id=message_id)

    pacer = pacer or container_pacer()
    for planned in prepared.planned:
        cannot_send = cannot_send or destination.refusal  # the secret unreadable, or Slack refused the token
        if cannot_send:
            status, error = Status.FAILED, cannot_send
        else:
            try:
                status, error = _send(planned, destination, options, deadline, pacer)
            except (ConfigurationError, SecretUnavailable) as unreadable:  # the first post reads the secret
                cannot_send = str(unreadable)
                status, error = Status.FAILED, cannot_send
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
    if prepared.planned or prepared.occurrences or posted:
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
    try:
        posted = pacer.take_turn(deadline, lambda: destination.post(payload, deadline, account=account))
    except DeliveryError as error:
        status, attempts, reason = Status.FAILED, error.attempts, error.reason
    else:
        if posted is NO_TURN:
            # Waiting would outlast the function: report it now, so that SQS delivers it again, rather
            # than be stopped mid-batch and have the whole batch (sent messages too) delivered again.
            status, attempts, reason = Status.FAILED, 0, NO_TIME_LEFT
        else:
            status, attempts, reason = Status.DELIVERED, posted.attempts, ""
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
