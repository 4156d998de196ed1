"""Thread: what a root session's batch says in Slack app mode, where each session is one live
thread. Pure functions, no I/O: delivery/pipeline.py carries the plan out, state/store.py remembers it.

* The session's first event posts the **parent**, a channel-level message with exact running
  totals, which is edited in place after each batch.
* Everything else is a **reply** in its thread: each console sign-in, sts:AssumeRoot call and
  critical event alone, with today's full message (a critical one is also broadcast to the
  channel); the changes one each, or one grouped reply when a batch holds more than
  ``MAX_CHANGE_REPLIES``; the read-only calls one summary reply per batch.
* A session's thread is found by the member account and access key (else source IP). The calls of
  a console session, signed with a key, join the thread of the sign-in from their source IP; an
  sts:AssumeRoot call joins the thread of the member account's session it opened (its key is in
  the call's response), whichever of them arrives first.
"""

from __future__ import annotations

from collections import namedtuple

from ..shared.occurrence import deserves_own_message, urgency
from ..shared.record import is_read_only
from ..shared.severity import KIND_FIELDS, SEVERITY_RANK, Severity, most_severe
from .sessions import PlannedMessage
from .windows import DECLARED_PER_BATCH, declaration

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..shared.record import ActivityRecord
    from .sessions import Occurrence

MAX_CHANGE_REPLIES = 3
# A session mentions the team (the module's mention) at most this often, however many critical
# replies it broadcasts: the first one wakes people up, the rest are in the thread they opened.
MENTION_INTERVAL_SECONDS = 15 * 60

# A batch's counts for the parent: what state/store.py adds to the thread's totals.
Totals = namedtuple(
    "Totals",
    [
        "calls",
        "read_only",
        "changes",  # calls neither read-only nor a sign-in
        "denied",
        "sign_ins",
        "sign_ins_without_mfa",
        "failed_sign_ins",
        "regions",
        "source_ips",
        "user_agents",
        "first_time",  # epoch seconds, or None
        "last_time",
        "worst",  # Severity
        "opened_by",  # an sts:AssumeRoot call's principal ("" otherwise)
        "opened_from",  # its account
        "task_policy",  # its task policy ARN
        "critical_kinds",  # the event names at each severity: the parent's headline names the worst
        "high_kinds",
        "warning_kinds",
        "low_kinds",
        "declared_windows",  # the declared windows it covers, as core/windows.py's declaration() keeps them
    ],
)
KINDS_PER_BATCH = 20  # event names a batch adds to each severity's set: enough to name, bounded

# One reply in a session's thread. kind: "event" (one occurrence, today's full message), "changes"
# (a grouped reply) or "reads" (the batch's read-only calls); broadcast: also shown in the channel;
# message: the reply as the webhook planner's message, which the same renderers draw (plan_thread).
Reply = namedtuple("Reply", ["kind", "occurrences", "broadcast", "message"], defaults=[None])

# A session's batch as its thread shows it (plan_thread): its totals (what the count adds to the
# thread's), the same as a new parent shows them (as_stored), and its replies.
ThreadPlan = namedtuple("ThreadPlan", ["totals", "parent", "replies"])

# A session's place in Slack: the account its thread lives in and the IDs that find it, the first
# one its own (``key:…`` or ``ip:…``), the others aliases it joins.
ThreadKey = namedtuple("ThreadKey", ["account", "session_ids"])

# User agents a batch adds to its thread's totals: enough to show, bounded however long the session.
AGENTS = 3


def thread_key(record: ActivityRecord) -> ThreadKey:
    """Where a record's thread lives: an sts:AssumeRoot call's is the member session it opens."""
    if record.is_assume_root and record.target_account_id and record.opened_access_key_id:
        return ThreadKey(record.target_account_id, (f"key:{record.opened_access_key_id}",))
    if record.access_key_id:
        ids = (f"key:{record.access_key_id}",) + ((f"ip:{record.source_ip}",) if record.source_ip else ())
        return ThreadKey(record.account_id, ids)
    return ThreadKey(record.account_id, (f"ip:{record.source_ip}",))


def group_by_thread(batch: Iterable[Occurrence]) -> list[tuple[ThreadKey, list[Occurrence]]]:
    """The batch's occurrences by thread, the most urgent thread first. A sign-in joins the batch's
    session of calls from its IP: one thread, found and edited once."""
    threads: dict[tuple[str, str], tuple[ThreadKey, list[Occurrence]]] = {}
    for occurrence in batch:
        key = thread_key(occurrence.record)
        threads.setdefault((key.account, key.session_ids[0]), (key, []))[1].append(occurrence)
    for (account, session_id), (key, occurrences) in list(threads.items()):
        if len(key.session_ids) > 1 or not session_id.startswith("ip:"):
            continue
        joined = next(
            (
                other
                for other in threads.values()
                if other[0].account == account and session_id in other[0].session_ids[1:]
            ),
            None,
        )
        if joined:
            joined[1][:0] = occurrences
            del threads[(account, session_id)]
    return sorted(threads.values(), key=lambda item: urgency(item[1]))


