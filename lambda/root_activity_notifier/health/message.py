"""Render: what the health check found, as the Slack message "the notifier cannot see" and as the
table ``doctor`` prints. Pure functions, no I/O."""

from __future__ import annotations

from ..render.blocks import HEADER_LIMIT, labelled_account, mrkdwn, notification_text, section_text, slack_payload
from ..render.event import SEVERITY_EMOJI
from ..render.mrkdwn import escape, escape_within, truncate_plain
from ..render.words import WORDING
from ..shared.severity import Severity

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from typing import Any

    from ..render.event import RenderOptions
    from .findings import Finding

# A message lists this many problems, a section each (Block Kit allows 50 blocks).
PROBLEMS_SHOWN = 40


def render_cannot_see(problems: list[Finding], account_id: str, options: RenderOptions) -> dict[str, Any]:
    """One critical message listing every problem with its fix."""
    words = WORDING[options.language]
    account = labelled_account(account_id, options)
    summary = " · ".join(
        part
        for part in (
            f"*{escape(words.severities[Severity.CRITICAL])}*",
            f"{escape(words.in_account)} *{account}*" if account else "",
            escape(words.cannot_see_summary.format(count=len(problems))),
        )
        if part
    )
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": truncate_plain(
                    f"{SEVERITY_EMOJI[Severity.CRITICAL]} {words.cannot_see_headline}", HEADER_LIMIT
                ),
            },
        },
        section_text(f"{options.mention} {summary}" if options.mention else summary),
    ]
    for problem in problems[:PROBLEMS_SHOWN]:
        text = f":x: *{escape_within(problem.check, 300)}*\n{escape_within(problem.detail, 1000)}"
        if problem.fix:
            text += f"\n*{escape(words.fix)}:* `{escape_within(problem.fix, 1000)}`"
        blocks.append(section_text(text))
    blocks.append({"type": "context", "elements": [mrkdwn(escape(words.footer))]})
    parts = [
        f"{SEVERITY_EMOJI[Severity.CRITICAL]} {escape(words.cannot_see_headline)}",
        account,
        escape(words.cannot_see_summary.format(count=len(problems))),
        escape_within(problems[0].check, 200) if problems else "",
    ]
    return slack_payload(notification_text(parts, options.mention), blocks)


def doctor_table(findings: list[Finding]) -> str:
    """A plain-text table: one line per check, then the fix under each that fails."""
    lines = []
    for finding in findings:
        lines.append(f"{'ok  ' if finding.ok else 'FAIL'}  {finding.check}: {finding.detail}")
        if not finding.ok and finding.fix:
            lines.append(f"      fix: {finding.fix}")
    failing = sum(1 for finding in findings if not finding.ok)
    lines.append("")
    lines.append(f"{len(findings)} checks, {failing} failing" + ("" if failing else ": the notifier can see"))
    return "\n".join(lines)
