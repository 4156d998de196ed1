"""An event source mapping batch through the handler: few messages, paced, exact batchItemFailures."""

from __future__ import annotations

import json
import os
import time

import pytest

from conftest import assert_valid_slack_message
from harness.console_session import console_session, sqs_batch
from harness.invoke import LambdaContext
from harness.samples import NON_ROOT_SAMPLES, load_sample
from root_activity_notifier.delivery.pacing import Pacer
from root_activity_notifier.handler import lambda_handler
from slack_sink import SlackSink


def log_lines(captured):
    return [json.loads(line) for line in captured.err.splitlines() if line.startswith("{")]


def event_lines(lines):
    return [line for line in lines if "event_id" in line]


@pytest.fixture
def sink(monkeypatch):
    with SlackSink() as running:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", running.url)
        yield running


def test_the_console_session_of_the_issue_is_three_messages_and_loses_nothing(sink, capsys):
    events = console_session(reads=150, changes=7)
    batch = sqs_batch(events)
    assert lambda_handler(batch, LambdaContext(60)) == {"batchItemFailures": []}

    assert len(sink.messages) <= 8
    for payload in sink.messages:
        assert_valid_slack_message(payload)
    texts = [json.dumps(payload) for payload in sink.messages]
    sign_in_id, key_id = events[0]["detail"]["eventID"], events[-1]["detail"]["eventID"]
    assert any(sign_in_id in text and "without MFA" in text for text in texts)
    assert any(key_id in text and "CreateAccessKey" in text for text in texts)
    (summary,) = [payload for payload in sink.messages if "Root user session" in payload["text"]]
    assert "Read-only 150, Changes 7, Denied 0" in summary["text"]

    lines = event_lines(log_lines(capsys.readouterr()))
    by_event = {}
    for line in lines:
        by_event.setdefault(line["event_id"], []).append(line["outcome"])
    assert set(by_event) == {event["detail"]["eventID"] for event in events}
    assert all(len(outcomes) == 1 and outcomes[0] in ("delivered", "summarized") for outcomes in by_event.values())
    assert sorted(outcome for (outcome,) in by_event.values()).count("summarized") == 157


def test_against_a_slack_that_allows_one_message_a_second_nothing_is_lost(monkeypatch, capsys):
    with SlackSink(messages_per_second=1) as limited:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", limited.url)
        result = lambda_handler(sqs_batch(console_session(reads=150, changes=7)), LambdaContext(60))
    assert result == {"batchItemFailures": []}
    assert len(limited.messages) == 3 and limited.rate_limited <= 2


def test_duplicates_count_once_and_a_failure_names_every_copy(monkeypatch, capsys):
    events = console_session(reads=0, changes=0)  # the sign-in and CreateAccessKey
    batch = sqs_batch(events, duplicate=1)  # the sign-in twice
    with SlackSink(status=404, body="no_service") as gone:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", gone.url)
        result = lambda_handler(batch, LambdaContext(10))
    assert len(gone.messages) == 2  # one per distinct event
    failed = {item["itemIdentifier"] for item in result["batchItemFailures"]}
    assert failed == {record["messageId"] for record in batch["Records"]}
    assert [line["outcome"] for line in event_lines(log_lines(capsys.readouterr()))] == ["failed", "failed"]


def test_only_the_records_of_what_failed_are_reported(sink, monkeypatch):
    from root_activity_notifier.delivery import pipeline as notify
    from root_activity_notifier.slack import destination

    events = console_session(reads=10, changes=0)  # sign-in, a 10-call summary, CreateAccessKey
    batch = sqs_batch(events + [load_sample(name) for name in NON_ROOT_SAMPLES])
    deliver = destination.post_message

    def refuse_summaries(url, payload, deadline):  # Slack refuses only the summary
        if "Root user session" in payload["text"]:
            raise notify.DeliveryError("HTTP 400 invalid_blocks", attempts=1, status=400)
        return deliver(url, payload, deadline)

    monkeypatch.setattr(destination, "post_message", refuse_summaries)
    result = lambda_handler(batch, LambdaContext(10))
    failed = [item["itemIdentifier"] for item in result["batchItemFailures"]]
    assert failed == [record["messageId"] for record in batch["Records"][1:11]]
    assert len(sink.messages) == 2  # the sign-in and CreateAccessKey went out


def test_an_unreadable_webhook_fails_every_root_record_and_no_other(monkeypatch, capsys):
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("SLACK_WEBHOOK_SSM_PARAMETER", "/root-activity-notifier/slack-webhook-url")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    from moto import mock_aws

    batch = sqs_batch(console_session(reads=5, changes=0) + [load_sample(name) for name in NON_ROOT_SAMPLES])
    with mock_aws():  # no such parameter
        result = lambda_handler(batch, LambdaContext(10))
    failed = [item["itemIdentifier"] for item in result["batchItemFailures"]]
    assert sorted(failed) == [record["messageId"] for record in batch["Records"][:7]]
    outcomes = [line["outcome"] for line in event_lines(log_lines(capsys.readouterr()))]
    assert outcomes.count("failed") == 7 and outcomes.count("ignored") == 3


