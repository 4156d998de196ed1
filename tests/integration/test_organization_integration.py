"""examples/organization applied to an emulated AWS Organization (moto: the management account as the
hub, two member accounts), checked as deployed in every account, driven with member accounts' root
activity, planned again, destroyed. Part of `make test` through `make integration`.
"""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from harness.console_session import centralized_root_session
from harness.deployed import DeployedFunction, DeployedQueues
from harness.deployment import ExampleDeployment
from harness.emulator import CREDENTIALS, LocalAws
from harness.organization import Organization
from harness.paths import direct_alarm_paths, sent_to
from harness.samples import FORGED_SOURCES, load_sample
from harness.tamper_calls import WatchedCall, notifier_names, recorded, watched_calls
from root_activity_notifier.cli import main as cli_main
from root_activity_notifier.core.sessions import MAX_OWN_MESSAGES
from slack_api_standin import BOT_TOKEN, SlackApiStandIn

pytestmark = pytest.mark.integration

HUB_REGION = "ap-northeast-1"
SPOKE_REGIONS = ["us-east-1", "us-east-2"]
PARAMETER = "/root-activity-notifier-test/slack-webhook-url"
SPOKE = "root-activity-notifier-spoke"
CHANNEL, TEAM_CHANNEL = "C0SECURITY1", "C0PRODTEAM1"


@pytest.fixture(scope="module")
def organization(aws):
    return Organization(aws)


@pytest.fixture(scope="module")
def deployed(aws, sink, organization):
    aws.client("ssm", HUB_REGION).put_parameter(Name=PARAMETER, Value=sink.url, Type="SecureString")
    deployment = ExampleDeployment(
        aws,
        "organization",
        variables={
            "slack_webhook_url": "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX",
            "regions": SPOKE_REGIONS,
            "account_labels": organization.labels(),
            "alarm_email_addresses": ["secops@example.com"],
        },
        module_arguments={"slack_webhook_url": None, "slack_webhook_ssm_parameter_name": PARAMETER},
        # the management account's own us-east-2, from the example's ready block
        forward_regions=["us-east-2"],
    )
    try:
        yield deployment, deployment.apply()
    finally:
        deployment.destroy()
    assert_nothing_left(aws, organization)


def assert_nothing_left(aws: LocalAws, organization: Organization) -> None:
    for account in organization.members.values():
        for region in SPOKE_REGIONS:
            assert organization.default_bus_rules(account, region) == []
        roles = organization.client(account, "iam", "us-east-1").list_roles()["Roles"]
        assert [role["RoleName"] for role in roles] == ["OrganizationAccountAccessRole"]
    cloudformation = aws.client("cloudformation", HUB_REGION)
    assert [summary["Status"] for summary in cloudformation.list_stack_sets()["Summaries"]] in ([], ["DELETED"])
    events = aws.client("events", HUB_REGION)
    assert [bus["Name"] for bus in events.list_event_buses()["EventBuses"]] == ["default"]
    assert aws.client("lambda", HUB_REGION).list_functions()["Functions"] == []


