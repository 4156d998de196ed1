"""Messages from an organization: member accounts named and labelled, sts:AssumeRoot announced when
the module says so, sessions grouped per member account."""

from __future__ import annotations

import json

import pytest

from conftest import assert_valid_slack_message
from harness.console_session import console_session, sqs_batch
from harness.invoke import LambdaContext
from harness.samples import load_sample
from root_activity_notifier.config.settings import (
    ConfigurationError,
    load_render_options,
    parse_account_labels,
)
from root_activity_notifier.core.classify import Activity, classify, is_announced
from root_activity_notifier.core.events import parse_input
from root_activity_notifier.core.sessions import occurrences, plan_messages
from root_activity_notifier.handler import lambda_handler
from root_activity_notifier.render.event import RenderOptions, render_message
from root_activity_notifier.shared.severity import Severity
from slack_sink import SlackSink

# AWS IAM User Guide, "Track privileged tasks in AWS CloudTrail": the management account (111111111111)
# takes root access to member account 222222222222.
ASSUME_ROOT = "assumed-role-assume-root-call.json"
LABELS = {"222222222222": "production", "111111111111": "management"}


def record_of(name, **detail_changes):
    event = load_sample(name)
    event["detail"].update(detail_changes)
    return parse_input(event)[0]


def seen(payload):
    return json.dumps(payload, ensure_ascii=False)


def field_texts(payload):
    return [field["text"] for block in payload["blocks"] for field in block.get("fields", [])]


def test_account_labels_are_read_from_the_environment():
    options = load_render_options(
        {"NOTIFIER_ACCOUNT_LABELS": json.dumps(LABELS), "NOTIFIER_ANNOUNCE_ASSUME_ROOT": "true"}
    )
    assert options.account_labels == LABELS
    assert options.announce_assume_root is True
    assert load_render_options({}).announce_assume_root is False
    assert load_render_options({"NOTIFIER_ANNOUNCE_ASSUME_ROOT": "false"}).announce_assume_root is False


@pytest.mark.parametrize("value", ['{"production": "111122223333"}', "[1, 2]", "not json", '{"111122223333": 5}'])
def test_unreadable_account_labels_say_what_is_expected(value):
    with pytest.raises(ConfigurationError, match="NOTIFIER_ACCOUNT_LABELS must be a JSON object of 12-digit"):
        parse_account_labels(value)


def test_assume_root_is_announced_only_when_the_module_says_so():
    taken = record_of(ASSUME_ROOT)
    assert not taken.is_root
    assert not is_announced(taken, announce_assume_root=False)
    assert is_announced(taken, announce_assume_root=True)
    sign_in = record_of("root-console-sign-in-without-mfa.json")
    iam_user = record_of("iam-user-console-sign-in.json")
    assert is_announced(sign_in, announce_assume_root=False)
    assert not is_announced(iam_user, announce_assume_root=True)
    # The same call signed by root (which AWS refuses) is root activity, not root access taken.
    by_root = record_of(ASSUME_ROOT, userIdentity={"type": "Root", "accountId": "111111111111"})
    assert classify(by_root).activity is not Activity.ROOT_ACCESS_TAKEN


@pytest.mark.parametrize("language", ["en", "ja"])
def test_assume_root_names_who_took_root_access_to_which_member(language):
    taken = record_of(ASSUME_ROOT)
    classification = classify(taken)
    assert (classification.activity, classification.severity) == (Activity.ROOT_ACCESS_TAKEN, Severity.HIGH)
    assert classification.centralized_root_access is False  # the caller's session, not a root session

    payload = render_message(taken, classification, RenderOptions(language=language, account_labels=LABELS))
    assert_valid_slack_message(payload)
    assert "222222222222" in payload["blocks"][0]["text"]["text"]
    fields = field_texts(payload)
    assert any("222222222222 (production)" in text for text in fields)
    assert any("`S3UnlockBucketPolicy`" in text for text in fields)
    assert "111111111111 (management)" in payload["blocks"][1]["text"]["text"]  # the caller's account, once
    assert not any("111111111111" in text for text in fields)
    assert "arn:aws:sts::111111111111:assumed-role/John/JohnRole1" in seen(payload)


