"""Slack app mode (a bot token and the Web API), unthreaded: settings, Slack's answers, routing, the CLI.

Against scripts/slack_api_standin.py on loopback, which validates blocks with slack_sdk's models.
"""

from __future__ import annotations

import io
import json

import boto3
import pytest
from moto import mock_aws

from harness.console_session import console_session, sqs_batch
from harness.invoke import LambdaContext
from harness.samples import load_sample
from root_activity_notifier.cli import main
from root_activity_notifier.config.settings import ConfigurationError, SlackAppTarget, load_settings
from root_activity_notifier.handler import lambda_handler
from root_activity_notifier.shared.deadline import Deadline
from root_activity_notifier.slack import web_api as slack_api
from root_activity_notifier.slack.destination import SlackAppDestination, open_destination
from root_activity_notifier.slack.http import ACCEPT, FAIL, RETRY, DeliveryError, RetryPolicy
from slack_api_standin import BOT_TOKEN

CHANNEL, TEAM_CHANNEL = "C0DEFAULT01", "C0TEAMPAY01"
FAST = RetryPolicy(attempt_timeout=2, base_delay=0.01, max_delay=0.05, safety_margin=0.2)


def app_environment(stand_in, **extra):
    return {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_CHANNEL_ID": CHANNEL, "SLACK_API_URL": stand_in.url, **extra}


def destination_for(stand_in, **extra) -> SlackAppDestination:
    destination = open_destination(load_settings(app_environment(stand_in, **extra)))
    destination.prepare()
    return destination


def payload(text="Root user signed in"):
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def log_lines(captured):
    return [json.loads(line) for line in captured.err.splitlines() if line.startswith("{")]


# Settings.


def test_a_bot_token_and_a_channel_make_slack_app_mode():
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN_SSM_PARAMETER": "/root-activity/slack-bot-token",
            "SLACK_CHANNEL_ID": " C0DEFAULT01 ",
            "SLACK_CHANNEL_ROUTES": json.dumps({"222222222222": TEAM_CHANNEL}),
        }
    )
    assert isinstance(settings.slack, SlackAppTarget)
    assert settings.slack.token.parameter_name == "/root-activity/slack-bot-token"
    assert settings.slack.channel == CHANNEL
    assert settings.slack.routes == {"222222222222": TEAM_CHANNEL}
    assert settings.slack.api_url == "https://slack.com/api"


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_CHANNEL_ID is not set: a Slack app needs the ID"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_CHANNEL_ID": "#security"}, "SLACK_CHANNEL_ID='#security' is not a"),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_CHANNEL_ID": CHANNEL, "SLACK_CHANNEL_ROUTES": '{"12345": "C0X"}'},
            "SLACK_CHANNEL_ROUTES must be a JSON object of 12-digit account IDs",
        ),
        (
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_CHANNEL_ID": CHANNEL,
                "SLACK_CHANNEL_ROUTES": '{"111122223333": "x"}',
            },
            "SLACK_CHANNEL_ROUTES['111122223333']='x' is not a Slack channel ID",
        ),
        (
            {"SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/X", "SLACK_CHANNEL_ID": CHANNEL},
            "SLACK_CHANNEL_ID is set, but a webhook posts only to its own channel",
        ),
        (
            {"SLACK_WEBHOOK_SSM_PARAMETER": "/w", "SLACK_BOT_TOKEN_SSM_PARAMETER": "/t", "SLACK_CHANNEL_ID": CHANNEL},
            "both SLACK_WEBHOOK_SSM_PARAMETER and SLACK_BOT_TOKEN_SSM_PARAMETER are set: set only one",
        ),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_CHANNEL_ID": CHANNEL, "SLACK_API_URL": "http://192.0.2.1/api"},
            "SLACK_API_URL must hold an https:// Slack Web API URL (http:// only on loopback)",
        ),
    ],
)
def test_wrong_slack_app_settings_name_the_variable(environment, message):
    with pytest.raises(ConfigurationError) as failure:
        load_settings(environment)
    assert message in str(failure.value)


