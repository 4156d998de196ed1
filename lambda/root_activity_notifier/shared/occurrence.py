"""Occurrence: what the planners (core/sessions.py, core/threads.py) and the digests read off one root
event as classified (an Occurrence of core/sessions.py): its root session, its kind, whether it gets a
message of its own, and how urgent a group of them is. A leaf: it imports nothing of the package but
shared/, so reading a plan one does not follow into it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from .severity import SEVERITY_RANK, Severity, most_severe

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..core.classify import Classification
    from ..core.sessions import Occurrence
    from .record import ActivityRecord

_NO_TIME = datetime.max.replace(tzinfo=timezone.utc)


def session_key(record: ActivityRecord) -> tuple[str, str]:
    """``(account, "key:AKIA…")`` or ``(account, "ip:192.0.2.1")``."""
    if record.access_key_id:
        return record.account_id, f"key:{record.access_key_id}"
    return record.account_id, f"ip:{record.source_ip}"


def deserves_own_message(record: ActivityRecord, classification: Classification) -> bool:
    return record.is_console_sign_in or record.is_assume_root or classification.severity is Severity.CRITICAL


def kind_of(occurrence: Occurrence) -> str:
    """What an event is, to tell one kind of alert from another: its name and what the classifier made
    of it ("ConsoleLogin/sign_in_without_mfa", "CreateAccessKey/credentials_changed"); for a change to
    the notifier, the resource and its region too, since each piece of the notifier changed is news of
    its own (a forwarder's rules have the same names in every region)."""
    record = occurrence.record
    kind = f"{record.event_name or 'unknown'}/{occurrence.classification.activity.value}"
    if record.tamper_rule and record.resource:
        return f"{kind}/{record.region}/{record.resource[:200]}"
    return kind


def urgency(group: Iterable[Occurrence]) -> tuple[int, datetime]:
    """Sort key of a message or a session: its worst severity, then its first event's time."""
    group = list(group)
    worst = most_severe(each.classification.severity for each in group)
    first = min((each.record.event_time for each in group if each.record.event_time), default=_NO_TIME)
    return SEVERITY_RANK[worst], first
