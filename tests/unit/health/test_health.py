"""The health check's own behaviour: at apply, its message, doctor's errors, the StackSet check."""

from __future__ import annotations

import io
import json
from fnmatch import fnmatchcase

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from conftest import REPO, assert_valid_slack_message
from harness.invoke import LambdaContext
from root_activity_notifier.cli import main
from root_activity_notifier.config.settings import load_render_options
from root_activity_notifier.handler import lambda_handler
from root_activity_notifier.health.checks import HealthCheckFailed, run_checks
from root_activity_notifier.health.findings import Finding
from root_activity_notifier.health.message import doctor_table, render_cannot_see
from slack_api_standin import BOT_TOKEN, SlackApiStandIn

REGION = "ap-northeast-1"


@pytest.fixture
def aws(monkeypatch):
    for variable, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield


def checks(**more):
    return {"region": REGION, "account": "123456789012", "function": "root-activity-notifier", **more}


def test_at_apply_a_misspelled_webhook_parameter_fails_with_the_fix(aws, monkeypatch):
    monkeypatch.setenv("SLACK_WEBHOOK_SSM_PARAMETER", "/root-activity-notifier/slack-webhook-ulr")
    event = {
        "root_activity_notifier": "health_check",
        "at": "apply",
        "checks": checks(webhook_parameter="/root-activity-notifier/slack-webhook-ulr"),
    }
    with pytest.raises(HealthCheckFailed) as failure:
        lambda_handler(event, LambdaContext(10))
    message = str(failure.value)
    assert "webhook parameter /root-activity-notifier/slack-webhook-ulr holds a Slack webhook URL" in message
    assert f"it does not exist in {REGION}" in message and "check slack_webhook_ssm_parameter_name" in message


def test_when_all_is_well_it_posts_nothing_and_logs_one_line(aws, monkeypatch, capsys):
    boto3.client("ssm").put_parameter(Name="/hook", Value="https://hooks.slack.com/services/T/B/X", Type="SecureString")
    role = boto3.client("iam").create_role(RoleName="notifier", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    boto3.client("lambda").create_function(
        FunctionName="root-activity-notifier",
        Runtime="python3.13",
        Role=role,
        Handler="root_activity_notifier.handler.lambda_handler",
        Code={"ZipFile": (REPO / "package" / "root_activity_notifier.zip").read_bytes()},
    )
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "http://127.0.0.1:9/never-called")
    answer = lambda_handler(
        {"root_activity_notifier": "health_check", "checks": checks(webhook_parameter="/hook")}, LambdaContext(10)
    )
    assert (answer["health"], answer["problems"]) == ("ok", 0)
    (line,) = [json.loads(text) for text in capsys.readouterr().err.splitlines()]
    assert line["health"] == "ok" and "problems" not in line


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_message_lists_every_problem_with_its_fix(language):
    problems = [
        Finding("trail t is logging", False, "stopped", "aws cloudtrail start-logging --name t"),
        Finding("rule r (ap-northeast-1) is ENABLED", False, "its state is DISABLED <!channel>", "terraform apply"),
    ]
    payload = render_cannot_see(problems, "111122223333", load_render_options({"NOTIFIER_LANGUAGE": language}))
    assert_valid_slack_message(payload)
    text = json.dumps(payload, ensure_ascii=False)
    assert "aws cloudtrail start-logging --name t" in text and "&lt;!channel&gt;" in text
    assert len(payload["blocks"]) == 2 + len(problems) + 1


def test_doctor_without_credentials_says_so_without_a_traceback(monkeypatch, tmp_path):
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    path = tmp_path / "checks.json"
    path.write_text(json.dumps({"root_activity_notifier": "health_check", "checks": checks(mappings=["u"])}))
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["doctor", "--checks", str(path)], stdout=stdout, stderr=stderr)
    assert code == 2 and "no AWS credentials found" in stderr.getvalue()
    assert "Traceback" not in stderr.getvalue() and stdout.getvalue() == ""


