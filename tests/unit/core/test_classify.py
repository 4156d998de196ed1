from __future__ import annotations

import pytest

from harness.samples import load_sample
from root_activity_notifier.core.classify import Activity, classify
from root_activity_notifier.core.events import parse_input
from root_activity_notifier.shared.severity import Severity


def classified(name, **detail_changes):
    event = load_sample(name)
    event["detail"].update(detail_changes)
    return classify(parse_input(event)[0])


@pytest.mark.parametrize(
    ("name", "severity", "activity"),
    [
        ("root-console-sign-in-without-mfa.json", Severity.CRITICAL, Activity.SIGN_IN_WITHOUT_MFA),
        ("root-console-sign-in-with-mfa.json", Severity.HIGH, Activity.SIGN_IN),
        ("root-console-sign-in-failure.json", Severity.WARNING, Activity.SIGN_IN_FAILED),
        ("root-api-call-from-console.json", Severity.HIGH, Activity.WRITE_CALL),
        ("root-read-only-call.json", Severity.LOW, Activity.READ_ONLY_CALL),
        ("root-create-access-key.json", Severity.CRITICAL, Activity.CREDENTIALS_CHANGED),
    ],
)
def test_samples(name, severity, activity):
    result = classified(name)
    assert (result.severity, result.activity) == (severity, activity)
    assert not result.denied


@pytest.mark.parametrize(
    ("event_name", "activity"),
    [
        ("DeactivateMFADevice", Activity.MFA_REMOVED),
        ("DeleteVirtualMFADevice", Activity.MFA_REMOVED),
        ("StopLogging", Activity.LOGGING_DISABLED),
        ("DeleteTrail", Activity.LOGGING_DISABLED),
        ("PasswordUpdated", Activity.CREDENTIALS_CHANGED),
        ("EmailUpdated", Activity.CREDENTIALS_CHANGED),
        ("PasswordRecoveryCompleted", Activity.CREDENTIALS_CHANGED),
    ],
)
def test_critical_calls(event_name, activity):
    result = classified("root-api-call-from-console.json", eventName=event_name)
    assert result.activity is activity and result.severity is Severity.CRITICAL


def test_sign_in_without_recorded_mfa_is_treated_as_without_mfa():
    event = load_sample("root-console-sign-in-with-mfa.json")
    del event["detail"]["additionalEventData"]
    assert classify(parse_input(event)[0]).activity is Activity.SIGN_IN_WITHOUT_MFA


def test_mfa_yes_in_capitals_counts_as_mfa():
    event = load_sample("root-console-sign-in-without-mfa.json")
    event["detail"]["additionalEventData"]["MFAUsed"] = "YES"
    assert classify(parse_input(event)[0]).activity is Activity.SIGN_IN


def test_other_sign_in_steps_are_warnings():
    result = classified(
        "root-console-sign-in-failure.json", eventName="CheckMfa", responseElements={"CheckMfa": "Success"}
    )
    assert (result.activity, result.severity) == (Activity.SIGN_IN_STEP, Severity.WARNING)


def test_denied_calls_are_marked_and_keep_their_severity():
    result = classified("root-create-access-key.json", errorCode="AccessDenied", errorMessage="not allowed")
    assert result.denied and result.severity is Severity.CRITICAL
    other_error = classified("root-api-call-from-console.json", errorCode="TrailNotFoundException")
    assert not other_error.denied


def test_read_only_flag_wins_over_the_verb():
    assert classified("root-read-only-call.json", readOnly=False).activity is Activity.WRITE_CALL
    event = load_sample("root-read-only-call.json")
    del event["detail"]["readOnly"]
    assert classify(parse_input(event)[0]).activity is Activity.READ_ONLY_CALL


def test_centralized_root_access_is_marked():
    event = load_sample("root-api-call-from-console.json")
    event["detail"]["userIdentity"]["sessionContext"]["assumedRoot"] = "true"
    assert classify(parse_input(event)[0]).centralized_root_access
