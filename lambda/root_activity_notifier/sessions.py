"""Group: a batch of root activity as a few messages per root session, not one message per event.

A session is the account plus the access key the calls were signed with, or the account plus the
source IP when there is no key (console sign-ins). Within one batch, for each session:

* every console sign-in, sts:AssumeRoot call and critical event gets a message of its own, at most
  ``MAX_OWN_MESSAGES`` of them; any beyond go into the session's summary, named there;
* the session's other events get a message each when there are at most ``MAX_OTHER_MESSAGES``, so
  a lone root call looks exactly as it always did; more become one summary with exact totals;
* an ``eventID`` seen twice (SQS delivers at least once) counts once.

Pure functions: no I/O, so tests can call them directly.
"""

from __future__ import annotations

from collections import namedtuple

from .classify import Severity, classify

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Iterable

    from .classify import Classification
    from .events import ActivityRecord

MAX_OWN_MESSAGES = 5
MAX_OTHER_MESSAGES = 3

# One root event of the batch: its record, classification, and the SQS messages that carried it.
Occurrence = namedtuple("Occurrence", ["record", "classification", "message_ids"])

# One Slack message to send. kind: "event" (one occurrence) or "summary" (a session's events);
# named: for a summary, the events that would have had a message of their own.
PlannedMessage = namedtuple("PlannedMessage", ["kind", "session", "occurrences", "named"], defaults=[()])


def session_key(record: ActivityRecord) -> tuple[str, str]:
    """``(account, "key:AKIA…")`` or ``(account, "ip:192.0.2.1")``."""
    if record.access_key_id:
        return record.account_id, f"key:{record.access_key_id}"
    return record.account_id, f"ip:{record.source_ip}"


def deserves_own_message(record: ActivityRecord, classification: Classification) -> bool:
    return record.is_console_sign_in or record.is_assume_root or classification.severity is Severity.CRITICAL


def occurrences(records: Iterable[tuple[str, ActivityRecord]]) -> list[Occurrence]:
    """Root records (with the ID of the message that carried each) once per eventID, in input order."""
    by_event: dict[str, Occurrence] = {}
    ordered: list[Occurrence] = []
    for message_id, record in records:
        key = record.event_id or f"message:{message_id}:{len(ordered)}"
        seen = by_event.get(key)
        if seen:
            seen.message_ids.append(message_id)
            continue
        occurrence = Occurrence(record, classify(record), [message_id])
        by_event[key] = occurrence
        ordered.append(occurrence)
    return ordered


def plan_messages(batch: Iterable[Occurrence]) -> list[PlannedMessage]:
    """The messages for a batch, session by session in order of first appearance."""
    sessions: dict[tuple[str, str], list[Occurrence]] = {}
    for occurrence in batch:
        sessions.setdefault(session_key(occurrence.record), []).append(occurrence)

    planned = []
    for session, session_occurrences in sessions.items():
        own, others = [], []
        for each in session_occurrences:
            (own if deserves_own_message(each.record, each.classification) else others).append(each)
        overflow = own[MAX_OWN_MESSAGES:]
        alone = own[:MAX_OWN_MESSAGES] + (others if len(others) <= MAX_OTHER_MESSAGES else [])
        summarized = overflow + (others if len(others) > MAX_OTHER_MESSAGES else [])
        planned += [PlannedMessage("event", session, (each,)) for each in alone]
        if summarized:
            planned.append(PlannedMessage("summary", session, tuple(summarized), named=tuple(overflow)))
    return planned
