"""Parse: turn whatever the notifier is given into typed CloudTrail activity records.

Accepted input (docs/command-line.md, "Preview or send a message from the command line", lists the same):

* an EventBridge event whose ``detail`` is a CloudTrail record (any CloudTrail detail-type);
* a raw CloudTrail record;
* a CloudTrail log file, ``{"Records": [...]}``;
* a Lambda on-failure destination record, whose ``requestPayload`` holds one of the above;
* an SQS event source mapping event (``Records`` from ``aws:sqs``, each ``body`` an EventBridge
  event), and what ``aws sqs receive-message`` prints (``Messages``, each ``Body`` one), so that
  whatever a queue holds, the dead-letter queue included, can be replayed;
* what a tamper rule puts on the queue: ``{"tamper_rule": NAME, "event": EVENTBRIDGE_EVENT}``, the
  event marked by the rule that matched it as a change to the notifier's own resources.

Nothing here trusts the types inside the event: a field of the wrong type reads as missing, so a
strange record is still announced (if it is root activity) rather than crashing the notifier.
"""

from __future__ import annotations

import json
import re
from collections import namedtuple
from datetime import datetime, timezone

from ..shared.record import ActivityRecord, Envelope

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

_ACCOUNT_ID = re.compile(r"\b(\d{12})\b")
# The request parameter that names what a watched call changes, first present wins (tamper.tf).
_RESOURCE_PARAMETERS = (
    "name", "rule", "trailName", "queueUrl", "functionName", "uUID", "topicArn", "subscriptionArn", "alarmNames",
    "roleName", "stackSetName", "stackName", "servicePrincipal", "eventBusName", "tableName", "accountId",
)  # fmt: skip
_MAX_NESTING = 4


class InputError(ValueError):
    """The input is not an event, record or log file the notifier understands."""


def is_health_check(document: Any) -> bool:
    """The schedule's (or the apply's) health-check event: ``{"root_activity_notifier": "health_check", ...}``."""
    return isinstance(document, dict) and document.get("root_activity_notifier") == "health_check"


def parse_json_text(text: str) -> list[ActivityRecord]:
    """Parse JSON text (a file or stdin) into records; raises InputError on anything unreadable."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise InputError(f"the input is not valid JSON: {error}") from None
    return parse_input(document)


# message_id: the SQS message ID (what batchItemFailures names); records: what its body holds;
# error: why the body could not be read ("" when it could); follow_up: the session a follow-up the
# function sent itself names (state/follow_up.py; "" for any other message); unanswered: (session,
# kind) of a check whether a critical session was answered (delivery/escalation.py), or None;
# announce: the account whose declared windows the expect command asks to announce ("" otherwise).
QueuedMessage = namedtuple(
    "QueuedMessage", ["message_id", "records", "error", "follow_up", "unanswered", "announce"], defaults=["", None, ""]
)


# What the handler was given: the health check's event, or the messages to notify of (from_queue: an
# event source mapping's batch, answered with batchItemFailures; else one direct input).
Given = namedtuple("Given", ["health_check", "from_queue", "messages"])


def read_event(document: Any) -> Given:
    """What the handler was given; InputError when a direct input holds nothing readable."""
    if is_health_check(document):
        return Given(True, False, [])
    if is_sqs_event(document):
        return Given(False, True, parse_sqs_event(document))
    return Given(False, False, [QueuedMessage("", parse_input(document), "")])


def is_sqs_event(document: Any) -> bool:
    """An event source mapping's batch: ``{"Records": [{"eventSource": "aws:sqs", "body": ...}, ...]}``."""
    records = document.get("Records") if isinstance(document, dict) else None
    return bool(records) and isinstance(records, list) and _is_sqs_record(records[0])


def parse_sqs_event(document: Mapping[str, Any]) -> list[QueuedMessage]:
    """Each message of the batch with the records its body holds; an unreadable body is kept, with why."""
    messages = []
    for index, record in enumerate(document["Records"]):
        message_id = _text(record.get("messageId")) if isinstance(record, dict) else ""
        try:
            if not _is_sqs_record(record):
                raise InputError(f"Records[{index}] is not an SQS message")
            body = _text(record.get("body"))
            session = _follow_up_in(body)
            if session:
                messages.append(QueuedMessage(message_id, [], "", session))
                continue
            check = _unanswered_in(body)
            if check:
                messages.append(QueuedMessage(message_id, [], "", "", check))
                continue
            account = _announce_in(body)
            if account:
                messages.append(QueuedMessage(message_id, [], "", "", None, account))
                continue
            messages.append(QueuedMessage(message_id, parse_json_text(body), ""))
        except InputError as error:
            messages.append(QueuedMessage(message_id, [], str(error)))
    return messages


