"""A session summary: exact totals, the most frequent names first, both languages, Block Kit's limits."""

from __future__ import annotations

import copy
import json

import pytest

from conftest import assert_valid_slack_message
from harness.console_session import console_session
from root_activity_notifier.config.settings import load_render_options
from root_activity_notifier.core.events import parse_input
from root_activity_notifier.core.sessions import PlannedMessage, occurrences, plan_messages
from root_activity_notifier.render.summary import (
    EVENT_NAMES_SHOWN,
    FOLDED_SESSIONS_SHOWN,
    render_fold,
    render_summary,
)


def summary_of(events, language="en"):
    batch = occurrences((f"m{number}", parse_input(event)[0]) for number, event in enumerate(events))
    (summary,) = [message for message in plan_messages(batch) if message.kind == "summary"]
    options = load_render_options({"NOTIFIER_LANGUAGE": language, "NOTIFIER_TIME_ZONE": "Asia/Tokyo"})
    return summary, render_summary(summary, options)


def fields(payload):
    return {
        field["text"].split("\n")[0].strip("*"): field["text"].split("\n", 1)[1]
        for field in payload["blocks"][2]["fields"]
    }


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_console_session_summary_states_exact_totals(language):
    events = console_session(reads=150, changes=7)
    events[5]["detail"]["errorCode"] = "AccessDenied"
    _, payload = summary_of(events, language)
    assert_valid_slack_message(payload)
    labels = {"en": ("Calls", "Read-only", "Changes", "Denied"), "ja": ("操作", "読み取り", "変更", "拒否")}[language]
    assert [fields(payload)[label] for label in labels] == ["157", "150", "7", "1"]
    assert "157" in payload["blocks"][0]["text"]["text"] and "157" in payload["text"]


def test_event_names_changes_first_then_reads_most_frequent_first_then_and_more():
    _, payload = summary_of(console_session(reads=150, changes=7))
    lines = payload["blocks"][3]["text"]["text"].split("\n")[1:]
    names = [line.split("`")[1] for line in lines[:EVENT_NAMES_SHOWN]]
    counts = [int(line.rsplit("× ", 1)[1]) for line in lines[:EVENT_NAMES_SHOWN]]
    # the 4 change names (7 changes), however few, before the reads (150 over 13 names)
    assert sorted(names[:4]) == ["CreateTags", "PutBucketPolicy", "StopInstances", "UpdateAccountPasswordPolicy"]
    assert counts[:4] == [2, 2, 2, 1]
    assert counts[4:] == sorted(counts[4:], reverse=True) and counts[4] == 12
    assert lines[EVENT_NAMES_SHOWN] == "and 5 more"  # 13 read names + 4 change names, 12 shown


def test_a_denied_read_is_listed_with_the_changes_marked_denied():
    events = console_session(reads=40, changes=0)
    events[3]["detail"]["errorCode"] = "AccessDenied"
    denied_name = events[3]["detail"]["eventName"]
    _, payload = summary_of(events)
    first = payload["blocks"][3]["text"]["text"].split("\n")[1]
    assert first == f"`{denied_name}` (denied) × 1"


def test_time_span_sources_regions_and_the_access_key_link():
    _, payload = summary_of(console_session(reads=20, changes=0))
    span = fields(payload)["From – to"]
    assert span.startswith("<!date^") and span.count("<!date^") == 2
    assert fields(payload)["Source IPs"] == "203.0.113.64"
    assert set(fields(payload)["Regions"].split(", ")) == {"ap-northeast-1", "us-east-1"}
    (link, _) = [element["text"] for element in payload["blocks"][-1]["elements"]]
    assert "#/events?AccessKeyId=ASIAIOSFODNN7EXAMPLE|" in link