def test_doctor_with_checks_that_are_not_the_modules_output_exits_2(tmp_path):
    path = tmp_path / "checks.json"
    path.write_text('{"something": "else"}')
    stderr = io.StringIO()
    assert main(["doctor", "--checks", str(path)], stdout=io.StringIO(), stderr=stderr) == 2
    assert "terraform output -json health_check_input" in stderr.getvalue()


class Denied:
    """A client whose every call AWS refuses."""

    def __getattr__(self, name):
        def call(**_):
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, name)

        return call


def test_an_access_denied_answer_is_a_failed_check_that_names_the_permission():
    findings = run_checks(checks(mappings=["u-1"]), lambda service, region: Denied())
    (concurrency,) = [finding for finding in findings if "concurrency" in finding.check]
    assert not concurrency.ok and concurrency.detail == "access denied (AccessDeniedException)"
    assert concurrency.fix == "allow lambda:GetFunctionConcurrency on root-activity-notifier"
    assert "FAIL  function root-activity-notifier may run" in doctor_table(findings)


class StackInstances:
    def __init__(self, summaries):
        self.summaries = summaries

    def list_stack_instances(self, **_):
        return {"Summaries": self.summaries}


def test_the_stack_set_check_names_every_account_and_region_that_is_not_current():
    summaries = [
        {"Account": "111111111111", "Region": "us-east-1", "Status": "CURRENT"},
        {"Account": "111111111111", "Region": "us-east-2", "Status": "CURRENT"},
        {"Account": "222222222222", "Region": "us-east-1", "Status": "OUTDATED"},
    ]
    stack_set = {"name": "root-activity-notifier-spokes", "call_as": "SELF", "regions": ["us-east-1", "us-east-2"]}
    findings = run_checks(
        {**checks(), "stack_set": stack_set},
        lambda service, region: StackInstances(summaries) if service == "cloudformation" else Denied(),
    )
    (finding,) = [each for each in findings if each.check.startswith("StackSet")]
    assert not finding.ok
    assert finding.detail == "not current: 222222222222/us-east-1 (OUTDATED), 222222222222/us-east-2 (no instance)"


class Member:
    """A member account as the hub sees it: its role to assume, and its rules per region."""

    def __init__(self, summaries, rules_by_region):
        self.summaries, self.rules_by_region, self.listed, self.described = summaries, rules_by_region, 0, []

    def client(self, service, region, credentials=None):
        member = self

        class Client:
            def list_stack_instances(self, **_):
                member.listed += 1
                return {"Summaries": member.summaries}

            def assume_role(self, **_):
                return {"Credentials": {"AccessKeyId": "a", "SecretAccessKey": "s", "SessionToken": "t"}}

            def describe_rule(self, Name):
                member.described.append((region, Name))
                if Name not in member.rules_by_region.get(region, {}):
                    raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "no"}}, "DescribeRule")
                return {"State": member.rules_by_region[region][Name]}

            def __getattr__(self, name):
                return Denied().__getattr__(name)

        return Client()


def test_stack_instances_are_listed_once_and_a_us_east_1_only_rule_is_read_there_only():
    summaries = [
        {"Account": "111111111111", "Region": region, "Status": "CURRENT"} for region in ("us-east-1", "us-east-2")
    ]
    spoke = {"root-activity-notifier-spoke": "ENABLED"}
    member = Member(
        summaries, {"us-east-1": {**spoke, "root-activity-notifier-spoke-tamper-path": "DISABLED"}, "us-east-2": spoke}
    )
    stack_set = {"name": "root-activity-notifier-spokes", "call_as": "SELF", "regions": ["us-east-1", "us-east-2"]}
    rules = [
        {"name": "root-activity-notifier-spoke", "state": "ENABLED", "region": None},
        {"name": "root-activity-notifier-spoke-tamper-path", "state": "ENABLED", "region": "us-east-1"},
    ]
    spokes = {"role_arn": "arn:aws:iam::{account}:role/root-activity-notifier-spoke-health-check", "rules": rules}
    findings = run_checks({**checks(), "stack_set": stack_set, "spokes": spokes}, member.client)
    assert member.listed == 1
    assert sorted(member.described) == [
        ("us-east-1", "root-activity-notifier-spoke"),
        ("us-east-1", "root-activity-notifier-spoke-tamper-path"),
        ("us-east-2", "root-activity-notifier-spoke"),
    ]
    (finding,) = [each for each in findings if each.check.startswith("spoke rules of account 111111111111")]
    assert not finding.ok
    assert finding.detail == "us-east-1: root-activity-notifier-spoke-tamper-path is DISABLED, not ENABLED"


