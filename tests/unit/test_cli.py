from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from conftest import REPO, assert_valid_slack_message
from harness.console_session import console_session
from harness.samples import EVENTS, load_sample
from root_activity_notifier.cli import CONFIRM_ABOVE, main
from slack_sink import SlackSink


def run(*argv, stdin_text=None):
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(stdin_text or ""), stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_render_prints_one_payload_per_root_record():
    code, out, err = run("render", str(EVENTS / "cloudtrail-log-file.json"))
    assert code == 0
    payloads = [json.loads(line) for line in out.splitlines()]
    assert len(payloads) == 2
    for payload in payloads:
        assert_valid_slack_message(payload)
    assert "ignored" in err


def test_render_in_japanese_from_stdin():
    text = (EVENTS / "root-console-sign-in-failure.json").read_text()
    code, out, _ = run("render", "-", "--language", "ja", "--time-zone", "Asia/Tokyo", stdin_text=text)
    assert code == 0 and "AWSルートユーザーログイン失敗" in out and "JST" in out


def test_not_root_exits_3_with_nothing_on_stdout():
    code, out, err = run("render", str(EVENTS / "iam-user-console-sign-in.json"))
    assert (code, out) == (3, "")
    assert "no root activity" in err


@pytest.mark.parametrize(
    ("argv", "stdin_text", "message"),
    [
        (["render", "-"], "{broken", "not valid JSON"),
        (["render", "-"], "[1, 2]", "expected a JSON object"),
        (["render", "/no/such/file.json"], None, "cannot read '/no/such/file.json'"),
        (["render", "-", "--mention", "everybody!"], "{}", "NOTIFIER_MENTION='everybody!'"),
    ],
)
def test_unreadable_input_or_bad_settings_exit_2_without_traceback(argv, stdin_text, message):
    code, out, err = run(*argv, stdin_text=stdin_text)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_send_delivers(httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    code, _, err = run("send", str(EVENTS / "root-read-only-call.json"), "--webhook-url", httpserver.url_for("/hook"))
    assert code == 0, err
    assert len(httpserver.log) == 1


def test_send_uses_slack_webhook_url(httpserver, monkeypatch):
    monkeypatch.setenv("SLACK_WEBHOOK_URL", httpserver.url_for("/hook"))
    httpserver.expect_request("/hook").respond_with_data("ok")
    assert run("send", str(EVENTS / "root-read-only-call.json"))[0] == 0


def test_send_failure_exits_1_with_slacks_reason_and_no_url(httpserver):
    httpserver.expect_request("/services/T/B/SECRET").respond_with_data("channel_is_archived", status=410)
    url = httpserver.url_for("/services/T/B/SECRET")
    code, out, err = run("send", str(EVENTS / "root-read-only-call.json"), "--webhook-url", url)
    assert code == 1
    assert "channel_is_archived" in err
    assert "SECRET" not in err + out


def test_send_without_webhook_exits_2_naming_the_options():
    code, _, err = run("send", str(EVENTS / "root-read-only-call.json"))
    assert code == 2
    assert "SLACK_WEBHOOK_URL" in err and "SLACK_WEBHOOK_SSM_PARAMETER" in err and "--webhook-url" in err


def test_a_bad_webhook_url_flag_is_reported_as_the_flag(monkeypatch):
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/fine")
    code, _, err = run("send", str(EVENTS / "root-read-only-call.json"), "--webhook-url", "http://example.com/hook")
    assert code == 2 and "--webhook-url must hold an https:// Slack webhook URL" in err
    assert "SLACK_WEBHOOK_URL" not in err


def test_send_not_root_exits_3_and_posts_nothing(httpserver):
    code, _, _ = run("send", str(EVENTS / "iam-user-console-sign-in.json"), "--webhook-url", httpserver.url_for("/x"))
    assert code == 3 and httpserver.log == []


def test_module_entry_point_as_documented():
    result = subprocess.run(
        [sys.executable, "-m", "root_activity_notifier", "render", str(EVENTS / "root-api-call-from-console.json")],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": "lambda"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["blocks"][0]["type"] == "header"


def test_console_script_after_pip_install():
    script = shutil.which("root-activity-notifier", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("not installed with pip install -e . (make test installs it)")
    result = subprocess.run([script, "render", "-"], input="{}", capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "not an EventBridge event" in result.stderr


def test_a_time_zone_typo_renders_in_utc_with_a_warning():
    code, out, err = run("render", str(EVENTS / "root-read-only-call.json"), "--time-zone", "Asia/Tokio")
    assert code == 0
    payload = json.loads(out)
    assert "UTC" in payload["text"] and "Asia/Tokio could not be loaded" in json.dumps(payload)
    assert "warning: time zone 'Asia/Tokio' could not be loaded" in err


def test_flags_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("NOTIFIER_LANGUAGE", "ja")
    monkeypatch.setenv("NOTIFIER_ACCOUNT_LABEL", "from-environment")
    code, out, _ = run("render", str(EVENTS / "root-read-only-call.json"), "--account-label", "from-flag")
    payload = json.loads(out)
    assert code == 0 and "from-flag" in payload["text"] and "from-environment" not in out
    assert "読み取り" in payload["blocks"][0]["text"]["text"], "the environment still sets what no flag sets"


def test_webhook_url_flag_wins_over_a_configured_parameter(httpserver, monkeypatch):
    monkeypatch.setenv("SLACK_WEBHOOK_SSM_PARAMETER", "/notifier/webhook")
    httpserver.expect_request("/hook").respond_with_data("ok")
    code, _, err = run("send", str(EVENTS / "root-read-only-call.json"), "--webhook-url", httpserver.url_for("/hook"))
    assert code == 0, err
    assert len(httpserver.log) == 1


def test_send_with_a_parameter_and_no_region_exits_2_saying_what_to_set(monkeypatch):
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("SLACK_WEBHOOK_SSM_PARAMETER", "/notifier/webhook")
    code, out, err = run("send", str(EVENTS / "root-read-only-call.json"))
    assert code == 2 and out == ""
    assert "no AWS region is configured; set AWS_REGION" in err and "Traceback" not in err


def test_send_replays_what_the_dead_letter_queue_holds(httpserver, tmp_path):
    """`aws sqs receive-message` output, as a user would save it, one message per event."""
    body = (EVENTS / "root-create-access-key.json").read_text()
    received = tmp_path / "received.json"
    received.write_text(json.dumps({"Messages": [{"MessageId": "m1", "ReceiptHandle": "h", "Body": body}]}))
    httpserver.expect_request("/hook").respond_with_data("ok")
    code, _, err = run("send", str(received), "--webhook-url", httpserver.url_for("/hook"))
    assert code == 0, err
    ((request, _),) = httpserver.log
    assert "CreateAccessKey" in request.get_data(as_text=True)


def session_file(tmp_path, sessions, calls_each=1):
    """A CloudTrail log file of ``sessions`` root sessions (distinct access keys) of ``calls_each`` calls."""
    records = []
    for number in range(sessions):
        for event in console_session(
            reads=calls_each, changes=0, prefix=f"cli{number:04d}", access_key_id=f"ASIA{number:016d}"
        )[1:-1]:
            records.append(event["detail"])
    path = tmp_path / "records.json"
    path.write_text(json.dumps({"Records": records}))
    return path


@pytest.fixture
def sink(monkeypatch):
    with SlackSink() as running:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", running.url)
        yield running


def test_send_takes_the_batch_path_grouped_by_session(sink, tmp_path):
    code, _, err = run("send", str(session_file(tmp_path, sessions=2, calls_each=500)))
    assert code == 0, err
    assert len(sink.messages) == 2 and all("Root user session: 500 calls" in m["text"] for m in sink.messages)
    assert "2 Slack message(s): 0 event(s) with a message of their own, 1000 summarized" in err


def test_send_asks_before_posting_more_than_the_threshold(sink, tmp_path):
    path = session_file(tmp_path, sessions=CONFIRM_ABOVE + 5)
    code, _, err = run("send", str(path), "--timeout", "60", stdin_text="n\n")
    assert code == 1 and sink.messages == []
    assert f"post {CONFIRM_ABOVE + 5} Slack messages, one a second" in err and "nothing sent" in err


def test_send_posts_once_told_yes_paced_and_most_severe_first(sink, tmp_path):
    path = session_file(tmp_path, sessions=CONFIRM_ABOVE + 1)
    records = json.loads(path.read_text())["Records"]
    records.append(load_sample("root-console-sign-in-without-mfa.json")["detail"])
    path.write_text(json.dumps({"Records": records}))
    started = time.monotonic()
    code, _, err = run("send", str(path), "--timeout", "60", stdin_text="y\n")
    assert code == 0, err
    assert len(sink.messages) == CONFIRM_ABOVE + 2 and "without MFA" in sink.messages[0]["text"]
    assert time.monotonic() - started >= CONFIRM_ABOVE + 1 - 0.5, "one message a second"


def test_send_from_standard_input_needs_yes_to_post_many(sink, tmp_path):
    text = session_file(tmp_path, sessions=CONFIRM_ABOVE + 1).read_text()
    code, _, err = run("send", "-", "--timeout", "60", stdin_text=text)
    assert code == 2 and sink.messages == [] and "pass --yes" in err


def test_what_does_not_fit_in_the_timeout_is_folded(sink, tmp_path):
    code, _, err = run("send", str(session_file(tmp_path, sessions=40)), "--yes", "--timeout", "6")
    assert code == 0, err
    assert len(sink.messages) == 5 and "36 more root sessions" in sink.messages[-1]["text"]


def test_send_reads_the_parameter_in_aws_region_alone(httpserver, monkeypatch):
    for variable in ("AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("SLACK_WEBHOOK_SSM_PARAMETER", "/notifier/webhook")
    httpserver.expect_request("/hook").respond_with_data("ok")
    with mock_aws():
        boto3.client("ssm", region_name="eu-west-1").put_parameter(
            Name="/notifier/webhook", Value=httpserver.url_for("/hook"), Type="SecureString"
        )
        code, _, err = run("send", str(EVENTS / "root-read-only-call.json"))
    assert code == 0, err
    assert len(httpserver.log) == 1


def test_a_forged_envelope_is_refused_by_render_and_send(sink):
    forged = load_sample("root-console-sign-in-without-mfa.json")
    forged["source"] = "my.app"
    for command in ("render", "send"):
        code, out, err = run(command, "-", stdin_text=json.dumps(forged))
        assert (code, out) == (3, ""), err
        assert "1 record(s) refused" in err
    assert sink.messages == []
