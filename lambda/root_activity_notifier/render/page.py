"""Render a page for on-call: an SNS message that a paging tool (PagerDuty, Opsgenie, e-mail) reads.

The subject is English ASCII under SNS's 100 characters, whatever the channel's language; the body
is JSON with the facts; the message attributes are what a subscription's filter policy matches.
"""

from __future__ import annotations

import json
import re

from .blocks import cloudtrail_console_url
from .words import ENGLISH

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from typing import Any

    from ..core.escalation import Page
    from .event import RenderOptions

SOURCE = "root-activity-notifier"
SUBJECT_LIMIT = 99  # SNS: fewer than 100 characters
EVENTS_LIMIT = 10
_NOT_SUBJECT_TEXT = re.compile(r"[^\x20-\x7e]+")


def render_page(page: Page, options: RenderOptions) -> dict[str, Any]:
    """The arguments of SNS Publish for ``page``, but the topic: Subject, Message, MessageAttributes.
    It goes before Slack is tried, so it links no Slack message (``slack_message`` is null)."""
    first = page.occurrences[0].record
    severity = page.occurrences[0].classification.severity.value
    label = (options.account_labels or {}).get(page.account) or options.account_label
    headline = ENGLISH.headlines[page.activity].format(
        event=first.event_name or ENGLISH.unknown, target=first.target_account_id or ENGLISH.unknown
    )
    body = {
        "source": SOURCE,
        "severity": severity,
        "kind": page.activity.value,
        "headline": headline,
        "account": {"id": page.account, "label": label or None},
        "session": page.session,
        "event_count": len(page.occurrences),
        "events": [_event(occurrence.record) for occurrence in page.occurrences[:EVENTS_LIMIT]],
        "cloudtrail": cloudtrail_console_url(first) or None,
        "slack_message": None,
    }
    return {
        "Subject": subject(severity, headline, page.account, label),
        "Message": json.dumps(body, ensure_ascii=False),
        "MessageAttributes": _attributes(severity, page.activity.value, page.account),
    }


def subject(severity: str, headline: str, account: str, label: str) -> str:
    """``[critical] HEADLINE in ACCOUNT (LABEL)``: printable ASCII only (a label's other letters are
    dropped), cut to fit SNS."""
    label = _ascii(label)
    text = _ascii(f"[{severity}] {headline} in {account}" + (f" ({label})" if label else ""))
    return text if len(text) <= SUBJECT_LIMIT else text[: SUBJECT_LIMIT - 3].rstrip() + "..."


def _ascii(text: str) -> str:
    return " ".join(_NOT_SUBJECT_TEXT.sub(" ", text).split())


def _event(record) -> dict[str, Any]:
    return {
        "event_id": record.event_id or None,
        "event_name": record.event_name or None,
        "event_time": record.event_time.isoformat() if record.event_time else None,
        "region": record.region or None,
        "source_ip": record.source_ip or None,
        "access_key_id": record.access_key_id or None,
        "mfa_used": record.mfa_used,
        "error_code": record.error_code or None,
    }


def render_not_expected_page(  # noqa: PLR0917 - the page's facts, each its own
    account: str, session: str, user: str, totals: dict[str, Any], options: RenderOptions, slack_link: str = ""
):
    """The page for a session someone answered "Not expected" in Slack: Subject, Message, MessageAttributes."""
    headline = f"Root activity answered not expected by Slack user {user}"
    return _session_page(
        "not_expected", headline, account, session, totals, options, answered_by=user, slack_message=slack_link or None
    )


def render_unanswered_page(  # noqa: PLR0917 - the page's facts, each its own
    account: str, session: str, kind: str, totals: dict[str, Any], options: RenderOptions, minutes: int,
    slack_link: str = "",
) -> dict[str, Any]:  # fmt: skip
    """The page for a critical session nobody answered in Slack within ``minutes``: ``slack_link``,
    the session's parent (the question nobody answered)."""
    names = sorted(totals.get("critical_kinds", ()))
    headline = f"Critical root activity nobody answered in {minutes} minutes: {', '.join(names[:3]) or kind}"
    return _session_page(
        kind, headline, account, session, totals, options, unanswered_minutes=minutes, slack_message=slack_link or None
    )


def _session_page(  # noqa: PLR0917 - the page's facts, each its own
    kind: str, headline: str, account: str, session: str, totals: dict[str, Any], options: RenderOptions, **more: Any
) -> dict[str, Any]:
    """A page about a whole session, from its totals in the session table (no single event to name)."""
    label = (options.account_labels or {}).get(account) or options.account_label
    body = {
        "source": SOURCE,
        "severity": "critical",
        "kind": kind,
        "headline": headline,
        "account": {"id": account, "label": label or None},
        "session": session,
        **more,
        "critical_kinds": sorted(totals.get("critical_kinds", ())),
        "calls": int(totals.get("calls", 0)),
    }
    return {
        "Subject": subject("critical", headline, account, label),
        "Message": json.dumps(body, ensure_ascii=False),
        "MessageAttributes": _attributes("critical", kind, account),
    }


def _attributes(severity: str, kind: str, account: str) -> dict[str, Any]:
    return {
        name: {"DataType": "String", "StringValue": value}
        for name, value in (("source", SOURCE), ("severity", severity), ("kind", kind), ("account", account))
    }
