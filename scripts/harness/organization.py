"""An AWS Organization in the emulator: the management account (moto's default, the hub) and member
accounts, reached as AWS lets a management account reach them, through OrganizationAccountAccessRole.

moto puts a forwarded event on the hub bus without its ``account``; the handler reads the account
from the CloudTrail record (``recipientAccountId``), so events put here carry the member's ID there.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from .emulator import ACCOUNT_ID, LocalAws

MEMBER_NAMES = ("workloads-dev", "workloads-prod")
STACK_SETS_PRINCIPAL = "member.org.stacksets.cloudformation.amazonaws.com"


class Organization:
    """moto's default account as the management account, and one member account per name."""

    def __init__(self, aws: LocalAws, member_names: tuple[str, ...] = MEMBER_NAMES) -> None:
        self.aws = aws
        organizations = aws.client("organizations", "us-east-1")
        self.id = organizations.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        # What a service-managed StackSet needs first (README, "What an organization needs first").
        organizations.enable_aws_service_access(ServicePrincipal=STACK_SETS_PRINCIPAL)
        self.management_account = ACCOUNT_ID
        self.members: dict[str, str] = {}  # name → account ID
        for name in member_names:
            status = organizations.create_account(AccountName=name, Email=f"{name}@example.com")
            self.members[name] = status["CreateAccountStatus"]["AccountId"]

    def labels(self) -> dict[str, str]:
        return {account: name for name, account in self.members.items()}

    def client(self, account: str, service: str, region: str) -> Any:
        """A client acting in ``account``: the management account's own, or through the member's
        OrganizationAccountAccessRole."""
        if account == self.management_account:
            return self.aws.client(service, region)
        role = f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
        credentials = self.aws.client("sts", region).assume_role(RoleArn=role, RoleSessionName="demo")["Credentials"]
        return self.aws.client(service, region, credentials)

    def put_event(self, event: dict[str, Any], account: str) -> dict[str, Any]:
        """Put ``event`` on the default bus of ``account`` in the region that recorded it, as CloudTrail
        would have there; returns the event as recorded in that account."""
        recorded = as_recorded_in(event, account)
        region = recorded["detail"]["awsRegion"]
        response = self.client(account, "events", region).put_events(
            Entries=[
                {
                    "Source": recorded["source"],
                    "DetailType": recorded["detail-type"],
                    "Detail": json.dumps(recorded["detail"]),
                }
            ]
        )
        if response["FailedEntryCount"]:
            raise RuntimeError(f"PutEvents in {account}/{region} failed: {response['Entries']}")
        return recorded

    def default_bus_rules(self, account: str, region: str) -> list[dict[str, Any]]:
        """The rules on an account's default bus in ``region`` (a member's spoke, the management account's
        forwarders), with their targets."""
        events = self.client(account, "events", region)
        rules = events.list_rules(EventBusName="default")["Rules"]
        for rule in rules:
            rule["Targets"] = events.list_targets_by_rule(Rule=rule["Name"], EventBusName="default")["Targets"]
        return rules


def as_recorded_in(event: dict[str, Any], account: str) -> dict[str, Any]:
    """The same CloudTrail record, as ``account`` recorded it (its own ID wherever the record names one)."""
    recorded = copy.deepcopy(event)
    recorded["account"] = account
    detail = recorded["detail"]
    detail["recipientAccountId"] = account
    identity = detail.get("userIdentity", {})
    if identity.get("type") == "Root":
        identity["accountId"] = account
        identity["arn"] = f"arn:aws:iam::{account}:root"
        identity["principalId"] = account
    else:
        identity["accountId"] = account
        identity["arn"] = re.sub(r"::\d{12}:", f"::{account}:", identity.get("arn", ""))
    detail["eventID"] = f"{detail.get('eventID', 'event')[:24]}-{account}"
    return recorded
