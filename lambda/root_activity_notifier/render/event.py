"""Render: one root activity record as a Slack Block Kit message. Pure functions, no I/O."""

from __future__ import annotations

from collections import namedtuple

from ..core.classify import Activity, Classification
from ..shared.record import ActivityRecord
from ..shared.severity import Severity
from ..shared.timezones import UTC
from .blocks import (
    HEADER_LIMIT,
    SECTION_TEXT_LIMIT,
    VALUE_LIMIT,
    cloudtrail_console_url,
    declared_lines,
    field,
    format_time,
    labelled_account,
    mrkdwn,
    notification_text,
    section_text,
    slack_date,
    slack_payload,
)
from .mrkdwn import escape, escape_within, truncate_escaped, truncate_plain
from .words import WORDING, Wording

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from typing import Any


# Values get VALUE_LIMIT (render/blocks.py); these few get more.
LONG_VALUE_LIMIT = 1000

SEVERITY_EMOJI = {
    Severity.CRITICAL: ":rotating_light:",
    Severity.HIGH: ":red_circle:",
    Severity.WARNING: ":warning:",
    Severity.LOW: ":large_blue_circle:",
}
CONSOLE_ACTION_INVOKER = "signin.amazonaws.com"


# language: "en" or "ja"; time_zone: ResolvedTimeZone; account_label: str, for accounts without a
# label in account_labels (a mapping of account ID to label, or None); mention: a validated Slack
# mention (``<!here>``, ``<!channel>``, ``<!subteam^ID>``, ``<@U…>``) prepended to critical alerts
# only; announce_assume_root: also announce sts:AssumeRoot calls (classify.is_announced);
# expected_principals: role or user ARN to label, whose changes to the notifier are expected;
# interactive: a critical session's parent asks whether it was expected (Slack app mode's interactivity).
RenderOptions = namedtuple(
    "RenderOptions",
    [
        "language",
        "time_zone",
        "account_label",
        "mention",
        "account_labels",
        "announce_assume_root",
        "expected_principals",
        "interactive",
    ],
    defaults=["en", UTC, "", "", None, False, None, False],
)


def render_message(record: ActivityRecord, classification: Classification, options: RenderOptions) -> dict[str, Any]:
    """The webhook payload: Block Kit blocks plus a top-level ``text`` for notifications."""
    words = WORDING[options.language]
    headline = _headline(record, classification, words)
    # Computed once: the fields, the summary and the notification text all show them.
    local_time = format_time(record.event_time, options.time_zone) if record.event_time else ""
    account = labelled_account(record.account_id, options)
    # Declared expected use is still posted in full, but calls no one.
    mention = options.mention if classification.severity is Severity.CRITICAL and not classification.declared else ""

    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": truncate_plain(f"{SEVERITY_EMOJI[classification.severity]} {headline}", HEADER_LIMIT),
                "emoji": True,
            },
        },
        section_text(_summary_line(record, classification, words, account, mention)),
        {"type": "section", "fields": _fields(record, classification, options, local_time)},
    ]
    if classification.declared:
        window = classification.declared
        blocks.insert(2, section_text(declared_lines([(window.reason, window.declared_by)], words)))
    details = _details(record, classification, words)
    if details:
        blocks.append(section_text(details))
    blocks.append({"type": "context", "elements": _context(record, classification, words, options)})

    return slack_payload(
        _notification_text(
            record,
            classification,
            headline=headline,
            account=account,
            when=local_time or words.unknown,
            mention=mention,
        ),
        blocks,
    )


def _headline(record: ActivityRecord, classification: Classification, words: Wording) -> str:
    headline = words.headlines[classification.activity].format(
        event=record.event_name or words.unknown, target=record.target_account_id or words.unknown
    )
    return headline + (words.denied_suffix if classification.denied else "")


def _summary_line(
    record: ActivityRecord, classification: Classification, words: Wording, account: str, mention: str
) -> str:
    # The one place the blocks name the account (the top-level text names it too, for notifications).
    parts = [
        f"*{escape(words.severities[classification.severity])}*",
        f"{escape(words.in_account)} *{account or escape(words.unknown)}*",
    ]
    if classification.activity is Activity.NOTIFIER_CHANGED:
        by = escape_within(record.principal_arn, VALUE_LIMIT) if record.principal_arn else escape(words.unknown)
        parts.append(f"{escape(words.changed_by)} `{by}`")
        if classification.expected_as:
            parts.append(f":white_check_mark: {escape(words.expected.format(label=classification.expected_as))}")
    if record.invoked_by == CONSOLE_ACTION_INVOKER and not record.is_console_sign_in:
        parts.append(escape(words.via_console))
    line = " · ".join(parts)
    return f"{mention} {line}" if mention else line


