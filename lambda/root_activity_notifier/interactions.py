"""The interactivity endpoint: ``root_activity_notifier.interactions.lambda_handler``.

A second Lambda function behind a function URL receives what people click in Slack (Slack app mode
with ``slack_interactivity``). Slack cannot sign AWS requests, so the URL takes anyone's: every
request is checked here before anything is read or changed. It must be signed with the app's signing
secret (slack/signing.py), no older than five minutes, seen for the first time, a form of Slack's
of at most 64 KB, and carry one of the notifier's own actions (delivery/answers.py). Anything else
gets HTTP 401, a log line (``outcome`` ``refused``, which an alarm counts) and nothing changed.
"""

from __future__ import annotations

import hashlib
import os
import time

from .config.secrets import SecretUnavailable, secret_value
from .config.settings import ConfigurationError, load_interaction_settings, load_settings
from .shared.deadline import Deadline
from .shared.log import log_line
from .slack.http import DeliveryError
from .slack.signing import Refused, verified_body
from .state.store import StoreUnavailable

REFUSED = {"statusCode": 401, "headers": {"Content-Type": "text/plain"}, "body": "refused"}


def lambda_handler(event: object, context: object, *, clock=time.time) -> dict[str, object]:
    """Answer one request of Slack's: 200 once taken, 401 when it is not Slack's or not ours."""
    if not isinstance(event, dict):
        return _refuse("not a function URL request")
    settings = load_settings(os.environ)
    interaction_settings = load_interaction_settings(os.environ)
    deadline = Deadline.from_lambda_context(context)
    try:
        secret = secret_value(interaction_settings.signing_secret, settings.secret_cache_seconds)
    except (ConfigurationError, SecretUnavailable) as error:
        log_line("ERROR", "signing secret unreadable: every request is refused", error=str(error), outcome="failed")
        return REFUSED
    now = clock()
    try:
        body = verified_body(event, secret, now)
        from .delivery.answers import Answers, Declaration, read_interaction  # only for a request Slack signed

        interaction = read_interaction(body)
        store = _store(settings, deadline)
        signature = str(_header(event, "x-slack-signature"))
        if not store.claim_request(hashlib.sha256(signature.encode()).hexdigest(), now):
            raise Refused("a request seen already (a replay)")
        answers = Answers(
            store,
            _destination(settings),
            settings.render,
            deadline,
            responders=interaction_settings.responders,
            escalation=_escalation(settings, deadline, store),
            clock=clock,
        )
        if isinstance(interaction, Declaration):
            return answers.declare(interaction)
        return answers.answer(interaction)
    except Refused as error:
        return _refuse(str(error), event)
    except (StoreUnavailable, DeliveryError, ConfigurationError, SecretUnavailable) as error:
        # Signed and ours, but not done: Slack tells the person it did not work, and they may click again.
        log_line("ERROR", "interaction not taken", error=str(error)[:300], outcome="failed")
        return {"statusCode": 500, "headers": {"Content-Type": "text/plain"}, "body": "not taken"}


def _refuse(reason: str, event: object = None) -> dict[str, object]:
    context = event.get("requestContext") if isinstance(event, dict) else None
    http = context.get("http") if isinstance(context, dict) else None
    source = http.get("sourceIp") if isinstance(http, dict) else None
    log_line("WARNING", "interaction refused", reason=reason, source_ip=source, outcome="refused")
    return REFUSED


def _header(event: dict, name: str) -> str:
    headers = event.get("headers") if isinstance(event.get("headers"), dict) else {}
    return next((str(value) for key, value in headers.items() if str(key).lower() == name), "")


def _store(settings, deadline):
    from .state.store import SessionStore

    if not settings.sessions.table:
        raise ConfigurationError("SLACK_SESSION_TABLE is not set: answers are kept with the session")
    return SessionStore(settings.sessions.table, idle_seconds=settings.sessions.idle_minutes * 60, deadline=deadline)


def _destination(settings):
    from .slack.destination import SlackAppDestination, open_destination

    destination = open_destination(settings)
    if not isinstance(destination, SlackAppDestination):
        raise ConfigurationError("the interactivity endpoint needs Slack app mode (SLACK_BOT_TOKEN_SSM_PARAMETER)")
    return destination


def _escalation(settings, deadline, store):
    if not settings.escalation_topic_arn:
        return None
    from .delivery.escalation import Escalation

    return Escalation(settings.escalation_topic_arn, settings.render, deadline, store)