def test_a_finding_posted_right_after_a_batch_waits_for_its_turn(aws, httpserver, monkeypatch):
    """A warm container may have posted a batch a moment ago: the health message is paced like it."""
    from root_activity_notifier.config.settings import load_settings
    from root_activity_notifier.delivery import pacing
    from root_activity_notifier.health.checks import check_and_report
    from root_activity_notifier.shared.deadline import Deadline

    clock, slept = [100.0], []
    pacer = pacing.Pacer(clock=lambda: clock[0], sleep=slept.append)
    pacer.posted()  # the batch's last post ended just now
    monkeypatch.setattr(pacing._container, "pacer", pacer, raising=False)
    httpserver.expect_request("/hook").respond_with_data("ok")
    settings = load_settings({"SLACK_WEBHOOK_URL": httpserver.url_for("/hook")})
    event = {"root_activity_notifier": "health_check", "checks": checks(webhook_parameter="/missing")}
    from root_activity_notifier.slack.destination import open_destination

    answer = check_and_report(event, settings, open_destination(settings), Deadline.after(10))
    assert answer["health"] == "failing" and len(httpserver.log) == 1
    assert slept == [pacing.SECONDS_BETWEEN_POSTS]


class PolicySimulator:
    """IAM's SimulatePrincipalPolicy (moto has none) over one identity policy: an action is allowed when
    an Allow statement names it, its Resource matches the simulated resource (``*`` when none is
    given) and its StringEquals / ArnLike conditions hold for the context entries. Answers in pages
    of ``page`` results, and records every call."""

    def __init__(self, policy, page=40):
        self.policy, self.page, self.calls = policy, page, []

    def simulate_principal_policy(self, PolicySourceArn, ActionNames, Marker=None, ResourceArns=(), ContextEntries=()):  # noqa: N803
        self.calls.append((PolicySourceArn, list(ActionNames), Marker, list(ResourceArns)))
        context = {entry["ContextKeyName"]: entry["ContextKeyValues"] for entry in ContextEntries}
        resource = ResourceArns[0] if ResourceArns else "*"
        start = int(Marker or 0)
        results = [
            {
                "EvalActionName": name,
                "EvalDecision": "allowed" if self._allows(name, resource, context) else "implicitDeny",
            }
            for name in ActionNames[start : start + self.page]
        ]
        more = start + self.page < len(ActionNames)
        return {
            "EvaluationResults": results,
            "IsTruncated": more,
            **({"Marker": str(start + self.page)} if more else {}),
        }

    def _allows(self, action, resource, context):
        for statement in self.policy["Statement"]:
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            if action not in statement["Action"] or not any(fnmatchcase(resource, each) for each in resources):
                continue
            conditions = statement.get("Condition", {})
            if all(_holds(test, context.get(key, []), expected) for test, keys in conditions.items()
                   for key, expected in keys.items()):  # fmt: skip
                return True
        return False


def _holds(test, values, expected):
    wanted = [expected] if isinstance(expected, str) else expected
    match = fnmatchcase if test == "ArnLike" else str.__eq__
    return any(match(value, each) for value in values for each in wanted)


def without(policy, *actions):
    """``policy`` with ``actions`` taken out of every statement."""
    statements = [{**each, "Action": [a for a in each["Action"] if a not in actions]} for each in policy["Statement"]]
    return {**policy, "Statement": statements}


