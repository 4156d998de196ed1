"""Render: one root session's events as a single Block Kit summary, and the sessions a batch had no
room for as one message. Pure functions, no I/O."""

from __future__ import annotations

from collections import Counter

from ..core.classify import Activity
from ..core.sessions import group_by_session
from ..shared.occurrence import urgency
from ..shared.record import is_read_only
from ..shared.severity import Severity, most_severe
from .blocks import (
    HEADER_LIMIT,
    SECTION_TEXT_LIMIT,
    cloudtrail_access_key_url,
    field,
    format_time,
    labelled_account,
    listing,
    mrkdwn,
    notification_text,
    section_text,
    session_text,
    slack_payload,
    time_span,
)
from .event import SEVERITY_EMOJI
from .mrkdwn import escape, escape_within, truncate_plain
from .words import WORDING

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from typing import Any

    from ..core.sessions import Occurrence, PlannedMessage
    from .event import RenderOptions

# How much of each list a summary shows before "and N more".
EVENT_NAMES_SHOWN = 12
SOURCE_IPS_SHOWN = 5
REGIONS_SHOWN = 8
USER_AGENTS_SHOWN = 3
NAMED_EVENTS_SHOWN = 10
# A fold lists this many sessions, a line each, then "and N more": about 10,000 characters in a
# few sections, well within Block Kit's 50 blocks of 3,000.
FOLDED_SESSIONS_SHOWN = 50


def render_summary(message: PlannedMessage, options: RenderOptions) -> dict[str, Any]:
    """The webhook payload summarizing ``message.occurrences``: exact totals, changes and denied calls
    by name first, then read-only calls, most frequent first."""
    words = WORDING[options.language]
    occurrences = message.occurrences
    records = [each.record for each in occurrences]
    worst = most_severe(each.classification.severity for each in occurrences)
    read_only, denied = _totals(occurrences)
    account = labelled_account(records[0].account_id, options)
    mention = options.mention if worst is Severity.CRITICAL else ""
    changes_to_notifier = all(each.classification.activity is Activity.NOTIFIER_CHANGED for each in occurrences)
    headline = {"reads": words.reads_reply_headline, "changes": words.changes_reply_headline}.get(
        message.kind, words.tamper_summary_headline if changes_to_notifier else words.summary_headline
    ).format(count=len(records))
    times = sorted(record.event_time for record in records if record.event_time)
    span = time_span(times, options, words)

    summary_line = " · ".join(
        part
        for part in (
            f"*{escape(words.severities[worst])}*",
            f"{escape(words.in_account)} *{account}*" if account else "",
            session_text(message.session, words),
        )
        if part
    )
    fields = [
        (words.calls, str(len(records))),
        (words.read_only_calls, str(read_only)),
        (words.changes, str(len(records) - read_only)),
        (words.denied_calls, str(denied)),
        (words.time_span, span or words.unknown),
        (words.source_ips, listing([record.source_ip for record in records], SOURCE_IPS_SHOWN, words)),
        (words.regions, listing([record.region for record in records], REGIONS_SHOWN, words)),
    ]
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": truncate_plain(f"{SEVERITY_EMOJI[worst]} {headline}", HEADER_LIMIT)},
        },
        section_text(f"{mention} {summary_line}" if mention else summary_line),
        {
            "type": "section",
            "fields": [field(label, value) for label, value in fields],
        },
        section_text(f"*{escape(words.events_by_name)}*\n{_event_name_counts(occurrences, words)}"),
    ]
    if message.named:
        blocks.append(section_text(f"*{escape(words.not_announced_separately)}*\n{_named_events(message, options)}"))
    agents = listing([record.user_agent for record in records], USER_AGENTS_SHOWN, words, separator="\n", limit=300)
    blocks.append(section_text(f"*{escape(words.user_agents)}*\n{agents}"))
    blocks.append({"type": "context", "elements": _context(records, words)})

    parts = [
        f"{SEVERITY_EMOJI[worst]} {escape(headline)}",
        f"{escape(words.read_only_calls)} {read_only}, {escape(words.changes)} {len(records) - read_only}, "
        f"{escape(words.denied_calls)} {denied}",
        account,
        escape(_plain_span(times, options)),
    ]
    return slack_payload(notification_text(parts, mention), blocks)


