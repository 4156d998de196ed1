"""Declared expected use: a window of time in which root use of one account is planned.

Someone declares it ahead (``python3 -m root_activity_notifier expect``, or by writing the session
table directly). It takes effect only once the notifier has announced it in the channel, whoever
wrote it and however: root activity in the account from the announcement to the window's end is
still posted, labelled "expected: <reason> (declared by <who>)", and is not escalated automatically.
Pure: the table is state/store.py's, the announcement delivery/windows.py's.
"""

from __future__ import annotations

import json
import re
from collections import namedtuple

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from ..shared.record import ActivityRecord

MAX_WINDOW_MINUTES = 240  # a few hours: a window is for one planned task, not a standing exception
REASON_LIMIT = 500
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

# id; account; starts and ends (epoch seconds); reason; declared_by (who wrote it, as they said or as
# STS named them); announced_at (epoch seconds, or None while not announced).
Window = namedtuple("Window", ["id", "account", "starts", "ends", "reason", "declared_by", "announced_at"])


# How a session's totals keep the windows its activity fell in (state/store.py, declared_windows):
# each as JSON [reason, who declared it]; a batch adds at most this many.
DECLARED_PER_BATCH = 3


def declaration(window: Window) -> str:
    """A window as a session's totals keep it."""
    return json.dumps([window.reason, window.declared_by], ensure_ascii=False)


def declarations(stored) -> list[tuple[str, str]]:
    """(reason, who declared it) of each window a session's totals keep, sorted; one that does not
    read as such (not the notifier's writing) is left out rather than failing the message."""
    declared = []
    for each in sorted(stored):
        try:
            reason, who = json.loads(each)
        except (ValueError, TypeError):
            continue
        declared.append((str(reason), str(who)))
    return declared


class WindowError(ValueError):
    """A window that is not one the notifier honours: the reason says which part."""


def read_window(window_id: str, account: str, text: str, announced_at: float | None) -> Window:
    """A window as the table holds it (a JSON object); WindowError for anything else."""
    try:
        document = json.loads(text)
    except ValueError:
        raise WindowError("not JSON") from None
    if not isinstance(document, dict):
        raise WindowError("not a JSON object")
    if not _ID.match(window_id):
        raise WindowError("its ID is not letters, digits, - or _")
    starts, ends = document.get("starts"), document.get("ends")
    if not all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in (starts, ends)):
        raise WindowError("starts and ends must be epoch seconds")
    if not 0 < ends - starts <= MAX_WINDOW_MINUTES * 60:
        raise WindowError(f"it must end after it starts, within {MAX_WINDOW_MINUTES} minutes")
    reason, declared_by = document.get("reason"), document.get("declared_by")
    if not isinstance(reason, str) or not reason.strip():
        raise WindowError("it has no reason")
    if not isinstance(declared_by, str) or not declared_by.strip():
        raise WindowError("it does not say who declared it")
    return Window(window_id, account, float(starts), float(ends), reason.strip()[:REASON_LIMIT],
                  declared_by.strip()[:200], announced_at)  # fmt: skip


def window_text(window: Window) -> str:
    """The JSON the table keeps for ``window`` (without its announcement, which is kept apart)."""
    fields = {"starts": window.starts, "ends": window.ends, "reason": window.reason, "declared_by": window.declared_by}
    return json.dumps(fields, sort_keys=True)


def covering(windows: list[Window], record: ActivityRecord) -> Window | None:
    """The announced window of the record's account in which it happened, if any."""
    if record.event_time is None:
        return None
    moment = record.event_time.timestamp()
    for window in windows:
        announced = window.account == record.account_id and window.announced_at is not None
        if announced and max(window.starts, window.announced_at) <= moment <= window.ends:
            return window
    return None