def test_event_strings_are_escaped_in_a_summary():
    events = console_session(reads=5, changes=0)[1:-1]
    for event in events:
        event["detail"]["userAgent"] = "<!channel> & <https://evil.example|click>"
        event["detail"]["eventName"] = "<@U024BE7LH>"
    _, payload = summary_of(events)
    assert_valid_slack_message(payload)
    everything = json.dumps(payload)
    assert "<!channel>" not in everything and "<@U024BE7LH>" not in everything and "<https://evil" not in everything


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_summary_at_block_kit_limits(language):
    events = console_session(reads=400, changes=0)[1:-1]
    for number, event in enumerate(events):
        detail = event["detail"]
        detail["eventName"] = f"Describe{'X' * 300}{number}"
        detail["userAgent"] = f"agent-{number}-" + "&" * 2000
        detail["sourceIPAddress"] = f"198.51.100.{number % 250}"
        detail["awsRegion"] = f"eu-west-{number % 40}"
    summary, payload = summary_of(events, language)
    assert_valid_slack_message(payload)
    assert len(summary.occurrences) == 400


def test_named_critical_events_appear_with_their_ids():
    template = console_session(reads=0, changes=0)[-1]  # CreateAccessKey
    criticals = []
    for number in range(7):
        event = copy.deepcopy(template)
        event["detail"]["eventID"] = f"critical-{number}"
        criticals.append(event)
    summary, payload = summary_of(criticals)
    assert isinstance(summary, PlannedMessage) and len(summary.named) == 2
    named = payload["blocks"][4]["text"]["text"]
    assert "critical-5" in named and "critical-6" in named


def test_the_summary_names_the_session_by_its_access_key():
    _, payload = summary_of(console_session(reads=5, changes=0))
    assert "Access key `ASIAIOSFODNN7EXAMPLE`" in payload["blocks"][1]["text"]["text"]


def fold_of(events, language="en", max_messages=2):
    batch = occurrences((f"m{number}", parse_input(event)[0]) for number, event in enumerate(events))
    planned = plan_messages(batch, max_messages=max_messages)
    options = load_render_options(
        {
            "NOTIFIER_LANGUAGE": language,
            "NOTIFIER_TIME_ZONE": "Asia/Tokyo",
            "NOTIFIER_ACCOUNT_LABELS": '{"111122223333": "production"}',
            "NOTIFIER_MENTION": "here",
        }
    )
    return planned[-1], render_fold(planned[-1], options)


def flood(count):
    events = []
    for number in range(count):
        (event,) = console_session(reads=1, changes=0, prefix=f"f{number:04d}", access_key_id=f"ASIA{number:016d}")[1:2]
        events.append(event)
    return events


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_fold_lists_each_session_with_its_account_key_calls_and_times(language):
    fold, payload = fold_of(flood(5), language)
    assert_valid_slack_message(payload)
    assert fold.kind == "fold" and len(fold.occurrences) == 4
    text = json.dumps(payload, ensure_ascii=False)
    headline = {"en": "4 more root sessions", "ja": "ほか4件のルートセッション"}[language]
    assert headline in payload["blocks"][0]["text"]["text"]
    lines = [line for block in payload["blocks"][3:-1] for line in block["text"]["text"].split("\n")]
    assert len(lines) == 4
    for line in lines:
        assert "111122223333 (production)" in line and "`ASIA" in line and "<!date^" in line
    assert text.count("ASIA0000000000000001") == 1
    assert not payload["text"].startswith("<!here>"), "no mention: nothing critical was folded"


def test_a_fold_of_hundreds_stays_within_block_kit_and_says_how_many_more():
    fold, payload = fold_of(flood(300), max_messages=10)
    assert_valid_slack_message(payload)
    lines = [line for block in payload["blocks"][3:-1] for line in block["text"]["text"].split("\n")]
    assert len(lines) == FOLDED_SESSIONS_SHOWN + 1
    assert lines[-1] == f"and {291 - FOLDED_SESSIONS_SHOWN} more"


def test_a_folded_critical_session_is_marked_and_mentions():
    events = console_session(reads=0, changes=0)[-1:] + flood(3)  # CreateAccessKey first: it goes alone
    second_key = copy.deepcopy(events[0])
    second_key["detail"]["eventID"], second_key["detail"]["userIdentity"]["accessKeyId"] = "k2", "ASIAOTHER00000000000"
    _, payload = fold_of([*events, second_key], max_messages=2)
    assert payload["text"].startswith("<!here> :rotating_light:")
    first_line = payload["blocks"][3]["text"]["text"].split("\n")[0]
    assert first_line.startswith(":rotating_light:") and "ASIAOTHER" in first_line
