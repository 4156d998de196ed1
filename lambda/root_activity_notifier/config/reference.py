"""The handler's settings as a user reads them: each environment variable, its default and meaning.

One definition: ``make docs`` writes docs/command-line.md's settings table from ``SETTINGS``, and a
test keeps it naming exactly the variables config/settings.py reads. Never imported by the handler.
"""

from __future__ import annotations

from . import settings as s

# (variable, default or "", meaning), in the order a user sets them up.
SETTINGS = (
    (
        s.WEBHOOK_PARAMETER_VARIABLE,
        "",
        "name or ARN of an SSM **SecureString** parameter holding the webhook URL (what the module uses)",
    ),
    (s.WEBHOOK_URL_VARIABLE, "", "the webhook URL itself, for local use and tests"),
    (
        s.BOT_TOKEN_PARAMETER_VARIABLE,
        "",
        "Slack app mode: name or ARN of an SSM SecureString parameter holding the bot token (`xoxb-…`)",
    ),
    (s.BOT_TOKEN_VARIABLE, "", "the bot token itself, for local use and tests; set exactly one of these four"),
    (
        s.CHANNEL_VARIABLE,
        "",
        "Slack app mode: the channel ID to post to (required with a token, refused with a webhook)",
    ),
    (
        s.CHANNEL_ROUTES_VARIABLE,
        "",
        'Slack app mode: JSON object of account ID to channel ID, e.g. `{"111122223333": "C0123ABCDEF"}`',
    ),
    (
        s.SESSION_TABLE_VARIABLE,
        "",
        "the DynamoDB table that remembers each root session (both modes): a Slack app's threads, a "
        "webhook's digests, exact totals, claims and the shared pace; without it, each batch is posted as it comes",
    ),
    (
        s.SESSION_IDLE_VARIABLE,
        f"{s.SESSION_IDLE_MINUTES[0]}",
        f"minutes a session may be idle before its next event starts a new one (1 to {s.SESSION_IDLE_MINUTES[1]})",
    ),
    (
        s.DIGEST_MINUTES_VARIABLE,
        f"{s.DIGEST_MINUTES[0]}",
        "webhook mode with the table: a session's further changes and reads are one digest at most this often "
        f"(1 to {s.DIGEST_MINUTES[1]})",
    ),
    (
        s.FOLLOW_UP_QUEUE_VARIABLE,
        "",
        "the queue a held digest or an owed parent edit is scheduled on, as a delayed message to the function "
        "itself; without it, a held digest is posted at once",
    ),
    (
        s.ESCALATION_TOPIC_VARIABLE,
        "",
        "the SNS topic that pages on-call (a paging tool or e-mail subscribes to it): critical root activity is "
        "published to it once per root session and kind, before Slack is tried",
    ),
    (
        s.ESCALATION_AFTER_VARIABLE,
        f"{s.ESCALATION_AFTER_MINUTES[0]}",
        "with interactivity: minutes a critical root session waits for an answer in Slack before on-call is "
        f"paged (1 to {s.ESCALATION_AFTER_MINUTES[1]}); without it, critical activity pages at once",
    ),
    (
        s.INTERACTIVITY_VARIABLE,
        "",
        "Slack app mode: `true` puts Expected / Not expected buttons on a critical session's parent; the "
        "interactivity endpoint (`root_activity_notifier.interactions.lambda_handler`) takes the answers",
    ),
    (
        s.SIGNING_SECRET_PARAMETER_VARIABLE,
        "",
        "the interactivity endpoint: name or ARN of an SSM SecureString parameter holding the Slack app's "
        "signing secret, which every request must be signed with",
    ),
    (s.SIGNING_SECRET_VARIABLE, "", "the signing secret itself, for local use and tests; set one of these two"),
    (
        s.RESPONDERS_VARIABLE,
        "",
        "the interactivity endpoint: Slack user IDs, comma-separated, that may answer; unset, anyone in the "
        "channel may",
    ),
    (
        s.API_URL_VARIABLE,
        s.SLACK_API_URL,
        "the Web API's base URL; `http://` only on loopback (a local stand-in)",
    ),
    (
        s.WEBHOOK_CACHE_VARIABLE,
        f"{s.DEFAULT_WEBHOOK_CACHE_SECONDS:g}",
        "how long a warm function reuses the URL or token read from SSM, so a rotated secret takes effect",
    ),
    (s.LANGUAGE_VARIABLE, s.SUPPORTED_LANGUAGES[0], " or ".join(f"`{code}`" for code in s.SUPPORTED_LANGUAGES)),
    (
        s.TIME_ZONE_VARIABLE,
        "UTC",
        "IANA zone of the readable time, e.g. `Asia/Tokyo`. A zone that cannot be loaded (a typo, or a runtime "
        "without a zone database) never stops an alert: the message uses UTC and says so, and a `WARNING` log "
        "line names the zone",
    ),
    (
        s.ACCOUNT_LABEL_VARIABLE,
        "",
        f"shown after the account ID, e.g. `production`, for accounts not in `{s.ACCOUNT_LABELS_VARIABLE}`",
    ),
    (
        s.ACCOUNT_LABELS_VARIABLE,
        "",
        'JSON object of account ID to label, e.g. `{"111122223333": "production"}`: an organization\'s accounts',
    ),
    (
        s.ANNOUNCE_ASSUME_ROOT_VARIABLE,
        "",
        "`true`: also announce `sts:AssumeRoot` calls (centralized root access taken); otherwise only root activity",
    ),
    (
        s.MENTION_VARIABLE,
        "",
        "mention on critical alerts: `here`, `channel`, `<!subteam^S0123ABCD>` (user group) or `<@U0123ABCD>`",
    ),
    (
        s.EXPECTED_PRINCIPALS_VARIABLE,
        "",
        'JSON object of IAM role or user ARN to label, e.g. `{"arn:aws:iam::111122223333:role/ci-deployer": '
        '"deployer role"}`: their changes to the notifier are labelled "expected", low, no mention '
        "(`tamper_expected_principals`)",
    ),
)


def settings_table() -> str:
    """``SETTINGS`` as a Markdown table."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    rows += [f"| `{name}` | {f'`{default}`' if default else '–'} | {meaning} |" for name, default, meaning in SETTINGS]
    return "\n".join(rows)
