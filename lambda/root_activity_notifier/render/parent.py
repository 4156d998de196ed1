"""Render: a root session's exact totals (state/store.py's shape), as the live parent message of
its thread (Slack app mode) or as a webhook's digest. Pure functions, no I/O."""

from __future__ import annotations

from datetime import datetime, timezone

from ..core.windows import declarations
from ..shared.severity import KIND_FIELDS, Severity
from .blocks import (
    HEADER_LIMIT,
    declared_lines,
    field,
    format_time,
    labelled_account,
    listing,
    mrkdwn,
    notification_text,
    section_text,
    session_text,
    slack_date,
    slack_payload,
    time_span,
)
from .event import SEVERITY_EMOJI
from .mrkdwn import escape, escape_within, truncate_plain
from .words import WORDING

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from typing import Any

    from .event import RenderOptions

_SEVERITIES = list(Severity)
SHOWN = 5  # of each list (regions, source IPs, user agents) before "and N more"
HEADLINE_KINDS = 3  # named in the headline before "and N more"
# The only actions the interactivity endpoint takes (root_activity_notifier/interactions.py): the
# buttons on a parent, and the modal that asks an "Expected" answer's reason.
EXPECTED_ACTION = "root_activity_notifier.expected"
NOT_EXPECTED_ACTION = "root_activity_notifier.not_expected"
REASON_VIEW = "root_activity_notifier.expected_reason"
REASON_BLOCK, REASON_INPUT = "reason", "reason"
REASON_LIMIT = 500


def render_parent(
    totals: dict[str, Any],
    account: str,
    session_id: str,
    options: RenderOptions,
    *,
    updated: datetime,
    earlier_session_url: str = "",
    mention: str = "",
    answer: dict[str, Any] | None = None,
    answer_key: str = "",
) -> dict[str, Any]:
    """The parent of a session's thread: who, what so far (exact totals), when, how bad; its headline
    names the worst the session did. With interactivity (``options.interactive``), a critical
    session asks whether it was expected (buttons carrying ``answer_key``, the session's key), shows
    the ``answer`` once given, and asks again when critical activity came after it."""
    words = WORDING[options.language]
    headline = words.parent_headline.format(account=account or words.unknown)
    payload = _render_session(
        totals, account, session_id, options, headline, updated=updated, note=words.in_thread,
        earlier_session_url=earlier_session_url, mention=mention,
    )  # fmt: skip
    payload["blocks"][-1:-1] = answer_blocks(totals, options, answer, answer_key)
    return payload


def answer_blocks(
    totals: dict[str, Any], options: RenderOptions, answer: dict[str, Any] | None, answer_key: str
) -> list[dict[str, Any]]:
    """The answer given, and the question when one is owed: a critical session not answered yet, or
    with critical kinds the answer did not cover."""
    words = WORDING[options.language]
    blocks = []
    if answer:
        moment = datetime.fromtimestamp(float(answer.get("at", 0)), tz=timezone.utc)
        when = slack_date(moment, format_time(moment, options.time_zone))
        who = f"<@{answer.get('user', '')}>"
        if answer.get("kind") == "expected":
            reason = escape_within(str(answer.get("reason", "")), REASON_LIMIT)
            text = f":white_check_mark: {escape(words.answered_expected).format(who=who, when=when, reason=reason)}"
        else:
            text = f":sos: {escape(words.answered_escalated).format(who=who, when=when)}"
        blocks.append(section_text(text))
    if not (options.interactive and answer_key) or int(totals.get("worst", 99)) != _SEVERITIES.index(Severity.CRITICAL):
        return blocks
    new = sorted(set(totals.get("critical_kinds", ())) - set((answer or {}).get("kinds", ())))
    if answer and not new:
        return blocks
    question = words.asks_again.format(kinds=", ".join(new)) if answer else words.ask_answer
    blocks.append(section_text(escape(question)))
    blocks.append(
        {
            "type": "actions",
            "block_id": "root_activity_notifier.answer",
            "elements": [
                _button(words.expected_button, EXPECTED_ACTION, answer_key, "primary"),
                _button(words.not_expected_button, NOT_EXPECTED_ACTION, answer_key, "danger"),
            ],
        }
    )
    return blocks


def _button(text: str, action_id: str, value: str, style: str) -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
        "style": style,
    }


def reason_view(answer_key: str, options: RenderOptions) -> dict[str, Any]:
    """The modal an "Expected" answer opens: its reason is required."""
    words = WORDING[options.language]
    return {
        "type": "modal",
        "callback_id": REASON_VIEW,
        "private_metadata": answer_key,
        "title": {"type": "plain_text", "text": truncate_plain(words.reason_title, 24)},
        "submit": {"type": "plain_text", "text": truncate_plain(words.reason_submit, 24)},
        "blocks": [
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "label": {"type": "plain_text", "text": truncate_plain(words.reason_label, 2000)},
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_INPUT,
                    "multiline": True,
                    "min_length": 3,
                    "max_length": REASON_LIMIT,
                },
            }
        ],
    }


