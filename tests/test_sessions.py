"""Grouping a batch by root session: which events get a message of their own, which a summary."""

from __future__ import annotations

import copy

import pytest

from harness.console_session import console_session
from harness.samples import load_sample
from root_activity_notifier.events import parse_input
from root_activity_notifier.sessions import (
    MAX_OTHER_MESSAGES,
    MAX_OWN_MESSAGES,
    occurrences,
    plan_messages,
    session_key,
)


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
