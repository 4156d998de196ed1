"""Escalate: which root activity pages on-call, once per root session and kind.

Critical activity pages (classify.py's critical severity: a sign-in without MFA, a root credential
changed, MFA removed, logging disabled, the notifier itself changed), unless it is expected (an
expected principal's change is low, labelled, never paged; activity in an announced window of
declared expected use is labelled and paged only when someone answers "Not expected"). Pure: the publishing is in
delivery/escalation.py, the words in render/page.py.
"""

from __future__ import annotations

from collections import namedtuple

from ..shared.occurrence import session_key
from ..shared.severity import Severity

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Iterable

    from .sessions import Occurrence

# One page: key (one per root session and kind, what the session table claims), the account, the
# session ("key:AKIA…" or "ip:192.0.2.1"), the Activity that pages, and its occurrences in this batch.
Page = namedtuple("Page", ["key", "account", "session", "activity", "occurrences"])


def pages_of(batch: Iterable[Occurrence]) -> list[Page]:
    """The pages the batch owes, in the order their first occurrence came."""
    grouped: dict[tuple[str, str, object], list[Occurrence]] = {}
    for occurrence in batch:
        if occurrence.classification.severity is not Severity.CRITICAL or occurrence.classification.declared:
            continue  # declared expected use pages no one automatically (core/windows.py)
        account, session = session_key(occurrence.record)
        grouped.setdefault((account, session, occurrence.classification.activity), []).append(occurrence)
    return [
        Page(f"page#{account}#{session}#{activity.value}", account, session, activity, tuple(found))
        for (account, session, activity), found in grouped.items()
    ]
