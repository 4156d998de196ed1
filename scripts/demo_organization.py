"""`make demo-organization`: examples/organization applied to an emulated AWS Organization, then
root activity in member accounts reaching Slack, all locally.

AWS is moto's server on 127.0.0.1: an organization whose management account is the hub, and two
member accounts. Slack is a local webhook (limited like Slack, to about one message a second). The
example is applied as a user would apply it; the StackSet's stack instances land in the member
accounts (moto runs their template there), and what they deployed is shown. Then root events are put
on member accounts' buses where CloudTrail would record them: a console sign-in in us-east-1 and an
API call in us-east-2. The spoke rules send them to the hub bus, the hub's rules to its queues,
whose batches go to the deployed package. Also an sts:AssumeRoot call in the management account and
an IAM user's sign-in in a member (which must reach nothing). Everything is destroyed at the end,
also on error or Ctrl-C. The exit status is non-zero when a member's root event does not arrive.
"""

from __future__ import annotations

import json
import sys

from harness.deployed import DeployedFunction, DeployedQueues
from harness.deployment import REPO, ExampleDeployment
from harness.emulator import LocalAws
from harness.narration import describe_batch, run, step, write_preview
from harness.organization import Organization
from harness.samples import load_sample
from slack_preview import to_html, to_terminal
from slack_sink import SlackSink

EXAMPLE = "organization"
REGION = "ap-northeast-1"  # the hub
# Two regions keep the demo quick; the example's default is every region enabled in a new account.
SPOKE_REGIONS = ["us-east-1", "us-east-2"]
PARAMETER = "/root-activity-notifier-demo/slack-webhook-url"
PREVIEW = REPO / "build" / "demo" / "organization-preview.html"
FUNCTION_LOG = REPO / "build" / "demo" / "organization-function-log.jsonl"


def show_spokes(organization: Organization) -> list[str]:
    """Print what the StackSet deployed in each member account; return what is missing."""
    problems = []
    print("\nWhat the StackSet deployed (CloudFormation stack instances in the member accounts):")
    for name, account in organization.members.items():
        roles = organization.client(account, "iam", "us-east-1").list_roles()["Roles"]
        spoke_roles = [role["RoleName"] for role in roles if role["RoleName"].endswith("-spoke")]
        print(f"  {account} ({name}): role {', '.join(spoke_roles) or 'MISSING'}")
        if not spoke_roles:
            problems.append(f"no spoke role in {name}")
        for region in SPOKE_REGIONS:
            rules = organization.default_bus_rules(account, region)
            rules = [rule for rule in rules if rule["Name"].endswith("-spoke")]
            for rule in rules:
                targets = ", ".join(target["Arn"] for target in rule["Targets"])
                print(f"    {region}: rule {rule['Name']} ({rule['State']}) -> {targets}")
            if not rules:
                problems.append(f"no spoke rule in {name} {region}")
    management = organization.default_bus_rules(organization.management_account, "us-east-1")
    print(
        f"  {organization.management_account} (management, the hub): no stack instance (StackSets never deploy "
        f"there); the module's own forwarders: {', '.join(rule['Name'] for rule in management) or 'none'}"
    )
    return problems


def root_activity(organization: Organization) -> list[tuple[str, str, dict]]:
    """(description, account the message must name, event as recorded) for each event put on a bus."""
    dev, prod = organization.members["workloads-dev"], organization.members["workloads-prod"]
    put = []
    sign_in = organization.put_event(load_sample("root-console-sign-in-without-mfa.json"), dev)
    put.append(("root console sign-in in workloads-dev (us-east-1)", dev, sign_in))
    call = organization.put_event(load_sample("root-api-call-from-console.json"), prod)
    put.append(("root API call in workloads-prod (us-east-2)", prod, call))
    assume_root = load_sample("assumed-role-assume-root-call.json")
    assume_root["detail"]["awsRegion"] = REGION
    assume_root["detail"]["requestParameters"]["targetPrincipal"] = prod
    taken = organization.put_event(assume_root, organization.management_account)
    put.append(("sts:AssumeRoot in the management account, to workloads-prod", prod, taken))
    organization.put_event(load_sample("iam-user-console-sign-in.json"), dev)  # must reach nothing
    return put