def test_every_member_account_and_region_has_a_spoke_to_the_hub_bus(deployed, organization):
    _, outputs = deployed
    hub = outputs["hub_event_bus_arn"]
    assert hub == f"arn:aws:events:{HUB_REGION}:{organization.management_account}:event-bus/root-activity-notifier-hub"
    # The management account's own us-east-1 forwarder, made by the module: the pattern to compare with.
    management_rules = organization.default_bus_rules(organization.management_account, "us-east-1")
    management = {rule["Name"]: rule for rule in management_rules}
    forwarder = management["root-activity-notifier-forwarder"]
    tamper_rules = ["tamper-access", "tamper-delivery", "tamper-rules"]
    forwarder_tamper_rules = [f"root-activity-notifier-forwarder-{name}" for name in tamper_rules]
    # and its rule that sends path-cutting IAM calls straight to its alarm topic (members' us-east-1 too)
    path = "root-activity-notifier-forwarder-tamper-path"
    assert sorted(management) == sorted(["root-activity-notifier-forwarder", *forwarder_tamper_rules, path])
    for account in organization.members.values():
        for region in SPOKE_REGIONS:
            rules = {rule["Name"]: rule for rule in organization.default_bus_rules(account, region)}
            paths = [f"{SPOKE}-tamper-path"] if region == "us-east-1" else []
            assert sorted(rules) == sorted([SPOKE, *paths] + [f"{SPOKE}-{name}" for name in tamper_rules])
            for name in tamper_rules:  # the same patterns as the management account's forwarders
                tamper = rules[f"{SPOKE}-{name}"]
                forwarded = management[f"root-activity-notifier-forwarder-{name}"]
                assert json.loads(tamper["EventPattern"]) == json.loads(forwarded["EventPattern"])
                assert tamper["State"] == "ENABLED" and tamper["Targets"][0]["Arn"] == hub
            rule = rules[SPOKE]
            assert json.loads(rule["EventPattern"]) == json.loads(forwarder["EventPattern"])
            assert rule["State"] == forwarder["State"] == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
            (target,) = rule["Targets"]
            assert target["Arn"] == hub
            assert target["RoleArn"] == f"arn:aws:iam::{account}:role/{SPOKE}"
        role = organization.client(account, "iam", "us-east-1").get_role(RoleName=SPOKE)["Role"]
        trust = role["AssumeRolePolicyDocument"]
        trust = json.loads(trust) if isinstance(trust, str) else trust
        assert trust["Statement"][0]["Principal"] == {"Service": "events.amazonaws.com"}


def test_stack_sets_skip_the_management_account(deployed, aws, organization):
    _, outputs = deployed
    instances = aws.client("cloudformation", HUB_REGION).list_stack_instances(StackSetName=outputs["stack_set_name"])
    accounts = {summary["Account"] for summary in instances["Summaries"]}
    assert accounts == set(organization.members.values())
    management_rules = organization.default_bus_rules(organization.management_account, "us-east-1")
    assert all(rule["Name"] != SPOKE for rule in management_rules)


def test_the_deployed_template_passes_cfn_lint(deployed, aws, tmp_path: Path):
    _, outputs = deployed
    stack_set = aws.client("cloudformation", HUB_REGION).describe_stack_set(StackSetName=outputs["stack_set_name"])
    template = tmp_path / "spoke.json"
    template.write_text(stack_set["StackSet"]["TemplateBody"])
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "cfn-lint"), "--regions", *SPOKE_REGIONS, "--", str(template)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_member_root_activity_reaches_slack_naming_its_account(deployed, aws, sink, organization):
    _, outputs = deployed
    dev, prod = organization.members["workloads-dev"], organization.members["workloads-prod"]
    assume_root = load_sample("assumed-role-assume-root-call.json")
    assume_root["detail"]["awsRegion"] = "us-east-1"  # the management account's us-east-1 forwarder
    assume_root["detail"]["requestParameters"]["targetPrincipal"] = dev
    before = len(sink.messages)
    with DeployedFunction(aws, HUB_REGION, outputs["lambda_function_name"]) as function:
        function.forget_sessions()  # each test its own root sessions
        with DeployedQueues(aws, HUB_REGION, function.name) as queues:
            sign_in = organization.put_event(load_sample("root-console-sign-in-without-mfa.json"), dev)
            call = organization.put_event(load_sample("root-api-call-from-console.json"), prod)
            organization.put_event(assume_root, organization.management_account)
            management_call = organization.put_event(
                load_sample("root-api-call-from-console.json"), organization.management_account
            )
            organization.put_event(load_sample("iam-user-console-sign-in.json"), prod)
            organization.put_event(load_sample("iam-user-named-root-api-call.json"), dev)
            batches = queues.batches()
        answers = [function.invoke(batch) for _, batch in batches]
    assert answers and all(answer == {"batchItemFailures": []} for answer in answers)
    texts = [json.dumps(payload, ensure_ascii=False) for payload in sink.messages[before:]]
    assert len(texts) == 4, texts
    assert any(sign_in["detail"]["eventID"] in text and f"{dev} (workloads-dev)" in text for text in texts)
    assert any(call["detail"]["eventID"] in text and f"{prod} (workloads-prod)" in text for text in texts)
    assert any("AssumeRoot" in text and f"{dev} (workloads-dev)" in text for text in texts)
    management = f"{organization.management_account} (management)"
    assert any(management_call["detail"]["eventID"] in text and management in text for text in texts)


