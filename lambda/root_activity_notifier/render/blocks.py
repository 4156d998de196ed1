"""Block Kit building blocks: a section, a field, a header's and a message's limits, Slack's date
token, a list of values, what names a session. Every message is built of these. A leaf: it imports
only render/mrkdwn.py of the package.
"""

from __future__ import annotations

from collections import Counter

from .mrkdwn import escape, escape_within, truncate_escaped

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any

    from ..shared.timezones import ResolvedTimeZone
    from .event import RenderOptions

# Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks).
HEADER_LIMIT = 150
SECTION_TEXT_LIMIT = 3000
FIELD_TEXT_LIMIT = 2000
# Slack cuts the top-level text of a message at 40,000 characters; a notification shows far less.
TOP_LEVEL_TEXT_LIMIT = 3000


def format_time(moment: datetime, time_zone: ResolvedTimeZone) -> str:
    """A readable time in the configured zone, e.g. ``2018-08-29 16:24:34 JST``."""
    local = moment.astimezone(time_zone.zone)
    abbreviation = local.tzname() or time_zone.name
    return f"{local:%Y-%m-%d %H:%M:%S} {abbreviation}"


def slack_date(moment: datetime, fallback: str) -> str:
    """A Slack date token: each reader sees the time in their own zone; others see ``fallback``."""
    seconds = int(moment.timestamp())
    return f"<!date^{seconds}^{{date_num}} {{time_secs}}|{escape(fallback)}>"


def field(label: str, escaped_value: str) -> dict[str, Any]:
    """A section field: the label in bold, the (already escaped) value below it."""
    return mrkdwn(truncate_escaped(f"*{escape(label)}*\n{escaped_value}", FIELD_TEXT_LIMIT))


def section_text(text: str) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(truncate_escaped(text, SECTION_TEXT_LIMIT))}


def slack_payload(text: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """A message: its (already escaped) top-level text for notifications, and its blocks."""
    return {
        "text": truncate_escaped(text, TOP_LEVEL_TEXT_LIMIT),
        "blocks": blocks,
        "unfurl_links": False,
        "unfurl_media": False,
    }


def notification_text(parts: list[str], mention: str) -> str:
    """The non-empty (escaped) parts joined, after the mention if there is one."""
    text = " | ".join(part for part in parts if part)
    return f"{mention} {text}" if mention else text


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def session_text(session: tuple[str, str], words: Any) -> str:
    """``Access key `ASIA…``` or ``Source IP `192.0.2.1```: what names the session (core/sessions.py)."""
    kind, _, value = session[1].partition(":")
    label = words.access_key if kind == "key" else words.source_ip
    return f"{escape(label)} `{escape_within(value, 200)}`"


def listing(values: list[str], shown: int, words: Any, *, separator: str = ", ", limit: int = 100) -> str:
    """Distinct values, most frequent first, escaped; "and N more" past ``shown``."""
    ranked = [value for value, _ in Counter(value for value in values if value).most_common()]
    if not ranked:
        return escape(words.unknown)
    listed = separator.join(escape_within(value, limit) for value in ranked[:shown])
    if len(ranked) > shown:
        listed += separator + escape(words.and_more.format(count=len(ranked) - shown))
    return listed


def time_span(times: list, options: RenderOptions, words: Any) -> str:
    if not times:
        return ""
    first, last = times[0], times[-1]
    start = slack_date(first, format_time(first, options.time_zone))
    return start if first == last else f"{start} – {slack_date(last, format_time(last, options.time_zone))}"
