"""Escalation to on-call: critical root activity is published to an SNS topic once per root session
and kind, before Slack is tried, so a Slack that is down still pages, exactly once.

SNS, SQS and DynamoDB are moto's; the topic's subscriber is an SQS queue, read back as a paging
tool would receive the notification. Events are AWS's documented samples (examples/events).
"""

from __future__ import annotations

import json

import boto3
import pytest

from harness.console_session import sqs_batch
from harness.invoke import LambdaContext
from harness.samples import load_sample
from root_activity_notifier.config.settings import ConfigurationError, load_settings
from root_activity_notifier.core.classify import Activity, classify
from root_activity_notifier.core.escalation import pages_of
from root_activity_notifier.core.events import parse_input
from root_activity_notifier.core.sessions import Occurrence
from root_activity_notifier.handler import lambda_handler
from root_activity_notifier.render.event import RenderOptions
from root_activity_notifier.render.page import SUBJECT_LIMIT, render_page

SIGN_IN_WITHOUT_MFA = "root-console-sign-in-without-mfa.json"
NEW_ACCESS_KEY = "root-create-access-key.json"


def occurrence(sample, expected_principals=None, **changes):
    (record,) = parse_input(load_sample(sample))
    record = record._replace(**changes)
    return Occurrence(record, classify(record, expected_principals), ("message-1",))


def test_critical_activity_pages_once_per_session_and_kind_and_nothing_else_pages():
    sign_in = occurrence(SIGN_IN_WITHOUT_MFA)
    key = occurrence(NEW_ACCESS_KEY)
    again = occurrence(NEW_ACCESS_KEY, event_id="another-event")
    calm = [
        occurrence("root-console-sign-in-with-mfa.json"),
        occurrence("root-console-sign-in-failure.json"),
        occurrence("root-read-only-call.json"),
        occurrence("root-api-call-from-console.json"),
    ]
    pages = pages_of([*calm, sign_in, key, again])
    assert [(page.activity, len(page.occurrences)) for page in pages] == [
        (Activity.SIGN_IN_WITHOUT_MFA, 1),
        (Activity.CREDENTIALS_CHANGED, 2),
    ]
    assert pages[0].key == "page#111122223333#ip:192.0.2.0#sign_in_without_mfa"
    assert pages[1].occurrences == (key, again)


def test_a_change_to_the_notifier_pages_unless_an_expected_principal_made_it():
    deployer = "arn:aws:iam::111122223333:role/ci-deployer"
    change = {
        "tamper_rule": "root-activity-notifier-tamper",
        "event_name": "DeleteRule",
        "identity_type": "AssumedRole",
        "principal_arn": deployer,
        "read_only": False,
    }
    (page,) = pages_of([occurrence("root-api-call-from-console.json", **change)])
    assert page.activity is Activity.NOTIFIER_CHANGED
    expected = occurrence("root-api-call-from-console.json", {deployer: "deployer"}, **change)
    assert pages_of([expected]) == []


def test_the_page_has_a_short_ascii_subject_a_json_body_and_attributes_to_filter_on():
    (page,) = pages_of([occurrence(SIGN_IN_WITHOUT_MFA)])
    options = RenderOptions(language="ja", account_labels={"111122223333": "本番 production"})
    published = render_page(page, options)
    assert (
        published["Subject"] == "[critical] Root user signed in to the console without MFA in 111122223333 (production)"
    )
    body = json.loads(published["Message"])
    assert body["severity"] == "critical" and body["kind"] == "sign_in_without_mfa"
    assert body["account"] == {"id": "111122223333", "label": "本番 production"}
    assert body["session"] == "ip:192.0.2.0" and body["event_count"] == 1
    (event,) = body["events"]
    assert event["event_id"] == "deb1e1f9-c99b-4612-8e9f-21f93b5d79c0" and event["mfa_used"] is False
    assert event["event_time"] == "2018-08-29T16:24:34+00:00" and event["source_ip"] == "192.0.2.0"
    assert body["slack_message"] is None  # it goes before Slack is tried
    assert body["cloudtrail"].endswith(
        "/cloudtrailv2/home?region=us-east-1#/events/deb1e1f9-c99b-4612-8e9f-21f93b5d79c0"
    )
    attributes = {name: value["StringValue"] for name, value in published["MessageAttributes"].items()}
    assert attributes == {
        "source": "root-activity-notifier",
        "severity": "critical",
        "kind": "sign_in_without_mfa",
        "account": "111122223333",
    }


def test_a_long_subject_is_cut_under_sns_limit_and_a_label_with_no_ascii_is_left_out():
    (page,) = pages_of([occurrence(NEW_ACCESS_KEY)])
    subject = render_page(page, RenderOptions(account_label="x" * 200))["Subject"]
    assert len(subject) == SUBJECT_LIMIT and subject.endswith("...") and subject.isascii()
    subject = render_page(page, RenderOptions(account_label="本番"))["Subject"]
    assert subject == "[critical] Root user credentials changed: CreateAccessKey in 111122223333"