@pytest.mark.parametrize("organization", [False, True])
def test_doctor_simulates_every_action_an_apply_needs_on_the_modules_resources(organization):
    from root_activity_notifier.health.deployer import (
        NO_RESOURCE,
        deployer_actions,
        deployer_permissions,
        deployer_policy,
    )

    role = "arn:aws:iam::111122223333:role/ci-deployer"
    needed = deployer_actions(organization)
    settings = checks(deployer=role, **({"stack_set": {"name": "s"}} if organization else {}))
    simulator = PolicySimulator(deployer_policy(organization))  # the README's policy, with the default prefix
    (finding,) = deployer_permissions(settings, lambda service, region: simulator)
    assert finding.ok and finding.check == f"ci-deployer may apply the module ({len(needed)} actions)"
    asked = [name for _, names, marker, _ in simulator.calls if marker is None for name in names]
    assert sorted(asked) == needed and {arn for arn, _, _, _ in simulator.calls} == {role}
    resources = {name: arns for _, names, marker, arns in simulator.calls if marker is None for name in names}
    assert resources["iam:CreateRole"] == ["arn:aws:iam::123456789012:role/root-activity-notifier"]
    assert resources["lambda:UpdateFunctionCode"] == [
        "arn:aws:lambda:ap-northeast-1:123456789012:function:root-activity-notifier"
    ]
    assert resources["ssm:DescribeParameters"] == []
    assert ("cloudformation:CreateStackSet" in needed) == organization and "iam:PassRole" in needed

    # The same policy for another prefix allows none of the scoped actions on this one's resources.
    other = PolicySimulator(deployer_policy(organization, "other-notifier"))
    (finding,) = deployer_permissions(settings, lambda service, region: other)
    scoped = [action for action in needed if action not in NO_RESOURCE or action == "lambda:CreateEventSourceMapping"]
    assert not finding.ok and finding.detail.endswith(f" and {len(scoped) - 8} more"), finding.detail

    missing = ["iam:PassRole", "lambda:CreateFunction"]
    policy = without(deployer_policy(organization), *missing)
    (finding,) = deployer_permissions(settings, lambda service, region: PolicySimulator(policy))
    assert not finding.ok and finding.detail == "denied: iam:PassRole, lambda:CreateFunction"
    assert "Who may deploy it" in finding.fix


def test_a_deployer_is_also_checked_for_the_session_table_in_either_mode():
    from root_activity_notifier.health.deployer import deployer_actions, deployer_permissions, deployer_policy

    needed = deployer_actions(organization=False)
    assert "dynamodb:CreateTable" in needed  # a webhook keeps its sessions' digests in the table too
    settings = checks(deployer="arn:aws:iam::111122223333:role/ci-deployer")
    policy = without(deployer_policy(False), "dynamodb:UpdateTimeToLive")
    (finding,) = deployer_permissions(settings, lambda service, region: PolicySimulator(policy))
    assert not finding.ok and finding.detail == "denied: dynamodb:UpdateTimeToLive"


def test_doctor_passes_the_deployer_role_to_its_checks(monkeypatch, tmp_path):
    """--deployer-role-arn reaches the checks doctor runs."""
    from root_activity_notifier import cli

    path = tmp_path / "checks.json"
    path.write_text(json.dumps({"checks": checks()}))
    seen = {}

    def fake_run_checks(settings, client, include_prerequisites, slack=None):
        seen.update(settings)
        return [Finding("x", True, "ok")]

    monkeypatch.setattr("root_activity_notifier.health.checks.run_checks", fake_run_checks)
    stdout = io.StringIO()
    arguments = ["doctor", "--checks", str(path), "--deployer-role-arn", "arn:aws:iam::1:role/ci"]
    assert cli.main(arguments, stdout=stdout, stderr=io.StringIO()) == 0
    assert seen["deployer"] == "arn:aws:iam::1:role/ci"


# Slack app mode: Slack is asked, not assumed (auth.test, conversations.info), through SLACK_API_URL.
TOKEN_PARAMETER = "/root-activity-notifier/slack-bot-token"