def plan_thread(session: list[Occurrence], key: ThreadKey) -> ThreadPlan:
    """A batch of one session as its thread shows it: the totals, and the replies, each with its message."""
    totals = totals_of(session)
    replies = [reply._replace(message=as_planned_message(reply, key)) for reply in plan_replies(session)]
    return ThreadPlan(totals, as_stored(totals), replies)


def plan_replies(session: Iterable[Occurrence]) -> list[Reply]:
    """A batch of one session as replies in its thread: the most severe first, reads last."""
    own, changes, reads = [], [], []
    for each in session:
        if deserves_own_message(each.record, each.classification):
            own.append(each)
        elif is_read_only(each.record) and not each.classification.denied:
            reads.append(each)
        else:
            changes.append(each)
    own.sort(key=lambda each: urgency((each,)))
    replies = [Reply("event", (each,), each.classification.severity is Severity.CRITICAL) for each in own]
    if len(changes) > MAX_CHANGE_REPLIES:
        replies.append(Reply("changes", tuple(changes), False))
    else:
        replies += [Reply("event", (each,), False) for each in sorted(changes, key=lambda each: urgency((each,)))]
    if reads:
        replies.append(Reply("reads", tuple(reads), False))
    return replies


def as_planned_message(reply: Reply, key: ThreadKey) -> PlannedMessage:
    """The reply as the webhook planner's message, so that the same renderers draw it (a grouped reply
    is a summary headed by what it holds: "12 read-only calls")."""
    return PlannedMessage(reply.kind, _session_of(reply, key), reply.occurrences)


def totals_of(occurrences: Iterable[Occurrence]) -> Totals:
    occurrences = list(occurrences)
    records = [each.record for each in occurrences]
    read_only = sum(1 for record in records if is_read_only(record))
    sign_ins = [record for record in records if record.is_console_sign_in]
    times = [record.event_time.timestamp() for record in records if record.event_time]
    opener = next((record for record in records if record.is_assume_root), None)
    kinds: dict[str, set[str]] = {name: set() for name in KIND_FIELDS.values()}
    for each in occurrences:
        kinds[KIND_FIELDS[each.classification.severity]].add((each.record.event_name or "unknown")[:100])
    declared = {declaration(each.classification.declared) for each in occurrences if each.classification.declared}
    return Totals(
        calls=len(records),
        read_only=read_only,
        changes=len(records) - read_only - len(sign_ins),
        denied=sum(1 for each in occurrences if each.classification.denied),
        sign_ins=sum(1 for record in sign_ins if record.console_login_result != "Failure"),
        sign_ins_without_mfa=sum(
            1 for record in sign_ins if record.console_login_result != "Failure" and record.mfa_used is False
        ),
        failed_sign_ins=sum(1 for record in sign_ins if record.console_login_result == "Failure"),
        regions=frozenset(record.region for record in records if record.region),
        source_ips=frozenset(record.source_ip for record in records if record.source_ip),
        user_agents=frozenset(sorted({record.user_agent[:300] for record in records if record.user_agent})[:AGENTS]),
        first_time=min(times, default=None),
        last_time=max(times, default=None),
        worst=most_severe(each.classification.severity for each in occurrences),
        opened_by=opener.principal_arn if opener else "",
        opened_from=opener.account_id if opener else "",
        task_policy=opener.task_policy_arn if opener else "",
        **{name: frozenset(sorted(names)[:KINDS_PER_BATCH]) for name, names in kinds.items()},
        declared_windows=frozenset(sorted(declared)[:DECLARED_PER_BATCH]),
    )


def as_stored(totals: Totals) -> dict:
    """A batch's totals in the shape state/store.py reads a thread's back: what a new parent shows."""
    stored = totals._asdict()
    stored["worst"] = float(SEVERITY_RANK[totals.worst])
    return {name: value for name, value in stored.items() if value is not None}


def _session_of(reply: Reply, key: ThreadKey) -> tuple[str, str]:
    first = reply.occurrences[0].record
    if first.access_key_id and not first.is_assume_root:
        return first.account_id, f"key:{first.access_key_id}"
    return key.account, key.session_ids[0]