def _fields(
    record: ActivityRecord,
    classification: Classification,
    options: RenderOptions,
    local_time: str,
) -> list[dict[str, Any]]:
    words = WORDING[options.language]
    when = slack_date(record.event_time, local_time) if record.event_time else words.unknown

    pairs: list[tuple[str, str]] = [
        (words.event, f"`{escape_within(record.event_name, VALUE_LIMIT)}`" if record.event_name else words.unknown),
        (words.when, when),
        (words.source_ip, escape_within(record.source_ip, VALUE_LIMIT) or words.unknown),
        (words.region, escape_within(record.region, VALUE_LIMIT) or words.unknown),
    ]
    if classification.activity is Activity.ROOT_ACCESS_TAKEN:
        pairs.append((words.member_account, labelled_account(record.target_account_id, options) or words.unknown))
        task = record.task_policy_arn.rsplit("/", 1)[-1]
        pairs.append((words.task_policy, f"`{escape_within(task, VALUE_LIMIT)}`" if task else words.unknown))
    if classification.activity is Activity.NOTIFIER_CHANGED:
        # A call that names nothing (LeaveOrganization, DeactivateOrganizationsAccess) acts on its account.
        resource = f"`{escape_within(record.resource, VALUE_LIMIT)}`" if record.resource else ""
        resource = resource or labelled_account(record.account_id, options) or words.unknown
        pairs.append((words.resource, resource))
    if record.is_console_sign_in:
        pairs.append((words.mfa, _mfa_text(record.mfa_used, words)))
        pairs.append((words.sign_in_result, _sign_in_result(record, classification, words)))
    if record.event_source:
        pairs.append((words.service, escape_within(record.event_source, VALUE_LIMIT)))
    if record.error_code or record.error_message:
        error = " ".join(part for part in (record.error_code, record.error_message) if part)
        pairs.append((words.error, escape_within(error, LONG_VALUE_LIMIT)))

    return [field(label, value) for label, value in pairs]


# Declared windows a message names (the rest of a session's are on its other messages).


def _details(record: ActivityRecord, classification: Classification, words: Wording) -> str:
    lines = []
    if record.user_agent:
        lines.append(f"*{escape(words.user_agent)}*\n{escape_within(record.user_agent, LONG_VALUE_LIMIT)}")
    # (a change to the notifier names its principal in the summary line: "changed by")
    if record.principal_arn and classification.activity is not Activity.NOTIFIER_CHANGED:
        lines.append(f"*{escape(words.principal)}*\n{escape_within(record.principal_arn, VALUE_LIMIT)}")
    return "\n".join(lines)


def _context(
    record: ActivityRecord, classification: Classification, words: Wording, options: RenderOptions
) -> list[dict[str, Any]]:
    notes = []
    url = cloudtrail_console_url(record)
    if url:
        notes.append(f"<{url}|{escape(words.open_in_cloudtrail)}>")
    if classification.denied:
        notes.append(f":no_entry: {escape(words.denied_note)}")
    if classification.centralized_root_access:
        notes.append(escape(words.centralized_root_note))
    if options.time_zone.unavailable_name:
        notes.append(escape(words.time_zone_unavailable.format(zone=options.time_zone.unavailable_name)))
    if record.event_id:
        notes.append(f"ID {escape_within(record.event_id, 200)}")
    notes.append(escape(words.footer))
    return [mrkdwn(truncate_escaped(note, SECTION_TEXT_LIMIT)) for note in notes]


def _notification_text(
    record: ActivityRecord,
    classification: Classification,
    *,
    headline: str,
    account: str,
    when: str,
    mention: str,
) -> str:
    parts = [
        f"{SEVERITY_EMOJI[classification.severity]} {escape_within(headline, HEADER_LIMIT)}",
        account,
        escape_within(record.region, 100),
        escape_within(record.source_ip, 100),
        escape(when),
    ]
    return notification_text(parts, mention)


def _mfa_text(mfa_used: bool | None, words: Wording) -> str:
    if mfa_used is True:
        return f":white_check_mark: {escape(words.mfa_used)}"
    if mfa_used is False:
        return f":x: {escape(words.mfa_not_used)}"
    return escape(words.mfa_unknown)


def _sign_in_result(record: ActivityRecord, classification: Classification, words: Wording) -> str:
    if classification.activity is Activity.SIGN_IN_FAILED:
        return escape(words.sign_in_failure)
    if record.console_login_result.lower() == "success":
        return escape(words.sign_in_success)
    return escape_within(record.console_login_result, VALUE_LIMIT) or words.unknown
