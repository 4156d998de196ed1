"""Slack app mode applied to moto's server: examples/single-account with a bot token, its session
table checked as deployed, the deployed package run against moto's DynamoDB and the Slack Web API
stand-in, with the batches the deployed queues hold, cut as the deployed mappings cut them. With
interactivity: the endpoint's function, URL and grants as deployed, and its package answering a
signed click (and refusing a forged one)."""

from __future__ import annotations

import json

import pytest

from harness.console_session import console_session
from harness.deployed import DeployedFunction, DeployedQueues
from harness.deployment import ExampleDeployment
from harness.interactions import NOT_EXPECTED, asked_session, button_click, signed_request
from slack_api_standin import BOT_TOKEN, SlackApiStandIn, validate_view_with_slack_sdk, validate_with_slack_sdk

pytestmark = pytest.mark.integration

REGION = "ap-northeast-1"
CHANNEL = "C0SECURITY1"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # Slack's documented example
RESPONDER = "U0RESPOND1"


@pytest.fixture(scope="module")
def deployed(aws):
    sns, sqs = aws.client("sns", REGION), aws.client("sqs", REGION)
    topic = sns.create_topic(Name="on-call")["TopicArn"]
    sqs.create_queue(QueueName="pager")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:{REGION}:123456789012:pager")
    deployment = ExampleDeployment(
        aws,
        "single-account",
        variables={
            "region": REGION,
            "slack_webhook_url": None,
            "slack_bot_token": BOT_TOKEN,
            "slack_channel_id": CHANNEL,
            "alarm_email_addresses": ["secops@example.com"],
            "escalation_sns_topic_arn": topic,
        },
        module_arguments={
            "slack_interactivity": True,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_responder_user_ids": [RESPONDER],
        },
    )
    try:
        yield deployment, deployment.apply()
    finally:
        deployment.destroy()
    assert aws.client("dynamodb", REGION).list_tables()["TableNames"] == []
    aws.reset()


@pytest.fixture(scope="module")
def slack():
    with SlackApiStandIn(
        channels=[CHANNEL], validate_blocks=validate_with_slack_sdk, validate_view=validate_view_with_slack_sdk
    ) as stand_in:
        yield stand_in


def test_the_session_table_is_deployed_as_planned_and_a_second_plan_is_empty(deployed, aws):
    deployment, outputs = deployed
    name = outputs["slack_session_table_name"]
    assert name == "root-activity-notifier-slack-sessions"
    dynamodb = aws.client("dynamodb", REGION)
    table = dynamodb.describe_table(TableName=name)["Table"]
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert (ttl["AttributeName"], ttl["TimeToLiveStatus"]) == ("expires_at", "ENABLED")
    backups = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    variables = aws.client("lambda", REGION).get_function(FunctionName=outputs["lambda_function_name"])
    environment = variables["Configuration"]["Environment"]["Variables"]
    assert environment["SLACK_SESSION_TABLE"] == name and environment["SLACK_CHANNEL_ID"] == CHANNEL
    assert "SLACK_WEBHOOK_SSM_PARAMETER" not in environment
    empty, plan = deployment.plan_is_empty()
    assert empty, plan


def test_a_console_session_through_the_deployed_queues_is_one_thread_with_exact_totals(deployed, aws, slack):
    _, outputs = deployed
    events = console_session(reads=30, changes=5)
    with DeployedFunction(aws, REGION, outputs["lambda_function_name"]) as function:
        function.environment["SLACK_API_URL"] = slack.url  # the deployed function's Slack is the stand-in
        with DeployedQueues(aws, REGION, outputs["lambda_function_name"]) as queues:
            for event in events:
                aws.put_event(event)
            # The sign-in's queue first, as a person's session goes (the mappings list in any order).
            batches = sorted(queues.batches(), key=lambda pair: pair[0].endswith("read-only"))
        assert [name.endswith("read-only") for name, _ in batches] == [False, True]
        for _, batch in batches:
            assert function.invoke(batch) == {"batchItemFailures": []}
        (parent,) = slack.parents()
        calls = _field(parent, "操作")  # the example speaks Japanese
        assert calls == str(len(events))
        replies = slack.replies(parent)
        # The sign-in and the key alone, 5 changes grouped, the reads summarized: all in the thread. The
        # parent is critical from its first post (the sign-in without MFA), so no reply raises it.
        assert len(replies) == 4 and slack.channel_level() == [parent]

        for _, batch in batches:  # SQS delivers both batches again
            assert function.invoke(batch) == {"batchItemFailures": []}
        assert len(slack.messages) == 1 + 4 and _field(slack.parents()[0], "操作") == calls


