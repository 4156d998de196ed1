"""Deliver: where messages go, behind one small interface that both Slack ways satisfy.

* ``WebhookDestination``: an incoming webhook. It can only post, to the webhook's own channel;
  Slack returns no message ``ts``, so it cannot reply in a thread or edit.
* ``SlackAppDestination``: a Slack app's bot token and the Web API. It posts to the channel of the
  account (``routes``, else the default channel), replies in a thread (optionally broadcast to the
  channel), edits a message in place and deletes its own.

Both read their secret once per batch (``prepare``, or their first call to Slack), from config/secrets.py's
cache, and post with the same retry policy. The planner decides what to say; a destination only says it.
"""

from __future__ import annotations

from collections import namedtuple

from ..config.secrets import SecretUnavailable, secret_value
from ..config.settings import ConfigurationError, SlackAppTarget
from .http import DeliveryError, post_message

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from typing import Any

    from ..config.settings import Settings, WebhookTarget
    from ..shared.deadline import Deadline
    from .http import DeliveryResult

# Where a message landed: its channel and ``ts`` (Slack's ID of a message; empty for a webhook),
# how many attempts it took, and the thread Slack put it in ("" at the channel's top level).
Posted = namedtuple("Posted", ["channel", "ts", "attempts", "thread_ts"], defaults=[1, ""])


class WebhookDestination:
    can_thread = False
    refusal = ""  # Slack's answer that no other message of the batch could get past: none for a webhook

    def __init__(self, target: WebhookTarget, cache_seconds: float) -> None:
        self._target, self._cache_seconds = target, cache_seconds
        self._url = ""

    def prepare(self) -> None:
        """Read the URL; ConfigurationError or SecretUnavailable when it cannot be."""
        self._url = secret_value(self._target.url, self._cache_seconds)

    def channel_for(self, account: str) -> str:  # noqa: ARG002 - a webhook has one channel
        return "webhook"

    def post(
        self, payload: dict[str, Any], deadline: Deadline, *, account: str = "", thread=None, broadcast=False
    ) -> Posted:
        if thread is not None:
            raise TypeError("an incoming webhook cannot reply in a thread")
        if not self._url:
            self.prepare()
        result = post_message(self._url, payload, deadline)
        return Posted(self.channel_for(account), "", result.attempts)

    def update(self, posted: Posted, payload: dict[str, Any], deadline: Deadline) -> None:
        raise TypeError("an incoming webhook cannot edit a message")


class SlackAppDestination:
    can_thread = True

    def __init__(self, target: SlackAppTarget, cache_seconds: float) -> None:
        self._target, self._cache_seconds = target, cache_seconds
        self._token = ""
        self._workspace_url: str | None = None
        self.refusal = ""  # set once Slack refuses the token: the batch's other messages are not tried

    def prepare(self) -> None:
        """Read the token; ConfigurationError or SecretUnavailable when it cannot be."""
        self._token = secret_value(self._target.token, self._cache_seconds)

    def channel_for(self, account: str) -> str:
        return self._target.routes.get(account, self._target.channel)

    def post(
        self,
        payload: dict[str, Any],
        deadline: Deadline,
        *,
        account: str = "",
        thread: Posted | None = None,
        broadcast: bool = False,
    ) -> Posted:
        """Post to the account's channel, or reply under ``thread`` (also in the channel with ``broadcast``)."""
        channel = thread.channel if thread else self.channel_for(account)
        arguments = {"channel": channel, **payload}
        if thread:
            arguments["thread_ts"] = thread.ts
            if broadcast:
                arguments["reply_broadcast"] = True
        result = self._call("chat.postMessage", arguments, deadline)
        answer = result.answer
        message = answer.get("message") if isinstance(answer.get("message"), dict) else {}
        return Posted(
            str(answer.get("channel") or channel),
            str(answer.get("ts") or ""),
            result.attempts,
            str(message.get("thread_ts") or ""),
        )

    def update(self, posted: Posted, payload: dict[str, Any], deadline: Deadline) -> Posted:
        """Edit ``posted`` in place; DeliveryError with a code in slack_api.MESSAGE_GONE_ERRORS when it is gone."""
        arguments = {"channel": posted.channel, "ts": posted.ts, "text": payload["text"], "blocks": payload["blocks"]}
        result = self._call("chat.update", arguments, deadline)
        return Posted(posted.channel, posted.ts, result.attempts)

    def delete(self, posted: Posted, deadline: Deadline) -> None:
        """Delete a message the app posted (a reply Slack put at the channel's top level)."""
        self._call("chat.delete", {"channel": posted.channel, "ts": posted.ts}, deadline)

    def open_view(self, trigger_id: str, view: dict[str, Any], deadline: Deadline) -> None:
        """Open a modal for the user whose click gave ``trigger_id`` (valid for 3 seconds)."""
        self._call("views.open", {"trigger_id": trigger_id, "view": view}, deadline)

    def post_ephemeral(self, channel: str, user: str, text: str, deadline: Deadline) -> None:
        """A message in ``channel`` that only ``user`` sees."""
        self._call("chat.postEphemeral", {"channel": channel, "user": user, "text": text}, deadline)

    def workspace_url(self, deadline: Deadline) -> str:
        """The workspace's address (auth.test), for links to a message; "" when Slack does not say."""
        if self._workspace_url is None:
            try:
                self._workspace_url = str(self._call("auth.test", {}, deadline).answer.get("url") or "")
            except (DeliveryError, ConfigurationError, SecretUnavailable):
                return ""
        return self._workspace_url

    def _call(self, method: str, arguments: dict[str, Any], deadline: Deadline) -> DeliveryResult:
        from .web_api import TOKEN_ERRORS, call  # only Slack app mode loads the Web API client

        if not self._token:  # nothing was prepared (a delayed check, a first post): read it now
            self.prepare()
        try:
            return call(self._target.api_url, method, self._token, arguments, deadline)
        except DeliveryError as error:
            if error.code in TOKEN_ERRORS:
                self.refusal = error.reason
            raise


def open_destination(settings: Settings) -> WebhookDestination | SlackAppDestination:
    if isinstance(settings.slack, SlackAppTarget):
        return SlackAppDestination(settings.slack, settings.secret_cache_seconds)
    return WebhookDestination(settings.slack, settings.secret_cache_seconds)
