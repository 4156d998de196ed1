"""The interactivity endpoint (root_activity_notifier.interactions) as the security boundary it is,
and the answers it takes.

Every request must be Slack's: signed with the app's signing secret over the raw body, within five
minutes, never seen before, a form of at most 64 KB, carrying one of the notifier's own actions.
Anything else is HTTP 401 with nothing changed, one log line, and the alarm's metric. The answers
run against moto's DynamoDB and SNS and the Slack Web API stand-in (views.open, chat.postEphemeral).
Slack's signing example is from https://docs.slack.dev/authentication/verifying-requests-from-slack.
"""

from __future__ import annotations

import json
import time

import boto3
import pytest

from harness.console_session import sqs_batch
from harness.interactions import button_click, reason_submission, signed_request
from harness.invoke import LambdaContext
from harness.samples import load_sample
from harness.state import TABLE
from root_activity_notifier import interactions
from root_activity_notifier.delivery.pacing import Pacer
from root_activity_notifier.delivery.stateful import PACE_SECONDS, container_pacers
from root_activity_notifier.handler import lambda_handler
from root_activity_notifier.slack.signing import MAX_BODY_BYTES, Refused, signature, verified_body
from slack_api_standin import (
    BOT_TOKEN,
    WORKSPACE_URL,
    SlackApiStandIn,
    validate_view_with_slack_sdk,
    validate_with_slack_sdk,
)

SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # Slack's documented example, not a real secret
SLACK_TIMESTAMP = "1531420618"
SLACK_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
SLACK_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
CHANNEL, RESPONDER, STRANGER = "C0SECURITY1", "U0RESPOND1", "U0STRANGE1"
SESSION = "thread#111122223333#ip:192.0.2.0"  # the sign-in sample's root session


def request(body: str | bytes, *, timestamp: str, secret: str = SLACK_SECRET, base64_body=True, **headers):
    return signed_request(body, secret, timestamp=timestamp, base64_body=base64_body, **headers)


def test_slacks_documented_example_verifies():
    assert signature(SLACK_SECRET, SLACK_TIMESTAMP, SLACK_BODY.encode()) == SLACK_SIGNATURE
    event = {
        "headers": {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": SLACK_TIMESTAMP,
            "X-Slack-Signature": SLACK_SIGNATURE,
        },
        "body": SLACK_BODY,
        "isBase64Encoded": False,
    }
    assert verified_body(event, SLACK_SECRET, now=int(SLACK_TIMESTAMP) + 60) == SLACK_BODY.encode()
    with pytest.raises(Refused, match="does not match"):
        verified_body(event, SLACK_SECRET[:-1] + "6", now=int(SLACK_TIMESTAMP) + 60)


def button(action: str, *, user: str = RESPONDER, value: str = SESSION) -> str:
    return button_click(action, value, user, CHANNEL)


def reason_submitted(reason: str, *, user: str = RESPONDER, key: str = SESSION) -> str:
    return reason_submission(reason, key, user)


@pytest.fixture
def slack():
    with SlackApiStandIn(
        posts_per_second=None,
        updates_per_minute=None,
        validate_blocks=validate_with_slack_sdk,
        validate_view=validate_view_with_slack_sdk,
    ) as stand_in:
        yield stand_in