def test_the_endpoints_role_passes_parliament_with_nothing_of_medium_or_above(deployed, aws):
    from parliament import analyze_policy_string, enhance_finding

    iam = aws.client("iam", REGION)
    name = "root-activity-notifier-interactions"
    (policy_name,) = iam.list_role_policies(RoleName=name)["PolicyNames"]
    document = iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
    assert {statement["Sid"] for statement in document["Statement"]} == {
        "WriteOwnLogs",
        "ReadSigningSecretAndBotToken",
        "KeepAnswers",
        "PageOnCall",
    }
    findings = [enhance_finding(found) for found in analyze_policy_string(json.dumps(document)).findings]
    assert [(found.severity, found.issue) for found in findings if found.severity not in ("LOW", "INFO")] == []


def test_a_not_expected_click_on_the_deployed_endpoint_pages_on_call_and_a_forged_one_is_refused(deployed, aws, slack):
    _, outputs = deployed
    name = "root-activity-notifier-interactions"
    lambda_client = aws.client("lambda", REGION)
    url = lambda_client.get_function_url_config(FunctionName=name)
    assert url["AuthType"] == "NONE" and outputs["slack_interactivity_url"] == url["FunctionUrl"]
    statements = json.loads(lambda_client.get_policy(FunctionName=name)["Policy"])["Statement"]
    granted = {statement["Sid"]: statement["Action"] for statement in statements}
    assert {granted["SlackInteractivityUrl"], granted["SlackInteractivityInvoke"]} == {
        "lambda:InvokeFunctionUrl",
        "lambda:InvokeFunction",
    }
    (parent,) = slack.parents()  # the console session's, from the test above
    click = button_click(NOT_EXPECTED, asked_session(parent), RESPONDER, CHANNEL)
    sqs = aws.client("sqs", REGION)
    pager = sqs.get_queue_url(QueueName="pager")["QueueUrl"]
    while sqs.receive_message(QueueUrl=pager, MaxNumberOfMessages=10).get("Messages"):  # the sign-in's own page
        sqs.purge_queue(QueueUrl=pager)
    with DeployedFunction(aws, REGION, name) as endpoint:
        endpoint.environment["SLACK_API_URL"] = slack.url
        assert endpoint.invoke(signed_request(click, "0" * 32))["statusCode"] == 401
        assert sqs.receive_message(QueueUrl=pager).get("Messages") is None
        assert endpoint.invoke(signed_request(click, SIGNING_SECRET))["statusCode"] == 200
    (page,) = sqs.receive_message(QueueUrl=pager, MaxNumberOfMessages=10)["Messages"]
    body = json.loads(json.loads(page["Body"])["Message"])
    assert (body["kind"], body["answered_by"]) == ("not_expected", RESPONDER)
    texts = [block.get("text", {}).get("text", "") for block in slack.parents()[0]["blocks"]]
    assert any(text.startswith(":sos: ") and f"<@{RESPONDER}>" in text for text in texts), texts


def _field(message, label):
    for block in message["blocks"]:
        for field in block.get("fields", []):
            name, _, value = field["text"].partition("\n")
            if name.strip("*") == label:
                return value
    raise AssertionError(f"no {label} field in {message['blocks']}")