def test_member_accounts_take_their_label_and_others_the_default():
    options = RenderOptions(account_label="unlisted", account_labels={"111122223333": "production"})
    listed = record_of("root-console-sign-in-without-mfa.json", recipientAccountId="111122223333")
    unlisted = record_of("root-console-sign-in-without-mfa.json", recipientAccountId="444455556666")
    assert "111122223333 (production)" in render_message(listed, classify(listed), options)["text"]
    assert "444455556666 (unlisted)" in render_message(unlisted, classify(unlisted), options)["text"]


def test_a_centralized_root_session_in_a_member_is_marked():
    event = load_sample("root-create-access-key.json")
    event["detail"]["userIdentity"].setdefault("sessionContext", {})["assumedRoot"] = "true"
    record = parse_input(event)[0]
    assert classify(record).centralized_root_access
    assert "sts:AssumeRoot" in seen(render_message(record, classify(record), RenderOptions()))


def test_sessions_of_different_member_accounts_are_never_merged():
    # The same access key ID and source IP in two accounts: two sessions, each with its own summary.
    dev = console_session(reads=20, changes=0, account_id="111122223333", prefix="dev")
    prod = console_session(reads=20, changes=0, account_id="444455556666", prefix="prod")
    batch = occurrences((f"m{index}", parse_input(event)[0]) for index, event in enumerate(dev + prod))
    planned = plan_messages(batch)
    summaries = [message for message in planned if message.kind == "summary"]
    assert sorted(message.session[0] for message in summaries) == ["111122223333", "444455556666"]
    assert all(
        {occurrence.record.account_id for occurrence in message.occurrences} == {message.session[0]}
        for message in planned
    )


def test_assume_root_gets_a_message_of_its_own_in_a_busy_session():
    # The caller's session also made six root-signed reads (same account and key): they become a
    # summary, and taking root access still stands alone.
    reads = console_session(reads=6, changes=0, account_id="111111111111", access_key_id="ASIAIOSFODNN7EXAMPLE")[1:-1]
    records = [parse_input(event)[0] for event in [load_sample(ASSUME_ROOT), *reads]]
    planned = plan_messages(occurrences((f"m{index}", record) for index, record in enumerate(records)))
    assert len({message.session for message in planned}) == 1
    assert [message.kind for message in planned] == ["event", "summary"]
    assert planned[0].occurrences[0].record.is_assume_root


@pytest.mark.parametrize("announce", [True, False])
def test_a_batch_announces_assume_root_only_when_configured(monkeypatch, announce):
    with SlackSink() as sink:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", sink.url)
        if announce:
            monkeypatch.setenv("NOTIFIER_ANNOUNCE_ASSUME_ROOT", "true")
        monkeypatch.setenv("NOTIFIER_ACCOUNT_LABELS", json.dumps(LABELS))
        batch = sqs_batch([load_sample(ASSUME_ROOT), load_sample("iam-user-console-sign-in.json")])
        assert lambda_handler(batch, LambdaContext(30)) == {"batchItemFailures": []}
        messages = sink.messages
    assert len(messages) == (1 if announce else 0)
    if announce:
        assert "222222222222 (production)" in seen(messages[0])


def test_an_assume_root_message_slack_refused_is_retried(monkeypatch):
    with SlackSink(status=500) as failing:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", failing.url)
        monkeypatch.setenv("NOTIFIER_ANNOUNCE_ASSUME_ROOT", "true")
        batch = sqs_batch([load_sample(ASSUME_ROOT), load_sample("iam-user-console-sign-in.json")])
        answer = lambda_handler(batch, LambdaContext(3))
    assert answer == {"batchItemFailures": [{"itemIdentifier": "message-0000"}]}
