"""Render: the Slack payload of a planned message, whatever its kind (one event, a session's summary,
a thread's grouped replies, or the fold of sessions a batch had no room for)."""

from __future__ import annotations

from .blocks import declared_lines, section_text
from .event import render_message
from .summary import render_fold, render_summary
from .words import WORDING

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from ..core.sessions import PlannedMessage
    from .event import RenderOptions


def render_planned(planned: PlannedMessage, options: RenderOptions) -> dict:
    """The Slack payload of one planned message, whatever its kind."""
    if planned.kind in ("summary", "reads", "changes"):  # the last two: replies in a thread (core/threads.py)
        return _declared(render_summary(planned, options), planned, options)
    if planned.kind == "fold":
        return render_fold(planned, options)
    (occurrence,) = planned.occurrences
    return render_message(occurrence.record, occurrence.classification, options)


def _declared(payload: dict, planned: PlannedMessage, options: RenderOptions) -> dict:
    """A summary of activity a declared window covers (core/windows.py) says so, under its headline."""
    windows = {id(each.classification.declared): each.classification.declared for each in planned.occurrences}
    windows = [window for window in windows.values() if window is not None]
    if windows:
        words = WORDING[options.language]
        text = declared_lines([(window.reason, window.declared_by) for window in windows], words)
        payload["blocks"].insert(1, section_text(text))
    return payload