@pytest.fixture
def deployed(session_table, slack, monkeypatch):
    """Slack app mode with interactivity and paging, a root sign-in without MFA already in the channel:
    returns a function that reads what the on-call topic's subscriber got."""
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    topic = sns.create_topic(Name="on-call")["TopicArn"]
    queue = sqs.create_queue(QueueName="pager")["QueueUrl"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:123456789012:pager")
    for name, value in {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_CHANNEL_ID": CHANNEL,
        "SLACK_API_URL": slack.url,
        "SLACK_SESSION_TABLE": TABLE,
        "SLACK_INTERACTIVITY": "true",
        "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_RESPONDER_USER_IDS": RESPONDER,
        "NOTIFIER_ESCALATION_TOPIC_ARN": topic,
    }.items():
        monkeypatch.setenv(name, value)
    for what in PACE_SECONDS:
        monkeypatch.setitem(PACE_SECONDS, what, 0.0)
    for name in (CHANNEL, "chat.update"):
        container_pacers()[name] = Pacer(0.0)
    assert lambda_handler(sqs_batch([load_sample("root-console-sign-in-without-mfa.json")]), LambdaContext(30)) == {
        "batchItemFailures": []
    }

    def pages():
        received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        for message in received:
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        return [json.loads(message["Body"]) for message in received]

    pages()  # the sign-in's own page (delivery/escalation.py)
    return pages


def invoke(event):
    return interactions.lambda_handler(event, LambdaContext(20))  # the endpoint's timeout (interactions.tf)


def now() -> str:
    return str(int(time.time()))


def table_items(dynamodb):
    return sorted(
        json.dumps(item, sort_keys=True)
        for item in dynamodb.scan(TableName=TABLE)["Items"]
        if not item["pk"]["S"].startswith("request#")
    )


def parent_texts(slack):
    (parent,) = slack.parents()
    return [block.get("text", {}).get("text", "") for block in parent["blocks"]]


def refused_lines(capsys):
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("outcome") == "refused"]


def test_a_critical_parent_asks_whether_it_was_expected(deployed, slack):
    (parent,) = slack.parents()
    (actions,) = [block for block in parent["blocks"] if block["type"] == "actions"]
    assert [(each["action_id"], each["value"]) for each in actions["elements"]] == [
        ("root_activity_notifier.expected", SESSION),
        ("root_activity_notifier.not_expected", SESSION),
    ]


def tamper(event, change):
    changed = json.loads(json.dumps(event))
    change(changed)
    return changed


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda: request(button("root_activity_notifier.expected"), timestamp=now(), secret="x" * 32),
            id="wrong signature",
        ),
        pytest.param(
            lambda: request(button("root_activity_notifier.expected"), timestamp=str(int(time.time()) - 301)),
            id="stale timestamp",
        ),
        pytest.param(
            lambda: tamper(
                request(button("root_activity_notifier.expected"), timestamp=now(), base64_body=False),
                lambda event: event.update(body=event["body"].replace("U0RESPOND1", "U0RESPOND2")),
            ),
            id="body changed by one byte",
        ),
        pytest.param(
            lambda: request(button("root_activity_notifier.expected"), timestamp=now(), x_slack_signature=None),
            id="missing signature",
        ),
        pytest.param(
            lambda: request(
                button("root_activity_notifier.expected"), timestamp=now(), content_type="application/json"
            ),
            id="not Slack's content type",
        ),
        pytest.param(
            lambda: request(button("root_activity_notifier.delete_everything"), timestamp=now()), id="unknown action"
        ),
        pytest.param(
            lambda: request(button("root_activity_notifier.expected", value="thread#1#ip:x"), timestamp=now()),
            id="no such session key",
        ),
        pytest.param(lambda: request("payload=" + "x" * MAX_BODY_BYTES, timestamp=now()), id="oversized body"),
    ],
)
def test_what_is_not_slacks_or_not_ours_is_refused_with_401_and_nothing_changes(
    deployed, slack, dynamodb, capsys, make
):
    before, calls = table_items(dynamodb), len(slack.calls)
    capsys.readouterr()
    assert invoke(make())["statusCode"] == 401
    assert table_items(dynamodb) == before and len(slack.calls) == calls and slack.views == [] and deployed() == []
    (line,) = refused_lines(capsys)
    assert line["message"] == "interaction refused" and line["reason"] and line["source_ip"] == "192.0.2.44"


