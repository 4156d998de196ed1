"""Deliver: Slack's Web API (a Slack app's bot token): ``chat.postMessage``, ``chat.update``, ``auth.test``.

The same retry policy as the webhook (slack/http.py): 429 ``ratelimited`` waits ``Retry-After``;
Slack's transient errors and 5xx back off; everything else fails at once. The errors that no retry
can mend (a revoked token, a channel the app is not in) say what to do, so that the log line and the
dead-letter queue's alarm lead straight to the fix. The token never appears in a message.
"""

from __future__ import annotations

import json

from .http import ACCEPT, DEFAULT_RETRY_POLICY, FAIL, RETRY, DeliveryError, Verdict, post_json

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from typing import Any

    from ..shared.deadline import Deadline
    from .http import DeliveryResult, RetryPolicy

# Slack says "try again later" with these.
TRANSIENT_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"})

# What to do about an error that no retry can mend.
PERMANENT_ERRORS = {
    "invalid_auth": "the bot token is not valid: put the app's current Bot User OAuth Token in the token parameter",
    "not_authed": "no bot token was sent: check the token parameter",
    "token_revoked": "the bot token was revoked: reinstall the app and put its new token in the token parameter",
    "token_expired": "the bot token expired (token rotation is on): put a current token in the token parameter",
    "account_inactive": "the app's workspace or bot user is deactivated: reinstall the app",
    "missing_scope": "the app lacks the chat:write scope: add it (OAuth & Permissions) and reinstall the app",
    "channel_not_found": "no such channel for this app: check slack_channel_id and slack_channel_routes, and invite "
    "the app to the channel (/invite @the-app)",
    "not_in_channel": "invite the app to the channel (/invite @the-app in it)",
    "is_archived": "the channel is archived: unarchive it, or route its accounts to another channel",
    "msg_too_long": "the message is longer than Slack takes: report it as a bug of the notifier",
    "invalid_blocks": "Slack refused the message's blocks: report it as a bug of the notifier",
}

# Errors of the token or the workspace, not of one message: once one is answered, the batch's
# other messages are not tried.
TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
                          "missing_scope"})  # fmt: skip

# An update whose message is gone (deleted, or too old to edit): post a new one instead.
MESSAGE_GONE_ERRORS = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})


def call(
    api_url: str,
    method: str,
    token: str,
    arguments: dict[str, Any],
    deadline: Deadline,
    *,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    **retry_options: Any,
) -> DeliveryResult:
    """Call ``method``; Slack's answer (``ok`` true) is the result's ``answer``; DeliveryError (``code``) if not."""
    return post_json(
        f"{api_url.rstrip('/')}/{method}",
        arguments,
        deadline,
        policy,
        headers={"Authorization": f"Bearer {token}"},
        judge=lambda text: judge_answer(method, text),
        **retry_options,
    )


def judge_answer(method: str, text: str) -> Verdict:
    """Read a 2xx answer of ``method``: accept it, retry a transient error, or fail with what to do."""
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        return Verdict(RETRY, reason=f"{method}: Slack's answer was not JSON", code="invalid_answer")
    if answer.get("ok") is True:
        return Verdict(ACCEPT, value=answer)
    code = str(answer.get("error") or "unknown_error")
    if code in TRANSIENT_ERRORS:
        return Verdict(RETRY, reason=f"{method}: {code}", code=code)
    hint = PERMANENT_ERRORS.get(code)
    return Verdict(FAIL, reason=f"{method}: {code}" + (f" ({hint})" if hint else ""), code=code)


def is_message_gone(error: DeliveryError) -> bool:
    return error.code in MESSAGE_GONE_ERRORS