def slack_checks(*channels):
    return checks(bot_token_parameter=TOKEN_PARAMETER, slack_channels=list(channels))


def doctor(path, monkeypatch, stand_in):
    monkeypatch.setenv("SLACK_API_URL", stand_in.url)
    stdout = io.StringIO()
    code = main(["doctor", "--checks", str(path)], stdout=stdout, stderr=io.StringIO())
    return code, " ".join(stdout.getvalue().split())


def test_doctor_names_a_token_slack_refuses(aws, monkeypatch, tmp_path):
    boto3.client("ssm").put_parameter(Name=TOKEN_PARAMETER, Value="xoxb-1-not-the-apps", Type="SecureString")
    path = tmp_path / "checks.json"
    path.write_text(json.dumps(slack_checks("C0SECURITY1")))
    with SlackApiStandIn(channels=["C0SECURITY1"]) as stand_in:
        code, output = doctor(path, monkeypatch, stand_in)
    assert code == 1
    assert f"Slack takes the bot token in {TOKEN_PARAMETER} (auth.test)" in output
    assert "Slack answered invalid_auth" in output and "put the app's current Bot User OAuth Token" in output
    assert stand_in.calls == [("auth.test", "invalid_auth")]  # nothing posted, channels not asked


def test_doctor_names_each_channel_the_app_is_not_in_and_posts_nothing(aws, monkeypatch, tmp_path):
    boto3.client("ssm").put_parameter(Name=TOKEN_PARAMETER, Value=BOT_TOKEN, Type="SecureString")
    path = tmp_path / "checks.json"
    path.write_text(json.dumps(slack_checks("C0SECURITY1", "C0TEAMOUT01", "C0ARCHIVED1", "C0UNKNOWN01")))
    with SlackApiStandIn(channels=["C0SECURITY1"], outside=("C0TEAMOUT01",), archived=("C0ARCHIVED1",)) as stand_in:
        code, output = doctor(path, monkeypatch, stand_in)
    assert code == 1
    assert "Slack takes the bot token" in output and "workspace Local, bot user root-activity" in output
    assert "the app is a member of Slack channel C0SECURITY1" in output and "#channel-c0security1" in output
    assert "the app is not in the channel" in output and "/invite @root-activity in C0TEAMOUT01" in output
    assert "the channel is archived" in output
    assert "the app is a member of Slack channel C0UNKNOWN01" in output and "no such channel for this app" in output
    assert stand_in.messages == [] and {method for method, _ in stand_in.calls} == {"auth.test", "conversations.info"}


def test_the_slack_checks_hold_for_an_app_in_every_channel_and_say_why_a_read_scope_is_needed(aws, monkeypatch):
    from root_activity_notifier.health.checks import slack_asker

    boto3.client("ssm").put_parameter(Name=TOKEN_PARAMETER, Value=BOT_TOKEN, Type="SecureString")
    with SlackApiStandIn(channels=["C0SECURITY1", "C0TEAM00001"]) as stand_in:
        findings = run_checks(slack_checks("C0SECURITY1", "C0TEAM00001"), boto3_client, slack=slack_asker(stand_in.url))
    assert [(finding.check.split(" in ")[0].split(" channel ")[-1], finding.ok) for finding in findings][-3:] == [
        ("Slack takes the bot token", True),
        ("C0SECURITY1", True),
        ("C0TEAM00001", True),
    ]
    with SlackApiStandIn(channels=["C0SECURITY1"], read_scopes=False) as stand_in:
        findings = run_checks(slack_checks("C0SECURITY1"), boto3_client, slack=slack_asker(stand_in.url))
    (scope,) = [finding for finding in findings if "C0SECURITY1" in finding.check]
    assert not scope.ok and "missing_scope" in scope.detail and "channels:read and groups:read" in scope.fix


