"""Record: what one CloudTrail record says (ActivityRecord, with what EventBridge wrote around it),
and the facts read straight off it, down to the channel its alert goes to (routing_account). A leaf:
it imports nothing of the package, so every layer may use it; core/events.py builds records,
core/classify.py judges them.
"""

from __future__ import annotations

from collections import namedtuple

ROOT_IDENTITY_TYPE = "Root"
ASSUME_ROOT_SOURCE = "sts.amazonaws.com"


# What EventBridge itself wrote around a CloudTrail record, as opposed to the record's own claims:
# source (reserved for AWS services when it starts with "aws."), the account that put the event on
# the bus, and EventBridge's ID of the event. A field missing from the envelope is "".
Envelope = namedtuple("Envelope", ["source", "account", "id"])


class ActivityRecord(
    namedtuple(
        "ActivityRecord",
        [
            "event_id",  # str
            "event_name",  # str
            "event_source",  # str
            "access_key_id",  # str: with the account, names a root session (console sign-ins have none)
            "event_time",  # datetime | None
            "region",  # str: where CloudTrail recorded it
            "account_id",  # str
            "source_ip",  # str
            "user_agent",  # str
            "identity_type",  # str
            "principal_arn",  # str
            "invoked_by",  # str
            "read_only",  # bool | None
            "error_code",  # str
            "error_message",  # str
            "console_login_result",  # str
            "mfa_used",  # bool | None
            "assumed_root",  # bool: a session of centralized root access (sts:AssumeRoot)
            "target_account_id",  # str: for an sts:AssumeRoot call, the member account it opens
            "task_policy_arn",  # str: for an sts:AssumeRoot call, what the session may do
            "envelope",  # Envelope | None: None for a record given without one (a raw record, a log file)
            "tamper_rule",  # str: the notifier's tamper rule that matched it ("" for any other record)
            "session_issuer_arn",  # str: the role (or user) whose session made the call
            "resource",  # str: what the call names (a rule, queue URL, function, role ...), for tamper alerts
            "opened_access_key_id",  # str: for an sts:AssumeRoot call, the access key of the session it opens
        ],
        defaults=["", "", "", ""],
    )
):
    """What one CloudTrail record says, with every field as plain text or a typed value."""

    __slots__ = ()

    @property
    def is_root(self) -> bool:
        return self.identity_type == ROOT_IDENTITY_TYPE

    @property
    def is_console_sign_in(self) -> bool:
        return self.event_name == "ConsoleLogin"

    @property
    def is_assume_root(self) -> bool:
        """Centralized root access taken: recorded in the management or delegated administrator
        account, by the role or user that called it (never by root)."""
        return self.event_name == "AssumeRoot" and self.event_source == ASSUME_ROOT_SOURCE and not self.is_root


# A call is read-only by its verb when CloudTrail does not say (readOnly absent).
_READ_ONLY_PREFIXES = ("Get", "List", "Describe", "Head", "Lookup", "BatchGet", "Search", "Select")


def is_read_only(record: ActivityRecord) -> bool:
    """CloudTrail's own ``readOnly`` flag; the event name's verb only when the flag is absent."""
    if record.read_only is not None:
        return record.read_only
    return record.event_name.startswith(_READ_ONLY_PREFIXES)


def routing_account(planned) -> str:
    """The account whose channel a planned message (core/sessions.py) goes to: an sts:AssumeRoot
    call's is the member it opens; a fold, which spans sessions, has none (the default channel)."""
    if not planned.session:
        return ""
    first = planned.occurrences[0].record
    if first.is_assume_root and first.target_account_id:
        return first.target_account_id
    return planned.session[0]