def test_a_replayed_request_is_refused(deployed, slack, capsys):
    event = request(button("root_activity_notifier.expected"), timestamp=now())
    assert invoke(event)["statusCode"] == 200 and len(slack.views) == 1
    capsys.readouterr()
    assert invoke(event)["statusCode"] == 401
    assert len(slack.views) == 1
    (line,) = refused_lines(capsys)
    assert line["reason"] == "a request seen already (a replay)"


def test_expected_from_a_responder_asks_why_then_records_the_answer_on_the_parent(deployed, slack, dynamodb, capsys):
    assert invoke(request(button("root_activity_notifier.expected"), timestamp=now()))["statusCode"] == 200
    ((opened),) = slack.views
    assert opened["view"]["private_metadata"] == SESSION
    assert (
        invoke(request(reason_submitted("closing the account, ticket OPS-123"), timestamp=now()))["statusCode"] == 200
    )
    texts = parent_texts(slack)
    assert any(
        text.startswith(":white_check_mark: Expected — <@U0RESPOND1>, <!date^")
        and text.endswith(": closing the account, ticket OPS-123")
        for text in texts
    ), texts
    (parent,) = slack.parents()
    assert not [block for block in parent["blocks"] if block["type"] == "actions"]  # answered: no buttons
    item = dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": SESSION}})["Item"]
    answer = json.loads(item["answer"]["S"])
    assert (answer["kind"], answer["user"], answer["reason"], answer["kinds"]) == (
        "expected",
        RESPONDER,
        "closing the account, ticket OPS-123",
        ["ConsoleLogin"],
    )
    (line,) = [json.loads(each) for each in capsys.readouterr().err.splitlines() if '"root activity answered"' in each]
    assert (line["answer"], line["user"], line["reason"], line["session"]) == (
        "expected",
        RESPONDER,
        "closing the account, ticket OPS-123",
        "ip:192.0.2.0",
    )
    assert deployed() == []  # an expected answer pages no one


def test_a_reason_too_short_is_asked_again_and_nothing_is_kept(deployed, slack, dynamodb):
    before = table_items(dynamodb)
    answer = invoke(request(reason_submitted(" x "), timestamp=now()))
    assert answer["statusCode"] == 200 and json.loads(answer["body"])["response_action"] == "errors"
    assert table_items(dynamodb) == before


def test_someone_not_allowed_is_told_privately_and_nothing_changes(deployed, slack, dynamodb):
    before, edits = table_items(dynamodb), len(slack.parents()[0]["edits"])
    for event in (
        request(button("root_activity_notifier.expected", user=STRANGER), timestamp=now()),
        request(button("root_activity_notifier.not_expected", user=STRANGER), timestamp=now()),
    ):
        assert invoke(event)["statusCode"] == 200
    assert [(each["user"], each["channel"]) for each in slack.ephemeral] == [(STRANGER, CHANNEL)] * 2
    assert "may not answer" in slack.ephemeral[0]["text"]
    submitted = invoke(request(reason_submitted("it was me", user=STRANGER), timestamp=now()))
    assert json.loads(submitted["body"])["response_action"] == "errors"
    assert slack.views == [] and table_items(dynamodb) == before and deployed() == []
    assert len(slack.parents()[0]["edits"]) == edits


def test_not_expected_pages_on_call_once_and_the_parent_says_who_escalated(deployed, slack):
    base = int(time.time())
    for second in (0, 1):  # a second click (a request of its own: another timestamp) pages no one again
        clicked = request(button("root_activity_notifier.not_expected"), timestamp=str(base - second))
        assert invoke(clicked)["statusCode"] == 200
    (page,) = deployed()
    assert page["Subject"] == "[critical] Root activity answered not expected by Slack user U0RESPOND1 in 111122223333"
    body = json.loads(page["Message"])
    assert (body["kind"], body["session"], body["answered_by"], body["critical_kinds"]) == (
        "not_expected",
        "ip:192.0.2.0",
        RESPONDER,
        ["ConsoleLogin"],
    )
    (parent,) = slack.parents()
    assert (
        body["slack_message"]
        == f"https://local-workspace.slack.com/archives/{CHANNEL}/p{parent['ts'].replace('.', '')}"
    )
    assert any(text.startswith(":sos: Escalated by <@U0RESPOND1>") for text in parent_texts(slack))