def test_the_bot_token_is_read_once_for_its_parameters_check_and_slacks(aws):
    from root_activity_notifier.health.checks import slack_asker

    boto3.client("ssm").put_parameter(Name=TOKEN_PARAMETER, Value=BOT_TOKEN, Type="SecureString")
    reads = []

    def counting_client(service, region, credentials=None):
        client = boto3_client(service, region)
        if service == "ssm":
            original = client.get_parameter
            client.get_parameter = lambda **arguments: reads.append(arguments["Name"]) or original(**arguments)
        return client

    with SlackApiStandIn(channels=["C0SECURITY1"]) as stand_in:
        findings = run_checks(slack_checks("C0SECURITY1"), counting_client, slack=slack_asker(stand_in.url))
    assert reads.count(TOKEN_PARAMETER) == 1
    assert [finding.ok for finding in findings if "bot token" in finding.check] == [True, True]


def test_the_deployed_health_check_in_slack_app_mode_fails_at_apply_on_a_revoked_token(aws, monkeypatch):
    boto3.client("ssm").put_parameter(Name=TOKEN_PARAMETER, Value=BOT_TOKEN, Type="SecureString")
    with SlackApiStandIn(channels=["C0SECURITY1"]) as stand_in:
        stand_in.revoke()
        for name, value in {"SLACK_BOT_TOKEN_SSM_PARAMETER": TOKEN_PARAMETER, "SLACK_CHANNEL_ID": "C0SECURITY1",
                            "SLACK_API_URL": stand_in.url}.items():  # fmt: skip
            monkeypatch.setenv(name, value)
        event = {"root_activity_notifier": "health_check", "at": "apply", "checks": slack_checks("C0SECURITY1")}
        with pytest.raises(HealthCheckFailed) as failure:
            lambda_handler(event, LambdaContext(10))
    assert "Slack answered token_revoked" in str(failure.value)
    assert "reinstall the app and put its new token in the token parameter" in str(failure.value)


def boto3_client(service, region):
    return boto3.client(service, region_name=region)


FORWARDERS = {
    "rule": "root-activity-notifier-forwarder",
    "rule_state": "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
    "tamper_rules": [f"root-activity-notifier-forwarder-{rule}" for rule in ("tamper-rules", "tamper-access")],
    "dead_letter_queue": "root-activity-notifier-forwarder-dlq",
}


def add_forwarder(region, *, state="ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS", without=()):
    """What modules/region-forwarder creates in ``region``, as a user adds it (README, Regions)."""
    events = boto3.client("events", region_name=region)
    pattern = json.dumps({"source": [{"prefix": "aws."}]})
    for name in [FORWARDERS["rule"], *FORWARDERS["tamper_rules"]]:
        if name not in without:
            events.put_rule(Name=name, EventPattern=pattern, State="ENABLED")
    if state == "DISABLED":
        events.disable_rule(Name=FORWARDERS["rule"])
    boto3.client("sqs", region_name=region).create_queue(QueueName=FORWARDERS["dead_letter_queue"])


def test_a_forwarder_added_beside_the_module_is_found_and_checked_like_its_own(aws):
    add_forwarder("us-east-1")  # the module's own: in its static list already
    add_forwarder("eu-west-1", state="DISABLED")
    add_forwarder("sa-east-1", without=("root-activity-notifier-forwarder-tamper-access",))
    settings = {
        **checks(forwarders=FORWARDERS),
        "rules": [{"region": "us-east-1", "bus": "default", "name": FORWARDERS["rule"], "state": "ENABLED"}],
        "dead_letter_queues": [{"region": "us-east-1", "name": FORWARDERS["dead_letter_queue"]}],
    }
    listed = run_checks(settings, boto3_client)
    findings = {finding.check: finding for finding in listed}
    found = findings["forwarders (root-activity-notifier-forwarder) are found in every enabled region"]
    assert found.ok and found.detail == "in eu-west-1, sa-east-1, us-east-1"
    disabled = findings[f"rule {FORWARDERS['rule']} (eu-west-1) is ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"]
    assert not disabled.ok and disabled.detail == "its state is DISABLED" and "terraform apply" in disabled.fix
    missing = findings["rule root-activity-notifier-forwarder-tamper-access (sa-east-1) is ENABLED"]
    assert not missing.ok and missing.detail == "the rule does not exist"
    assert findings["rule root-activity-notifier-forwarder-tamper-rules (eu-west-1) is ENABLED"].ok
    assert findings["dead-letter queue root-activity-notifier-forwarder-dlq (sa-east-1) is empty"].ok
    # Checked once each: the module's own us-east-1 forwarder is not found twice.
    assert [finding.check for finding in listed].count(f"rule {FORWARDERS['rule']} (us-east-1) is ENABLED") == 1
    assert [check for check in findings if "ap-northeast-1" in check and "forwarder" in check] == []