def render_fold(message: PlannedMessage, options: RenderOptions) -> dict[str, Any]:
    """The webhook payload for what a batch had no room for: one line per root session (account,
    access key or source IP, calls, first and last time), the most severe session first."""
    words = WORDING[options.language]
    sessions = sorted(group_by_session(message.occurrences).items(), key=lambda item: urgency(item[1]))
    worst = most_severe(each.classification.severity for each in message.occurrences)
    mention = options.mention if worst is Severity.CRITICAL else ""
    headline = words.fold_headline.format(count=len(sessions))
    calls = len(message.occurrences)
    times = sorted(each.record.event_time for each in message.occurrences if each.record.event_time)

    lines = [_fold_line(session, group, options) for session, group in sessions[:FOLDED_SESSIONS_SHOWN]]
    if len(sessions) > FOLDED_SESSIONS_SHOWN:
        lines.append(escape(words.and_more.format(count=len(sessions) - FOLDED_SESSIONS_SHOWN)))
    summary_line = f"*{escape(words.severities[worst])}* · {escape(words.fold_calls.format(count=calls))}"
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": truncate_plain(f"{SEVERITY_EMOJI[worst]} {headline}", HEADER_LIMIT)},
        },
        section_text(f"{mention} {summary_line}" if mention else summary_line),
        section_text(escape(words.fold_note)),
        *(section_text(chunk) for chunk in _chunks(lines, SECTION_TEXT_LIMIT)),
        {"type": "context", "elements": [mrkdwn(escape(words.footer))]},
    ]
    parts = [
        f"{SEVERITY_EMOJI[worst]} {escape(headline)}",
        escape(words.fold_calls.format(count=calls)),
        escape(_plain_span(times, options)),
    ]
    return slack_payload(notification_text(parts, mention), blocks)


def _fold_line(session: tuple[str, str], group: list[Occurrence], options: RenderOptions) -> str:
    words = WORDING[options.language]
    worst = most_severe(each.classification.severity for each in group)
    read_only, denied = _totals(tuple(group))
    times = sorted(each.record.event_time for each in group if each.record.event_time)
    account = labelled_account(session[0], options) or escape(words.unknown)
    counts = (
        f"{escape(words.calls)} {len(group)} ({escape(words.changes)} {len(group) - read_only}, "
        f"{escape(words.denied_calls)} {denied})"
    )
    parts = [f"{SEVERITY_EMOJI[worst]} *{account}*", session_text(session, words), counts]
    span = time_span(times, options, words)
    if span:
        parts.append(span)
    return " · ".join(parts)


def _chunks(lines: list[str], limit: int) -> list[str]:
    """Lines joined into texts of at most ``limit`` characters each (a line longer than that alone)."""
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks


def _totals(occurrences: tuple[Occurrence, ...]) -> tuple[int, int]:
    """(read-only calls, denied calls)."""
    read_only = sum(1 for each in occurrences if is_read_only(each.record))
    return read_only, sum(1 for each in occurrences if each.classification.denied)


def _event_name_counts(occurrences: tuple[Occurrence, ...], words: Any) -> str:
    """Changes and denied calls first, so that no read can push them under "and N more"; then reads.
    Within each, the most frequent first."""
    counts = Counter(
        (
            is_read_only(each.record) and not each.classification.denied,
            each.record.event_name or words.unknown,
            each.classification.denied,
        )
        for each in occurrences
    )
    ranked = sorted(counts.items(), key=lambda item: (item[0][0], -item[1], item[0][1], item[0][2]))
    lines = [
        f"`{escape_within(name, 100)}`{escape(words.denied_suffix) if denied else ''} × {count}"
        for (_, name, denied), count in ranked[:EVENT_NAMES_SHOWN]
    ]
    if len(ranked) > EVENT_NAMES_SHOWN:
        lines.append(escape(words.and_more.format(count=len(ranked) - EVENT_NAMES_SHOWN)))
    return "\n".join(lines)


def _named_events(message: PlannedMessage, options: RenderOptions) -> str:
    words = WORDING[options.language]
    lines = []
    for each in message.named[:NAMED_EVENTS_SHOWN]:
        record = each.record
        when = format_time(record.event_time, options.time_zone) if record.event_time else words.unknown
        lines.append(
            f"{SEVERITY_EMOJI[each.classification.severity]} `{escape_within(record.event_name, 100)}` "
            f"{escape(when)} · ID {escape_within(record.event_id, 128)}"
        )
    if len(message.named) > NAMED_EVENTS_SHOWN:
        lines.append(escape(words.and_more.format(count=len(message.named) - NAMED_EVENTS_SHOWN)))
    return "\n".join(lines)


def _plain_span(times: list, options: RenderOptions) -> str:
    if not times:
        return ""
    first, last = format_time(times[0], options.time_zone), format_time(times[-1], options.time_zone)
    return first if first == last else f"{first} – {last}"


def _context(records: list, words: Any) -> list[dict[str, Any]]:
    notes = []
    key = records[0].access_key_id
    region = Counter(record.region for record in records).most_common(1)[0][0]
    url = cloudtrail_access_key_url(region, key) if key else ""
    if url:
        notes.append(f"<{url}|{escape(words.open_session_in_cloudtrail)}>")
    notes.append(escape(words.footer))
    return [mrkdwn(note) for note in notes]