def test_a_forged_root_event_from_a_member_reaches_no_queue_and_a_genuine_one_does(deployed, aws, organization):
    """Any principal of the organization may put events on the hub bus (its policy), and a member's own
    default bus feeds the spoke: with a source of its own, a root-shaped event reaches neither queue.
    (moto takes PutEvents on another account's bus by ARN for an unknown bus of the caller's, so the
    event put straight on the hub bus comes from a principal of the hub account.)"""
    _, outputs = deployed
    dev = organization.members["workloads-dev"]
    events = aws.client("events", HUB_REGION)
    with DeployedQueues(aws, HUB_REGION, outputs["lambda_function_name"]) as queues:
        for source in FORGED_SOURCES:
            forged = {**load_sample("root-console-sign-in-without-mfa.json"), "source": source}
            recorded = organization.put_event(forged, dev)  # the member's us-east-1 default bus: its spoke
            answer = events.put_events(
                Entries=[
                    {
                        "Source": source,
                        "DetailType": recorded["detail-type"],
                        "Detail": json.dumps(recorded["detail"]),
                        "EventBusName": outputs["hub_event_bus_arn"].rsplit("/", 1)[-1],
                    }
                ]
            )
            assert answer["FailedEntryCount"] == 0, answer
        assert queues.batches() == []
        organization.put_event(load_sample("root-console-sign-in-without-mfa.json"), dev)
        ((_, batch),) = queues.batches()
    assert json.loads(batch["Records"][0]["body"])["source"] == "aws.signin"


def test_changes_to_the_notifier_in_members_and_the_management_account_reach_slack(deployed, aws, sink, organization):
    """A member's admin deletes its spoke rule, its spoke role, leaves the organization; someone in the
    management account deletes the StackSet, turns off its trusted access (from Organizations and from
    CloudFormation) and removes an account from the organization."""
    _, outputs = deployed
    dev = organization.members["workloads-dev"]
    names = {
        "region": HUB_REGION,
        "account": organization.management_account,
        "trail": "root-activity-notifier-trail",
        "rule": SPOKE,
        "queue_url": "-",
        "function": "-",
        "mapping_uuid": "-",
        "parameter": "-",
        "topic_arn": "-",
        "alarm": "-",
        "role": SPOKE,
        "stack_set": outputs["stack_set_name"],
    }
    calls = {call.event: call for call in watched_calls(names)}

    def made(call, account, region="us-east-1"):
        event = recorded(call, region=region, account=account, event_id=f"org-{call.event}")
        return organization.put_event(event, account)

    before = len(sink.messages)
    with DeployedFunction(aws, HUB_REGION, outputs["lambda_function_name"]) as function:
        function.forget_sessions()  # each test its own root sessions
        with DeployedQueues(aws, HUB_REGION, function.name) as queues:
            put = [
                made(calls["DeleteRule"], dev, "us-east-2"),
                made(calls["DeleteRole"], dev),
                made(calls["LeaveOrganization"], dev),
                made(calls["DeleteStackSet"], organization.management_account, HUB_REGION),
                made(calls["DisableAWSServiceAccess"], organization.management_account),
                made(calls["DeactivateOrganizationsAccess"], organization.management_account, HUB_REGION),
                made(calls["RemoveAccountFromOrganization"], organization.management_account),
            ]
            batches = queues.batches()
        answers = [function.invoke(batch) for _, batch in batches]
    assert answers and all(answer == {"batchItemFailures": []} for answer in answers)
    texts = [json.dumps(payload, ensure_ascii=False) for payload in sink.messages[before:]]
    for event in put:
        (text,) = [text for text in texts if event["detail"]["eventID"] in text]
        assert ":rotating_light: ルートアクティビティ通知の設定変更検知" in text, event["detail"]["eventName"]
    assert any(f"{dev} (workloads-dev)" in text and "LeaveOrganization" in text for text in texts)


