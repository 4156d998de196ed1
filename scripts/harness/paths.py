"""Follow the deployed configuration, read back from the emulator, from where an event is recorded to
where it ends: which rules of that region's default bus match it (moto's own pattern matching), and
which of their targets are SNS topics that let that rule publish (the topic's policy). Nothing is
delivered: moto's EventBridge does not deliver to SNS, so the path is checked as configured."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

from moto.events.models import EventPattern


def direct_alarm_paths(client, event: dict[str, Any]) -> list[tuple[str, str]]:
    """(rule ARN, topic ARN) for each rule on the default bus of the event's region that matches it and
    targets an SNS topic whose policy lets that rule publish. ``client(service, region)``."""
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
            if ":sns:" in target["Arn"] and _may_publish(client("sns", region), target["Arn"], rule["Arn"]):
                paths.append((rule["Arn"], target["Arn"]))
    return paths


def _may_publish(sns, topic_arn: str, rule_arn: str) -> bool:
    policy = json.loads(sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"].get("Policy", "{}"))
    for statement in policy.get("Statement", []):
        principal = statement.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        services = [services] if isinstance(services, str) else services
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if statement.get("Effect") != "Allow" or "events.amazonaws.com" not in services:
            continue
        if not any(action.lower() in ("sns:publish", "sns:*") for action in actions):
            continue
        allowed = statement.get("Condition", {}).get("ArnEquals", {}).get("aws:SourceArn", [])
        allowed = [allowed] if isinstance(allowed, str) else allowed
        if any(fnmatchcase(rule_arn, each) for each in allowed):
            return True
    return False
