"""Answers from Slack: what someone says about a root session, from the buttons on its parent.

"Expected" opens a modal that asks why (required); its submission is kept with the session and shown
on the parent. "Not expected" pages on-call at once (delivery/escalation.py) and the parent says who
escalated. Either is written as one log line: who, what, when, why. Only the session's responders
(SLACK_RESPONDER_USER_IDS, when set) may answer; anyone else is told so, privately, and nothing
changes. The request has been verified before it gets here (root_activity_notifier/interactions.py).
"""

from __future__ import annotations

import json
import re
from collections import namedtuple
from datetime import datetime, timezone
from urllib.parse import parse_qs

from ..core.events import is_session_key
from ..render.page import render_not_expected_page
from ..render.parent import (
    EXPECTED_ACTION,
    NOT_EXPECTED_ACTION,
    REASON_BLOCK,
    REASON_INPUT,
    REASON_LIMIT,
    REASON_VIEW,
    permalink,
    reason_view,
)
from ..render.words import WORDING
from ..shared.log import log_line
from ..slack.destination import Posted
from ..slack.http import DeliveryError
from ..slack.signing import Refused
from ..state.store import account_of, session_of
from .threaded import parent_payload

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from ..render.event import RenderOptions
    from ..shared.deadline import Deadline
    from ..slack.destination import SlackAppDestination
    from ..state.store import SessionStore
    from .escalation import Escalation

# action: EXPECTED_ACTION, NOT_EXPECTED_ACTION or REASON_VIEW (the modal's submission); session_key:
# the session table's key the button or modal carries; user: who clicked; trigger_id: what opens a
# modal; channel: where the parent is; reason: the modal's text ("" for a button).
# domain: the workspace's (for a link to the parent without asking Slack), "" when not given.
Interaction = namedtuple(
    "Interaction", ["action", "session_key", "user", "trigger_id", "channel", "reason", "domain"], defaults=[""]
)
_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
# The slash command that declares expected use from Slack (core/windows.py), as the expect command
# does: ``/root-expect ACCOUNT MINUTES REASON``.
DECLARE_COMMAND = "/root-expect"
Declaration = namedtuple("Declaration", ["user", "channel", "text"])
_USER_PREFIXES = ("U", "W")
MIN_REASON = 3


def read_interaction(body: bytes) -> Interaction | Declaration:
    """The interaction a verified request carries; Refused for anything the notifier did not ask for."""
    try:
        form = parse_qs(body.decode("utf-8"), strict_parsing=True, keep_blank_values=True)
        if "command" in form:
            return _declaration(form)
        (text,) = form["payload"]
        payload = json.loads(text)
    except Refused:
        raise
    except (UnicodeDecodeError, ValueError, KeyError):
        raise Refused("the body is not Slack's interaction form") from None
    if not isinstance(payload, dict):
        raise Refused("the interaction payload is not an object")
    user = _text(_object(payload.get("user")).get("id"))
    if not (user.startswith(_USER_PREFIXES) and user[1:].isalnum() and len(user) <= 32):
        raise Refused("the interaction names no Slack user")
    if payload.get("type") == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or len(actions) != 1 or not isinstance(actions[0], dict):
            raise Refused("not one action")
        action, key = _text(actions[0].get("action_id")), _text(actions[0].get("value"))
        if action not in (EXPECTED_ACTION, NOT_EXPECTED_ACTION):
            raise Refused(f"unknown action {action[:80]!r}")
        channel = _text(_object(payload.get("channel")).get("id"))
        domain = _text(_object(payload.get("team")).get("domain"))
        domain = domain if _DOMAIN.match(domain) else ""
        interaction = Interaction(action, key, user, _text(payload.get("trigger_id")), channel, "", domain)
    elif payload.get("type") == "view_submission":
        view = _object(payload.get("view"))
        if view.get("callback_id") != REASON_VIEW:
            raise Refused(f"unknown view {_text(view.get('callback_id'))[:80]!r}")
        values = _object(_object(_object(view.get("state")).get("values")).get(REASON_BLOCK))
        reason = _text(_object(values.get(REASON_INPUT)).get("value")).strip()
        interaction = Interaction(REASON_VIEW, _text(view.get("private_metadata")), user, "", "", reason)
    else:
        raise Refused(f"unknown interaction type {_text(payload.get('type'))[:80]!r}")
    if not is_session_key(interaction.session_key):
        raise Refused("the interaction names no root session")
    return interaction


