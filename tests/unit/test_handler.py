from __future__ import annotations

import json
import subprocess
import sys

import boto3
import pytest
from moto import mock_aws
from werkzeug import Response

from conftest import REPO
from harness.invoke import LambdaContext
from harness.samples import load_sample
from root_activity_notifier.core.events import InputError
from root_activity_notifier.delivery.pipeline import NotificationFailed
from root_activity_notifier.handler import lambda_handler


def log_lines(captured):
    return [json.loads(line) for line in captured.err.splitlines() if line.startswith("{")]


@pytest.fixture
def slack(httpserver, monkeypatch):
    monkeypatch.setenv("SLACK_WEBHOOK_URL", httpserver.url_for("/services/T000/B000/SECRET"))
    return httpserver


def test_root_sign_in_reaches_slack(slack, capsys):
    slack.expect_request("/services/T000/B000/SECRET", method="POST").respond_with_data("ok")
    result = lambda_handler(load_sample("root-console-sign-in-without-mfa.json"), LambdaContext(10))
    assert result == {"delivered": 1, "summarized": 0, "ignored": 0, "refused": 0}
    ((request, _),) = slack.log
    assert "without MFA" in json.loads(request.data)["text"]
    sent, event, batch = log_lines(capsys.readouterr())
    assert event["outcome"] == "delivered" and event["severity"] == "critical" and event["slack_message"] == "event"
    assert event["event_id"] == "deb1e1f9-c99b-4612-8e9f-21f93b5d79c0"
    assert event["account"] == "111122223333" and event["event_name"] == "ConsoleLogin"
    assert sent["message"] == "Slack message sent" and sent["attempts"] == 1 and isinstance(sent["duration_ms"], float)
    assert batch["message"] == "batch done" and (batch["messages"], batch["delivered"]) == (1, 1)


def test_non_root_event_is_ignored_with_one_log_line_and_no_post(slack, capsys):
    assert lambda_handler(load_sample("iam-user-named-root-api-call.json"), LambdaContext(10)) == {
        "delivered": 0,
        "summarized": 0,
        "ignored": 1,
        "refused": 0,
    }
    assert slack.log == []
    (line,) = log_lines(capsys.readouterr())
    assert line["outcome"] == "ignored" and line["identity_type"] == "IAMUser"


def test_one_failure_among_several_is_raised_after_the_others_are_delivered(slack, capsys):
    def answer(request):
        if b"a4fbbe77" in request.data:  # the failed sign-in record
            return Response("invalid_payload", status=400)
        return Response("ok")

    slack.expect_request("/services/T000/B000/SECRET").respond_with_handler(answer)
    with pytest.raises(NotificationFailed, match="1 of 2 root activity messages were not delivered") as failure:
        lambda_handler(load_sample("cloudtrail-log-file.json"), LambdaContext(10))
    assert "a4fbbe77-91a0-4238-804a-64314184edb6: HTTP 400 invalid_payload" in str(failure.value)
    assert len(slack.log) == 2
    outcomes = [line["outcome"] for line in log_lines(capsys.readouterr()) if "event_id" in line]
    # most severe first: the sign-in without MFA (critical) before the failed sign-in (warning)
    assert outcomes == ["ignored", "delivered", "failed"]


def test_the_webhook_url_never_appears_in_logs_or_errors(slack, capsys):
    slack.expect_request("/services/T000/B000/SECRET").respond_with_data("no_service", status=404)
    with pytest.raises(NotificationFailed) as failure:
        lambda_handler(load_sample("root-create-access-key.json"), LambdaContext(10))
    captured = capsys.readouterr()
    assert "SECRET" not in str(failure.value) and "SECRET" not in captured.err + captured.out


def test_unreadable_input_raises_so_the_event_is_kept(slack, capsys):
    with pytest.raises(InputError):
        lambda_handler(["not", "an", "event"], LambdaContext(10))
    (line,) = log_lines(capsys.readouterr())
    assert line["level"] == "ERROR" and "expected a JSON object" in line["message"]


def test_missing_configuration_raises_naming_the_variable(monkeypatch):
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    with pytest.raises(ValueError, match="SLACK_WEBHOOK_SSM_PARAMETER"):
        lambda_handler(load_sample("root-console-sign-in-without-mfa.json"), LambdaContext(10))


def test_destination_record_replays_the_original_event(slack):
    slack.expect_request("/services/T000/B000/SECRET").respond_with_data("ok")
    assert lambda_handler(load_sample("lambda-destination-record.json"), LambdaContext(10))["delivered"] == 1