def test_a_wrong_token_is_described_never_quoted():
    secret = "xoxp-1234567890-user-token-that-must-not-leak"
    with pytest.raises(ConfigurationError) as failure:
        load_settings({"SLACK_BOT_TOKEN": secret, "SLACK_CHANNEL_ID": CHANNEL})
    assert "SLACK_BOT_TOKEN must hold a Slack bot token (xoxb-" in str(failure.value)
    assert "'xoxp-'" in str(failure.value) and secret not in str(failure.value)


# Slack's answers.


@pytest.mark.parametrize(
    ("answer", "outcome", "code"),
    [
        ({"ok": True, "ts": "1.2"}, ACCEPT, ""),
        ({"ok": False, "error": "internal_error"}, RETRY, "internal_error"),
        ({"ok": False, "error": "not_in_channel"}, FAIL, "not_in_channel"),
        ({"ok": False, "error": "a_new_error"}, FAIL, "a_new_error"),
        ({"ok": False}, FAIL, "unknown_error"),
    ],
)
def test_each_answer_is_accepted_retried_or_failed(answer, outcome, code):
    verdict = slack_api.judge_answer("chat.postMessage", json.dumps(answer))
    assert (verdict.outcome, verdict.code) == (outcome, code)


def test_an_answer_that_is_not_json_is_retried():
    assert slack_api.judge_answer("chat.update", "<html>").outcome == RETRY


def test_a_post_lands_with_its_ts_and_a_reply_in_its_thread(slack_api_standin):
    destination = destination_for(slack_api_standin)
    parent = destination.post(payload(), Deadline.after(10), account="111122223333")
    assert parent.channel == CHANNEL and parent.ts and parent.attempts == 1
    reply = destination.post(payload("CreateAccessKey"), Deadline.after(10), thread=parent, broadcast=True)
    assert reply.channel == CHANNEL and reply.ts != parent.ts
    (posted_parent,) = slack_api_standin.parents()
    (posted_reply,) = slack_api_standin.replies(posted_parent)
    assert posted_parent["ts"] == parent.ts and posted_parent["text"] == "Root user signed in"
    assert posted_reply["thread_ts"] == parent.ts and posted_reply["reply_broadcast"] is True
    assert len(slack_api_standin.channel_level()) == 2  # the broadcast reply shows in the channel too


def test_a_quiet_reply_stays_in_its_thread(slack_api_standin):
    destination = destination_for(slack_api_standin, SLACK_CHANNEL_ROUTES=json.dumps({"222222222222": TEAM_CHANNEL}))
    parent = destination.post(payload(), Deadline.after(10), account="222222222222")
    destination.post(payload("read-only calls"), Deadline.after(10), thread=parent)
    assert parent.channel == TEAM_CHANNEL
    assert [each["channel"] for each in slack_api_standin.channel_level()] == [TEAM_CHANNEL]


def test_an_update_edits_in_place_and_a_deleted_parent_says_so(slack_api_standin):
    destination = destination_for(slack_api_standin)
    parent = destination.post(payload("3 calls"), Deadline.after(10))
    destination.update(parent, payload("5 calls"), Deadline.after(10))
    (message,) = slack_api_standin.parents()
    assert message["text"] == "5 calls" and [edit["text"] for edit in message["edits"]] == ["3 calls"]

    slack_api_standin.delete(parent.channel, parent.ts)
    with pytest.raises(DeliveryError) as failure:
        destination.update(parent, payload("6 calls"), Deadline.after(10))
    assert failure.value.code == "message_not_found" and slack_api.is_message_gone(failure.value)


def test_a_ratelimited_post_waits_out_retry_after(slack_api_standin):
    destination = destination_for(slack_api_standin)
    first = destination.post(payload("one"), Deadline.after(10))
    second = destination.post(payload("two"), Deadline.after(10))  # the same channel within a second: 429
    assert first.attempts == 1 and second.attempts == 2
    assert slack_api_standin.rate_limited == 1
    assert [each["text"] for each in slack_api_standin.parents()] == ["one", "two"]


