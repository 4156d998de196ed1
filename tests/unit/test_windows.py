"""Declared expected use: the expect command, the announcement before a window applies (whoever
wrote it and however), the label on what it covers, and no automatic page for it.

moto's DynamoDB, SQS, SNS and STS; the webhook is a local HTTP server. Events are AWS's samples
(examples/events) with their time moved to now, so that they fall in a window declared now.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from harness.console_session import sqs_batch
from harness.invoke import LambdaContext
from harness.samples import load_sample
from harness.state import TABLE
from root_activity_notifier.cli import main
from root_activity_notifier.handler import lambda_handler

ACCOUNT = "111122223333"


def at(sample: str, moment: datetime) -> dict:
    event = load_sample(sample)
    event["detail"]["eventTime"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    event["detail"]["eventID"] = f"{event['detail']['eventID'][:20]}-{int(moment.timestamp())}"
    return event


@pytest.fixture
def notifier(session_table, httpserver, monkeypatch):
    """A webhook notifier with its session table, follow-up queue and on-call topic; returns
    (the queue URL, what the topic got)."""
    httpserver.expect_request("/hook").respond_with_data("ok")
    sqs, sns = boto3.client("sqs"), boto3.client("sns")
    queue = sqs.create_queue(QueueName="root-activity-notifier-sign-ins-and-changes")["QueueUrl"]
    pager = sqs.create_queue(QueueName="pager")["QueueUrl"]
    topic = sns.create_topic(Name="on-call")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:123456789012:pager")
    for name, value in {
        "SLACK_WEBHOOK_URL": httpserver.url_for("/hook"),
        "SLACK_SESSION_TABLE": TABLE,
        "NOTIFIER_FOLLOW_UP_QUEUE_URL": queue,
        "NOTIFIER_ESCALATION_TOPIC_ARN": topic,
    }.items():
        monkeypatch.setenv(name, value)

    def pages():
        got = sqs.receive_message(QueueUrl=pager, MaxNumberOfMessages=10).get("Messages", [])
        for message in got:
            sqs.delete_message(QueueUrl=pager, ReceiptHandle=message["ReceiptHandle"])
        return [json.loads(message["Body"]) for message in got]

    return queue, pages


def posted(httpserver):
    return [json.loads(request.data) for request, _ in httpserver.log]


def expect(*arguments):
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["expect", *arguments], stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def queued(queue):
    sqs = boto3.client("sqs")
    got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    for message in got:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(message["Body"]) for message in got]


def test_a_window_declared_with_expect_is_announced_then_labels_what_follows_and_pages_no_one(notifier, httpserver):
    queue, pages = notifier
    code, out, err = expect("--account", ACCOUNT, "--minutes", "60", "--reason", "closing the account, OPS-123")
    assert code == 0, err
    assert "applies once the notifier has announced it" in out
    (announce,) = queued(queue)
    assert announce == {"root_activity_notifier": "announce", "account": ACCOUNT}
    assert httpserver.log == []  # not announced yet: it does not apply
    assert lambda_handler(sqs_batch([announce]), LambdaContext(30)) == {"batchItemFailures": []}
    (announcement,) = posted(httpserver)
    assert announcement["blocks"][0]["text"]["text"] == f":memo: Expected root use declared for account {ACCOUNT}"
    assert "closing the account, OPS-123" in announcement["blocks"][1]["text"]["text"]
    assert "Declared by arn:aws:sts::123456789012:user/moto." in announcement["blocks"][1]["text"]["text"]

    later = datetime.now(timezone.utc) + timedelta(seconds=5)
    assert lambda_handler(sqs_batch([at("root-console-sign-in-without-mfa.json", later)]), LambdaContext(30))
    message = posted(httpserver)[-1]
    texts = [block.get("text", {}).get("text", "") for block in message["blocks"]]
    assert ":memo: Expected: closing the account, OPS-123 (declared by arn:aws:sts::123456789012:user/moto)" in texts
    assert pages() == []  # declared: no automatic page


def test_a_window_written_straight_into_the_table_is_announced_before_it_applies(notifier, httpserver, dynamodb):
    _, pages = notifier
    now = datetime.now(timezone.utc)
    window = {
        "starts": now.timestamp() - 60,
        "ends": now.timestamp() + 3600,
        "reason": "quiet change",
        "declared_by": "someone",
    }
    dynamodb.put_item(
        TableName=TABLE,
        Item={"pk": {"S": f"windows#{ACCOUNT}"}, "windows": {"M": {"w1": {"S": json.dumps(window)}}}},
    )
    # The first root activity finds the window unannounced: this activity, from before the
    # announcement, is not labelled (and pages); the channel hears of the window right after it.
    lambda_handler(
        sqs_batch([at("root-console-sign-in-without-mfa.json", now - timedelta(seconds=1))]), LambdaContext(30)
    )
    first, announcement = posted(httpserver)  # the activity first (its page never waits for Slack), then the window
    assert announcement["blocks"][0]["text"]["text"].startswith(":memo: Expected root use declared")
    assert not any("Expected: quiet change" in json.dumps(block) for block in first["blocks"])
    assert len(pages()) == 1
    later = datetime.now(timezone.utc) + timedelta(seconds=5)
    lambda_handler(sqs_batch([at("root-create-access-key.json", later)]), LambdaContext(30))
    labelled = posted(httpserver)[-1]
    assert any("Expected: quiet change (declared by someone)" in json.dumps(block) for block in labelled["blocks"])
    assert len(posted(httpserver)) == 3  # announced once
    assert pages() == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--account", "12345", "--minutes", "60", "--reason", "OPS-1"], "is not a 12-digit account ID"),
        (["--account", ACCOUNT, "--minutes", "600", "--reason", "OPS-1"], "is not from 1 to 240"),
        (["--account", ACCOUNT, "--minutes", "60", "--reason", " "], "--reason must say why"),
    ],
)
def test_expect_refuses_a_window_it_would_not_honour(notifier, arguments, message):
    code, _, err = expect(*arguments)
    assert code == 2 and message in err


def declare_directly(dynamodb, reason="quiet change"):
    now = datetime.now(timezone.utc).timestamp()
    window = {"starts": now - 60, "ends": now + 3600, "reason": reason, "declared_by": "someone"}
    dynamodb.put_item(
        TableName=TABLE, Item={"pk": {"S": f"windows#{ACCOUNT}"}, "windows": {"M": {"w1": {"S": json.dumps(window)}}}}
    )


def test_a_change_to_the_notifier_in_a_window_is_never_expected_and_still_pages(notifier, httpserver, dynamodb):
    _, pages = notifier
    declare_directly(dynamodb)
    lambda_handler(sqs_batch([{"root_activity_notifier": "announce", "account": ACCOUNT}]), LambdaContext(30))
    change = at("root-api-call-from-console.json", datetime.now(timezone.utc) + timedelta(seconds=5))
    change["detail"].update(
        eventName="DeleteRule",
        eventSource="events.amazonaws.com",
        readOnly=False,
        userIdentity={"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/admin/someone"},
    )
    tamper = {"tamper_rule": "root-activity-notifier-tamper-rules", "event": change}
    lambda_handler(sqs_batch([tamper]), LambdaContext(30))
    assert len(posted(httpserver)) == 2 and "DeleteRule" in posted(httpserver)[1]["text"]
    (page,) = pages()
    assert json.loads(page["Message"])["kind"] == "notifier_changed"
    assert not any("Expected: quiet change" in json.dumps(message) for message in posted(httpserver)[1:])


def test_a_window_slack_did_not_take_is_not_announced_and_does_not_apply(
    session_table, httpserver, monkeypatch, dynamodb
):
    httpserver.expect_request("/hook").respond_with_data("no_service", status=404)
    monkeypatch.setenv("SLACK_WEBHOOK_URL", httpserver.url_for("/hook"))
    monkeypatch.setenv("SLACK_SESSION_TABLE", TABLE)
    declare_directly(dynamodb)
    lambda_handler(sqs_batch([{"root_activity_notifier": "announce", "account": ACCOUNT}]), LambdaContext(30))
    item = dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": f"windows#{ACCOUNT}"}})["Item"]
    assert "w1" not in item.get("announced", {}).get("M", {})  # not announced: it does not apply


def test_a_summary_of_activity_a_window_covers_says_so():
    from root_activity_notifier.core.classify import classify
    from root_activity_notifier.core.events import parse_input
    from root_activity_notifier.core.sessions import Occurrence, PlannedMessage
    from root_activity_notifier.core.windows import Window
    from root_activity_notifier.render.event import RenderOptions
    from root_activity_notifier.render.planned import render_planned

    window = Window(
        "w1", ACCOUNT, 0.0, 3600.0, "support plan change <OPS-9>", "arn:aws:iam::111122223333:user/ana", 1.0
    )
    (record,) = parse_input(load_sample("root-read-only-call.json"))
    occurrences = tuple(
        Occurrence(record._replace(event_id=f"e{n}"), classify(record)._replace(declared=window), (f"m{n}",))
        for n in range(4)
    )
    payload = render_planned(PlannedMessage("reads", (ACCOUNT, "key:AKIA"), occurrences), RenderOptions())
    assert payload["blocks"][1]["text"]["text"] == (
        ":memo: Expected: support plan change &lt;OPS-9&gt; (declared by arn:aws:iam::111122223333:user/ana)"
    )
    plain = render_planned(
        PlannedMessage(
            "reads",
            (ACCOUNT, "key:AKIA"),
            tuple(each._replace(classification=classify(record)) for each in occurrences),
        ),
        RenderOptions(),
    )
    assert "Expected:" not in json.dumps(plain)


def covered_session(reads: int) -> list[dict]:
    """A console session (harness.console_session: the sign-in, reads, one CreateAccessKey) moved to
    now, inside a window declared now."""
    from harness.console_session import console_session

    events = console_session(reads=reads, changes=0, account_id=ACCOUNT, prefix="covered")
    start = datetime.now(timezone.utc) + timedelta(seconds=5)
    for number, event in enumerate(events):
        event["detail"]["eventTime"] = (start + timedelta(seconds=number)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return events


def test_a_webhook_sessions_digest_carries_the_expected_line(notifier, httpserver, dynamodb, monkeypatch):
    from harness.state import deliver_follow_up, recording_follow_ups

    _, pages = notifier
    sent = recording_follow_ups(monkeypatch, "root-activity-notifier-sign-ins-and-changes")
    declare_directly(dynamodb, reason="closing the account, OPS-7")
    lambda_handler(sqs_batch([{"root_activity_notifier": "announce", "account": ACCOUNT}]), LambdaContext(30))
    events = covered_session(reads=4)
    assert lambda_handler(sqs_batch(events[:2]), LambdaContext(30)) == {"batchItemFailures": []}  # it opens
    assert lambda_handler(sqs_batch(events[2:5]), LambdaContext(30)) == {"batchItemFailures": []}  # held
    assert len(sent) == 1  # the held calls wait for their digest: SQS hands its follow-up over later
    assert deliver_follow_up(*sent) == {"batchItemFailures": []}
    digest = posted(httpserver)[-1]
    assert "3 more calls" in digest["text"]
    lines = digest["blocks"][1]["text"]["text"]
    assert ":memo: Expected: closing the account, OPS-7 (declared by someone)" in lines
    assert pages() == []


def test_a_threads_parent_carries_the_expected_line(session_table, dynamodb, slack_api_standin, monkeypatch):
    from harness.fields import fields_of
    from slack_api_standin import BOT_TOKEN

    for name, value in {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_CHANNEL_ID": "C0DEFAULT01",
        "SLACK_API_URL": slack_api_standin.url,
        "SLACK_SESSION_TABLE": TABLE,
    }.items():
        monkeypatch.setenv(name, value)
    declare_directly(dynamodb, reason="closing the account, OPS-7")
    lambda_handler(sqs_batch([{"root_activity_notifier": "announce", "account": ACCOUNT}]), LambdaContext(30))
    events = covered_session(reads=2)
    assert lambda_handler(sqs_batch(events), LambdaContext(30)) == {"batchItemFailures": []}
    _announcement, parent = slack_api_standin.parents()
    assert fields_of(parent)["Calls"] == str(len(events))
    assert ":memo: Expected: closing the account, OPS-7 (declared by someone)" in parent["blocks"][1]["text"]["text"]
    # a session no window covers says nothing of the kind
    outside = covered_session(reads=1)
    for event in outside:
        event["detail"]["recipientAccountId"] = event["account"] = "444455556666"
        event["detail"]["eventID"] += "-outside"
    assert lambda_handler(sqs_batch(outside), LambdaContext(30)) == {"batchItemFailures": []}
    *_, other = slack_api_standin.parents()
    assert fields_of(other)["Calls"] == str(len(outside)) and "Expected:" not in json.dumps(other["blocks"])


def test_expect_makes_exactly_the_calls_its_documented_permissions_allow(notifier, monkeypatch):
    import re

    from conftest import REPO

    monkeypatch.setattr(boto3, "DEFAULT_SESSION", boto3.session.Session())  # the CLI's clients come from it
    called = set()

    def record(model, **_):
        called.add(f"{model.service_model.signing_name}:{model.name}")

    boto3.DEFAULT_SESSION.events.register("before-call", record)
    code, _, err = expect("--account", ACCOUNT, "--minutes", "30", "--reason", "support plan change, OPS-9")
    assert code == 0, err
    page = (REPO / "docs" / "command-line.md").read_text()
    (bullet,) = [each.split("\n\n")[0] for each in page.split("\n- ") if each.startswith("Your credentials need")]
    assert called == set(re.findall(r"`([a-z0-9]+:[A-Za-z]+)`", bullet))


def test_a_parent_leaves_out_a_declared_window_it_cannot_read():
    from datetime import datetime, timezone

    from root_activity_notifier.render.event import RenderOptions
    from root_activity_notifier.render.parent import render_parent

    totals = {"calls": 1, "worst": 0.0, "declared_windows": {"not json", '["a", "b", "c"]', '["OPS-9 <x>", "ana"]'}}
    payload = render_parent(totals, ACCOUNT, "key:AKIA", RenderOptions(), updated=datetime.now(timezone.utc))
    lines = payload["blocks"][1]["text"]["text"]
    assert lines.count(":memo:") == 1 and ":memo: Expected: OPS-9 &lt;x&gt; (declared by ana)" in lines