def test_a_deleted_spoke_is_found_by_the_health_check_and_doctor_until_restored(
    deployed, aws, sink, organization, monkeypatch
):
    _, outputs = deployed
    dev = organization.members["workloads-dev"]
    cloudformation = aws.client("cloudformation", HUB_REGION)
    for variable, value in {**CREDENTIALS, "AWS_ENDPOINT_URL": aws.endpoint}.items():
        monkeypatch.setenv(variable, value)

    def doctor():
        stdout = io.StringIO()
        arguments = ["doctor", "--name-prefix", "root-activity-notifier", "--region", HUB_REGION]
        arguments += ["--scope", "organization"]
        return cli_main(arguments, stdout=stdout, stderr=io.StringIO()), stdout.getvalue()

    with DeployedFunction(aws, HUB_REGION, outputs["lambda_function_name"]) as function:
        assert function.invoke(outputs["health_check_input"])["health"] == "ok"
        cloudformation.delete_stack_instances(
            StackSetName=outputs["stack_set_name"], Accounts=[dev], Regions=["us-east-2"], RetainStacks=False
        )
        try:
            before = len(sink.messages)
            assert function.invoke(outputs["health_check_input"])["health"] == "failing"
            (message,) = sink.messages[before:]
            assert f"{dev}/us-east-2 (no instance)" in json.dumps(message)
            code, table = doctor()
            assert code == 1 and "FAIL  StackSet root-activity-notifier-spokes is CURRENT" in table, table
        finally:  # the fix the finding gives
            (root,) = aws.client("organizations", "us-east-1").list_roots()["Roots"]
            cloudformation.create_stack_instances(
                StackSetName=outputs["stack_set_name"],
                DeploymentTargets={"OrganizationalUnitIds": [root["Id"]]},
                Regions=["us-east-2"],
            )
        assert function.invoke(outputs["health_check_input"])["health"] == "ok"
        assert doctor()[0] == 0


def test_every_watched_call_on_the_hubs_own_resources_reaches_slack(deployed, sink, organization):
    """Each tampering call on what the hub (the management account) runs, made there, announced through
    the deployed forwarders, hub bus, tamper rules, queue and package: the whole list, organization
    calls included."""
    deployment, outputs = deployed
    aws, management = deployment.aws, organization.management_account
    names = {**notifier_names(aws, HUB_REGION, outputs), "account": management, "stack_set": outputs["stack_set_name"]}
    calls = watched_calls(names)
    assert {"RemoveAccountFromOrganization", "DeactivateOrganizationsAccess", "LeaveOrganization"} <= {
        call.event for call in calls
    }
    events = [
        recorded(call, region=HUB_REGION, account=management, event_id=f"hub-t{number:02d}")
        for number, call in enumerate(calls)
    ]
    before = len(sink.messages)
    with DeployedFunction(aws, HUB_REGION, outputs["lambda_function_name"]) as function:
        function.forget_sessions()
        for start in range(0, len(events), MAX_OWN_MESSAGES):  # each alert a message of its own
            with DeployedQueues(aws, HUB_REGION, function.name) as queues:
                for event in events[start : start + MAX_OWN_MESSAGES]:
                    organization.put_event(event, management)
                batches = queues.batches()
            assert all(function.invoke(batch) == {"batchItemFailures": []} for _, batch in batches)
    texts = [json.dumps(payload, ensure_ascii=False) for payload in sink.messages[before:]]
    missing = [
        call.name
        for call, event in zip(calls, events, strict=True)
        if not any(event["detail"]["eventID"] in text for text in texts)
    ]
    assert missing == [] and len(calls) >= 30