def render_digest(
    totals: dict[str, Any], account: str, session_id: str, options: RenderOptions, *, since: int, updated: datetime,
    digest_minutes: int,
) -> dict[str, Any]:  # fmt: skip
    """A webhook's digest of a session: ``since`` calls since its last message, and its exact totals."""
    words = WORDING[options.language]
    headline = words.digest_headline.format(account=account or words.unknown, count=since)
    return _render_session(
        totals, account, session_id, options, headline, updated=updated,
        note=words.digest_note.format(minutes=digest_minutes), since=since,
    )  # fmt: skip


def worst_kinds(totals: dict[str, Any], words: Any) -> str:
    """The kinds of event at the session's worst severity, for its headline (plain text, escaped where
    it is shown): "DeleteTrail, StopLogging"; "" when none is known."""
    worst = _SEVERITIES[int(totals.get("worst", _SEVERITIES.index(Severity.LOW)))]
    kinds = sorted(totals.get(KIND_FIELDS[worst], ()))
    named = ", ".join(kind[:60] for kind in kinds[:HEADLINE_KINDS])
    if len(kinds) > HEADLINE_KINDS:
        named += ", " + words.and_more.format(count=len(kinds) - HEADLINE_KINDS)
    return named


def _render_session(
    totals: dict[str, Any],
    account: str,
    session_id: str,
    options: RenderOptions,
    headline: str,
    *,
    updated: datetime,
    note: str,
    earlier_session_url: str = "",
    mention: str = "",
    since: int | None = None,
) -> dict[str, Any]:
    words = WORDING[options.language]
    worst = _SEVERITIES[int(totals.get("worst", _SEVERITIES.index(Severity.LOW)))]
    labelled = labelled_account(account, options) or escape(words.unknown)
    kinds = worst_kinds(totals, words)
    if kinds:
        headline = f"{headline} · {words.worst_named.format(kinds=kinds)}"
    calls = int(totals.get("calls", 0))
    sign_ins = _sign_ins(totals, words)
    times = [moment for moment in (_moment(totals.get(name)) for name in ("first_time", "last_time")) if moment]
    span = time_span(times, options, words)
    identity = session_text((account, session_id), words)
    lines = [f"*{escape(words.severities[worst])}* · {escape(words.in_account)} *{labelled}* · {identity}"]
    if totals.get("opened_by"):
        lines.append(
            escape(
                words.opened_by.format(
                    principal=totals["opened_by"],
                    account=totals.get("opened_from") or words.unknown,
                    task=(totals.get("task_policy") or words.unknown).rsplit("/", 1)[-1],
                )
            )
        )
    if earlier_session_url:
        lines.append(f"{escape(words.continues)}: <{earlier_session_url}|{escape(words.earlier_session)}>")
    declared = declarations(totals.get("declared_windows", ()))
    if declared:
        lines.append(declared_lines(declared, words))
    fields = [
        *([(words.since_last_message, str(since))] if since is not None else []),
        (words.calls, str(calls)),
        (words.read_only_calls, str(int(totals.get("read_only", 0)))),
        (words.changes, str(int(totals.get("changes", 0)))),
        (words.denied_calls, str(int(totals.get("denied", 0)))),
        (words.sign_ins, sign_ins),
        (words.worst_so_far, f"{SEVERITY_EMOJI[worst]} {escape(words.severities[worst])}"),
        (words.time_span, span or escape(words.unknown)),
        (words.regions, listing(sorted(totals.get("regions", ())), SHOWN, words, limit=300)),
        (words.source_ips, listing(sorted(totals.get("source_ips", ())), SHOWN, words, limit=300)),
        (words.user_agents, listing(sorted(totals.get("user_agents", ())), SHOWN, words, separator="\n", limit=300)),
    ][:10]  # Block Kit's most fields in a section: a digest leaves out the user agents
    updated_text = slack_date(updated, format_time(updated, options.time_zone))
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": truncate_plain(f"{SEVERITY_EMOJI[worst]} {headline}", HEADER_LIMIT)},
        },
        section_text("\n".join(lines)),
        {"type": "section", "fields": [field(label, text) for label, text in fields]},
        {
            "type": "context",
            "elements": [
                mrkdwn(f"{escape(words.updated)} {updated_text} · {escape(note)}"),
                mrkdwn(escape(words.footer)),
            ],
        },
    ]
    parts = [
        f"{SEVERITY_EMOJI[worst]} {escape(headline)}",
        f"{escape(words.calls)} {calls}, {escape(words.changes)} {int(totals.get('changes', 0))}",
        f"{escape(words.sign_ins)} {sign_ins}" if totals.get("sign_ins") or totals.get("failed_sign_ins") else "",
        escape(words.severities[worst]),
    ]
    return slack_payload(notification_text(parts, mention), blocks)


def permalink(workspace_url: str, channel: str, ts: str) -> str:
    """A message's link, as Slack forms it (``…/archives/C…/p1700000000123456``)."""
    if not workspace_url or not ts:
        return ""
    return f"{workspace_url.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"


def _sign_ins(totals: dict[str, Any], words: Any) -> str:
    text = str(int(totals.get("sign_ins", 0)))
    notes = []
    if totals.get("sign_ins_without_mfa"):
        notes.append(words.without_mfa.format(count=int(totals["sign_ins_without_mfa"])))
    if totals.get("failed_sign_ins"):
        notes.append(words.failed.format(count=int(totals["failed_sign_ins"])))
    return f"{text} ({escape(', '.join(notes))})" if notes else text


def _moment(seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, tz=timezone.utc) if seconds else None