# A follow-up the function sends itself (state/follow_up.py): {"root_activity_notifier": "follow_up",
# "session": pk}, naming only a session's key.
FOLLOW_UP = "follow_up"
_SESSION_KEY = re.compile(r"^thread#\d{12}#(key|ip):[\x21-\x7e]{1,200}$")


UNANSWERED = "unanswered"
ANNOUNCE = "announce"


def _announce_in(body: str) -> str:
    """The account of ``{"root_activity_notifier": "announce", "account": ID}`` (the expect command's), or ""."""
    if '"root_activity_notifier"' not in body[:200]:
        return ""
    try:
        document = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(document, dict) or document.get("root_activity_notifier") != ANNOUNCE:
        return ""
    account = document.get("account")
    return account if isinstance(account, str) and _ACCOUNT_ID.fullmatch(account) else ""


_KIND = re.compile(r"^[a-z_]{3,40}$")


def _unanswered_in(body: str) -> tuple[str, str] | None:
    """A check the function sent itself: ``{"root_activity_notifier": "unanswered", "session": pk,
    "kind": activity}``; None for any other body."""
    if '"root_activity_notifier"' not in body[:200]:
        return None
    try:
        document = json.loads(body)
    except ValueError:
        return None
    if not isinstance(document, dict) or document.get("root_activity_notifier") != UNANSWERED:
        return None
    session, kind = document.get("session"), document.get("kind")
    if not is_session_key(session) or not isinstance(kind, str) or not _KIND.match(kind):
        return None
    return session, kind


def is_session_key(text: object) -> bool:
    """A root session's key in the session table: ``thread#ACCOUNT#key:…`` or ``thread#ACCOUNT#ip:…``."""
    return isinstance(text, str) and bool(_SESSION_KEY.match(text))


def _follow_up_in(body: str) -> str:
    if '"root_activity_notifier"' not in body[:200]:
        return ""
    try:
        return follow_up_session(json.loads(body))
    except ValueError:
        return ""


def follow_up_session(document: Any) -> str:
    """The session a follow-up names, or "" when ``document`` is not a well-formed follow-up."""
    if not isinstance(document, dict) or document.get("root_activity_notifier") != FOLLOW_UP:
        return ""
    session = document.get("session")
    return session if isinstance(session, str) and _SESSION_KEY.match(session) else ""


def _is_sqs_record(record: Any) -> bool:
    return isinstance(record, dict) and record.get("eventSource") == "aws:sqs" and "body" in record


def parse_input(document: Any, *, _depth: int = 0) -> list[ActivityRecord]:
    """Return the CloudTrail records an input holds, root or not, in input order."""
    if _depth > _MAX_NESTING:
        raise InputError("the input nests destination records too deeply to be a real event")
    if not isinstance(document, dict):
        raise InputError(
            f"expected a JSON object (an EventBridge event, a CloudTrail record or log file, or a "
            f"Lambda destination record), got {_json_type(document)}"
        )

    if "requestPayload" in document and ("requestContext" in document or "responseContext" in document):
        return parse_input(document["requestPayload"], _depth=_depth + 1)

    if is_sqs_event(document):
        messages = parse_sqs_event(document)
        unreadable = next((message for message in messages if message.error), None)
        if unreadable:
            raise InputError(f"SQS message {unreadable.message_id or '(no ID)'}: {unreadable.error}")
        return [record for message in messages for record in message.records]

    if isinstance(document.get("Messages"), list):  # aws sqs receive-message
        bodies = [message.get("Body") if isinstance(message, dict) else None for message in document["Messages"]]
        if not all(isinstance(body, str) for body in bodies):
            raise InputError('every item of "Messages" must have a "Body" (the output of aws sqs receive-message)')
        return [record for body in bodies for record in parse_json_text(body)]

    if "Records" in document:
        records = document["Records"]
        if not isinstance(records, list):
            raise InputError(f'"Records" must be a list of CloudTrail records, got {_json_type(records)}')
        parsed = []
        for index, record in enumerate(records):
            if not isinstance(record, dict):
                raise InputError(f"Records[{index}] must be a JSON object, got {_json_type(record)}")
            parsed.append(_activity_record(record, envelope={}))
        return parsed

    if isinstance(document.get("tamper_rule"), str) and isinstance(document.get("event"), dict):
        return [
            record._replace(tamper_rule=document["tamper_rule"])
            for record in parse_input(document["event"], _depth=_depth + 1)
        ]

    if "detail" in document and ("detail-type" in document or "source" in document):
        detail = document["detail"]
        if not isinstance(detail, dict):
            raise InputError(f'the EventBridge event\'s "detail" must be a JSON object, got {_json_type(detail)}')
        return [_activity_record(detail, envelope=document)]

    if "userIdentity" in document or "eventName" in document or "eventVersion" in document:
        return [_activity_record(document, envelope={})]

    keys = ", ".join(sorted(str(key) for key in document)[:8]) or "none"
    raise InputError(
        "the input is not an EventBridge event, a CloudTrail record or log file, or a Lambda "
        f"destination record (top-level keys: {keys})"
    )