def _declaration(form: dict[str, list[str]]) -> Declaration:
    (command,), (user,) = form["command"], form["user_id"]
    if command != DECLARE_COMMAND:
        raise Refused(f"unknown command {command[:80]!r}")
    if not (user.startswith(_USER_PREFIXES) and user[1:].isalnum() and len(user) <= 32):
        raise Refused("the command names no Slack user")
    return Declaration(user, form.get("channel_id", [""])[0], form.get("text", [""])[0])


class Answers:
    """Takes verified interactions: ``store`` keeps the answer, ``destination`` (a Slack app) opens the
    modal and edits the parent, ``escalation`` (or None) pages on-call for "Not expected"."""

    def __init__(
        self,
        store: SessionStore,
        destination: SlackAppDestination,
        options: RenderOptions,
        deadline: Deadline,
        *,
        responders: frozenset[str] = frozenset(),
        escalation: Escalation | None = None,
        clock: Callable[[], float],
    ) -> None:
        self.store, self.destination, self.options, self.deadline = store, destination, options, deadline
        self.responders, self.escalation, self.clock = responders, escalation, clock
        self.words = WORDING[options.language]

    def answer(self, interaction: Interaction) -> dict[str, Any]:
        """Do what ``interaction`` asks; the function URL's response (Slack reads 200 as taken)."""
        self.destination.prepare()
        allowed = not self.responders or interaction.user in self.responders
        if not allowed:
            log_line(
                "WARNING",
                "answer refused: not a responder",
                user=interaction.user,
                session=interaction.session_key,
                action=interaction.action,
                outcome="not_allowed",
            )
            if interaction.action == REASON_VIEW:
                return _view_errors(self.words.not_allowed)
            self._tell(interaction, self.words.not_allowed)
            return _ok()
        if interaction.action == EXPECTED_ACTION:
            self.destination.open_view(
                interaction.trigger_id, reason_view(interaction.session_key, self.options), self.deadline
            )
            return _ok()
        state = self.store.read(interaction.session_key)
        if state is None:
            raise Refused("no such root session in the session table")
        if interaction.action == REASON_VIEW:
            if len(interaction.reason) < MIN_REASON:
                return _view_errors(self.words.reason_label)
            return self._record(state, interaction, "expected", interaction.reason[:REASON_LIMIT])
        return self._record(state, interaction, "not_expected", "")

    def declare(self, declaration: Declaration) -> dict[str, Any]:
        """``/root-expect ACCOUNT MINUTES REASON``: keep the window, announce it, answer privately."""
        import uuid

        from ..core.windows import MAX_WINDOW_MINUTES, REASON_LIMIT, Window, window_text
        from .windows import DeclaredWindows

        if self.responders and declaration.user not in self.responders:
            log_line("WARNING", "declaration refused: not a responder", user=declaration.user, outcome="not_allowed")
            return _private(self.words.not_allowed)
        parts = declaration.text.split(None, 2)
        usage = f"Usage: {DECLARE_COMMAND} ACCOUNT MINUTES REASON (at most {MAX_WINDOW_MINUTES} minutes)"
        if len(parts) < 3 or not re.fullmatch(r"\d{12}", parts[0]) or not parts[1].isdigit():  # noqa: PLR2004
            return _private(usage)
        account, minutes, reason = parts[0], int(parts[1]), parts[2].strip()
        if not 1 <= minutes <= MAX_WINDOW_MINUTES or not 3 <= len(reason) <= REASON_LIMIT:  # noqa: PLR2004
            return _private(usage)
        now = self.clock()
        window = Window(
            uuid.uuid4().hex[:16], account, now, now + minutes * 60, reason, f"Slack user {declaration.user}", None
        )
        self.store.declare_window(account, window.id, window_text(window), int(window.ends) + 2 * 86400)
        self.destination.prepare()
        announced = DeclaredWindows(self.store, self.destination, self.options, self.deadline, self.clock)
        applies = any(each.id == window.id and each.announced_at for each in announced.announce_account(account))
        log_line(
            "INFO",
            "expected use declared from Slack",
            user=declaration.user,
            account=account,
            minutes=minutes,
            reason=reason,
            announced=applies,
            outcome="declared",
        )
        return _private(
            f"Declared for {account}, {minutes} minutes: announced in the channel, it applies now."
            if applies
            else "Declared, but the announcement did not reach the channel: it does not apply until it does."
        )

    def _record(self, state, interaction: Interaction, kind: str, reason: str) -> dict[str, Any]:
        now = self.clock()
        answer = {
            "kind": kind,
            "user": interaction.user,
            "at": now,
            "reason": reason,
            "kinds": sorted(state.totals.get("critical_kinds", ())),
        }
        self.store.record_answer(state.pk, answer)
        page_error = self._page(state, interaction) if kind == "not_expected" else ""
        log_line(
            "INFO",
            "root activity answered",
            answer=kind,
            user=interaction.user,
            at=datetime.fromtimestamp(now, tz=timezone.utc).isoformat(),
            reason=reason or None,
            account=account_of(state.pk),
            session=session_of(state.pk),
            paged=None if kind == "expected" else not page_error,
            page_error=page_error or None,
            outcome="answered",
        )
        if state.ts:
            payload = parent_payload(
                self.destination,
                self.deadline,
                self.options,
                account_of(state.pk),
                state._replace(answer=answer),
                state.totals,
                datetime.fromtimestamp(now, tz=timezone.utc),
            )
            try:
                self.destination.update(Posted(state.channel, state.ts), payload, self.deadline)
            except DeliveryError as error:
                log_line("WARNING", "parent message not updated with the answer", session=state.pk, error=error.reason)
        if page_error:
            self._tell(interaction, f"{self.words.escalated_by.format(who=interaction.user)}: {page_error}")
        return _ok()

    def _page(self, state, interaction: Interaction) -> str:
        """ "" once on-call is paged (or was already, for this session); else why not."""
        if self.escalation is None:
            return "no on-call topic is configured (escalation_sns_topic_arn)"
        account, session = account_of(state.pk), session_of(state.pk)
        # The link from the click's own workspace domain: the page never waits for Slack.
        workspace = f"https://{interaction.domain}.slack.com/" if interaction.domain else ""
        link = permalink(workspace, state.channel, state.ts)
        user = interaction.user
        arguments = render_not_expected_page(account, session, user, state.totals, self.options, link)
        return self.escalation.publish_once(
            f"page#{state.pk}#not_expected", arguments, kind="not_expected", account=account, session=session, user=user
        )

    def _tell(self, interaction: Interaction, text: str) -> None:
        """A message only ``interaction.user`` sees, in the parent's channel."""
        if not interaction.channel:
            return
        try:
            self.destination.post_ephemeral(interaction.channel, interaction.user, text, self.deadline)
        except DeliveryError as error:
            log_line("WARNING", "private answer not sent", user=interaction.user, error=error.reason)


def _private(text: str) -> dict[str, Any]:
    """A slash command's answer that only its user sees."""
    body = {"response_type": "ephemeral", "text": text}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def _ok() -> dict[str, Any]:
    return {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": ""}


def _view_errors(text: str) -> dict[str, Any]:
    body = {"response_action": "errors", "errors": {REASON_BLOCK: text[:150]}}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
