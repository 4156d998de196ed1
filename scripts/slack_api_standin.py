"""A local stand-in for Slack's Web API, as a Slack app's bot token sees it.

It serves ``chat.postMessage``, ``chat.update``, ``chat.delete``, ``auth.test``, ``conversations.info``,
``views.open`` and ``chat.postEphemeral`` on 127.0.0.1 and keeps every
channel's messages, with ``ts``, ``thread_ts`` and ``reply_broadcast``, so that a test, the demo
or the benchmark can read the channel back as a tree. It answers as Slack does
(https://docs.slack.dev/reference/methods/chat.postMessage, .../chat.update):

* HTTP 200 with ``{"ok": true, ...}``, or ``{"ok": false, "error": ...}`` for a refusal;
* ``not_authed`` without a token, ``invalid_auth`` for an unknown one, ``token_revoked`` for a
  revoked one;
* ``channel_not_found`` for a channel it does not know, ``not_in_channel``, ``is_archived``;
* ``conversations.info``: ``is_member`` false for a channel in ``outside``, ``is_archived`` for
  one in ``archived``, ``missing_scope`` when the app was installed without ``read_scopes``;
* ``message_not_found`` for an update of a message that is not there (``delete`` removes one);
* a reply whose parent is gone at the channel's top level, its answer without ``thread_ts``, as
  public reports say Slack does (``thread_not_found`` instead with ``orphan_replies="refuse"``);
* ``msg_too_long`` over 40,000 characters of text, ``invalid_blocks`` when ``validate_blocks``
  raises (tests pass slack_sdk's models);
* HTTP 429 ``ratelimited`` with ``Retry-After`` when a channel gets more than
  ``posts_per_second`` posts, or the workspace more than ``updates_per_minute`` updates.

From the command line, to watch a local notifier post:

    python scripts/slack_api_standin.py --port 8098
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_TOKEN = "xoxb-0000000000-local-standin"  # noqa: S105 - the stand-in's own, not a secret
MAX_TEXT = 40_000


WORKSPACE_URL = "https://local-workspace.slack.com/"  # what auth.test answers as the workspace's address


class SlackApiStandIn:
    """Listens on 127.0.0.1 only. ``channels``: the channel IDs the app is in (None: any);
    ``outside``: channels that exist but the app was not invited to; ``archived``."""

    def __init__(
        self,
        port: int = 0,
        *,
        channels: list[str] | None = None,
        outside: tuple[str, ...] = (),
        archived: tuple[str, ...] = (),
        posts_per_second: float | None = 1.0,
        updates_per_minute: float | None = 50.0,
        validate_blocks: Callable[[list[dict[str, Any]]], None] | None = None,
        validate_view: Callable[[dict[str, Any]], None] | None = None,
        clock: Callable[[], float] = time.time,
        orphan_replies: str = "top-level",
        read_scopes: bool = True,
    ) -> None:
        self.orphan_replies = orphan_replies
        self.read_scopes = read_scopes  # channels:read and groups:read, which conversations.info needs
        self.tokens = {BOT_TOKEN}
        self.revoked: set[str] = set()
        self.channels = None if channels is None else set(channels)
        self.outside, self.archived = set(outside), set(archived)
        self.validate_blocks = validate_blocks
        self.validate_view = validate_view
        self.views: list[dict[str, Any]] = []  # what views.open opened: trigger_id and view
        self.ephemeral: list[dict[str, Any]] = []  # what chat.postEphemeral showed: channel, user, text
        self.messages: list[dict[str, Any]] = []  # in the order posted; deleted ones are dropped
        self.calls: list[tuple[str, str]] = []  # (method, "ok" or the error)
        self.rate_limited = 0
        self.deleted: list[tuple[str, str]] = []  # (channel, ts) of what chat.delete removed
        self.orphaned = 0  # replies posted at the top level because their parent was gone
        self._post_interval = 1 / posts_per_second if posts_per_second else 0.0
        self._update_interval = 60 / updates_per_minute if updates_per_minute else 0.0
        self._last_post: dict[str, float] = {}
        self._last_update = -math.inf
        self._forced: list[tuple[str, str]] = []
        self._clock = clock
        self._sequence = itertools.count(1)
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                method = self.path.rstrip("/").rsplit("/", 1)[-1]
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                arguments = _arguments(raw, self.headers.get("Content-Type", ""))
                token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
                token = token or str(arguments.pop("token", ""))
                status, answer, headers = stand_in.answer(method, token, arguments)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The Web API's base URL (SLACK_API_URL)."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api"

    def __enter__(self) -> SlackApiStandIn:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # What tests change and read.

    def revoke(self, token: str = BOT_TOKEN) -> None:
        self.revoked.add(token)

    def fail_next(self, method: str, error: str) -> None:
        """The next call of ``method`` gets ``{"ok": false, "error": error}`` (``ratelimited``: a 429)."""
        with self._lock:
            self._forced.append((method, error))

    def delete(self, channel: str, ts: str) -> None:
        """As if someone deleted the message: an update of it gets ``message_not_found``."""
        with self._lock:
            self.messages = [each for each in self.messages if (each["channel"], each["ts"]) != (channel, ts)]

    def parents(self, channel: str | None = None) -> list[dict[str, Any]]:
        return [each for each in self.messages if not each.get("thread_ts") and channel in (None, each["channel"])]

    def replies(self, parent: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            each
            for each in self.messages
            if each.get("thread_ts") == parent["ts"] and each["channel"] == parent["channel"]
        ]

    def channel_level(self, channel: str | None = None) -> list[dict[str, Any]]:
        """What the channel shows: parents and broadcast replies."""
        return [
            each
            for each in self.messages
            if channel in (None, each["channel"]) and (not each.get("thread_ts") or each.get("reply_broadcast"))
        ]

    def tree(self, channel: str | None = None) -> str:
        """The channel as a reader sees it: each parent's latest text, its replies indented under it."""
        lines = []
        for parent in self.parents(channel):
            edited = f"  (edited {len(parent['edits'])}×)" if parent["edits"] else ""
            lines.append(f"{parent['channel']} {parent['ts']}  {parent['text'].splitlines()[0]}{edited}")
            for reply in self.replies(parent):
                mark = "  [also sent to the channel]" if reply.get("reply_broadcast") else ""
                lines.append(f"    └ {reply['ts']}  {reply['text'].splitlines()[0]}{mark}")
        return "\n".join(lines)

    # The Web API.

    def answer(self, method: str, token: str, arguments: dict[str, Any]) -> tuple[int, dict[str, Any], dict]:
        with self._lock:
            status, answer, headers = self._answer(method, token, arguments)
            self.calls.append((method, "ok" if answer.get("ok") else str(answer.get("error"))))
            if answer.get("error") == "ratelimited":
                self.rate_limited += 1
            return status, answer, headers

    def _answer(self, method: str, token: str, arguments: dict[str, Any]) -> tuple[int, dict[str, Any], dict]:
        if method not in (
            "chat.postMessage", "chat.update", "chat.delete", "auth.test", "conversations.info", "views.open",
            "chat.postEphemeral",
        ):  # fmt: skip
            return 404, {"ok": False, "error": "unknown_method"}, {}
        refused = self._refused_token(token)
        if refused:
            return 200, {"ok": False, "error": refused}, {}
        forced = next((each for each in self._forced if each[0] == method), None)
        if forced:
            self._forced.remove(forced)
            if forced[1] == "ratelimited":
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
            return 200, {"ok": False, "error": forced[1]}, {}
        if method == "auth.test":
            answer = {"ok": True, "url": WORKSPACE_URL, "team": "Local", "user": "root-activity", "bot_id": "B0LOCAL"}
            return 200, answer, {}
        if method == "views.open":
            return self._open_view(arguments)
        channel = str(arguments.get("channel", ""))
        if method == "chat.postEphemeral":
            refused = self._refused_channel(channel) or ("" if arguments.get("user") else "user_not_found")
            if refused:
                return 200, {"ok": False, "error": refused}, {}
            self.ephemeral.append({"channel": channel, "user": arguments["user"], "text": arguments.get("text", "")})
            return 200, {"ok": True, "message_ts": f"{self._clock():.6f}"}, {}
        if method == "conversations.info":
            return 200, self._channel_info(channel), {}
        refused = self._refused_channel(channel) or (
            "" if method == "chat.delete" else self._refused_message(arguments)
        )
        if refused:
            return 200, {"ok": False, "error": refused}, {}
        now = self._clock()
        if method == "chat.delete":
            ts = str(arguments.get("ts") or "")
            if not any((each["channel"], each["ts"]) == (channel, ts) for each in self.messages):
                return 200, {"ok": False, "error": "message_not_found"}, {}
            self.messages = [each for each in self.messages if (each["channel"], each["ts"]) != (channel, ts)]
            self.deleted.append((channel, ts))
            return 200, {"ok": True, "channel": channel, "ts": ts}, {}
        if method == "chat.postMessage":
            wait = self._last_post.get(channel, -math.inf) + self._post_interval - now
            if wait > 0:
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(max(1, math.ceil(wait)))}
            return self._post(channel, arguments, now)
        wait = self._last_update + self._update_interval - now
        if wait > 0:
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(max(1, math.ceil(wait)))}
        return self._update(channel, arguments, now)

    def _open_view(self, arguments: dict[str, Any]) -> tuple[int, dict[str, Any], dict]:
        """views.open: a trigger_id (what a click gives, valid 3 s) and a modal; kept in ``views``."""
        view = arguments.get("view")
        if isinstance(view, str):
            try:
                view = json.loads(view)
            except ValueError:
                return 200, {"ok": False, "error": "invalid_arguments"}, {}
        if not arguments.get("trigger_id"):
            return 200, {"ok": False, "error": "invalid_trigger_id"}, {}
        if not isinstance(view, dict) or view.get("type") != "modal":
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        if self.validate_view:
            try:
                self.validate_view(view)
            except Exception:  # noqa: BLE001 - any refusal of the validator is Slack's invalid_arguments
                return 200, {"ok": False, "error": "invalid_arguments"}, {}
        self.views.append({"trigger_id": arguments["trigger_id"], "view": view})
        return 200, {"ok": True, "view": {"id": f"V{len(self.views):08d}", **view}}, {}

    def _channel_info(self, channel: str) -> dict[str, Any]:
        if not self.read_scopes:
            return {"ok": False, "error": "missing_scope", "needed": "channels:read", "provided": "chat:write"}
        known = channel in self.outside or channel in self.archived
        if not channel or not (known or self.channels is None or channel in self.channels):
            return {"ok": False, "error": "channel_not_found"}
        member = channel not in self.outside
        info = {"id": channel, "name": f"channel-{channel.lower()}", "is_member": member}
        return {"ok": True, "channel": {**info, "is_archived": channel in self.archived}}

    def _refused_token(self, token: str) -> str:
        if not token:
            return "not_authed"
        if token in self.revoked:
            return "token_revoked"
        return "" if token in self.tokens else "invalid_auth"

    def _refused_channel(self, channel: str) -> str:
        if channel in self.outside:
            return "not_in_channel"
        if channel in self.archived:
            return "is_archived"
        if not channel or (self.channels is not None and channel not in self.channels):
            return "channel_not_found"
        return ""

    def _refused_message(self, arguments: dict[str, Any]) -> str:
        text, blocks = arguments.get("text"), arguments.get("blocks")
        if not text and not blocks:
            return "no_text"
        if len(str(text or "")) > MAX_TEXT:
            return "msg_too_long"
        if isinstance(blocks, str):
            try:
                blocks = arguments["blocks"] = json.loads(blocks)
            except ValueError:
                return "invalid_blocks"
        if blocks is not None and (
            not isinstance(blocks, list) or not all(isinstance(block, dict) for block in blocks)
        ):
            return "invalid_blocks"
        if blocks and self.validate_blocks:
            try:
                self.validate_blocks(blocks)
            except Exception:  # noqa: BLE001 - any refusal of the validator is Slack's invalid_blocks
                return "invalid_blocks"
        return ""

    def _post(self, channel: str, arguments: dict[str, Any], now: float) -> tuple[int, dict[str, Any], dict]:
        thread_ts = str(arguments.get("thread_ts") or "")
        if thread_ts and not any(
            each["channel"] == channel and each["ts"] == thread_ts and not each.get("thread_ts")
            for each in self.messages
        ):
            if self.orphan_replies == "refuse":
                return 200, {"ok": False, "error": "thread_not_found"}, {}
            thread_ts = ""  # the parent is gone: Slack posts the reply at the channel's top level
            self.orphaned += 1
        self._last_post[channel] = now
        ts = f"{int(now)}.{next(self._sequence):06d}"
        message = {
            "channel": channel,
            "ts": ts,
            "text": str(arguments.get("text") or ""),
            "blocks": arguments.get("blocks") or [],
            "thread_ts": thread_ts,
            "reply_broadcast": bool(thread_ts and _true(arguments.get("reply_broadcast"))),
            "edits": [],
            "posted_at": now,
        }
        self.messages.append(message)
        shown = {
            key: value
            for key, value in message.items()
            if key not in ("edits", "posted_at") and value not in ("", False)
        }
        return 200, {"ok": True, "channel": channel, "ts": ts, "message": shown}, {}

    def _update(self, channel: str, arguments: dict[str, Any], now: float) -> tuple[int, dict[str, Any], dict]:
        ts = str(arguments.get("ts") or "")
        message = next((each for each in self.messages if (each["channel"], each["ts"]) == (channel, ts)), None)
        if message is None:
            return 200, {"ok": False, "error": "message_not_found"}, {}
        self._last_update = now
        message["edits"].append({"text": message["text"], "blocks": message["blocks"]})
        message["text"] = str(arguments.get("text") or "")
        message["blocks"] = arguments.get("blocks") or []
        return 200, {"ok": True, "channel": channel, "ts": ts, "text": message["text"]}, {}


def _arguments(raw: bytes, content_type: str) -> dict[str, Any]:
    text = raw.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            parsed = json.loads(text)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return dict(parse_qsl(text))


def _true(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def validate_view_with_slack_sdk(view: dict[str, Any]) -> None:
    """Raise unless slack_sdk's View model takes the modal (views.open's ``view``)."""
    from slack_sdk.models.views import View

    View(**view).validate_json()
    validate_with_slack_sdk(view.get("blocks", []))


def validate_with_slack_sdk(blocks: list[dict[str, Any]]) -> None:
    """Raise unless slack_sdk's Block Kit models take every block (tests install slack_sdk)."""
    from slack_sdk.models.blocks import Block

    for block in blocks:
        parsed = Block.parse(block)
        if parsed is None:
            raise ValueError(f"unknown block {block.get('type')!r}")
        if parsed.to_dict() != block:  # to_dict() runs slack_sdk's validation
            raise ValueError(f"slack_sdk reads block {block.get('type')!r} differently")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8098)
    port = parser.parse_args().port
    with SlackApiStandIn(port=port) as running:
        print(f"listening: SLACK_API_URL={running.url} SLACK_BOT_TOKEN={BOT_TOKEN} (any channel ID; Ctrl-C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
        print(running.tree())
