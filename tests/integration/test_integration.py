"""An example applied to moto's server, checked as deployed, driven with sample events, destroyed:
examples/single-account here, examples/login-only in test_login_only_integration.py.

Slow (about two minutes per example, mostly the AWS provider's own consistency waits); part of
`make test` through `make integration`.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import pytest

from conftest import REPO
from harness.console_session import console_session, sqs_batch
from harness.deployed import DeployedFunction, DeployedQueues, FunctionError, deployed_rule, rule_delivers
from harness.deployment import ExampleDeployment
from harness.emulator import CREDENTIALS, LocalAws
from harness.fields import fields_of
from harness.paths import direct_alarm_paths, sent_to
from harness.samples import FORGED_SOURCES, NON_ROOT_SAMPLES, ROOT_SAMPLES, SIGN_IN_SAMPLES, load_sample
from harness.tamper_calls import notifier_names, recorded, watched_calls
from root_activity_notifier.cli import main as cli_main
from root_activity_notifier.core.sessions import MAX_OWN_MESSAGES

pytestmark = pytest.mark.integration

EXISTING_PARAMETER = "/root-activity-notifier-test/slack-webhook-url"
SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"
ALARM_ADDRESS = "secops@example.com"
# Where the root API call sample was recorded; its ready forwarder block is uncommented for the test.
THIRD_REGION = "us-east-2"
FORWARDED_FROM = {"single-account": ["us-east-1", THIRD_REGION], "login-only": ["us-east-1"]}
# single-account pages on-call through a topic of its own, in a region of its own (made before the apply).
ON_CALL_REGION = "us-west-2"
ON_CALL_TOPIC = f"arn:aws:sns:{ON_CALL_REGION}:123456789012:on-call"


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

    @property
    def rule_names(self) -> list[str]:
        """The home rules (not the forwarders')."""
        rules = self.client("events").list_rules(NamePrefix="root-activity-notifier")["Rules"]
        return [rule["Name"] for rule in rules if not rule["Name"].endswith("-forwarder")]


# The example this file applies; test_login_only_integration.py runs the same checks on login-only,
# in a file of its own so that `make integration` (--dist loadfile) runs the two side by side.
EXAMPLE = "single-account"


@pytest.fixture(scope="module")
def deployed(request, aws, sink):
    example = request.module.EXAMPLE
    if example == "single-account":
        region = "ap-northeast-1"
        aws.client("ssm", region).put_parameter(
            Name=EXISTING_PARAMETER, Value=sink.url, Type="SecureString", Overwrite=True
        )
        pager = aws.client("sqs", ON_CALL_REGION).create_queue(QueueName="pager")["QueueUrl"]
        aws.client("sns", ON_CALL_REGION).create_topic(Name="on-call")
        aws.client("sns", ON_CALL_REGION).subscribe(
            TopicArn=ON_CALL_TOPIC, Protocol="sqs", Endpoint=f"arn:aws:sqs:{ON_CALL_REGION}:123456789012:pager"
        )
        assert pager.endswith("/pager")
        deployment = ExampleDeployment(
            aws,
            example,
            variables={
                "region": region,
                "slack_webhook_url": SLACK_URL,
                "alarm_email_addresses": [ALARM_ADDRESS],
                "escalation_sns_topic_arn": ON_CALL_TOPIC,
            },
            module_arguments={
                "slack_webhook_url": None,
                "slack_webhook_ssm_parameter_name": EXISTING_PARAMETER,
                "tamper_expected_principals": {DEPLOYER: "deployer role"},
            },
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


def queue_arn(deployed, name):
    url = deployed.client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
    return deployed.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def test_rules_queues_and_event_source_mappings(deployed):
    paths = ["sign-ins-and-changes", "read-only"] if deployed.example == "single-account" else ["sign-ins-and-changes"]
    rules = {
        path: deployed_rule(
            deployed.aws, deployed.region, "root-activity-notifier" + ("" if path == paths[0] else f"-{path}")
        )
        for path in paths
    }
    assert all(rule.state == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" for rule in rules.values())
    assert all(rule.pattern["detail"]["userIdentity"] == {"type": ["Root"]} for rule in rules.values())
    if deployed.example == "login-only":
        assert rules["sign-ins-and-changes"].pattern["detail"]["eventName"] == ["ConsoleLogin"]
    dead_letter = queue_arn(deployed, "root-activity-notifier-dlq")
    function_arn = deployed.client("lambda").get_function(FunctionName=deployed.function_name)["Configuration"][
        "FunctionArn"
    ]
    mappings = deployed.client("lambda").list_event_source_mappings(FunctionName=function_arn)
    by_queue = {mapping["EventSourceArn"]: mapping for mapping in mappings["EventSourceMappings"]}
    assert len(by_queue) == len(paths)
    for path, rule in rules.items():
        attributes = queue_arn(deployed, f"root-activity-notifier-{path}")
        (target,) = deployed.client("events").list_targets_by_rule(Rule=rule.name)["Targets"]
        assert target["Arn"] == attributes["QueueArn"]
        assert target["RetryPolicy"] == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}
        assert target["DeadLetterConfig"]["Arn"] == dead_letter["QueueArn"]
        # the queue: only this rule (and, on the fast path, the tamper rules) may send, redrive to the
        # dead-letter queue, visibility 6 x timeout + window
        (allow, deny) = json.loads(attributes["Policy"])["Statement"]
        senders = [rule.name] + (
            [f"root-activity-notifier-{name}" for name in TAMPER_RULES] if path == "sign-ins-and-changes" else []
        )
        arns = [deployed.client("events").describe_rule(Name=name)["Arn"] for name in senders]
        assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": arns if len(arns) > 1 else arns[0]}}
        assert deny["Effect"] == "Deny"
        assert json.loads(attributes["RedrivePolicy"]) == {
            "deadLetterTargetArn": dead_letter["QueueArn"],
            "maxReceiveCount": 5,
        }
        mapping = by_queue[attributes["QueueArn"]]
        window = {"sign-ins-and-changes": 5, "read-only": 300}[path]
        assert int(attributes["VisibilityTimeout"]) == 6 * 60 + window
        assert (mapping["BatchSize"], mapping["MaximumBatchingWindowInSeconds"]) == (
            {"sign-ins-and-changes": 100, "read-only": 1000}[path],
            window,
        )
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["ScalingConfig"] == {"MaximumConcurrency": 2}
    # nothing invokes the function asynchronously any more
    with pytest.raises(deployed.client("lambda").exceptions.ResourceNotFoundException):
        deployed.client("lambda").get_policy(FunctionName=deployed.function_name)


def test_function_configuration_and_secret(deployed):
    lambda_client = deployed.client("lambda")
    configuration = lambda_client.get_function(FunctionName=deployed.function_name)["Configuration"]
    assert configuration["Runtime"] == "python3.13" and configuration["Architectures"] == ["arm64"]
    assert configuration["Handler"] == "root_activity_notifier.handler.lambda_handler"
    assert configuration["Timeout"] == 60
    environment = configuration["Environment"]["Variables"]
    assert environment["NOTIFIER_LANGUAGE"] == "ja" and environment["NOTIFIER_TIME_ZONE"] == "Asia/Tokyo"
    # the webhook URL (the stand-in's, on 127.0.0.1) is in SSM only; the follow-up queue is moto's, on loopback too
    queue = deployed.client("sqs").get_queue_url(QueueName="root-activity-notifier-sign-ins-and-changes")["QueueUrl"]
    assert environment["NOTIFIER_FOLLOW_UP_QUEUE_URL"] == queue
    others = [value for name, value in environment.items() if name != "NOTIFIER_FOLLOW_UP_QUEUE_URL"]
    assert not any("hooks.slack.com" in value or "127.0.0.1" in value for value in others)

    parameter = deployed.client("ssm").get_parameter(Name=environment["SLACK_WEBHOOK_SSM_PARAMETER"])["Parameter"]
    assert parameter["Type"] == "SecureString"

    role_name = configuration["Role"].rsplit("/", 1)[-1]
    policy = deployed.client("iam").get_role_policy(RoleName=role_name, PolicyName="notifier")["PolicyDocument"]
    resources = {statement["Sid"]: statement["Resource"] for statement in policy["Statement"]}
    assert resources["ReadWebhookParameter"].endswith(":parameter" + environment["SLACK_WEBHOOK_SSM_PARAMETER"])
    # IAM gives a one-element list as a plain string
    queues = (
        resources["ReadOwnQueues"] if isinstance(resources["ReadOwnQueues"], list) else [resources["ReadOwnQueues"]]
    )
    assert sorted(resource.rsplit(":", 1)[-1] for resource in queues) == sorted(
        url.rsplit("/", 1)[-1] for url in deployed.outputs["queue_urls"].values()
    )


def test_the_deployed_code_is_the_committed_package(deployed):
    with DeployedFunction(deployed.aws, deployed.region, deployed.function_name) as function:
        assert function.code == (REPO / "package" / "root_activity_notifier.zip").read_bytes()


def test_failure_alarms(deployed):
    alarms = deployed.client("cloudwatch").describe_alarms()["MetricAlarms"]
    read_only = (
        ["root-activity-notifier-read-only-rule-failed-invocations"] if deployed.example == "single-account" else []
    )
    assert sorted(alarm["AlarmName"] for alarm in alarms) == sorted(
        [
            "root-activity-notifier-dead-letter-queue",
            "root-activity-notifier-delivery-failures",
            "root-activity-notifier-forged-events",
            "root-activity-notifier-health-check",
            "root-activity-notifier-lambda-errors",
            "root-activity-notifier-lambda-throttles",
            "root-activity-notifier-rule-failed-invocations",
            "root-activity-notifier-session-state-unavailable",
            *read_only,
            *(f"root-activity-notifier-{rule}-rule-failed-invocations" for rule in TAMPER_RULES),
        ]
    )
    metric_filters = deployed.client("logs").describe_metric_filters(
        logGroupName=f"/aws/lambda/{deployed.function_name}"
    )["metricFilters"]
    patterns = {metric_filter["filterName"]: metric_filter for metric_filter in metric_filters}
    filters = {"delivery-failures": ("outcome", "failed"), "forged-events": ("outcome", "refused")}
    filters["health-check"] = ("health", "failing")
    filters["session-state-unavailable"] = ("state_store", "unavailable")
    for name, (field, value) in filters.items():
        metric_filter = patterns[f"root-activity-notifier-{name}"]
        assert metric_filter["filterPattern"] == f'{{ $.{field} = "{value}" }}'
        (alarm,) = [alarm for alarm in alarms if alarm["AlarmName"] == f"root-activity-notifier-{name}"]
        (transformation,) = metric_filter["metricTransformations"]
        assert (alarm["Namespace"], alarm["MetricName"]) == (
            transformation["metricNamespace"],
            transformation["metricName"],
        )
    (topic,) = deployed.client("sns").list_topics()["Topics"]
    assert all(alarm["AlarmActions"] == [topic["TopicArn"]] for alarm in alarms)


def test_a_forwarder_in_each_forwarded_region(deployed):
    home_rule = deployed_rule(deployed.aws, deployed.region, "root-activity-notifier")
    # The home rules split root activity by urgency (readOnly); a forwarder sends all of it.
    unsplit = {**home_rule.pattern, "detail": {k: v for k, v in home_rule.pattern["detail"].items() if k != "$or"}}
    for region in FORWARDED_FROM[deployed.example]:
        forwarder = deployed_rule(deployed.aws, region, "root-activity-notifier-forwarder")
        assert (forwarder.pattern, forwarder.state) == (unsplit, home_rule.state), region
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
        function.forget_sessions()  # each test its own root sessions
        yield Invoke(function)


class Invoke:
    """The deployed function, called as Lambda calls it; ``forget_sessions`` empties its session table."""

    def __init__(self, function: DeployedFunction) -> None:
        self.function = function

    def __call__(self, event: dict[str, Any], timeout: float | None = None) -> Any:
        return self.function.invoke(event, timeout)

    def forget_sessions(self) -> None:
        self.function.forget_sessions()


def delivered_through_the_queues(deployed, events, deployed_function, sink):
    """PutEvents where CloudTrail recorded each event; then every batch waiting in the deployed queues
    goes to the deployed package, as the event source mappings would hand it over. Returns the
    Slack messages that resulted and the function's answers."""
    with DeployedQueues(deployed.aws, deployed.region, deployed.function_name) as queues:
        for event in events:
            deployed.aws.put_event(event)
        batches = queues.batches()
    before = len(sink.messages)
    answers = [deployed_function(batch) for _, batch in batches]
    return sink.messages[before:], answers


def test_sample_events_reach_slack_through_the_deployed_rules_queues_and_package(deployed, deployed_function, sink):
    expected = SIGN_IN_SAMPLES if deployed.example == "login-only" else ROOT_SAMPLES
    rules = [deployed_rule(deployed.aws, deployed.region, name) for name in deployed.rule_names]
    for name in ROOT_SAMPLES + NON_ROOT_SAMPLES:
        event = load_sample(name)
        assert sum(rule_delivers(rule, event) for rule in rules) == (name in expected), name
        deployed_function.forget_sessions()  # each sample a root session of its own (some share AWS's example key)
        messages, answers = delivered_through_the_queues(deployed, [event], deployed_function, sink)
        assert all(answer == {"batchItemFailures": []} for answer in answers), answers
        if name not in expected:
            assert messages == [], name
            continue
        (message,) = messages
        assert message["blocks"][0]["type"] == "header"
        assert "JST" in message["text"] and event["detail"]["eventID"] in json.dumps(message)

    headers = [message["blocks"][0]["text"]["text"] for message in sink.messages[-len(expected) :]]
    assert ":rotating_light: AWSルートユーザーログイン検知（MFA未使用）" in headers
    if deployed.example == "login-only":
        critical = next(message for message in sink.messages[-len(expected) :] if "MFA未使用" in message["text"])
        assert critical["text"].startswith("<!here> ")


def pages(deployed):
    """What the paging tool got from the on-call topic (its SQS subscription), oldest first."""
    sqs = deployed.aws.client("sqs", ON_CALL_REGION)
    queue = sqs.get_queue_url(QueueName="pager")["QueueUrl"]
    received = []
    while answer := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
        received += [json.loads(message["Body"]) for message in answer]
        for message in answer:
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    return received


def test_a_sign_in_without_mfa_pages_on_call_once_through_the_deployed_package(deployed, deployed_function, sink):
    if deployed.example == "login-only":
        pytest.skip("examples/login-only leaves escalation_sns_topic_arn unset: nothing to page")
    configuration = deployed.client("lambda").get_function(FunctionName=deployed.function_name)["Configuration"]
    assert configuration["Environment"]["Variables"]["NOTIFIER_ESCALATION_TOPIC_ARN"] == ON_CALL_TOPIC
    pages(deployed)  # what earlier tests of this deployment paged
    event = load_sample("root-console-sign-in-without-mfa.json")
    for _ in range(2):  # the second time as SQS would deliver it again
        messages, answers = delivered_through_the_queues(deployed, [event], deployed_function, sink)
        assert all(answer == {"batchItemFailures": []} for answer in answers), answers
    (page,) = pages(deployed)
    assert page["Subject"] == "[critical] Root user signed in to the console without MFA in 111122223333"
    body = json.loads(page["Message"])
    assert (body["kind"], body["session"]) == ("sign_in_without_mfa", "ip:192.0.2.0")
    assert body["events"][0]["event_id"] == event["detail"]["eventID"]
    assert page["MessageAttributes"]["severity"]["Value"] == "critical"


def test_the_deployed_roles_policies_pass_parliament_with_nothing_of_medium_or_above(deployed):
    from parliament import analyze_policy_string, enhance_finding

    iam = deployed.client("iam")
    role = deployed.client("lambda").get_function(FunctionName=deployed.function_name)["Configuration"]["Role"]
    name = role.rsplit("/", 1)[1]
    policies = {
        each: iam.get_role_policy(RoleName=name, PolicyName=each)
        for each in iam.list_role_policies(RoleName=name)["PolicyNames"]
    }
    assert set(policies) == {"notifier", "health-check"}
    statements = [statement for each in policies.values() for statement in each["PolicyDocument"]["Statement"]]
    sids = {statement["Sid"] for statement in statements}
    assert ("PageOnCall" in sids) == (deployed.example == "single-account")  # the example that pages on-call
    for each in policies.values():
        findings = [
            enhance_finding(found) for found in analyze_policy_string(json.dumps(each["PolicyDocument"])).findings
        ]
        assert [(found.severity, found.issue) for found in findings if found.severity not in ("LOW", "INFO")] == []


def test_a_console_session_reaches_slack_as_a_few_messages(deployed, deployed_function, sink):
    events = console_session(reads=40, changes=3, prefix=deployed.example)
    messages, answers = delivered_through_the_queues(deployed, events, deployed_function, sink)
    assert all(answer == {"batchItemFailures": []} for answer in answers), answers
    if deployed.example == "login-only":
        (message,) = messages  # the sign-in; nothing else is watched
        assert "MFA未使用" in message["text"]
        return
    # Whichever queue's batch comes first opens the session (as the two mappings may hand them over);
    # the sign-in and CreateAccessKey go at once either way, and what the other batch holds waits for
    # the session's digest, which a delayed follow-up on the deployed queue will post.
    texts = [message["text"] for message in messages]
    assert sum("MFA未使用" in text for text in texts) == 1 and sum("CreateAccessKey" in text for text in texts) == 1
    queue = deployed.client("sqs").get_queue_url(QueueName="root-activity-notifier-sign-ins-and-changes")["QueueUrl"]
    attributes = deployed.client("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert int(attributes["ApproximateNumberOfMessagesDelayed"]) >= 1  # this session's (and earlier tests')
    for session in ("ip:203.0.113.64", "key:ASIAIOSFODNN7EXAMPLE"):  # the session's key, whichever opened it
        follow_up = {"root_activity_notifier": "follow_up", "session": f"thread#111122223333#{session}"}
        record = {**sqs_batch([{}])["Records"][0], "body": json.dumps(follow_up)}  # as the mapping hands it over
        assert deployed_function({"Records": [record]}) == {"batchItemFailures": []}
    digest = sink.messages[-1]
    assert "さらに" in digest["blocks"][0]["text"]["text"] and fields_of(digest)["操作"] == str(len(events))


def test_a_root_sign_in_recorded_in_us_east_1_reaches_the_home_queue_and_keeps_its_region(
    deployed, deployed_function, sink
):
    event = load_sample("root-console-sign-in-without-mfa.json")
    assert event["detail"]["awsRegion"] == "us-east-1" != deployed.region
    (message,), _ = delivered_through_the_queues(deployed, [event], deployed_function, sink)
    assert "| us-east-1 |" in message["text"]
    assert any(field["text"] == "*リージョン*\nus-east-1" for field in message["blocks"][2]["fields"])


def test_a_root_call_in_a_third_region_reaches_the_home_queue(deployed, deployed_function, sink):
    event = load_sample("root-api-call-from-console.json")
    assert event["detail"]["awsRegion"] == THIRD_REGION
    messages, _ = delivered_through_the_queues(deployed, [event], deployed_function, sink)
    if deployed.example == "login-only":
        assert messages == []  # not a sign-in, and no forwarder there
        return
    (message,) = messages
    assert f"| {THIRD_REGION} |" in message["text"]


def test_a_non_root_event_in_us_east_1_reaches_nothing(deployed, deployed_function, sink):
    event = load_sample("iam-user-console-sign-in.json")
    event["detail"]["awsRegion"] = "us-east-1"
    with DeployedQueues(deployed.aws, deployed.region, deployed.function_name) as queues:
        deployed.aws.put_event(event)
        assert queues.batches() == []


def test_the_deployed_package_ignores_non_root_events_on_its_own(deployed_function, sink):
    before = len(sink.messages)
    assert deployed_function(load_sample("iam-user-named-root-api-call.json")) == {
        "delivered": 0,
        "summarized": 0,
        "ignored": 1,
        "refused": 0,
    }
    assert len(sink.messages) == before


def test_a_forged_root_event_put_on_any_bus_reaches_no_queue_and_a_genuine_one_does(deployed, deployed_function, sink):
    """PutEvents with a source of the putter's own and a root-shaped detail, in the home region and
    in us-east-1 (where the forwarder listens): no rule takes it. The same event from AWS does."""
    for region in (deployed.region, "us-east-1"):
        genuine = load_sample("root-console-sign-in-without-mfa.json")
        genuine["detail"]["awsRegion"] = region
        with DeployedQueues(deployed.aws, deployed.region, deployed.function_name) as queues:
            for source in FORGED_SOURCES:
                deployed.aws.put_event({**genuine, "source": source})
            assert queues.batches() == [], region
            deployed.aws.put_event(genuine)
            ((_, batch),) = queues.batches()
        assert json.loads(batch["Records"][0]["body"])["source"] == "aws.signin"


def test_the_deployed_package_refuses_a_forged_envelope_on_its_own(deployed, deployed_function, sink):
    forged = {**load_sample("root-console-sign-in-without-mfa.json"), "source": "my.app"}
    before = len(sink.messages)
    with DeployedQueues(deployed.aws, deployed.region, deployed.function_name) as queues:
        deployed.aws.put_event(load_sample("root-console-sign-in-failure.json"))
        ((_, batch),) = queues.batches()
    batch["Records"].append({**batch["Records"][0], "messageId": "forged", "body": json.dumps(forged)})
    assert deployed_function(batch) == {"batchItemFailures": []}
    (message,) = sink.messages[before:]
    assert "ログイン失敗" in message["text"]


def test_slack_answering_500_reports_the_batch_item_for_redelivery(deployed, deployed_function, sink):
    event = load_sample("root-console-sign-in-without-mfa.json")
    with DeployedQueues(deployed.aws, deployed.region, deployed.function_name) as queues:
        deployed.aws.put_event(event)
        ((_, batch),) = queues.batches()
    sink.status, sink.body = 500, "internal_error"
    try:
        answer = deployed_function(batch, timeout=4)
    finally:
        sink.status, sink.body = 200, "ok"
    assert answer == {"batchItemFailures": [{"itemIdentifier": batch["Records"][0]["messageId"]}]}


def test_a_direct_invocation_that_slack_refuses_raises(deployed_function, sink):
    sink.status, sink.body = 500, "internal_error"
    try:
        with pytest.raises(FunctionError, match="HTTP 500 internal_error") as failure:
            deployed_function(load_sample("root-console-sign-in-without-mfa.json"), timeout=3)
    finally:
        sink.status, sink.body = 200, "ok"
    assert failure.value.error_type == "NotificationFailed"


ACCOUNT = "123456789012"  # moto's
TAMPER_RULES = ("tamper-rules", "tamper-delivery", "tamper-access")
DEPLOYER = f"arn:aws:iam::{ACCOUNT}:role/ci-deployer"
TAMPER_HEADLINE = "ルートアクティビティ通知の設定変更検知"  # both examples write in Japanese


def deployed_names(deployed) -> dict[str, Any]:
    return notifier_names(deployed.aws, deployed.region, deployed.outputs)


def tamper_alerts(deployed, deployed_function, sink, events):
    """Put the events where CloudTrail recorded them, a few at a time (a session's batch gives at most
    5 critical events a message of their own), and return the Slack messages that resulted."""
    messages = []
    for start in range(0, len(events), MAX_OWN_MESSAGES):
        chunk = events[start : start + MAX_OWN_MESSAGES]
        delivered, answers = delivered_through_the_queues(deployed, chunk, deployed_function, sink)
        assert all(answer == {"batchItemFailures": []} for answer in answers), answers
        messages += delivered
    return messages


def test_every_watched_call_by_anyone_reaches_slack_as_a_critical_tamper_alert(deployed, deployed_function, sink):
    calls = watched_calls(deployed_names(deployed))
    events = [
        recorded(call, region=deployed.region, account="123456789012", event_id=f"{deployed.example}-t{number:02d}")
        for number, call in enumerate(calls)
    ]
    messages = tamper_alerts(deployed, deployed_function, sink, events)
    by_event = {}
    for message in messages:
        for event in events:
            if event["detail"]["eventID"] in json.dumps(message):
                by_event[event["detail"]["eventID"]] = message
    announced = [event["detail"]["eventID"] in by_event for event in events]
    missing = [call.name for call, found in zip(calls, announced, strict=True) if not found]
    assert missing == [], missing
    for message in by_event.values():
        assert message["blocks"][0]["text"]["text"].startswith(f":rotating_light: {TAMPER_HEADLINE}")
    # IAM calls, recorded in us-east-1, came through the us-east-1 forwarder
    assert {event["detail"]["awsRegion"] for event in events} == {deployed.region, "us-east-1"}


# The calls whose tamper alert would travel through what they break (the function, its mappings, the
# queue, the roles): each must also reach the alarm topic by a path that uses none of them.
PATH_CUTTING = (
    "PutFunctionConcurrency20171031", "DeleteFunction20150331", "UpdateEventSourceMapping20150331",
    "DeleteEventSourceMapping20150331", "SetQueueAttributes", "DeleteQueue", "DeleteRole", "DeleteRolePolicy",
    "PutRolePolicy",
)  # fmt: skip


def test_each_call_that_cuts_the_alert_path_also_reaches_the_alarm_topic_around_it(deployed):
    calls = {call.event: call for call in watched_calls(deployed_names(deployed))}
    assert set(PATH_CUTTING) <= set(calls)
    for name in PATH_CUTTING:
        event = recorded(calls[name], region=deployed.region, account=ACCOUNT, event_id=f"path-{name}")
        paths = direct_alarm_paths(deployed.aws.client, event)
        assert paths, f"{name}: no path around the notifier"
        for rule, topic in paths:
            assert rule.endswith("-tamper-path") and ":rule/root-activity-notifier" in rule, rule
            assert topic.split(":")[2] == "sns"  # the rule's own target: no queue, mapping or function between
            region = event["region"]  # IAM: the us-east-1 forwarder's topic, in the region that recorded it
            assert topic.split(":")[3] == region and rule.split(":")[3] == region
    # What does not cut the path stays on the usual one.
    parameter = recorded(calls["PutParameter"], region=deployed.region, account=ACCOUNT, event_id="p")
    assert direct_alarm_paths(deployed.aws.client, parameter) == []
    # And what the topics get, put where CloudTrail records them (the queues drained after).
    with DeployedQueues(deployed.aws, deployed.region, deployed.function_name) as queues:
        for name in ("PutFunctionConcurrency20171031", "DeleteRole"):
            event = recorded(calls[name], region=deployed.region, account=ACCOUNT, event_id=f"sent-{name}")
            ((_, topic),) = direct_alarm_paths(deployed.aws.client, event)
            before = len(sent_to(topic))
            deployed.aws.put_event(event)
            (text,) = sent_to(topic)[before:]
            # (AWS keeps a string template's quotes; moto drops them)
            assert text.lstrip('"').startswith(f"The root activity notifier is being changed: {calls[name].event} by ")
            assert "goes around them, straight to the alarm topic" in text
        queues.batches()


def test_the_same_calls_on_resources_that_are_not_the_notifiers_reach_nothing(deployed, deployed_function, sink):
    names = {**deployed_names(deployed), "trail": "other-trail", "rule": "other-rule", "function": "other-function"}
    names.update(queue_url="https://sqs.ap-northeast-1.amazonaws.com/123456789012/other-queue", role="other-role")
    names.update(parameter="/other/parameter", topic_arn="arn:aws:sns:ap-northeast-1:123456789012:other-topic")
    names.update(alarm="other-alarm", mapping_uuid="00000000-0000-0000-0000-000000000000")
    events = [
        recorded(call, region=deployed.region, account="123456789012", event_id=f"other-{number:02d}")
        for number, call in enumerate(watched_calls(names))
    ]
    with DeployedQueues(deployed.aws, deployed.region, deployed.function_name) as queues:
        for event in events:
            deployed.aws.put_event(event)
        assert queues.batches() == []


def test_a_denied_attempt_and_an_expected_deployer(deployed, deployed_function, sink):
    calls = {call.event: call for call in watched_calls(deployed_names(deployed))}
    denied = recorded(
        calls["PurgeQueue"], region=deployed.region, account=ACCOUNT, event_id="denied", error_code="AccessDenied"
    )
    events = [denied]
    if deployed.example == "single-account":  # tamper_expected_principals is set there
        events.append(
            recorded(
                calls["UpdateFunctionCode20150331v2"],
                region=deployed.region,
                account="123456789012",
                event_id="deployer",
                principal_arn=DEPLOYER,
            )
        )
    messages = {
        event["detail"]["eventID"]: message
        for message in tamper_alerts(deployed, deployed_function, sink, events)
        for event in events
        if event["detail"]["eventID"] in json.dumps(message)
    }
    assert messages["denied"]["blocks"][0]["text"]["text"].endswith("（拒否）")
    assert messages["denied"]["text"].startswith("<!here>") == (deployed.example == "login-only")
    if deployed.example == "single-account":
        expected = messages["deployer"]
        assert "想定内: deployer role" in expected["blocks"][1]["text"]["text"]
        assert expected["blocks"][0]["text"]["text"].startswith(":large_blue_circle:")


def every_rule(deployed) -> list[tuple[str, str]]:
    """(region, name) of every rule the example deployed, forwarders' included."""
    regions = [deployed.region, *FORWARDED_FROM[deployed.example]]
    return [
        (region, rule["Name"])
        for region in regions
        for rule in deployed.aws.client("events", region).list_rules(NamePrefix="root-activity-notifier")["Rules"]
    ]


def test_deleting_any_one_rule_is_announced_by_another(deployed, deployed_function, sink):
    rules = every_rule(deployed)
    assert len(rules) >= 8 and {name for _, name in rules} >= {
        "root-activity-notifier-tamper-rules",
        "root-activity-notifier-tamper-delivery",
        "root-activity-notifier-forwarder-tamper-rules",
    }
    delete_rule = next(call for call in watched_calls(deployed_names(deployed)) if call.event == "DeleteRule")
    unannounced = []
    for number, (region, name) in enumerate(rules):
        events = deployed.aws.client("events", region)
        described = events.describe_rule(Name=name)
        targets = events.list_targets_by_rule(Rule=name)["Targets"]
        events.remove_targets(Rule=name, Ids=[target["Id"] for target in targets])
        events.delete_rule(Name=name)
        try:
            event = recorded(
                delete_rule._replace(parameters={"name": name, "force": False}),
                region=region,
                account="123456789012",
                event_id=f"deleted-{number:02d}",
            )
            messages = tamper_alerts(deployed, deployed_function, sink, [event])
            if not any(f"`{name}`" in json.dumps(message, ensure_ascii=False) for message in messages):
                unannounced.append(f"{region}/{name}")
        finally:
            events.put_rule(
                Name=name,
                EventPattern=described["EventPattern"],
                State=described["State"],
                Description=described.get("Description", ""),
            )
            events.put_targets(Rule=name, Targets=targets)
    assert unannounced == [], unannounced


def health_check(deployed_function, outputs):
    return deployed_function(outputs["health_check_input"])


def doctor(outputs, deployed, tmp_path, monkeypatch):
    """`doctor --checks` with the example's output, as a user would run it, against the emulator."""
    checks = tmp_path / "checks.json"
    checks.write_text(json.dumps(outputs["health_check_input"]))
    for variable, value in {**CREDENTIALS, "AWS_ENDPOINT_URL": deployed.aws.endpoint}.items():
        monkeypatch.setenv(variable, value)
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli_main(["doctor", "--checks", str(checks)], stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_the_health_check_and_doctor_find_each_broken_state_and_go_quiet_once_restored(
    deployed, deployed_function, sink, tmp_path, monkeypatch
):
    outputs, names = deployed.outputs, deployed_names(deployed)
    assert set(outputs["health_check_input"]["checks"]) >= {"trail", "rules", "mappings", "dead_letter_queues"}
    before = len(sink.messages)
    answer = health_check(deployed_function, outputs)
    assert (answer["health"], answer["problems"]) == ("ok", 0) and answer["checks"] >= 10, answer
    assert doctor(outputs, deployed, tmp_path, monkeypatch)[0] == 0
    assert len(sink.messages) == before, "silent when all is well"

    cloudtrail, events, sqs, ssm = (deployed.client(service) for service in ("cloudtrail", "events", "sqs", "ssm"))
    lambda_client = deployed.client("lambda")
    trail_arn = f"arn:aws:cloudtrail:{deployed.region}:{ACCOUNT}:trail/{names['trail']}"
    rule = events.describe_rule(Name="root-activity-notifier")
    dead_letter_queue = sqs.get_queue_url(QueueName="root-activity-notifier-dlq")["QueueUrl"]

    webhook = ssm.get_parameter(Name=names["parameter"], WithDecryption=True)["Parameter"]["Value"]
    broken = {
        "trail root-activity-notifier-trail is logging": (
            lambda: cloudtrail.stop_logging(Name=trail_arn),
            lambda: cloudtrail.start_logging(Name=trail_arn),
        ),
        "rule root-activity-notifier (ap-northeast-1) is ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS": (
            lambda: events.disable_rule(Name="root-activity-notifier"),
            lambda: events.put_rule(
                Name="root-activity-notifier", EventPattern=rule["EventPattern"], State=rule["State"]
            ),
        ),
        "function root-activity-notifier may run (reserved concurrency is not 0)": (
            lambda: lambda_client.put_function_concurrency(
                FunctionName=deployed.function_name, ReservedConcurrentExecutions=0
            ),
            lambda: lambda_client.delete_function_concurrency(FunctionName=deployed.function_name),
        ),
        f"event source mapping {names['mapping_uuid']} is enabled": (
            lambda: lambda_client.update_event_source_mapping(UUID=names["mapping_uuid"], Enabled=False),
            lambda: lambda_client.update_event_source_mapping(UUID=names["mapping_uuid"], Enabled=True),
        ),
        f"dead-letter queue root-activity-notifier-dlq ({deployed.region}) is empty": (
            lambda: sqs.send_message(QueueUrl=dead_letter_queue, MessageBody="{}"),
            lambda: sqs.purge_queue(QueueUrl=dead_letter_queue),
        ),
        f"webhook parameter {names['parameter']} holds a Slack webhook URL": (
            lambda: ssm.put_parameter(Name=names["parameter"], Value="not a URL", Type="SecureString", Overwrite=True),
            lambda: ssm.put_parameter(Name=names["parameter"], Value=webhook, Type="SecureString", Overwrite=True),
        ),
    }
    if THIRD_REGION in FORWARDED_FROM[deployed.example]:
        # The forwarder a user added (README, Regions): in no output, found by its name.
        added = deployed.aws.client("events", THIRD_REGION)
        added_rule = added.describe_rule(Name="root-activity-notifier-forwarder")
        broken[f"rule root-activity-notifier-forwarder ({THIRD_REGION}) is {added_rule['State']}"] = (
            lambda: added.disable_rule(Name="root-activity-notifier-forwarder"),
            lambda: added.put_rule(
                Name="root-activity-notifier-forwarder",
                EventPattern=added_rule["EventPattern"],
                State=added_rule["State"],
                Description=added_rule.get("Description", ""),
            ),
        )
    for check, (break_it, restore) in broken.items():
        break_it()
        try:
            # (a warm container still posts with the webhook it read before the parameter broke)
            answer = health_check(deployed_function, outputs)
            assert answer["health"] == "failing" and answer["problems"] == 1, (check, answer)
            message = sink.messages[-1]
            assert "ルートアクティビティ通知が検知できない状態です" in message["blocks"][0]["text"]["text"], check
            assert check in json.dumps(message, ensure_ascii=False)
            code, table, _ = doctor(outputs, deployed, tmp_path, monkeypatch)
            assert code == 1 and f"FAIL  {check}" in table, table
            assert "fix: " in table.split(f"FAIL  {check}", 1)[1].split("\n")[1], table
        finally:
            restore()
        posted = len(sink.messages)
        assert health_check(deployed_function, outputs)["health"] == "ok", check
        assert doctor(outputs, deployed, tmp_path, monkeypatch)[0] == 0, check
        assert len(sink.messages) == posted, "quiet again once restored"