def test_a_spoke_rule_disabled_in_a_member_is_named_by_the_health_check_and_doctor(
    deployed, sink, organization, monkeypatch, tmp_path
):
    deployment, outputs = deployed
    aws = deployment.aws
    dev = organization.members["workloads-dev"]
    events = organization.client(dev, "events", "us-east-2")
    for variable, value in {**CREDENTIALS, "AWS_ENDPOINT_URL": aws.endpoint}.items():
        monkeypatch.setenv(variable, value)
    checks = outputs["health_check_input"]["checks"]
    assert checks["spokes"]["role_arn"].endswith(":role/root-activity-notifier-spoke-health-check")

    def doctor(*arguments):
        stdout = io.StringIO()
        return cli_main(["doctor", *arguments], stdout=stdout, stderr=io.StringIO()), stdout.getvalue()

    path = tmp_path / "checks.json"
    path.write_text(json.dumps(outputs["health_check_input"]))
    by_name = ["--name-prefix", "root-activity-notifier", "--region", HUB_REGION, "--scope", "organization"]
    with DeployedFunction(aws, HUB_REGION, outputs["lambda_function_name"]) as function:
        assert function.invoke(outputs["health_check_input"])["health"] == "ok"
        rule = events.describe_rule(Name=SPOKE)
        events.disable_rule(Name=SPOKE)
        try:
            before = len(sink.messages)
            assert function.invoke(outputs["health_check_input"])["health"] == "failing"
            (message,) = sink.messages[before:]
            named = f"us-east-2: {SPOKE} is DISABLED"
            assert f"spoke rules of account {dev}" in json.dumps(message) and named in json.dumps(message)
            for arguments in (["--checks", str(path)], by_name):
                code, table = doctor(*arguments)
                assert code == 1 and f"FAIL  spoke rules of account {dev}" in table and named in table, table
        finally:  # as the StackSet would put it back
            events.put_rule(Name=SPOKE, State=rule["State"], EventPattern=rule["EventPattern"])
        assert function.invoke(outputs["health_check_input"])["health"] == "ok"
        assert doctor("--checks", str(path))[0] == 0 and doctor(*by_name)[0] == 0


def test_deleting_the_hub_bus_or_its_policy_also_reaches_the_alarm_topic_around_the_hub(deployed, organization):
    deployment, outputs = deployed
    hub_bus = outputs["hub_event_bus_arn"].rsplit("/", 1)[-1]
    for name, parameters in (("DeleteEventBus", {"name": hub_bus}), ("RemovePermission", {"eventBusName": hub_bus})):
        call = WatchedCall(f"{name} on the hub bus", "events.amazonaws.com", name, parameters)
        event = recorded(call, region=HUB_REGION, account=organization.management_account, event_id=f"hub-{name}")
        ((rule, topic),) = direct_alarm_paths(deployment.aws.client, event)
        assert rule.endswith(":rule/root-activity-notifier-tamper-path") and topic.split(":")[2:4] == [
            "sns",
            HUB_REGION,
        ]


