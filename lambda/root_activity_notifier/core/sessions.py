"""Group: a batch of root activity as a few messages per root session, not one message per event.

A session is the account plus the access key the calls were signed with, or the account plus the
source IP when there is no key (console sign-ins). Within one batch, for each session:

* every console sign-in, sts:AssumeRoot call and critical event gets a message of its own, at most
  ``MAX_OWN_MESSAGES`` of them; any beyond go into the session's summary, named there;
* the session's other events get a message each when there are at most ``MAX_OTHER_MESSAGES``, so
  a lone root call looks exactly as it always did; more become one summary with exact totals;
* an ``eventID`` seen twice (SQS delivers at least once) counts once.

Then the batch's messages go out most severe first (critical, high, warning, then low: summaries
of read-only calls), in time order within a level. A batch posts at most ``max_messages``: when it
holds more, the least severe fold into one last message that lists their sessions, so a flood of
one-call sessions can neither delay nor bury a sign-in without MFA.

Pure functions: no I/O, so tests can call them directly.
"""

from __future__ import annotations

from collections import namedtuple

from ..shared.occurrence import deserves_own_message, session_key, urgency
from .classify import classify

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from ..shared.record import ActivityRecord

MAX_OWN_MESSAGES = 5
MAX_OTHER_MESSAGES = 3
# The most messages one batch of the queues posts. At Slack's one message a second they take 10 s
# of the function's default 60 s, leaving room to wait out a 429 (a concurrent invocation posting
# too) for each of them; and ten messages still read as one screen, where fifty would bury the one
# that matters. What does not fit is folded into the last of them.
MAX_MESSAGES_PER_BATCH = 10

# One root event of the batch: its record, classification, and the SQS messages that carried it.
Occurrence = namedtuple("Occurrence", ["record", "classification", "message_ids"])

# One Slack message to send. kind: "event" (one occurrence), "summary" (a session's events) or
# "fold" (what the batch had no room for, session by session; session is None); in a thread
# (core/threads.py) also "reads" and "changes", a batch's summary reply; named: for a summary, the events
# that would have had a message of their own.
PlannedMessage = namedtuple("PlannedMessage", ["kind", "session", "occurrences", "named"], defaults=[()])


def occurrences(
    records: Iterable[tuple[str, ActivityRecord]], expected_principals: Mapping[str, str] | None = None
) -> list[Occurrence]:
    """Announced records (with the ID of the message that carried each) once per eventID, in input
    order. A change to the notifier that a root rule and a tamper rule both delivered keeps the
    tamper rule's mark."""
    by_event: dict[str, Occurrence] = {}
    ordered: list[Occurrence] = []
    for message_id, record in records:
        key = record.event_id or f"message:{message_id}:{len(ordered)}"
        seen = by_event.get(key)
        if seen:
            seen.message_ids.append(message_id)
            if record.tamper_rule and not seen.record.tamper_rule:
                marked = Occurrence(record, classify(record, expected_principals), seen.message_ids)
                by_event[key] = ordered[ordered.index(seen)] = marked
            continue
        occurrence = Occurrence(record, classify(record, expected_principals), [message_id])
        by_event[key] = occurrence
        ordered.append(occurrence)
    return ordered


def plan_messages(batch: Iterable[Occurrence], max_messages: int | None = None) -> list[PlannedMessage]:
    """The messages for a batch, most severe first; at most ``max_messages`` of them (None: no bound)."""
    planned = []
    for session, session_occurrences in group_by_session(batch).items():
        own, others = [], []
        for each in session_occurrences:
            (own if deserves_own_message(each.record, each.classification) else others).append(each)
        overflow = own[MAX_OWN_MESSAGES:]
        alone = own[:MAX_OWN_MESSAGES] + (others if len(others) <= MAX_OTHER_MESSAGES else [])
        summarized = overflow + (others if len(others) > MAX_OTHER_MESSAGES else [])
        planned += [PlannedMessage("event", session, (each,)) for each in alone]
        if summarized:
            planned.append(PlannedMessage("summary", session, tuple(summarized), named=tuple(overflow)))
    return fit_messages(planned, max_messages)


def plan_sessions(
    groups: Iterable[tuple[Iterable[Occurrence], bool]], max_messages: int | None
) -> list[PlannedMessage]:
    """Several sessions' messages as one batch's (delivery/digests.py): each ``(occurrences, alone)``
    planned on its own (``alone``: a message for each occurrence), then the batch's most severe
    first, and past ``max_messages`` (None: no bound) the least severe folded into one last message."""
    planned = []
    for group, alone in groups:
        if alone:
            planned += [PlannedMessage("event", session_key(each.record), (each,)) for each in group]
        else:
            planned += plan_messages(group)
    return fit_messages(planned, max_messages)


def fit_messages(planned: Iterable[PlannedMessage], max_messages: int | None) -> list[PlannedMessage]:
    """The messages most severe first; past ``max_messages`` (None: no bound), the least severe fold
    into one last message."""
    planned = sorted(planned, key=lambda message: urgency(message.occurrences))
    if max_messages is None or len(planned) <= max_messages:
        return planned
    kept = planned[: max(max_messages - 1, 0)]
    folded = tuple(each for message in planned[len(kept) :] for each in message.occurrences)
    return [*kept, PlannedMessage("fold", None, folded)]


def group_by_session(batch: Iterable[Occurrence]) -> dict[tuple[str, str], list[Occurrence]]:
    """Occurrences by root session, in order of first appearance."""
    sessions: dict[tuple[str, str], list[Occurrence]] = {}
    for occurrence in batch:
        sessions.setdefault(session_key(occurrence.record), []).append(occurrence)
    return sessions