def _activity_record(detail: Mapping[str, Any], envelope: Mapping[str, Any]) -> ActivityRecord:
    identity = _mapping(detail.get("userIdentity"))
    session = _mapping(identity.get("sessionContext"))
    additional = _mapping(detail.get("additionalEventData"))
    response = _mapping(detail.get("responseElements"))
    request = _mapping(detail.get("requestParameters"))
    return ActivityRecord(
        event_id=_text(detail.get("eventID")) or _text(envelope.get("id")),
        event_name=_text(detail.get("eventName")),
        event_source=_text(detail.get("eventSource")),
        access_key_id=_text(identity.get("accessKeyId")),
        event_time=parse_timestamp(_text(detail.get("eventTime")) or _text(envelope.get("time"))),
        # The region where CloudTrail recorded the call, not the bus that forwarded it to us.
        region=_text(detail.get("awsRegion")) or _text(envelope.get("region")),
        account_id=(
            _text(detail.get("recipientAccountId"))
            or _text(identity.get("accountId"))
            or _text(envelope.get("account"))
        ),
        source_ip=_text(detail.get("sourceIPAddress")),
        user_agent=_text(detail.get("userAgent")),
        identity_type=_text(identity.get("type")),
        principal_arn=_text(identity.get("arn")),
        invoked_by=_text(identity.get("invokedBy")),
        read_only=_boolean(detail.get("readOnly")),
        error_code=_text(detail.get("errorCode")),
        error_message=_text(detail.get("errorMessage")),
        console_login_result=_text(response.get("ConsoleLogin")),
        mfa_used=_boolean(additional.get("MFAUsed")),
        assumed_root=_boolean(session.get("assumedRoot")) is True,
        # targetPrincipal is the member's account ID or a principal ARN in it.
        target_account_id=_account_in(_text(request.get("targetPrincipal"))),
        task_policy_arn=_text(_mapping(request.get("taskPolicyArn")).get("arn")),
        envelope=(
            Envelope(_text(envelope.get("source")), _text(envelope.get("account")), _text(envelope.get("id")))
            if envelope
            else None
        ),
        session_issuer_arn=_text(_mapping(session.get("sessionIssuer")).get("arn")),
        resource=next((_text(request[name]) for name in _RESOURCE_PARAMETERS if request.get(name)), ""),
        opened_access_key_id=_text(_mapping(response.get("credentials")).get("accessKeyId")),
    )


def _account_in(text: str) -> str:
    found = _ACCOUNT_ID.search(text)
    return found.group(1) if found else ""


def parse_timestamp(text: str) -> datetime | None:
    """CloudTrail's ``2018-08-29T16:24:34Z`` (and ISO 8601 variants) as an aware datetime."""
    if not text:
        return None
    candidate = text.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        parsed.astimezone(timezone.utc).timestamp()
    except (OverflowError, ValueError, OSError):
        return None
    return parsed


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _boolean(value: Any) -> bool | None:
    """``true``/``"true"``/``"Yes"``/``"YES"`` and their negatives; anything else is unknown."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("yes", "true"):
            return True
        if lowered in ("no", "false"):
            return False
    return None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