def main() -> int:
    return run(demonstrate, "demo complete: root activity from each member account reached Slack, naming its account")


def demonstrate(problems: list[str]) -> None:
    with LocalAws() as aws, SlackSink(messages_per_second=1) as sink:
        step(f"AWS emulator (moto) on {aws.endpoint}; Slack webhook stand-in on {sink.url}")
        organization = Organization(aws)
        members = ", ".join(f"{account} ({name})" for name, account in organization.members.items())
        step(f"organization {organization.id}: management account (the hub) {organization.management_account}")
        step(f"member accounts: {members}")
        aws.client("ssm", REGION).put_parameter(Name=PARAMETER, Value=sink.url, Type="SecureString")
        deployment = ExampleDeployment(
            aws,
            EXAMPLE,
            variables={
                "region": REGION,
                "slack_webhook_url": "https://hooks.slack.com/services/DEMO/UNUSED/x",
                "regions": SPOKE_REGIONS,
                "account_labels": organization.labels(),
            },
            module_arguments={"slack_webhook_url": None, "slack_webhook_ssm_parameter_name": PARAMETER},
        )
        # destroy runs while the emulator is still up, whatever happens in between
        try:
            step(f"terraform apply examples/{EXAMPLE} (hub in {REGION}); this takes about a minute and a half")
            outputs = deployment.apply()
            step(f"applied: hub bus {outputs['hub_event_bus_arn']}, StackSet {outputs['stack_set_name']}")
            step(
                "moto ran the StackSet's template in the member accounts itself; the harness fills three gaps of "
                "its StackSets (scripts/harness/emulator.py), so the deployment reads back as AWS reports it"
            )
            problems += show_spokes(organization)
            FUNCTION_LOG.parent.mkdir(parents=True, exist_ok=True)
            FUNCTION_LOG.write_text("")
            step(f"the function's JSON log lines go to {FUNCTION_LOG}")
            with DeployedFunction(aws, REGION, outputs["lambda_function_name"], log_path=FUNCTION_LOG) as function:
                problems += deliver(aws, organization, function, sink)
            write_preview(PREVIEW, to_html(sink.messages))
            step(f"{len(sink.messages)} Slack message(s), {sink.rate_limited} answered 429; HTML preview: {PREVIEW}")
        finally:
            step("terraform destroy")
            deployment.destroy()


def deliver(aws: LocalAws, organization: Organization, function: DeployedFunction, sink: SlackSink) -> list[str]:
    problems = []
    with DeployedQueues(aws, REGION, function.name) as queues:
        expected = root_activity(organization)
        print()
        for description, _, _ in expected:
            step(f"put on its account's bus: {description}")
        step("put on its account's bus: an IAM user's console sign-in in workloads-dev (not root)")
        batches = queues.batches()
    for queue, batch in batches:
        answer = function.invoke(batch)
        step(f"batch of {len(batch['Records'])} from {queue}: {describe_batch(function.last_log)}")
        if answer.get("batchItemFailures"):
            problems.append(f"{queue}: these messages did not reach Slack: {answer['batchItemFailures']}")
    for payload in sink.messages:
        print(to_terminal(payload))
    for description, account, event in expected:
        label = organization.labels()[account]
        named = [
            payload
            for payload in sink.messages
            if event["detail"]["eventName"] in json.dumps(payload) and f"{account} ({label})" in json.dumps(payload)
        ]
        if named:
            step(f"reached Slack, naming {account} ({label}): {description}")
        else:
            problems.append(f"did not reach Slack naming {account} ({label}): {description}")
    if len(sink.messages) != len(expected):
        problems.append(f"{len(sink.messages)} Slack messages for {len(expected)} announced events")
    return problems


if __name__ == "__main__":
    sys.exit(main())
