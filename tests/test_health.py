"""The health check's own behaviour: at apply, its message, doctor's errors, the StackSet check."""

from __future__ import annotations

import io
import json

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from conftest import REPO, assert_valid_slack_message
from harness.invoke import LambdaContext
from root_activity_notifier.cli import main
from root_activity_notifier.config import load_render_options
from root_activity_notifier.handler import lambda_handler
from root_activity_notifier.health import Finding, HealthCheckFailed, run_checks
from root_activity_notifier.health_message import doctor_table, render_cannot_see

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


def test_a_finding_posted_right_after_a_batch_waits_for_its_turn(aws, httpserver, monkeypatch):
    """A warm container may have posted a batch a moment ago: the health message is paced like it."""
    from root_activity_notifier import notify
    from root_activity_notifier.config import load_settings
    from root_activity_notifier.deliver import Deadline
    from root_activity_notifier.health import check_and_report

    clock, slept = [100.0], []
    pacer = notify.Pacer(clock=lambda: clock[0], sleep=slept.append)
    pacer.posted()  # the batch's last post ended just now
    monkeypatch.setattr(notify._container, "pacer", pacer, raising=False)
    httpserver.expect_request("/hook").respond_with_data("ok")
    settings = load_settings({"SLACK_WEBHOOK_URL": httpserver.url_for("/hook")})
    event = {"root_activity_notifier": "health_check", "checks": checks(webhook_parameter="/missing")}
    from root_activity_notifier.destination import open_destination

    answer = check_and_report(event, settings, open_destination(settings), Deadline.after(10))
    assert answer["health"] == "failing" and len(httpserver.log) == 1
    assert slept == [notify.SECONDS_BETWEEN_POSTS]


class PolicySimulator:
    """IAM's SimulatePrincipalPolicy (moto has none): allows what ``allowed`` holds, answers in pages
    of ``page`` results, and records every call."""

    def __init__(self, allowed, page=40):
        self.allowed, self.page, self.calls = set(allowed), page, []

    def simulate_principal_policy(self, PolicySourceArn, ActionNames, Marker=None):  # noqa: N803 - boto3's names
        self.calls.append((PolicySourceArn, list(ActionNames), Marker))
        start = int(Marker or 0)
        results = [
            {"EvalActionName": name, "EvalDecision": "allowed" if name in self.allowed else "implicitDeny"}
            for name in ActionNames[start : start + self.page]
        ]
        more = start + self.page < len(ActionNames)
        return {
            "EvaluationResults": results,
            "IsTruncated": more,
            **({"Marker": str(start + self.page)} if more else {}),
        }


@pytest.mark.parametrize("organization", [False, True])
def test_doctor_simulates_every_action_an_apply_needs_for_the_deployer_role(organization):
    from root_activity_notifier.deployer import deployer_actions, deployer_permissions

    role = "arn:aws:iam::111122223333:role/ci-deployer"
    needed = deployer_actions(organization)
    settings = checks(deployer=role, **({"stack_set": {"name": "s"}} if organization else {}))
    simulator = PolicySimulator(needed)
    (finding,) = deployer_permissions(settings, lambda service, region: simulator)
    assert finding.ok and finding.check == f"ci-deployer may apply the module ({len(needed)} actions)"
    asked = [name for _, names, marker in simulator.calls if marker is None for name in names]
    assert sorted(asked) == needed and {arn for arn, _, _ in simulator.calls} == {role}
    assert ("cloudformation:CreateStackSet" in needed) == organization and "iam:PassRole" in needed

    missing = ["iam:PassRole", "lambda:CreateFunction"]
    (finding,) = deployer_permissions(settings, lambda service, region: PolicySimulator(set(needed) - set(missing)))
    assert not finding.ok and finding.detail == "denied: iam:PassRole, lambda:CreateFunction"
    assert "PowerUserAccess" in finding.fix and "Who may deploy it" in finding.fix


def test_a_deployer_is_also_checked_for_the_session_table_in_either_mode():
    from root_activity_notifier.deployer import deployer_actions, deployer_permissions

    needed = deployer_actions(organization=False)
    assert "dynamodb:CreateTable" in needed  # a webhook keeps its sessions' digests in the table too
    settings = checks(deployer="arn:aws:iam::111122223333:role/ci-deployer")
    (finding,) = deployer_permissions(
        settings, lambda service, region: PolicySimulator(set(needed) - {"dynamodb:UpdateTimeToLive"})
    )
    assert not finding.ok and finding.detail == "denied: dynamodb:UpdateTimeToLive"


def test_doctor_passes_the_deployer_role_to_its_checks(monkeypatch, tmp_path):
    """--deployer-role-arn reaches the checks doctor runs."""
    from root_activity_notifier import cli

    path = tmp_path / "checks.json"
    path.write_text(json.dumps({"checks": checks()}))
    seen = {}

    def fake_run_checks(settings, client, include_prerequisites):
        seen.update(settings)
        return [Finding("x", True, "ok")]

    monkeypatch.setattr("root_activity_notifier.health.run_checks", fake_run_checks)
    stdout = io.StringIO()
    arguments = ["doctor", "--checks", str(path), "--deployer-role-arn", "arn:aws:iam::1:role/ci"]
    assert cli.main(arguments, stdout=stdout, stderr=io.StringIO()) == 0
    assert seen["deployer"] == "arn:aws:iam::1:role/ci"
