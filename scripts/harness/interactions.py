"""Requests as Slack sends them to the interactivity endpoint's function URL: a form with the
interaction's JSON payload, signed with the app's signing secret (slack/signing.py's scheme)."""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import urlencode

EXPECTED = "root_activity_notifier.expected"
NOT_EXPECTED = "root_activity_notifier.not_expected"


def signed_request(
    body: str | bytes, secret: str, *, timestamp: str | None = None, base64_body: bool = True, **headers: str | None
) -> dict[str, Any]:
    """A function URL event (payload version 2.0) carrying ``body`` signed with ``secret``; ``headers``
    (underscores for dashes) replace or, with None, remove the signed ones."""
    from root_activity_notifier.slack.signing import signature

    raw = body.encode() if isinstance(body, str) else body
    timestamp = timestamp or str(int(time.time()))
    given: dict[str, str | None] = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signature(secret, timestamp, raw),
    }
    given.update({name.replace("_", "-"): value for name, value in headers.items()})
    return {
        "version": "2.0",
        "headers": {name: value for name, value in given.items() if value is not None},
        "body": base64.b64encode(raw).decode() if base64_body else raw.decode(),
        "isBase64Encoded": base64_body,
        "requestContext": {"http": {"method": "POST", "sourceIp": "192.0.2.44"}},
    }


def button_click(action: str, session: str, user: str, channel: str) -> str:
    """The form of a click on one of a parent's buttons (``block_actions``)."""
    payload = {
        "type": "block_actions",
        "team": {"id": "T0LOCAL", "domain": "local-workspace"},
        "user": {"id": user},
        "trigger_id": "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
        "channel": {"id": channel},
        "actions": [{"action_id": action, "value": session, "type": "button"}],
    }
    return urlencode({"payload": json.dumps(payload)})


def reason_submission(reason: str, session: str, user: str) -> str:
    """The form of the "Expected" modal's submission (``view_submission``)."""
    payload = {
        "type": "view_submission",
        "user": {"id": user},
        "view": {
            "callback_id": "root_activity_notifier.expected_reason",
            "private_metadata": session,
            "state": {"values": {"reason": {"reason": {"type": "plain_text_input", "value": reason}}}},
        },
    }
    return urlencode({"payload": json.dumps(payload)})


def asked_session(parent: dict[str, Any]) -> str:
    """The session key a parent's buttons carry ("" when it asks nothing)."""
    for block in parent.get("blocks", []):
        if block.get("type") == "actions":
            return block["elements"][0]["value"]
    return ""
