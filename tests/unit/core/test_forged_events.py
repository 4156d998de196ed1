"""Only AWS raises an alert: an EventBridge envelope whose source is not an AWS service's is refused."""

from __future__ import annotations

import copy
import json

import pytest

from harness.console_session import console_session, sqs_batch
from harness.invoke import LambdaContext
from harness.samples import ROOT_SAMPLES, load_sample
from root_activity_notifier.core.classify import is_from_aws
from root_activity_notifier.core.events import parse_input
from root_activity_notifier.handler import lambda_handler
from slack_sink import SlackSink


def log_lines(captured):
    return [json.loads(line) for line in captured.err.splitlines() if line.startswith("{")]


def forged(name: str, source: str, sender: str = "444455556666") -> dict:
    event = copy.deepcopy(load_sample(name))
    event["source"], event["account"] = source, sender
    return event


@pytest.fixture
def sink(monkeypatch):
    with SlackSink() as running:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", running.url)
        yield running


@pytest.mark.parametrize("source", ["my.app", "awss3", "Aws.signin", "signin.amazonaws.com", "aws.partner/x.com/1/y"])
def test_an_envelope_from_anyone_but_aws_is_not_from_aws(source):
    (record,) = parse_input(forged("root-console-sign-in-without-mfa.json", source))
    assert not is_from_aws(record)
    assert record.envelope.source == source and record.envelope.account == "444455556666"


def test_every_genuine_sample_is_from_aws_and_a_raw_record_has_nothing_to_check():
    for name in ROOT_SAMPLES:
        assert is_from_aws(parse_input(load_sample(name))[0]), name
    (raw,) = parse_input(load_sample("root-console-sign-in-without-mfa.json")["detail"])
    assert raw.envelope is None and is_from_aws(raw)
    assert all(is_from_aws(record) for record in parse_input(load_sample("cloudtrail-log-file.json")))


def test_a_forged_sign_in_in_a_batch_is_refused_logged_and_not_retried(sink, capsys):
    genuine = console_session(reads=0, changes=0)  # a sign-in and CreateAccessKey
    forgery = forged("root-console-sign-in-without-mfa.json", "my.app")
    forgery["detail"]["eventID"] = "forged-sign-in"
    batch = sqs_batch([forgery, *genuine])
    assert lambda_handler(batch, LambdaContext(10)) == {"batchItemFailures": []}

    assert len(sink.messages) == 2
    assert "forged-sign-in" not in json.dumps(sink.messages)
    lines = log_lines(capsys.readouterr())
    (refused,) = [line for line in lines if line.get("outcome") == "refused"]
    assert refused["level"] == "WARNING"
    assert (refused["source"], refused["sender_account"], refused["event_id"]) == (
        "my.app",
        "444455556666",
        "forged-sign-in",
    )
    assert refused["message_id"] == batch["Records"][0]["messageId"]
    assert next(line for line in lines if line["message"] == "batch done")["refused"] == 1


def test_a_direct_invocation_of_a_forged_event_posts_nothing_and_says_so(sink, capsys):
    result = lambda_handler(forged("root-create-access-key.json", "aws.partner/example.com/1/x"), LambdaContext(10))
    assert result == {"delivered": 0, "summarized": 0, "ignored": 0, "refused": 1}
    assert sink.messages == []
    (line,) = log_lines(capsys.readouterr())
    assert line["outcome"] == "refused" and line["source"] == "aws.partner/example.com/1/x"


def test_a_forged_envelope_of_a_non_root_event_stays_ignored(sink, capsys):
    lambda_handler(forged("iam-user-console-sign-in.json", "my.app"), LambdaContext(10))
    (line,) = log_lines(capsys.readouterr())
    assert line["outcome"] == "ignored"
