"""Each example applied to moto's server, checked as deployed, driven with sample events, destroyed.

Slow (about two minutes per example, mostly the AWS provider's own consistency waits); part of
`make test` through `make integration`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from conftest import REPO
from harness.deployed import DeployedFunction, FunctionError, deployed_rule, rule_delivers
from harness.deployment import ExampleDeployment
from harness.emulator import LocalAws
from harness.samples import NON_ROOT_SAMPLES, ROOT_SAMPLES, SIGN_IN_SAMPLES, load_sample
from slack_sink import SlackSink

pytestmark = pytest.mark.integration

EXISTING_PARAMETER = "/root-activity-notifier-test/slack-webhook-url"
SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"
ALARM_ADDRESS = "secops@example.com"
# Where the root API call sample was recorded; its ready forwarder block is uncommented for the test.
THIRD_REGION = "us-east-2"
FORWARDED_FROM = {"single-account": ["us-east-1", THIRD_REGION], "login-only": ["us-east-1"]}


@dataclass
class Deployed:
    example: str
    region: str
    outputs: dict[str, Any]
    deployment: ExampleDeployment
    aws: LocalAws

    def client(self, service: str) -> Any:
        return self.aws.client(service, self.region)

    @property
    def function_name(self) -> str:
        return self.outputs["lambda_function_name"]


@pytest.fixture(scope="module")
def aws():
    with LocalAws() as local_aws:
        yield local_aws


@pytest.fixture(scope="module")
def sink():
    with SlackSink() as local_sink:
        yield local_sink


@pytest.fixture(scope="module", params=["single-account", "login-only"])
def deployed(request, aws, sink):
    example = request.param
    if example == "single-account":
        region = "ap-northeast-1"
        aws.client("ssm", region).put_parameter(
            Name=EXISTING_PARAMETER, Value=sink.url, Type="SecureString", Overwrite=True
        )
        deployment = ExampleDeployment(
            aws,
            example,
            variables={"region": region, "slack_webhook_url": SLACK_URL, "alarm_email_addresses": [ALARM_ADDRESS]},
            module_arguments={"slack_webhook_url": None, "slack_webhook_ssm_parameter_name": EXISTING_PARAMETER},
            forward_regions=[THIRD_REGION],
        )
    else:
        region = "ap-northeast-1"  # the example's default home region; sign-ins come from us-east-1
        deployment = ExampleDeployment(aws, example, variables={"slack_webhook_url": SLACK_URL})
    try:
        outputs = deployment.apply()
        yield Deployed(example, region, outputs, deployment, aws)
    finally:
        deployment.destroy()
    for each_region in [region, *FORWARDED_FROM[example]]:
        assert_nothing_left(aws, each_region)
    # moto keeps tags by ARN after a resource is deleted; start the next example from an empty emulator.
    aws.reset()


def assert_nothing_left(aws: LocalAws, region: str) -> None:
    assert aws.client("lambda", region).list_functions()["Functions"] == []
    assert aws.client("events", region).list_rules()["Rules"] == []
    assert aws.client("sqs", region).list_queues().get("QueueUrls", []) == []
    # moto ignores DeleteTrail when given the trail's ARN, which is how the AWS provider deletes it,
    # so the trail stays listed there; destroy() has already checked that Terraform's state is
    # empty. Allow exactly that trail, and remove it by name so the next example starts clean.
    cloudtrail = aws.client("cloudtrail", region)
    trails = [trail["Name"] for trail in cloudtrail.describe_trails()["trailList"]]
    assert set(trails) <= {"root-activity-notifier-trail"}
    for name in trails:
        cloudtrail.delete_trail(Name=name)
    assert aws.client("s3", region).list_buckets()["Buckets"] == []
    assert aws.client("cloudwatch", region).describe_alarms()["MetricAlarms"] == []
    assert aws.client("sns", region).list_topics()["Topics"] == []
    assert aws.client("logs", region).describe_log_groups()["logGroups"] == []
    roles = aws.client("iam", region).list_roles()["Roles"]
    assert [role["RoleName"] for role in roles if role["RoleName"].startswith("root-activity-notifier")] == []
    parameters = [parameter["Name"] for parameter in aws.client("ssm", region).describe_parameters()["Parameters"]]
    assert set(parameters) <= {EXISTING_PARAMETER}


def test_trail_and_bucket(deployed):
    cloudtrail = deployed.client("cloudtrail")
    (trail,) = cloudtrail.describe_trails()["trailList"]
    assert trail["IsMultiRegionTrail"] and trail["IncludeGlobalServiceEvents"] and trail["LogFileValidationEnabled"]
    (selector,) = cloudtrail.get_event_selectors(TrailName=trail["Name"])["EventSelectors"]
    assert selector["ReadWriteType"] == "All" and selector["IncludeManagementEvents"]

    s3, bucket = deployed.client("s3"), trail["S3BucketName"]
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (lifecycle,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert lifecycle["Expiration"]["Days"] == 365
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    by_sid = {statement["Sid"]: statement for statement in policy["Statement"]}
    for sid in ("CloudTrailAclCheck", "CloudTrailWrite"):
        assert by_sid[sid]["Condition"]["StringEquals"]["aws:SourceArn"] == trail["TrailARN"]
    assert by_sid["DenyInsecureTransport"]["Effect"] == "Deny"


def test_rule_target_and_permission(deployed):
    rule = deployed_rule(deployed.aws, deployed.region, "root-activity-notifier")
    assert rule.state == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    assert rule.pattern["detail"]["userIdentity"] == {"type": ["Root"]}
    if deployed.example == "login-only":
        assert rule.pattern["detail"]["eventName"] == ["ConsoleLogin"]

    (target,) = deployed.client("events").list_targets_by_rule(Rule=rule.name)["Targets"]
    function_arn = deployed.client("lambda").get_function(FunctionName=deployed.function_name)["Configuration"][
        "FunctionArn"
    ]
    queue_arn = deployed.client("sqs").get_queue_attributes(
        QueueUrl=deployed.client("sqs").get_queue_url(QueueName="root-activity-notifier-dlq")["QueueUrl"],
        AttributeNames=["QueueArn"],
    )["Attributes"]["QueueArn"]
    assert target["Arn"] == function_arn
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}
    assert target["DeadLetterConfig"]["Arn"] == queue_arn

    (statement,) = json.loads(deployed.client("lambda").get_policy(FunctionName=deployed.function_name)["Policy"])[
        "Statement"
    ]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    rule_arn = deployed.client("events").describe_rule(Name=rule.name)["Arn"]
    assert list(statement["Condition"].values())[0]["AWS:SourceArn"] == rule_arn


def test_function_configuration_and_secret(deployed):
    lambda_client = deployed.client("lambda")
    configuration = lambda_client.get_function(FunctionName=deployed.function_name)["Configuration"]
    assert configuration["Runtime"] == "python3.13" and configuration["Architectures"] == ["arm64"]
    assert configuration["Handler"] == "root_activity_notifier.handler.lambda_handler"
    assert configuration["Timeout"] == 30
    environment = configuration["Environment"]["Variables"]
    assert environment["NOTIFIER_LANGUAGE"] == "ja" and environment["NOTIFIER_TIME_ZONE"] == "Asia/Tokyo"
    assert not any("hooks.slack.com" in value or "127.0.0.1" in value for value in environment.values())

    parameter = deployed.client("ssm").get_parameter(Name=environment["SLACK_WEBHOOK_SSM_PARAMETER"])["Parameter"]
    assert parameter["Type"] == "SecureString"

    invoke_config = lambda_client.get_function_event_invoke_config(FunctionName=deployed.function_name)
    assert invoke_config["MaximumRetryAttempts"] == 2
    assert invoke_config["DestinationConfig"]["OnFailure"]["Destination"].endswith(":root-activity-notifier-dlq")

    role_name = configuration["Role"].rsplit("/", 1)[-1]
    policy = deployed.client("iam").get_role_policy(RoleName=role_name, PolicyName="notifier")["PolicyDocument"]
    resources = {statement["Sid"]: statement["Resource"] for statement in policy["Statement"]}
    assert resources["ReadWebhookParameter"].endswith(":parameter" + environment["SLACK_WEBHOOK_SSM_PARAMETER"])
    assert resources["KeepFailedEvents"].endswith(":root-activity-notifier-dlq")


def test_the_deployed_code_is_the_committed_package(deployed):
    with DeployedFunction(deployed.aws, deployed.region, deployed.function_name) as function:
        assert function.code == (REPO / "package" / "root_activity_notifier.zip").read_bytes()


def test_failure_alarms(deployed):
    alarms = deployed.client("cloudwatch").describe_alarms()["MetricAlarms"]
    assert sorted(alarm["AlarmName"] for alarm in alarms) == [
        "root-activity-notifier-dead-letter-queue",
        "root-activity-notifier-lambda-errors",
        "root-activity-notifier-rule-failed-invocations",
    ]
    (topic,) = deployed.client("sns").list_topics()["Topics"]
    assert all(alarm["AlarmActions"] == [topic["TopicArn"]] for alarm in alarms)


def test_a_forwarder_in_each_forwarded_region(deployed):
    home_rule = deployed_rule(deployed.aws, deployed.region, "root-activity-notifier")
    for region in FORWARDED_FROM[deployed.example]:
        forwarder = deployed_rule(deployed.aws, region, "root-activity-notifier-forwarder")
        assert (forwarder.pattern, forwarder.state) == (home_rule.pattern, home_rule.state), region
        events = deployed.aws.client("events", region)
        (target,) = events.list_targets_by_rule(Rule=forwarder.name)["Targets"]
        assert target["Arn"] == f"arn:aws:events:{deployed.region}:123456789012:event-bus/default"
        assert target["RoleArn"].endswith(":role/root-activity-notifier-forwarder")
        assert target["DeadLetterConfig"]["Arn"].startswith(f"arn:aws:sqs:{region}:")
        alarms = deployed.aws.client("cloudwatch", region).describe_alarms()["MetricAlarms"]
        assert sorted(alarm["AlarmName"] for alarm in alarms) == [
            "root-activity-notifier-forwarder-dead-letter-queue",
            "root-activity-notifier-forwarder-failed-invocations",
        ]
        # The notifier's one alarm setting reaches every region: whoever hears the home alarms hears these.
        sns = deployed.aws.client("sns", region)
        (topic_arn,) = {action for alarm in alarms for action in alarm["AlarmActions"]}
        subscribed = [
            subscription["Endpoint"]
            for subscription in sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
        ]
        assert subscribed == ([ALARM_ADDRESS] if deployed.example == "single-account" else [])
    policy = deployed.client("iam").get_role_policy(
        RoleName="root-activity-notifier-forwarder", PolicyName="put-events-on-home-bus"
    )["PolicyDocument"]
    (statement,) = policy["Statement"]
    assert statement["Action"] == "events:PutEvents"
    assert statement["Resource"] == f"arn:aws:events:{deployed.region}:123456789012:event-bus/default"
    # Nothing forwards from the home region itself: no loop.
    assert deployed.client("events").list_rules(NamePrefix="root-activity-notifier-forwarder")["Rules"] == []


def test_second_plan_is_empty(deployed):
    empty, plan = deployed.deployment.plan_is_empty()
    assert empty, plan


@pytest.fixture
def deployed_function(deployed, sink):
    if deployed.example == "login-only":
        # The module stored the (fake) Slack URL; rotate it to the local sink, as an operator would.
        configuration = deployed.client("lambda").get_function(FunctionName=deployed.function_name)["Configuration"]
        name = configuration["Environment"]["Variables"]["SLACK_WEBHOOK_SSM_PARAMETER"]
        deployed.client("ssm").put_parameter(Name=name, Value=sink.url, Type="SecureString", Overwrite=True)
    with DeployedFunction(deployed.aws, deployed.region, deployed.function_name) as function:
        yield function.invoke


def test_sample_events_reach_slack_through_the_deployed_rule_and_package(deployed, deployed_function, sink):
    rule = deployed_rule(deployed.aws, deployed.region, "root-activity-notifier")
    expected = SIGN_IN_SAMPLES if deployed.example == "login-only" else ROOT_SAMPLES
    for name in ROOT_SAMPLES + NON_ROOT_SAMPLES:
        event = load_sample(name)
        assert rule_delivers(rule, event) == (name in expected), name
        if name not in expected:
            continue
        before = len(sink.messages)
        assert deployed_function(event) == {"delivered": 1, "ignored": 0}
        (message,) = sink.messages[before:]
        assert message["blocks"][0]["type"] == "header"
        assert "JST" in message["text"]

    headers = [message["blocks"][0]["text"]["text"] for message in sink.messages[-len(expected) :]]
    assert ":rotating_light: AWSルートユーザーログイン検知（MFA未使用）" in headers
    if deployed.example == "login-only":
        critical = next(message for message in sink.messages[-len(expected) :] if "MFA未使用" in message["text"])
        assert critical["text"].startswith("<!here> ")


def reached_home(deployed, event):
    """PutEvents where CloudTrail recorded the event; what the home rule received."""
    with deployed.aws.observing_rule(deployed.region, "root-activity-notifier") as arrived:
        deployed.aws.put_event(event)
        return arrived()


def test_a_root_sign_in_recorded_in_us_east_1_reaches_the_home_rule_and_keeps_its_region(
    deployed, deployed_function, sink
):
    event = load_sample("root-console-sign-in-without-mfa.json")
    assert event["detail"]["awsRegion"] == "us-east-1" != deployed.region
    (arrived,) = reached_home(deployed, event)
    assert arrived["detail"]["eventID"] == event["detail"]["eventID"]
    before = len(sink.messages)
    assert deployed_function(arrived) == {"delivered": 1, "ignored": 0}
    (message,) = sink.messages[before:]
    assert "| us-east-1 |" in message["text"]
    assert any(field["text"] == "*リージョン*\nus-east-1" for field in message["blocks"][2]["fields"])


def test_a_root_call_in_a_third_region_reaches_the_home_rule(deployed, deployed_function, sink):
    event = load_sample("root-api-call-from-console.json")
    assert event["detail"]["awsRegion"] == THIRD_REGION
    arrived = reached_home(deployed, event)
    if deployed.example == "login-only":
        assert arrived == []  # not a sign-in, and no forwarder there
        return
    (forwarded,) = arrived
    before = len(sink.messages)
    deployed_function(forwarded)
    (message,) = sink.messages[before:]
    assert f"| {THIRD_REGION} |" in message["text"]


def test_a_non_root_event_in_us_east_1_reaches_nothing(deployed):
    event = load_sample("iam-user-console-sign-in.json")
    event["detail"]["awsRegion"] = "us-east-1"
    assert reached_home(deployed, event) == []


def test_the_deployed_package_ignores_non_root_events_on_its_own(deployed_function, sink):
    before = len(sink.messages)
    assert deployed_function(load_sample("iam-user-named-root-api-call.json")) == {"delivered": 0, "ignored": 1}
    assert len(sink.messages) == before


def test_slack_answering_500_makes_the_deployed_package_raise(deployed_function, sink):
    sink.status, sink.body = 500, "internal_error"
    try:
        with pytest.raises(FunctionError, match="HTTP 500 internal_error") as failure:
            deployed_function(load_sample("root-console-sign-in-without-mfa.json"), timeout=3)
    finally:
        sink.status, sink.body = 200, "ok"
    assert failure.value.error_type == "NotificationFailed"