def test_a_ratelimited_post_that_cannot_wait_fails_with_the_reason(slack_api_standin):
    slack_api_standin.fail_next("chat.postMessage", "ratelimited")
    destination = destination_for(slack_api_standin)
    with pytest.raises(DeliveryError) as failure:
        destination.post(payload(), Deadline.after(1.6))  # 0.6 s beyond the safety margin
    assert "Retry-After 1 s is longer than the time left" in failure.value.reason


@pytest.mark.parametrize(
    ("error", "hint"),
    [
        ("token_revoked", "reinstall the app and put its new token in the token parameter"),
        ("not_in_channel", "invite the app to the channel"),
        ("channel_not_found", "check slack_channel_id and slack_channel_routes"),
        ("is_archived", "unarchive it"),
        ("invalid_blocks", "report it as a bug"),
    ],
)
def test_a_permanent_error_fails_at_once_with_what_to_do(slack_api_standin, error, hint):
    slack_api_standin.fail_next("chat.postMessage", error)
    destination = destination_for(slack_api_standin)
    with pytest.raises(DeliveryError) as failure:
        slack_api.call(
            destination._target.api_url,
            "chat.postMessage",
            BOT_TOKEN,
            {"channel": CHANNEL},
            Deadline.after(5),
            policy=FAST,
        )
    assert failure.value.attempts == 1 and failure.value.code == error
    assert hint in failure.value.reason and BOT_TOKEN not in str(failure.value)


def test_a_transient_error_is_retried(slack_api_standin):
    slack_api_standin.fail_next("chat.postMessage", "internal_error")
    result = slack_api.call(
        slack_api_standin.url, "chat.postMessage", BOT_TOKEN, {"channel": CHANNEL, **payload()}, Deadline.after(5),
        policy=FAST,
    )  # fmt: skip
    assert result.attempts == 2 and result.answer["ok"] is True


def test_the_stand_in_refuses_what_slack_refuses(slack_api_standin):
    deadline = Deadline.after(5)
    refused = {}
    for name, token, arguments in [
        ("no token", "", {"channel": CHANNEL, **payload()}),
        ("unknown token", "xoxb-0000000000-someone-else", {"channel": CHANNEL, **payload()}),
        ("bad blocks", BOT_TOKEN, {"channel": CHANNEL, "text": "x", "blocks": [{"type": "section", "text": {}}]}),
    ]:
        with pytest.raises(DeliveryError) as failure:
            slack_api.call(slack_api_standin.url, "chat.postMessage", token, arguments, deadline, policy=FAST)
        refused[name] = failure.value.code
    assert refused == {
        "no token": "not_authed",
        "unknown token": "invalid_auth",
        "bad blocks": "invalid_blocks",
    }
    # A reply to a thread that is not there lands at the channel's top level, as Slack does.
    answer = slack_api.call(
        slack_api_standin.url,
        "chat.postMessage",
        BOT_TOKEN,
        {"channel": CHANNEL, "thread_ts": "1.000001", **payload()},
        deadline,
    ).answer
    assert "thread_ts" not in answer["message"] and slack_api_standin.orphaned == 1


# Through the handler.


def test_a_console_session_posts_to_the_channel_with_valid_blocks(slack_api_standin, monkeypatch, capsys):
    for name, value in app_environment(slack_api_standin).items():
        monkeypatch.setenv(name, value)
    batch = sqs_batch(console_session(reads=12, changes=1))
    assert lambda_handler(batch, LambdaContext(30)) == {"batchItemFailures": []}
    texts = [each["text"] for each in slack_api_standin.parents(CHANNEL)]
    assert len(texts) == len(slack_api_standin.messages) >= 3  # unthreaded: every message is a parent
    assert any("signed in" in text.lower() for text in texts) and any("CreateAccessKey" in text for text in texts)
    captured = capsys.readouterr()
    assert BOT_TOKEN not in captured.err + captured.out
    sends = [line for line in log_lines(captured) if line.get("channel")]
    assert sends and {line["channel"] for line in sends} == {CHANNEL}


