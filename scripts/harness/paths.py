"""Follow the deployed configuration, read back from the emulator, from where an event is recorded to
where it ends: which rules of that region's default bus match it (moto's own pattern matching), and
which of their targets are SNS topics that let that rule publish: the topic's policy, and, for a topic
of another account, the rule's role and the role's own policy. The path is checked as configured."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any

from moto.events.models import EventPattern

Client = Callable[[str, str], Any]


def direct_alarm_paths(
    client: Client,
    event: dict[str, Any],
    *,
    topic_client: Client | None = None,
    organization_id: str | None = None,
) -> list[tuple[str, str]]:
    """(rule ARN, topic ARN) for each rule on the default bus of the event's region that matches it and
    targets an SNS topic that rule may publish to. ``client(service, region)`` reads the account where
    the event was recorded; ``topic_client`` the account of a topic elsewhere (an organization's hub);
    ``organization_id`` the organization the recording account is still in (None once it has left)."""
    region = event["region"]
    events = client("events", region)
    paths = []
    for rule in events.list_rules(EventBusName="default")["Rules"]:
        pattern = rule.get("EventPattern")
        if rule.get("State", "").startswith("DISABLED") or not pattern:
            continue
        if not EventPattern.load(pattern).matches_event(event):
            continue
        for target in events.list_targets_by_rule(Rule=rule["Name"], EventBusName="default")["Targets"]:
            if ":sns:" not in target["Arn"]:
                continue
            if _account(target["Arn"]) == _account(rule["Arn"]):
                if _service_may_publish(client("sns", region), target["Arn"], rule["Arn"]):
                    paths.append((rule["Arn"], target["Arn"]))
            elif _cross_account_may_publish(client, topic_client, target, organization_id):
                paths.append((rule["Arn"], target["Arn"]))
    return paths


def _cross_account_may_publish(
    client: Client, topic_client: Client | None, target: dict[str, Any], organization_id: str | None
) -> bool:
    """EventBridge reaches another account's topic through a role of the rule's account only."""
    role, topic = target.get("RoleArn"), target["Arn"]
    return bool(
        topic_client
        and role
        and _role_may_publish(client, role, topic)
        and _principal_may_publish(topic_client("sns", topic.split(":")[3]), topic, role, organization_id)
    )


def _document(document: Any) -> dict[str, Any]:
    """A policy as IAM returns it; moto's CloudFormation keeps an inline policy as Python's repr."""
    if not isinstance(document, str):
        return document
    try:
        return json.loads(document)
    except json.JSONDecodeError:
        return ast.literal_eval(document)


def _account(arn: str) -> str:
    return arn.split(":")[4]


def _statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        statement
        for statement in policy.get("Statement", [])
        if statement.get("Effect") == "Allow"
        and any(action.lower() in ("sns:publish", "sns:*") for action in _listed(statement.get("Action", [])))
    ]


def _listed(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value)


def _topic_policy(sns, topic_arn: str) -> dict[str, Any]:
    return json.loads(sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"].get("Policy", "{}"))


def _service_may_publish(sns, topic_arn: str, rule_arn: str) -> bool:
    for statement in _statements(_topic_policy(sns, topic_arn)):
        principal = statement.get("Principal", {})
        services = _listed(principal.get("Service", [])) if isinstance(principal, dict) else []
        if "events.amazonaws.com" not in services:
            continue
        allowed = _listed(statement.get("Condition", {}).get("ArnEquals", {}).get("aws:SourceArn", []))
        if any(fnmatchcase(rule_arn, each) for each in allowed):
            return True
    return False


def _role_may_publish(client: Client, role_arn: str, topic_arn: str) -> bool:
    """The rule's role, in the rule's account: EventBridge may assume it, and its inline policy lets it
    publish to the topic."""
    iam = client("iam", "us-east-1")
    name = role_arn.rsplit("/", 1)[-1]
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        return False
    trust = _document(role["AssumeRolePolicyDocument"])
    if not any(
        "events.amazonaws.com" in _listed(statement.get("Principal", {}).get("Service", []))
        for statement in trust.get("Statement", [])
    ):
        return False
    for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        document = _document(iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"])
        for statement in _statements(document):
            if any(fnmatchcase(topic_arn, each) for each in _listed(statement.get("Resource", []))):
                return True
    return False


def _principal_may_publish(sns, topic_arn: str, role_arn: str, organization_id: str | None) -> bool:
    """The topic's policy lets that role publish, as IAM would judge the conditions the module writes:
    aws:PrincipalArn (ArnLike), and aws:PrincipalOrgID or aws:PrincipalAccount (StringEquals)."""
    known = {"aws:PrincipalOrgID": organization_id, "aws:PrincipalAccount": _account(role_arn)}
    for statement in _statements(_topic_policy(sns, topic_arn)):
        if statement.get("Principal") not in ({"AWS": "*"}, "*"):
            continue
        conditions = statement.get("Condition", {})
        if set(conditions) - {"ArnLike", "StringEquals"}:
            continue
        arns = _listed(conditions.get("ArnLike", {}).get("aws:PrincipalArn", []))
        if not any(fnmatchcase(role_arn, each) for each in arns):
            continue
        equals = conditions.get("StringEquals", {})
        if all(key in known and known[key] in _listed(values) for key, values in equals.items()):
            return True
    return False


def sent_to(topic: str) -> list[str]:
    """What moto's SNS topic was sent (the emulator delivers EventBridge's SNS targets)."""
    from moto.sns.models import sns_backends

    _, _, _, region, account, _ = topic.split(":")
    return [notification[1] for notification in sns_backends[account][region].topics[topic].sent_notifications]