def test_a_new_critical_kind_after_the_answer_asks_again_and_without_interactivity_nothing_asks():
    from root_activity_notifier.render.event import RenderOptions
    from root_activity_notifier.render.parent import answer_blocks

    answered = {"kind": "expected", "user": RESPONDER, "at": 1.0, "reason": "OPS-7", "kinds": ["ConsoleLogin"]}
    critical = {"worst": 0.0, "critical_kinds": frozenset({"ConsoleLogin"})}
    later = {"worst": 0.0, "critical_kinds": frozenset({"ConsoleLogin", "CreateAccessKey"})}
    interactive = RenderOptions(interactive=True)

    def asked(blocks):
        return [block for block in blocks if block["type"] == "actions"]

    assert asked(answer_blocks(critical, interactive, None, SESSION))
    assert not asked(answer_blocks(critical, interactive, answered, SESSION))
    again = answer_blocks(later, interactive, answered, SESSION)
    assert asked(again) and again[1]["text"]["text"].startswith(
        "New critical activity since the answer: CreateAccessKey."
    )
    assert not asked(answer_blocks(critical, RenderOptions(), None, SESSION))  # interactivity off
    assert not asked(
        answer_blocks({"worst": 1.0, "critical_kinds": frozenset()}, interactive, None, SESSION)
    )  # not critical


# -- a critical session waits for an answer before on-call is paged (NOTIFIER_ESCALATION_AFTER_MINUTES)


@pytest.fixture
def waiting(deployed, monkeypatch):
    """As ``deployed``, with the follow-up queue: a new critical session's page waits for an answer.
    Returns (what the topic got, what the function scheduled on its queue)."""
    from harness.state import recording_follow_ups

    scheduled = recording_follow_ups(monkeypatch)
    return deployed, scheduled


def deliver(events):
    return lambda_handler(sqs_batch(events), LambdaContext(30))


def checks_in(scheduled):
    return [json.loads(each["MessageBody"]) for each in scheduled if '"unanswered"' in each["MessageBody"]]


def test_a_critical_session_nobody_answers_pages_once_when_its_check_comes_back(waiting, slack, capsys):
    pages, scheduled = waiting
    key_event = load_sample("root-create-access-key.json")
    assert deliver([key_event]) == {"batchItemFailures": []}
    assert pages() == []  # not yet: the parent asks first
    (check,) = checks_in(scheduled)
    assert check == {
        "root_activity_notifier": "unanswered",
        "session": "thread#111122223333#key:AKIAIOSFODNN7EXAMPLE",
        "kind": "credentials_changed",
    }
    assert [each["DelaySeconds"] for each in scheduled if '"unanswered"' in each["MessageBody"]] == [900]
    for _ in range(2):  # SQS may deliver the check twice
        assert deliver([check]) == {"batchItemFailures": []}
    (page,) = pages()
    assert page["Subject"] == (
        "[critical] Critical root activity nobody answered in 15 minutes: CreateAccessKey in 111122223333"
    )
    body = json.loads(page["Message"])
    assert body["unanswered_minutes"] == 15
    (parent,) = [each for each in slack.parents() if "CreateAccessKey" in json.dumps(slack.replies(each))]
    assert body["slack_message"] == f"{WORKSPACE_URL}archives/{parent['channel']}/p{parent['ts'].replace('.', '')}"


def test_a_check_pages_without_the_link_when_slack_does_not_say_its_workspace(waiting, slack):
    pages, scheduled = waiting
    deliver([load_sample("root-create-access-key.json")])
    (check,) = checks_in(scheduled)
    # the check's invocation asks auth.test for the link, and Slack is down
    for _ in range(10):  # down: every try within the check's two seconds fails
        slack.fail_next("auth.test", "service_unavailable")
    assert deliver([check]) == {"batchItemFailures": []}
    (page,) = pages()
    assert json.loads(page["Message"])["slack_message"] is None


