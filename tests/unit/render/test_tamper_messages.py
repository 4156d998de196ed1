"""Changes to the notifier's own resources, as the handler reads, classifies and renders them."""

from __future__ import annotations

import json

import pytest

from conftest import assert_valid_slack_message
from harness.console_session import sqs_batch
from harness.invoke import LambdaContext
from harness.tamper_calls import EXAMPLE_NAMES as NAMES
from harness.tamper_calls import recorded, watched_calls
from root_activity_notifier.config.settings import load_render_options
from root_activity_notifier.core.classify import Activity, classify, is_announced
from root_activity_notifier.core.events import parse_input
from root_activity_notifier.handler import lambda_handler
from root_activity_notifier.render.event import render_message
from root_activity_notifier.shared.severity import Severity
from slack_sink import SlackSink

DEPLOYER = "arn:aws:iam::111122223333:role/ci-deployer"


def marked(event: dict, rule: str = "root-activity-notifier-tamper-delivery") -> dict:
    """What a tamper rule's input transformer puts on the queue."""
    return {"tamper_rule": rule, "event": event}


def call(event_name: str, **keywords) -> dict:
    (chosen,) = [each for each in watched_calls(NAMES) if each.event == event_name]
    return recorded(chosen, region=NAMES["region"], account=NAMES["account"], event_id=f"t-{event_name}", **keywords)


def options(**environment):
    return load_render_options({"NOTIFIER_MENTION": "here", **environment})


def test_every_watched_call_marked_by_a_tamper_rule_is_a_critical_change_to_the_notifier():
    for each in watched_calls(NAMES):
        event = recorded(each, region=NAMES["region"], account=NAMES["account"], event_id=f"t-{each.event}")
        (record,) = parse_input(marked(event))
        assert record.tamper_rule == "root-activity-notifier-tamper-delivery" and not record.is_root
        assert is_announced(record, announce_assume_root=False), each.name
        classification = classify(record)
        assert (classification.activity, classification.severity) == (Activity.NOTIFIER_CHANGED, Severity.CRITICAL)
        # Only a call that takes no parameters names no resource (its message names the account).
        assert bool(record.resource) == bool(each.parameters), f"{each.name}: the resource it names"


def test_the_same_call_without_the_mark_is_not_announced():
    """What no tamper rule delivered (a direct invocation, the command line) is an IAM user's call."""
    (record,) = parse_input(call("DeleteRule"))
    assert not is_announced(record, announce_assume_root=True)


def test_a_read_only_call_is_never_a_tamper_alert():
    event = call("PutRule")
    event["detail"]["readOnly"] = True
    (record,) = parse_input(marked(event))
    assert not is_announced(record, announce_assume_root=False)
    assert classify(record).activity is not Activity.NOTIFIER_CHANGED


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_alert_says_what_which_resource_by_whom_and_from_where(language):
    (record,) = parse_input(marked(call("PutFunctionConcurrency20171031")))
    payload = render_message(record, classify(record), options(NOTIFIER_LANGUAGE=language))
    assert_valid_slack_message(payload)
    header = payload["blocks"][0]["text"]["text"]
    assert (
        header
        == {
            "en": ":rotating_light: The root activity notifier is being changed: PutFunctionConcurrency20171031",
            "ja": ":rotating_light: ルートアクティビティ通知の設定変更検知: PutFunctionConcurrency20171031",
        }[language]
    )
    seen = json.dumps(payload, ensure_ascii=False)
    assert "`root-activity-notifier`" in seen  # the resource
    assert "arn:aws:iam::111122223333:user/Carlos" in payload["blocks"][1]["text"]["text"]  # by whom
    assert "203.0.113.2" in seen  # from where
    assert payload["text"].startswith("<!here> :rotating_light:")


def test_leaving_the_organization_names_the_account_that_left():
    (record,) = parse_input(marked(call("LeaveOrganization"), "root-activity-notifier-tamper-access"))
    payload = render_message(record, classify(record), options(NOTIFIER_ACCOUNT_LABELS='{"111122223333": "dev"}'))
    fields = [field["text"] for block in payload["blocks"] for field in block.get("fields", [])]
    (resource,) = [field for field in fields if field.startswith("*Resource*")]
    assert resource == "*Resource*\n111122223333 (dev)"


def test_a_denied_attempt_is_announced_and_marked_denied():
    (record,) = parse_input(marked(call("DeleteTrail", error_code="AccessDenied")))
    classification = classify(record)
    assert classification.severity is Severity.CRITICAL and classification.denied
    payload = render_message(record, classification, options())
    assert payload["blocks"][0]["text"]["text"].endswith("(denied)")
    assert "AWS denied this call" in json.dumps(payload)


def test_an_expected_deployer_is_labelled_low_and_not_mentioned():
    environment = {"NOTIFIER_EXPECTED_PRINCIPALS": json.dumps({DEPLOYER: "deployer role"})}
    (record,) = parse_input(marked(call("UpdateFunctionCode20150331v2", principal_arn=DEPLOYER)))
    assert record.session_issuer_arn == DEPLOYER
    classification = classify(record, options(**environment).expected_principals)
    assert (classification.severity, classification.expected_as) == (Severity.LOW, "deployer role")
    payload = render_message(record, classification, options(**environment))
    assert "expected: deployer role" in payload["blocks"][1]["text"]["text"]
    assert "<!here>" not in json.dumps(payload)
    # another role is not expected
    (other,) = parse_input(marked(call("UpdateFunctionCode20150331v2", principal_arn=DEPLOYER + "-2")))
    assert classify(other, options(**environment).expected_principals).severity is Severity.CRITICAL


def test_a_batch_of_a_deployers_apply_is_one_summary_about_the_notifier(monkeypatch):
    environment = {"NOTIFIER_EXPECTED_PRINCIPALS": json.dumps({DEPLOYER: "deployer role"})}
    events = []
    for number, each in enumerate(watched_calls(NAMES)[:8]):
        event = recorded(
            each, region=NAMES["region"], account=NAMES["account"], event_id=f"d{number}", principal_arn=DEPLOYER
        )
        events.append(marked(event))
    with SlackSink() as sink:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", sink.url)
        for variable, value in environment.items():
            monkeypatch.setenv(variable, value)
        assert lambda_handler(sqs_batch(events), LambdaContext(10)) == {"batchItemFailures": []}
    (summary,) = sink.messages
    assert summary["blocks"][0]["text"]["text"].endswith("Changes to the root activity notifier: 8 calls")


def test_a_root_call_delivered_by_both_a_root_rule_and_a_tamper_rule_is_one_tamper_alert(monkeypatch):
    event = call("DeleteRule")
    root = {"type": "Root", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333"}
    event["detail"]["userIdentity"] = root
    with SlackSink() as sink:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", sink.url)
        assert lambda_handler(sqs_batch([event, marked(event)]), LambdaContext(10)) == {"batchItemFailures": []}
    (message,) = sink.messages
    assert "The root activity notifier is being changed: DeleteRule" in message["text"]


def test_the_log_line_of_a_tamper_alert_names_the_rule_that_matched(monkeypatch, capsys):
    with SlackSink() as sink:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", sink.url)
        assert lambda_handler(sqs_batch([marked(call("PurgeQueue"))]), LambdaContext(10)) == {"batchItemFailures": []}
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    (event_line,) = [line for line in lines if line.get("event_id") == "t-PurgeQueue"]
    assert (
        event_line["tamper_rule"] == "root-activity-notifier-tamper-delivery" and event_line["outcome"] == "delivered"
    )
    assert event_line["severity"] == "critical"
