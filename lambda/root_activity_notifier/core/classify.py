"""Classify: how alarming one root activity record is, in words a reader grasps at once."""

from __future__ import annotations

import enum
from collections import namedtuple

from ..shared.outcomes import Status
from ..shared.record import ActivityRecord, is_read_only
from ..shared.severity import Severity

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Mapping


class Activity(enum.Enum):
    """What the root user did; each has its own headline in every language."""

    SIGN_IN_WITHOUT_MFA = "sign_in_without_mfa"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    CREDENTIALS_CHANGED = "credentials_changed"
    MFA_REMOVED = "mfa_removed"
    LOGGING_DISABLED = "logging_disabled"
    SIGN_IN_STEP = "sign_in_step"
    WRITE_CALL = "write_call"
    READ_ONLY_CALL = "read_only_call"
    ROOT_ACCESS_TAKEN = "root_access_taken"  # sts:AssumeRoot, by a role or user of the organization
    NOTIFIER_CHANGED = "notifier_changed"  # a change to the notifier's own resources, by anyone


# severity: Severity, activity: Activity, denied: bool, centralized_root_access: bool,
# expected_as: for a change to the notifier by an expected principal, its label ("" otherwise);
# declared: the announced window of declared expected use it happened in (core/windows.py), or None
Classification = namedtuple(
    "Classification",
    ["severity", "activity", "denied", "centralized_root_access", "expected_as", "declared"],
    defaults=["", None],
)


# Root password, e-mail and access keys: whoever changes them owns the account.
_CREDENTIAL_EVENTS = frozenset(
    {
        "CreateAccessKey",
        "UploadSigningCertificate",
        "PasswordUpdated",
        "PasswordRecoveryRequested",
        "PasswordRecoveryCompleted",
        "EmailUpdated",
    }
)
_MFA_REMOVAL_EVENTS = frozenset({"DeactivateMFADevice", "DeleteVirtualMFADevice"})
_LOGGING_EVENTS = frozenset({"StopLogging", "DeleteTrail", "DeleteEventDataStore", "StopEventDataStoreIngestion"})
# Critical whoever reads them: variables.tf refuses to exclude any of them (a test keeps it in step).
CRITICAL_EVENT_NAMES = frozenset({"ConsoleLogin"}) | _CREDENTIAL_EVENTS | _MFA_REMOVAL_EVENTS | _LOGGING_EVENTS
_DENIED_MARKERS = ("accessdenied", "unauthorized", "forbidden", "notauthorized")


# EventBridge reserves sources that start with "aws." for AWS services: PutEvents refuses them.
AWS_SOURCE_PREFIX = "aws."
# The one kind of "aws." source that is not AWS's own: SaaS partners' event sources, which reach
# a bus only through a rule someone made on a partner bus.
PARTNER_SOURCE_PREFIX = "aws.partner/"


def admission(record: ActivityRecord, *, announce_assume_root: bool) -> Status | None:
    """None for a record the notifier announces; else why not: IGNORED (not root activity, nor a
    change to the notifier) or REFUSED (it claims to be, but AWS did not deliver it)."""
    if not is_announced(record, announce_assume_root=announce_assume_root):
        return Status.IGNORED
    if not is_from_aws(record):
        return Status.REFUSED
    return None


def is_from_aws(record: ActivityRecord) -> bool:
    """Whether AWS itself delivered the record. An EventBridge envelope must carry an AWS service's
    source; a record given without an envelope (a raw record or log file, on the command line or in a
    replay) has nothing to check and is taken as it is."""
    if record.envelope is None:
        return True
    source = record.envelope.source
    return source.startswith(AWS_SOURCE_PREFIX) and not source.startswith(PARTNER_SOURCE_PREFIX)


def is_announced(record: ActivityRecord, *, announce_assume_root: bool) -> bool:
    """Root activity always; a change to the notifier's own resources (marked by its tamper rule),
    unless read-only; an sts:AssumeRoot call when the notifier announces centralized root access."""
    return (
        record.is_root
        or (bool(record.tamper_rule) and not is_read_only(record))
        or (announce_assume_root and record.is_assume_root)
    )


def classify(record: ActivityRecord, expected_principals: Mapping[str, str] | None = None) -> Classification:
    """``expected_principals`` (role or user ARN to label) are those whose changes to the notifier
    are expected: a deployer. Their tamper alerts are low and labelled, never hidden."""
    activity = _activity(record)
    expected_as = expected_label(record, expected_principals) if activity is Activity.NOTIFIER_CHANGED else ""
    return Classification(
        severity=Severity.LOW if expected_as else _SEVERITY[activity],
        activity=activity,
        denied=is_denied(record.error_code),
        # The root session a member account sees; the AssumeRoot call itself is marked by its headline.
        centralized_root_access=record.assumed_root and record.is_root,
        expected_as=expected_as,
    )


def expected_label(record: ActivityRecord, expected_principals: Mapping[str, str] | None) -> str:
    """The label of the expected principal that made the call: by its own ARN, or its session's role."""
    principals = expected_principals or {}
    return principals.get(record.principal_arn) or principals.get(record.session_issuer_arn) or ""


def _activity(record: ActivityRecord) -> Activity:
    if record.tamper_rule and not is_read_only(record):
        return Activity.NOTIFIER_CHANGED
    if record.is_assume_root:
        return Activity.ROOT_ACCESS_TAKEN
    if record.is_console_sign_in:
        if record.console_login_result.lower() == "failure" or (
            not record.console_login_result and record.error_message
        ):
            return Activity.SIGN_IN_FAILED
        # MFAUsed missing is treated like "No": only a recorded "Yes" earns the calmer headline.
        return Activity.SIGN_IN if record.mfa_used is True else Activity.SIGN_IN_WITHOUT_MFA
    if record.event_name in _CREDENTIAL_EVENTS:
        return Activity.CREDENTIALS_CHANGED
    if record.event_name in _MFA_REMOVAL_EVENTS:
        return Activity.MFA_REMOVED
    if record.event_name in _LOGGING_EVENTS:
        return Activity.LOGGING_DISABLED
    if record.event_source == "signin.amazonaws.com":
        return Activity.SIGN_IN_STEP
    if is_read_only(record):
        return Activity.READ_ONLY_CALL
    return Activity.WRITE_CALL


def is_denied(error_code: str) -> bool:
    lowered = error_code.lower()
    return any(marker in lowered for marker in _DENIED_MARKERS)


_SEVERITY = {
    Activity.SIGN_IN_WITHOUT_MFA: Severity.CRITICAL,
    Activity.CREDENTIALS_CHANGED: Severity.CRITICAL,
    Activity.MFA_REMOVED: Severity.CRITICAL,
    Activity.LOGGING_DISABLED: Severity.CRITICAL,
    Activity.NOTIFIER_CHANGED: Severity.CRITICAL,
    Activity.SIGN_IN: Severity.HIGH,
    Activity.ROOT_ACCESS_TAKEN: Severity.HIGH,
    Activity.WRITE_CALL: Severity.HIGH,
    Activity.SIGN_IN_FAILED: Severity.WARNING,
    Activity.SIGN_IN_STEP: Severity.WARNING,
    Activity.READ_ONLY_CALL: Severity.LOW,
}