@pytest.mark.parametrize(
    "value",
    ["sns-topic", "arn:aws:sns:us-east-1:1234:oncall", "arn:aws:sns:us-east-1:111122223333:oncall.fifo"],
)
def test_a_topic_that_is_not_a_standard_sns_topic_arn_is_refused_naming_the_variable(value):
    with pytest.raises(ConfigurationError, match=rf"NOTIFIER_ESCALATION_TOPIC_ARN='{value}' is not an SNS topic"):
        load_settings(
            {"SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/S", "NOTIFIER_ESCALATION_TOPIC_ARN": value}
        )


@pytest.fixture
def on_call(session_table, monkeypatch):
    """An on-call topic in moto with a queue subscribed; returns a function that reads what it got."""
    sns, sqs = boto3.client("sns", region_name="us-east-1"), boto3.client("sqs", region_name="us-east-1")
    topic = sns.create_topic(Name="on-call")["TopicArn"]
    queue = sqs.create_queue(QueueName="pager")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    monkeypatch.setenv("NOTIFIER_ESCALATION_TOPIC_ARN", topic)
    monkeypatch.setenv("SLACK_SESSION_TABLE", "root-activity-notifier-sessions")

    def pages():
        received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        for message in received:
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        return [json.loads(message["Body"]) for message in received]

    return pages


def log_lines(captured):
    return [json.loads(line) for line in captured.err.splitlines() if line.startswith("{")]


def test_with_slack_failing_a_sign_in_without_mfa_still_pages_exactly_once(on_call, httpserver, monkeypatch, capsys):
    httpserver.expect_request("/hook").respond_with_data("no_service", status=404)  # a webhook removed
    monkeypatch.setenv("SLACK_WEBHOOK_URL", httpserver.url_for("/hook"))
    batch = sqs_batch([load_sample(SIGN_IN_WITHOUT_MFA)])
    for _ in range(3):  # SQS delivers the failed message again, twice
        result = lambda_handler(batch, LambdaContext(60))
        assert result == {"batchItemFailures": [{"itemIdentifier": "message-0000"}]}
    (page,) = on_call()
    assert page["Subject"] == "[critical] Root user signed in to the console without MFA in 111122223333"
    assert json.loads(page["Message"])["events"][0]["event_id"] == "deb1e1f9-c99b-4612-8e9f-21f93b5d79c0"
    assert page["MessageAttributes"]["severity"] == {"Type": "String", "Value": "critical"}
    outcomes = [line.get("outcome") for line in log_lines(capsys.readouterr()) if "page" in line]
    assert outcomes == ["paged", "already_paged", "already_paged"]
    assert len(httpserver.log) >= 3  # Slack was tried every time


def test_a_page_sns_refuses_fails_the_message_so_it_is_paged_when_delivered_again(
    on_call, httpserver, monkeypatch, capsys
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    monkeypatch.setenv("SLACK_WEBHOOK_URL", httpserver.url_for("/hook"))
    monkeypatch.setenv("NOTIFIER_ESCALATION_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:deleted-topic")
    batch = sqs_batch([load_sample(NEW_ACCESS_KEY)])
    assert lambda_handler(batch, LambdaContext(60)) == {"batchItemFailures": [{"itemIdentifier": "message-0000"}]}
    (failed,) = [line for line in log_lines(capsys.readouterr()) if line.get("outcome") == "failed" and "page" in line]
    assert failed["message"] == "on-call NOT paged" and "SNS Publish failed" in failed["error"]
    assert on_call() == []
    assert len(httpserver.log) == 1  # Slack heard it once

    monkeypatch.setenv("NOTIFIER_ESCALATION_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:on-call")
    assert lambda_handler(batch, LambdaContext(60)) == {"batchItemFailures": []}
    (page,) = on_call()
    assert json.loads(page["Message"])["kind"] == "credentials_changed"
    assert len(httpserver.log) == 1  # the message Slack already had is not posted again


def test_a_check_the_session_table_cannot_answer_is_kept_for_redelivery_and_pages_no_one():
    from harness.invoke import LambdaContext as Context
    from root_activity_notifier.delivery.escalation import Escalation
    from root_activity_notifier.shared.deadline import Deadline
    from root_activity_notifier.state.store import StoreUnavailable

    class Throttled:
        def read(self, pk):
            raise StoreUnavailable(f"throttled reading {pk}")

    published = []

    class Sns:
        def publish(self, **arguments):
            published.append(arguments)
            return {"MessageId": "m"}

    escalation = Escalation(
        "arn:aws:sns:us-east-1:123456789012:on-call",
        RenderOptions(interactive=True),
        Deadline.from_lambda_context(Context(30)),
        store=Throttled(),
        client_factory=Sns,
    )
    reason = escalation.check("thread#111122223333#ip:192.0.2.0", "sign_in_without_mfa")
    assert reason == "the session table could not be read: throttled reading thread#111122223333#ip:192.0.2.0"
    assert published == []