def test_each_account_goes_to_its_channel_and_assume_root_to_its_target(slack_api_standin, monkeypatch):
    routes = {"222222222222": TEAM_CHANNEL}
    environment = app_environment(
        slack_api_standin, SLACK_CHANNEL_ROUTES=json.dumps(routes), NOTIFIER_ANNOUNCE_ASSUME_ROOT="true"
    )
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    member = console_session(reads=0, changes=0, account_id="222222222222", prefix="member")
    other = console_session(reads=0, changes=0, account_id="333344445555", prefix="other")
    assume_root = load_sample("assumed-role-assume-root-call.json")  # 111111111111 takes root of 222222222222
    batch = sqs_batch([member[0], other[0], assume_root])
    assert lambda_handler(batch, LambdaContext(30)) == {"batchItemFailures": []}
    by_channel = {}
    for message in slack_api_standin.messages:
        by_channel.setdefault(message["channel"], []).append(message["text"])
    assert len(by_channel[TEAM_CHANNEL]) == 2, by_channel  # the member's sign-in and the AssumeRoot call
    assert any("Centralized root access taken to account 222222222222" in text for text in by_channel[TEAM_CHANNEL])
    assert len(by_channel[CHANNEL]) == 1 and "333344445555" in by_channel[CHANNEL][0]


def test_a_revoked_token_fails_every_root_record_with_what_to_do(slack_api_standin, monkeypatch, capsys):
    for name, value in app_environment(slack_api_standin).items():
        monkeypatch.setenv(name, value)
    slack_api_standin.revoke()
    batch = sqs_batch(console_session(reads=3, changes=0))
    result = lambda_handler(batch, LambdaContext(30))
    assert {item["itemIdentifier"] for item in result["batchItemFailures"]} == {
        record["messageId"] for record in batch["Records"]
    }
    assert slack_api_standin.messages == []
    captured = capsys.readouterr()
    errors = [line for line in log_lines(captured) if "error" in line]
    assert len(errors) == 6 and all("token_revoked" in line["error"] for line in errors)  # 3 messages, 3 events
    assert "reinstall the app and put its new token in the token parameter" in errors[0]["error"]
    assert slack_api_standin.calls == [("chat.postMessage", "token_revoked")]  # no use asking again
    assert BOT_TOKEN not in captured.err


# The CLI.


def run(*arguments):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(arguments), stdout=out, stderr=err, stdin=io.StringIO())
    return code, out.getvalue(), err.getvalue()


SAMPLE = "examples/events/root-console-sign-in-without-mfa.json"


def test_send_as_a_slack_app_reads_the_token_from_the_environment(slack_api_standin, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", slack_api_standin.url)
    code, out, err = run("send", SAMPLE, "--channel", TEAM_CHANNEL)
    assert code == 0, err
    assert [each["channel"] for each in slack_api_standin.messages] == [TEAM_CHANNEL]
    assert BOT_TOKEN not in out + err


@mock_aws
def test_send_with_the_token_in_ssm(slack_api_standin, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    boto3.client("ssm", region_name="ap-northeast-1").put_parameter(
        Name="/root-activity/slack-bot-token", Value=BOT_TOKEN, Type="SecureString"
    )
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/replaced-by-the-flag")
    monkeypatch.setenv("SLACK_API_URL", slack_api_standin.url)
    code, _, err = run(
        "send", SAMPLE, "--bot-token-ssm-parameter", "/root-activity/slack-bot-token", "--channel", CHANNEL
    )
    assert code == 0, err
    assert len(slack_api_standin.messages) == 1 and slack_api_standin.messages[0]["channel"] == CHANNEL


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--channel", "general"), "--channel='general' is not a Slack channel ID"),
        (("--bot-token-ssm-parameter", "has spaces", "--channel", CHANNEL), "--bot-token-ssm-parameter='has spaces'"),
        (
            ("--bot-token-ssm-parameter", "/t", "--webhook-url", "https://hooks.slack.com/services/T/B/X"),
            "--webhook-url and --bot-token-ssm-parameter are both given",
        ),
        (("--bot-token-ssm-parameter", "/t"), "SLACK_CHANNEL_ID is not set"),
    ],
)
def test_send_names_the_flag_that_is_wrong(monkeypatch, arguments, message):
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    code, _, err = run("send", SAMPLE, *arguments)
    assert code == 2 and message in err, err
