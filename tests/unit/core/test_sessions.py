"""Grouping a batch by root session: which events get a message of their own, which a summary."""

from __future__ import annotations

import copy

import pytest

from harness.console_session import console_session
from harness.samples import load_sample
from root_activity_notifier.core.events import parse_input
from root_activity_notifier.core.sessions import (
    MAX_OTHER_MESSAGES,
    MAX_OWN_MESSAGES,
    occurrences,
    plan_messages,
)
from root_activity_notifier.shared.occurrence import kind_of, session_key


def records(events):
    return [(f"m{number}", parse_input(event)[0]) for number, event in enumerate(events)]


def plan(events):
    return plan_messages(occurrences(records(events)))


def kinds(planned):
    return [(message.kind, len(message.occurrences)) for message in planned]


def test_a_console_session_is_two_messages_and_one_summary():
    planned = plan(console_session(reads=150, changes=7))
    assert kinds(planned) == [("event", 1), ("event", 1), ("summary", 157)]
    sign_in, key, summary = planned
    assert sign_in.occurrences[0].record.event_name == "ConsoleLogin"
    assert key.occurrences[0].record.event_name == "CreateAccessKey"
    assert summary.named == ()
    # the sign-in has no access key: it is the session of its source IP; the calls share the key
    assert sign_in.session == ("111122223333", "ip:203.0.113.64")
    assert key.session == summary.session == ("111122223333", "key:ASIAIOSFODNN7EXAMPLE")


@pytest.mark.parametrize("others", range(MAX_OTHER_MESSAGES + 1))
def test_a_few_other_events_keep_a_message_each(others):
    events = console_session(reads=others, changes=0)[1:-1]  # no sign-in, no CreateAccessKey
    assert kinds(plan(events)) == [("event", 1)] * others


def test_one_more_than_the_few_becomes_one_summary():
    events = console_session(reads=MAX_OTHER_MESSAGES + 1, changes=0)[1:-1]
    assert kinds(plan(events)) == [("summary", MAX_OTHER_MESSAGES + 1)]


def test_critical_events_beyond_the_cap_are_named_in_the_summary():
    template = load_sample("root-create-access-key.json")
    criticals = []
    for number in range(MAX_OWN_MESSAGES + 2):
        event = copy.deepcopy(template)
        event["detail"]["eventID"] = f"critical-{number}"
        criticals.append(event)
    planned = plan(criticals)
    assert kinds(planned) == [("event", 1)] * MAX_OWN_MESSAGES + [("summary", 2)]
    assert [each.record.event_id for each in planned[-1].named] == ["critical-5", "critical-6"]


def test_duplicated_event_ids_count_once_and_remember_every_message():
    events = console_session(reads=2, changes=0)
    batch = occurrences(records(events + events[:2]))
    assert len(batch) == len(events)
    assert batch[0].message_ids == ["m0", f"m{len(events)}"]


def test_sessions_are_told_apart_by_account_and_key():
    first = console_session(reads=5, changes=0, prefix="a")[1:-1]
    other_key = console_session(reads=5, changes=0, prefix="b", access_key_id="ASIAOTHERKEY0000EXAMPLE")[1:-1]
    other_account = console_session(reads=5, changes=0, prefix="c", account_id="444455556666")[1:-1]
    planned = plan(first + other_key + other_account)
    assert kinds(planned) == [("summary", 5)] * 3
    assert len({message.session for message in planned}) == 3


def test_without_a_key_the_source_ip_names_the_session():
    record = parse_input(load_sample("root-console-sign-in-failure.json"))[0]
    assert session_key(record) == (record.account_id, f"ip:{record.source_ip}")


def one_call_sessions(count, *, read_only=True, start=0):
    """``count`` root sessions of one call each (distinct keys), as a flood would be."""
    events = []
    for number in range(start, start + count):
        (event,) = console_session(reads=1, changes=0, prefix=f"flood{number:04d}", access_key_id=f"ASIA{number:016d}")[
            1:2
        ]
        event["detail"]["readOnly"] = read_only
        events.append(event)
    return events


def test_messages_go_out_most_severe_first_then_in_time_order():
    session = console_session(reads=2, changes=1)  # sign-in, 2 reads, 1 change, CreateAccessKey
    failed_sign_in = load_sample("root-console-sign-in-failure.json")
    planned = plan([*session[1:], failed_sign_in, session[0]])
    names = [message.occurrences[0].record.event_name for message in planned]
    severities = [message.occurrences[0].classification.severity.value for message in planned]
    assert severities == ["critical", "critical", "high", "warning", "low", "low"]
    # within critical, the sign-in (09:00:00) before CreateAccessKey (09:00:20)
    assert names[:3] == ["ConsoleLogin", "CreateAccessKey", "StopInstances"]
    times = [message.occurrences[0].record.event_time for message in planned[4:]]
    assert times == sorted(times)


def test_a_flood_folds_into_one_message_after_the_most_severe():
    sign_in = console_session(reads=0, changes=0, prefix="real")[0]
    planned = plan_messages(occurrences(records([*one_call_sessions(300), sign_in])), max_messages=10)
    assert len(planned) == 10
    assert planned[0].occurrences[0].record.event_name == "ConsoleLogin"
    assert [message.kind for message in planned] == ["event"] * 9 + ["fold"]
    fold = planned[-1]
    assert fold.session is None and len(fold.occurrences) == 300 - 8
    # nothing lost, nothing twice
    ids = [each.record.event_id for message in planned for each in message.occurrences]
    assert len(ids) == len(set(ids)) == 301


def test_no_fold_when_everything_fits_and_a_bound_of_one_folds_everything():
    events = one_call_sessions(4)
    assert [message.kind for message in plan_messages(occurrences(records(events)), max_messages=4)] == ["event"] * 4
    (only,) = plan_messages(occurrences(records(events)), max_messages=1)
    assert only.kind == "fold" and len(only.occurrences) == 4


def test_a_kind_is_the_event_and_what_it_was_and_for_a_tamper_alert_its_resource():
    sign_in, *_, key = console_session(reads=0, changes=0)
    found = [kind_of(each) for each in occurrences(records([sign_in, key]))]
    assert found == ["ConsoleLogin/sign_in_without_mfa", "CreateAccessKey/credentials_changed"]
    deleted = []
    for rule in ("notifier", "notifier-tamper-rules"):
        event = load_sample("root-read-only-call.json")
        event["detail"].update(eventName="DeleteRule", eventSource="events.amazonaws.com", readOnly=False,
                               requestParameters={"name": rule}, eventID=f"delete-{rule}")  # fmt: skip
        deleted.append({"tamper_rule": "notifier-tamper-rules", "event": event})
    tamper = [kind_of(each) for each in occurrences(records(deleted))]
    region = deleted[0]["event"]["detail"]["awsRegion"]
    assert tamper == [
        f"DeleteRule/notifier_changed/{region}/notifier",
        f"DeleteRule/notifier_changed/{region}/notifier-tamper-rules",
    ]