def test_a_deleted_parameter_the_module_made_is_remade_by_an_apply_and_no_fix_puts_a_secret_on_the_command_line(aws):
    made = "/root-activity-notifier/slack-webhook-url"
    settings = checks(webhook_parameter=made, parameters_created=[made])
    (finding,) = [each for each in run_checks(settings, boto3_client) if made in each.check]
    assert not finding.ok and finding.fix.startswith("terraform apply creates it again")
    boto3.client("ssm").put_parameter(Name=made, Value="not a URL", Type="SecureString")
    (finding,) = [each for each in run_checks(settings, boto3_client) if made in each.check]
    assert not finding.ok and finding.fix.startswith("read -rs SECRET") and '--value "$SECRET"' in finding.fix
    assert "hooks.slack.com/services/T" not in finding.fix


def test_the_on_call_topic_is_found_missing_then_without_a_subscriber_then_ready(aws):
    """With paging, the check asks that the topic is there and that someone confirmed a subscription."""
    from harness.emulator import sns_subscriptions_counted_as_aws_counts_them
    from root_activity_notifier.health.checks import _aws_client

    topic = "arn:aws:sns:us-west-2:123456789012:on-call"
    sns_subscriptions_counted_as_aws_counts_them()  # moto would say "0" confirmed whatever there is

    def on_call_findings(settings):
        return [each for each in run_checks(settings, _aws_client) if each.check.startswith("on-call topic")]

    (missing,) = on_call_findings(checks(escalation_topic=topic))
    assert missing.check == f"on-call topic {topic} has a confirmed subscriber" and not missing.ok
    assert missing.detail.startswith("NotFound") and "escalation_sns_topic_arn" in missing.fix
    sns = boto3.client("sns", region_name="us-west-2")
    sns.create_topic(Name="on-call")
    (alone,) = on_call_findings(checks(escalation_topic=topic))
    assert not alone.ok and alone.detail == "no confirmed subscription: critical root activity would page no one"
    boto3.client("sqs", region_name="us-west-2").create_queue(QueueName="pager")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint="arn:aws:sqs:us-west-2:123456789012:pager")
    (ready,) = on_call_findings(checks(escalation_topic=topic))
    assert ready.ok and ready.detail == "1 confirmed subscription(s)"
    assert on_call_findings(checks()) == []


def test_at_apply_a_missing_on_call_topic_fails_and_one_waiting_for_its_subscriber_does_not(aws, monkeypatch):
    role = boto3.client("iam").create_role(RoleName="notifier", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    boto3.client("lambda").create_function(
        FunctionName="root-activity-notifier",
        Runtime="python3.13",
        Role=role,
        Handler="root_activity_notifier.handler.lambda_handler",
        Code={"ZipFile": b"not run"},
    )
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "http://127.0.0.1:9/never-called")
    topic = "arn:aws:sns:ap-northeast-1:123456789012:on-call"
    event = {"root_activity_notifier": "health_check", "at": "apply", "checks": checks(escalation_topic=topic)}
    with pytest.raises(HealthCheckFailed, match=f"on-call topic {topic} has a confirmed subscriber: NotFound"):
        lambda_handler(event, LambdaContext(10))
    boto3.client("sns").create_topic(Name="on-call")  # no one subscribed yet
    answer = lambda_handler(event, LambdaContext(10))
    assert (answer["health"], answer["problems"]) == ("failing", 1)  # named, and by the schedule posted; not fatal