def test_a_session_answered_expected_before_its_check_pages_no_one(waiting, slack, capsys):
    pages, scheduled = waiting
    deliver([load_sample("root-create-access-key.json")])
    key_session = "thread#111122223333#key:AKIAIOSFODNN7EXAMPLE"
    assert (
        invoke(request(reason_submitted("rotating per OPS-8", key=key_session), timestamp=now()))["statusCode"] == 200
    )
    (check,) = checks_in(scheduled)
    capsys.readouterr()
    assert deliver([check]) == {"batchItemFailures": []}
    assert pages() == []
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert any(line["message"] == "on-call not paged: answered in Slack" for line in lines)


def test_with_slack_refusing_a_waiting_page_goes_at_once_and_exactly_once(waiting, slack):
    pages, scheduled = waiting
    slack.revoked.add(BOT_TOKEN)
    event = load_sample("root-create-access-key.json")
    answer = deliver([event])
    assert answer["batchItemFailures"]  # Slack did not take it: SQS delivers it again
    (page,) = pages()  # nobody could see the question: paged now
    assert json.loads(page["Message"])["kind"] == "credentials_changed"
    deliver([event])  # delivered again, Slack still refusing
    (check,) = checks_in(scheduled)[:1]
    deliver([check])
    assert pages() == []  # the page went once


# -- /root-expect: declared expected use from Slack


def command(text: str, *, user: str = RESPONDER, name: str = "/root-expect") -> str:
    from urllib.parse import urlencode

    return urlencode(
        {
            "token": "unused",
            "team_id": "T0LOCAL",
            "channel_id": CHANNEL,
            "user_id": user,
            "command": name,
            "text": text,
            "response_url": "https://hooks.slack.com/commands/T0LOCAL/1/x",
            "trigger_id": "1.2.3",
        }
    )


def test_root_expect_from_a_responder_declares_and_announces_a_window(deployed, slack, dynamodb):
    answer = invoke(request(command("111122223333 90 closing the account, OPS-123"), timestamp=now()))
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"]) == {
        "response_type": "ephemeral",
        "text": "Declared for 111122223333, 90 minutes: announced in the channel, it applies now.",
    }
    announcement = slack.messages[-1]
    assert announcement["blocks"][0]["text"]["text"] == ":memo: Expected root use declared for account 111122223333"
    assert "Declared by Slack user U0RESPOND1." in announcement["blocks"][1]["text"]["text"]
    item = dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "windows#111122223333"}})["Item"]
    assert len(item["windows"]["M"]) == 1 and len(item["announced"]["M"]) == 1


@pytest.mark.parametrize(
    ("text", "user"),
    [("111122223333 90 closing", STRANGER), ("1111 90 closing", RESPONDER), ("111122223333 999 closing", RESPONDER)],
)
def test_root_expect_refuses_privately_what_it_would_not_honour(deployed, slack, dynamodb, text, user):
    messages = len(slack.messages)
    answer = invoke(request(command(text, user=user), timestamp=now()))
    body = json.loads(answer["body"])
    assert answer["statusCode"] == 200 and body["response_type"] == "ephemeral"
    assert "may not answer" in body["text"] or body["text"].startswith("Usage: /root-expect ACCOUNT MINUTES REASON")
    assert len(slack.messages) == messages
    assert "Item" not in dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "windows#111122223333"}})


def test_another_command_is_refused(deployed, capsys):
    capsys.readouterr()
    assert invoke(request(command("111122223333 90 x", name="/deploy-prod"), timestamp=now()))["statusCode"] == 401
    (line,) = refused_lines(capsys)
    assert line["reason"] == "unknown command '/deploy-prod'"