def test_an_unreadable_message_is_reported_and_the_others_still_go_out(sink, capsys):
    batch = sqs_batch(console_session(reads=0, changes=0))
    batch["Records"].append({**batch["Records"][0], "messageId": "broken", "body": "{not json"})
    result = lambda_handler(batch, LambdaContext(10))
    assert result == {"batchItemFailures": [{"itemIdentifier": "broken"}]}
    assert len(sink.messages) == 2
    assert any(line.get("message_id") == "broken" for line in log_lines(capsys.readouterr()))


def test_a_batch_without_root_activity_sends_nothing_and_fails_nothing(sink):
    batch = sqs_batch([load_sample(name) for name in NON_ROOT_SAMPLES])
    assert lambda_handler(batch, LambdaContext(10)) == {"batchItemFailures": []}
    assert sink.messages == []


def test_posts_are_paced():
    now, slept = [100.0], []

    def sleep(seconds):
        slept.append(round(seconds, 3))
        now[0] += seconds

    pacer = Pacer(1.0, clock=lambda: now[0], sleep=sleep)
    pacer.wait()
    now[0] += 0.25
    pacer.wait()
    now[0] += 3
    pacer.wait()
    assert slept == [0.75]


def test_sessions_that_do_not_fit_in_the_time_left_are_folded_into_one_message(sink, capsys):
    """Twelve sessions' sign-ins at one a second cannot each have a message in 4 s: the first goes
    alone, the others fold into one message, and the function returns in time, nothing lost."""
    events = [
        event
        for number in range(12)
        for event in console_session(reads=0, changes=0, prefix=f"s{number}", source_ip=f"198.51.100.{number}")[:1]
    ]
    started = time.monotonic()
    result = lambda_handler(sqs_batch(events), LambdaContext(4))
    assert time.monotonic() - started < 4, "the function must return before its timeout"
    assert result == {"batchItemFailures": []}
    assert 2 <= len(sink.messages) <= 3
    assert sink.messages[0]["text"].count("without MFA") == 1
    assert "more root sessions" in sink.messages[-1]["text"]
    outcomes = [line["outcome"] for line in event_lines(log_lines(capsys.readouterr()))]
    assert len(outcomes) == 12 and outcomes.count("delivered") == len(sink.messages) - 1


def test_what_slack_slows_past_the_time_left_is_reported_at_once(capsys):
    """Slack at one message per two seconds: posts wait out 429s, and what no longer fits in the 5 s
    (the fold, at least) is reported for redelivery at once, not waited for."""
    events = [
        event
        for number in range(12)
        for event in console_session(reads=0, changes=0, prefix=f"s{number}", source_ip=f"198.51.100.{number}")[:1]
    ]
    batch = sqs_batch(events)
    with SlackSink(messages_per_second=0.5) as slow:
        os.environ["SLACK_WEBHOOK_URL"] = slow.url
        try:
            started = time.monotonic()
            result = lambda_handler(batch, LambdaContext(5))
            elapsed = time.monotonic() - started
        finally:
            del os.environ["SLACK_WEBHOOK_URL"]
    failed = {item["itemIdentifier"] for item in result["batchItemFailures"]}
    assert elapsed < 5, "the function must return before its timeout"
    assert slow.rate_limited >= 1 and len(slow.messages) >= 1
    assert len(failed) >= 9 and failed <= {record["messageId"] for record in batch["Records"]}
    # every sign-in is in a message that went out or in one reported for redelivery
    delivered = sum(json.dumps(message).count("without MFA") for message in slow.messages)
    assert delivered + len(failed) >= 12
    assert "time left" in capsys.readouterr().err


def test_a_flood_of_one_call_sessions_cannot_bury_a_sign_in(monkeypatch, capsys):
    """The issue's attack: 300 one-call root sessions, then a sign-in without MFA, in one batch, against
    a Slack that takes one message a second, with the default 60 s timeout."""
    flood = []
    for number in range(300):
        (event,) = console_session(reads=1, changes=0, prefix=f"flood{number:04d}", access_key_id=f"ASIA{number:016d}")[
            1:2
        ]
        flood.append(event)
    sign_in = console_session(reads=0, changes=0, prefix="real")[0]
    batch = sqs_batch([*flood, sign_in])
    with SlackSink(messages_per_second=1) as limited:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", limited.url)
        started = time.monotonic()
        result = lambda_handler(batch, LambdaContext(60))
        elapsed = time.monotonic() - started
    assert result == {"batchItemFailures": []}
    assert "without MFA" in limited.messages[0]["text"], "the sign-in is the first post"
    assert len(limited.messages) == 10 and elapsed < 15
    assert "292 more root sessions" in limited.messages[-1]["text"]
    outcomes = {}
    for line in event_lines(log_lines(capsys.readouterr())):
        outcomes[line["event_id"]] = line["outcome"]
    assert len(outcomes) == 301 and set(outcomes.values()) == {"delivered", "summarized"}
    assert list(outcomes.values()).count("summarized") == 292


def test_back_to_back_batches_of_a_warm_container_are_paced(monkeypatch):
    with SlackSink(messages_per_second=1) as limited:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", limited.url)
        samples = ("root-console-sign-in-without-mfa.json", "root-create-access-key.json", "root-read-only-call.json")
        for name in samples:
            assert lambda_handler(sqs_batch([load_sample(name)]), LambdaContext(10)) == {"batchItemFailures": []}
    assert len(limited.messages) == 3 and limited.rate_limited == 0