def test_webhook_from_ssm_with_settings_from_the_environment(httpserver, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("SLACK_WEBHOOK_SSM_PARAMETER", "/root-activity-notifier/slack-webhook-url")
    monkeypatch.setenv("NOTIFIER_LANGUAGE", "ja")
    monkeypatch.setenv("NOTIFIER_TIME_ZONE", "Asia/Tokyo")
    monkeypatch.setenv("NOTIFIER_MENTION", "here")
    httpserver.expect_request("/hook").respond_with_data("ok")
    with mock_aws():
        boto3.client("ssm").put_parameter(
            Name="/root-activity-notifier/slack-webhook-url", Value=httpserver.url_for("/hook"), Type="SecureString"
        )
        lambda_handler(load_sample("root-console-sign-in-without-mfa.json"), LambdaContext(10))
        lambda_handler(load_sample("iam-user-console-sign-in.json"), LambdaContext(10))
    ((request, _),) = httpserver.log
    text = json.loads(request.data)["text"]
    assert text.startswith("<!here> :rotating_light: AWSルートユーザーログイン検知（MFA未使用）")
    assert "2018-08-30 01:24:34 JST" in text


def test_importing_the_handler_loads_none_of_what_only_some_paths_need():
    """boto3 (only where AWS is called), typing and dataclasses (annotations are guarded), the settings
    reference (the docs' table): none is paid for by the cold start of every invocation."""
    unwanted = ["boto3", "botocore", "typing", "dataclasses", "root_activity_notifier.config.reference"]
    code = f"import sys, root_activity_notifier.handler; print([name for name in {unwanted!r} if name in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(REPO / 'lambda')!r}); {code}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_a_time_zone_typo_still_alerts_in_utc_and_logs_a_warning(slack, monkeypatch, capsys):
    monkeypatch.setenv("NOTIFIER_TIME_ZONE", "Asia/Tokio")
    slack.expect_request("/services/T000/B000/SECRET").respond_with_data("ok")
    assert lambda_handler(load_sample("root-console-sign-in-without-mfa.json"), LambdaContext(10))["delivered"] == 1
    ((request, _),) = slack.log
    assert "2018-08-29 16:24:34 UTC" in json.loads(request.data)["text"]
    (warning,) = [line for line in log_lines(capsys.readouterr()) if line["level"] == "WARNING"]
    assert "'Asia/Tokio' (NOTIFIER_TIME_ZONE) could not be loaded" in warning["message"]


def test_an_unreadable_webhook_still_tries_and_logs_every_record(monkeypatch, capsys):
    monkeypatch.setenv("SLACK_WEBHOOK_SSM_PARAMETER", "/root-activity-notifier/missing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws(), pytest.raises(NotificationFailed, match="2 of 2 root activity messages were not delivered"):
        lambda_handler(load_sample("cloudtrail-log-file.json"), LambdaContext(10))  # 1 IAM user, 2 root
    outcomes = [line["outcome"] for line in log_lines(capsys.readouterr()) if "event_id" in line]
    assert outcomes == ["ignored", "failed", "failed"]


# Slack app mode's own modules: the Web API and the threaded delivery. (A session's grouping and
# totals, threads and parent, serve the webhook's digests too.)
SLACK_APP_MODULES = {"root_activity_notifier.slack.web_api", "root_activity_notifier.delivery.threaded"}

_WEBHOOK_INVOCATION = """
import json, sys
sys.path[:0] = [{lambda_dir!r}, {scripts_dir!r}]
import boto3
from moto import mock_aws
from harness.invoke import LambdaContext
from harness.samples import load_sample
from harness.state import create_session_table
with mock_aws():
    create_session_table(boto3.client("dynamodb", region_name="us-east-1"))
    from root_activity_notifier.handler import lambda_handler
    answer = lambda_handler(load_sample("root-console-sign-in-without-mfa.json"), LambdaContext(10))
loaded = sorted(name for name in sys.modules if name.startswith("root_activity_notifier"))
print(json.dumps({{"answer": answer, "loaded": loaded}}))
"""


def test_a_webhook_invocation_with_the_session_table_loads_no_slack_app_mode_module(httpserver):
    """Every invocation is a cold start: a webhook deployment (the session table is there in both modes)
    must not pay for importing Slack app mode."""
    httpserver.expect_request("/hook").respond_with_data("ok")
    environment = {
        "PATH": "/usr/bin:/bin",
        "SLACK_WEBHOOK_URL": httpserver.url_for("/hook"),
        "SLACK_SESSION_TABLE": "root-activity-notifier-sessions",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    code = _WEBHOOK_INVOCATION.format(lambda_dir=str(REPO / "lambda"), scripts_dir=str(REPO / "scripts"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["answer"]["delivered"] == 1 and len(httpserver.log) == 1
    loaded = set(seen["loaded"])
    assert "root_activity_notifier.state.store" in loaded  # the table was used: the test ran the deployed path
    assert not loaded & SLACK_APP_MODULES, sorted(loaded & SLACK_APP_MODULES)
    # nor, without an on-call topic, for paging; nor the interactivity endpoint's
    assert not loaded & {"root_activity_notifier.delivery.escalation", "root_activity_notifier.render.page"}
    endpoint = {"root_activity_notifier.interactions", "root_activity_notifier.delivery.answers"}
    assert not loaded & {*endpoint, "root_activity_notifier.slack.signing"}