def test_a_members_path_cutting_calls_also_reach_the_hubs_us_east_1_alarm_topic(deployed, aws, organization):
    """A member's spoke role deleted, or the member leaving the organization, cuts its way to the hub
    bus: each also goes from the member's us-east-1 default bus to the hub's us-east-1 alarm topic,
    through a role of the member's own, allowed by the topic's policy (after leaving too)."""
    dev = organization.members["workloads-dev"]
    topic = f"arn:aws:sns:us-east-1:{organization.management_account}:root-activity-notifier-forwarder-alarms"
    names = {key: "-" for key in ("trail", "rule", "queue_url", "function", "mapping_uuid", "parameter", "topic_arn")}
    names.update(region="us-east-1", account=dev, alarm="-", role=SPOKE, stack_set="-")
    calls = {call.event: call for call in watched_calls(names)}

    def member(service, region):
        return organization.client(dev, service, region)

    iam_calls = ["DeleteRole", "PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy"]
    in_organization = {**dict.fromkeys(iam_calls, organization.id), "LeaveOrganization": None}
    for name, still_in in in_organization.items():
        event = recorded(calls[name], region="us-east-1", account=dev, event_id=f"member-path-{name}")
        ((rule, topic_of_path),) = direct_alarm_paths(member, event, topic_client=aws.client, organization_id=still_in)
        assert rule == f"arn:aws:events:us-east-1:{dev}:rule/root-activity-notifier-spoke-tamper-path", name
        assert topic_of_path == topic, name
    # The topic's policy names the organization's accounts; a call that cuts nothing stays on the usual path.
    policy = json.loads(aws.client("sns", "us-east-1").get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
    (after_leaving,) = [each for each in policy["Statement"] if each["Sid"] == "MemberTamperPathsAfterLeaving"]
    assert sorted(after_leaving["Condition"]["StringEquals"]["aws:PrincipalAccount"]) == sorted(
        [organization.management_account, *organization.members.values()]
    )
    parameter = recorded(calls["PutParameter"], region="us-east-1", account=dev, event_id="member-path-p")
    assert direct_alarm_paths(member, parameter, topic_client=aws.client, organization_id=organization.id) == []
    # And what the topic gets, once the member puts the call on its own bus.
    before = len(sent_to(topic))
    with DeployedQueues(aws, HUB_REGION, deployed[1]["lambda_function_name"]) as queues:
        left = recorded(calls["LeaveOrganization"], region="us-east-1", account=dev, event_id="member-path-sent")
        organization.put_event(left, dev)
        queues.batches()  # the usual path's copy, drained: the emulator's organization still has the member
    (text,) = sent_to(topic)[before:]
    assert text.lstrip('"').startswith("The root activity notifier is being changed: LeaveOrganization by ")
    assert f"account {dev} (us-east-1)" in text


def test_second_plan_is_empty(deployed):
    deployment, _ = deployed
    empty, plan = deployment.plan_is_empty()
    assert empty, plan[-4000:]


def test_slack_app_mode_applies_in_place_and_threads_each_member_session_in_its_team_channel(
    deployed, aws, organization
):
    """Last, on the same deployment: switched to Slack app mode (a bot token, routes by account), an
    apply changes it in place and a second plan is empty; then centralized root access to a member is
    one thread in the default channel, and a root call in the routed account one in its team's."""
    deployment, _ = deployed
    dev, prod = organization.members["workloads-dev"], organization.members["workloads-prod"]
    deployment.reconfigure(
        {**deployment.variables, "slack_webhook_url": None, "slack_bot_token": BOT_TOKEN, "slack_channel_id": CHANNEL},
        {"slack_channel_routes": {prod: TEAM_CHANNEL}},
    )
    outputs = deployment.apply()
    assert outputs["slack_session_table_name"] == "root-activity-notifier-slack-sessions"
    empty, plan = deployment.plan_is_empty()
    assert empty, plan[-4000:]

    opened, calls = centralized_root_session("ASIAMEMBERDEVEXAMPLE", member_account=dev)
    opened["detail"]["awsRegion"] = "us-east-1"  # the management account's us-east-1 forwarder
    with SlackApiStandIn(channels=[CHANNEL, TEAM_CHANNEL]) as slack:
        with DeployedFunction(aws, HUB_REGION, outputs["lambda_function_name"]) as function:
            function.forget_sessions()  # each test its own root sessions
            function.environment["SLACK_API_URL"] = slack.url
            with DeployedQueues(aws, HUB_REGION, function.name) as queues:
                for call in calls:
                    organization.put_event(call, dev)
                organization.put_event(opened, organization.management_account)
                organization.put_event(load_sample("root-api-call-from-console.json"), prod)
                batches = queues.batches()
            answers = [function.invoke(batch) for _, batch in batches]
        assert answers and all(answer == {"batchItemFailures": []} for answer in answers), answers
        (dev_parent,) = slack.parents(CHANNEL)
        (prod_parent,) = slack.parents(TEAM_CHANNEL)
        assert dev in dev_parent["text"] and prod in prod_parent["text"]
        assert len(slack.replies(dev_parent)) == 3  # the AssumeRoot call and the member's two calls
        assert "John" in dev_parent["blocks"][1]["text"]["text"]  # who opened the session
