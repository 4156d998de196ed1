"""Render: the Slack payload of a planned message, whatever its kind (one event, a session's summary,
a thread's grouped replies, or the fold of sessions a batch had no room for)."""

from __future__ import annotations

from .event import render_message
from .summary import render_fold, render_summary

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from ..core.sessions import PlannedMessage
    from .event import RenderOptions


def render_planned(planned: PlannedMessage, options: RenderOptions) -> dict:
    """The Slack payload of one planned message, whatever its kind."""
    if planned.kind in ("summary", "reads", "changes"):  # the last two: replies in a thread (core/threads.py)
        return render_summary(planned, options)
    if planned.kind == "fold":
        return render_fold(planned, options)
    (occurrence,) = planned.occurrences
    return render_message(occurrence.record, occurrence.classification, options)
