"""Block Kit building blocks: a section, a field, a header's and a message's limits, Slack's date
token, a list of values, what names a session and an account, the links to CloudTrail, the lines of
declared expected use. Every message is built of these. A leaf: it imports only render/mrkdwn.py of
the package.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import quote

from .mrkdwn import escape, escape_within, truncate_escaped

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any

    from ..shared.record import ActivityRecord
    from ..shared.timezones import ResolvedTimeZone
    from .event import RenderOptions
    from .words import Wording

# Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks).
HEADER_LIMIT = 150
SECTION_TEXT_LIMIT = 3000
FIELD_TEXT_LIMIT = 2000
# Slack cuts the top-level text of a message at 40,000 characters; a notification shows far less.
TOP_LEVEL_TEXT_LIMIT = 3000
# Shorter than the limits so that one long value (a user agent, say) cannot crowd out the others.
VALUE_LIMIT = 500
# A message names at most this many of the declared windows (core/windows.py) its events fall in.
DECLARED_SHOWN = 3
# What a CloudTrail link is built of only when it is well formed: a record's values are its sender's.
_REGION_PATTERN = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_EVENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,128}$")
_ACCESS_KEY_PATTERN = re.compile(r"^[A-Z0-9]{16,128}$")


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


def cloudtrail_console_url(record: ActivityRecord) -> str:
    """Link to the event in CloudTrail event history, in the partition its region belongs to."""
    if not _EVENT_ID_PATTERN.match(record.event_id):
        return ""
    return _event_history(record.region, f"/{quote(record.event_id)}")


def cloudtrail_access_key_url(region: str, access_key_id: str) -> str:
    """Link to CloudTrail event history filtered on one access key (the session's), in ``region``."""
    if not _ACCESS_KEY_PATTERN.match(access_key_id):
        return ""
    return _event_history(region, f"?AccessKeyId={quote(access_key_id)}")


def _event_history(region: str, path: str) -> str:
    """Only for a well-formed region: an attacker's ``awsRegion`` must not choose the link's host."""
    if not _REGION_PATTERN.match(region):
        return ""
    if region.startswith("cn-"):
        host = f"{region}.console.amazonaws.cn"
    elif region.startswith("us-gov-"):
        host = "console.amazonaws-us-gov.com"
    else:
        host = f"{region}.console.aws.amazon.com"
    return f"https://{host}/cloudtrailv2/home?region={region}#/events{path}"


def labelled_account(account_id: str, options: RenderOptions) -> str:
    """Escaped ``123456789012 (production)``: the label from account_labels, else account_label."""
    account = escape_within(account_id, VALUE_LIMIT) if account_id else ""
    label = (options.account_labels or {}).get(account_id) or options.account_label
    label = escape_within(label, 200) if label else ""
    if account and label:
        return f"{account} ({label})"
    return account or label


def declared_lines(declared: list[tuple[str, str]], words: Wording) -> str:
    """mrkdwn: what a message covering activity in declared windows (core/windows.py) says, a line for
    each of the first DECLARED_SHOWN (reason, who declared it)."""
    return "\n".join(
        f":memo: {escape_within(words.declared_label.format(reason=reason, who=who), 1000)}"
        for reason, who in declared[:DECLARED_SHOWN]
    )
