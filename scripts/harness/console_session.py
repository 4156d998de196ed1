"""A root user's console session as CloudTrail would record it: built from the documented samples.

A sign-in (examples/events/root-console-sign-in-without-mfa.json), then calls signed with one
temporary console access key (the root-read-only-call.json record, renamed): reads across several
services, a few changes, one CreateAccessKey. Deterministic, so tests can count on exact totals.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from typing import Any

from .samples import load_sample

# (event source, event name, region) of what a console page calls; read-only.
READS = [
    ("ec2.amazonaws.com", "DescribeInstances", "ap-northeast-1"),
    ("ec2.amazonaws.com", "DescribeSecurityGroups", "ap-northeast-1"),
    ("ec2.amazonaws.com", "DescribeRegions", "us-east-1"),
    ("s3.amazonaws.com", "ListBuckets", "us-east-1"),
    ("s3.amazonaws.com", "GetBucketPolicy", "us-east-1"),
    ("s3.amazonaws.com", "GetBucketEncryption", "us-east-1"),
    ("iam.amazonaws.com", "ListUsers", "us-east-1"),
    ("iam.amazonaws.com", "ListAccessKeys", "us-east-1"),
    ("iam.amazonaws.com", "GetAccountSummary", "us-east-1"),
    ("cloudtrail.amazonaws.com", "DescribeTrails", "ap-northeast-1"),
    ("lambda.amazonaws.com", "ListFunctions20150331", "ap-northeast-1"),
    ("rds.amazonaws.com", "DescribeDBInstances", "ap-northeast-1"),
    ("organizations.amazonaws.com", "DescribeOrganization", "us-east-1"),
]
CHANGES = [
    ("ec2.amazonaws.com", "StopInstances", "ap-northeast-1"),
    ("ec2.amazonaws.com", "CreateTags", "ap-northeast-1"),
    ("s3.amazonaws.com", "PutBucketPolicy", "us-east-1"),
    ("iam.amazonaws.com", "UpdateAccountPasswordPolicy", "us-east-1"),
]
START = datetime(2026, 11, 20, 9, 0, 0, tzinfo=timezone.utc)


def console_session(
    reads: int = 100,
    changes: int = 3,
    *,
    access_key_id: str = "ASIAIOSFODNN7EXAMPLE",
    account_id: str = "111122223333",
    source_ip: str = "203.0.113.64",
    prefix: str = "session",
) -> list[dict[str, Any]]:
    """EventBridge events: the sign-in, ``reads`` reads, ``changes`` changes and one CreateAccessKey."""
    sign_in = load_sample("root-console-sign-in-without-mfa.json")
    _set(sign_in, account_id, START, f"{prefix}-sign-in")
    sign_in["detail"]["sourceIPAddress"] = source_ip
    events = [sign_in]
    calls = [(READS[number % len(READS)], True) for number in range(reads)]
    calls += [(CHANGES[number % len(CHANGES)], False) for number in range(changes)]
    calls.append((("iam.amazonaws.com", "CreateAccessKey", "us-east-1"), False))
    for number, ((source, name, region), read_only) in enumerate(calls, 1):
        event = copy.deepcopy(load_sample("root-read-only-call.json"))
        detail = event["detail"]
        detail.update(eventSource=source, eventName=name, awsRegion=region, readOnly=read_only)
        detail["sourceIPAddress"] = source_ip
        detail["userIdentity"]["accessKeyId"] = access_key_id
        event["source"], event["region"] = f"aws.{source.split('.')[0]}", region
        _set(event, account_id, START + timedelta(seconds=5 * number), f"{prefix}-{number:04d}")
        events.append(event)
    return events


def _set(event: dict[str, Any], account_id: str, moment: datetime, event_id: str) -> None:
    text = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    detail = event["detail"]
    event["id"], event["time"], event["account"] = f"{event_id}-envelope", text, account_id
    detail["eventID"], detail["eventTime"], detail["recipientAccountId"] = event_id, text, account_id
    detail["userIdentity"]["accountId"] = account_id
    detail["userIdentity"]["arn"] = f"arn:aws:iam::{account_id}:root"


def sqs_batch(events: list[dict[str, Any]], *, duplicate: int = 0) -> dict[str, Any]:
    """The events as an event source mapping hands them over: one SQS record each (plus ``duplicate``
    redeliveries of the first ones, as SQS's at-least-once delivery may give)."""
    import json

    bodies = [json.dumps(event) for event in events] + [json.dumps(event) for event in events[:duplicate]]
    return {
        "Records": [
            {
                "messageId": f"message-{number:04d}",
                "receiptHandle": f"handle-{number:04d}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-northeast-1:111122223333:root-activity-notifier-events",
                "awsRegion": "ap-northeast-1",
            }
            for number, body in enumerate(bodies)
        ]
    }


def failed_events(events: list[dict[str, Any]], answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of ``sqs_batch(events)`` that the function's ``answer`` reported for redelivery."""
    failed = {item["itemIdentifier"] for item in answer["batchItemFailures"]}
    records = sqs_batch(events)["Records"]
    return [event for event, record in zip(events, records, strict=True) if record["messageId"] in failed]


def hour_of_console_use(*, account_id: str = "111122223333", access_key_id: str = "ASIAIOSFODNN7EXAMPLE"):
    """Issue 17's measured hour: a sign-in without MFA, then 20 read-only calls a minute, a change every
    2.5 minutes and one CreateAccessKey (half-way), all signed with one console key, from one IP."""
    events = console_session(reads=1200, changes=24, access_key_id=access_key_id, account_id=account_id, prefix="hour")
    sign_in, reads, changes, key = events[0], events[1:1201], events[1201:1225], events[1225]
    for number, event in enumerate(reads):
        _retime(event, START + timedelta(seconds=3 * number + 1))
    for number, event in enumerate(changes, 1):
        _retime(event, START + timedelta(seconds=150 * number - 1))
    _retime(key, START + timedelta(minutes=30, seconds=7))
    return [sign_in, *sorted(reads + changes + [key], key=lambda event: event["time"])]


def queue_batches(events, *, window: float = 5, read_only_window: float = 300, read_only_batch_size: int = 1000):
    """The events as the module's two event source mappings would hand them to the function: sign-ins
    and changes in batches that close ``window`` seconds after their first event, read-only calls after
    ``read_only_window`` (or at ``read_only_batch_size``); in the order the batches close."""
    closed = []
    for read_only, length, size in ((False, window, 100), (True, read_only_window, read_only_batch_size)):
        batch, opened = [], None
        for event in events:
            if bool(event["detail"].get("readOnly")) is not read_only:
                continue
            moment = datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
            if batch and (moment - opened >= timedelta(seconds=length) or len(batch) >= size):
                closed.append((opened + timedelta(seconds=length), batch))
                batch = []
            if not batch:
                opened = moment
            batch.append(event)
        if batch:
            closed.append((opened + timedelta(seconds=length), batch))
    return [batch for _, batch in sorted(closed, key=lambda item: item[0])]


def _retime(event: dict[str, Any], moment: datetime) -> None:
    text = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    event["time"] = event["detail"]["eventTime"] = text


MEMBER_ACCOUNT = "222222222222"


def centralized_root_session(
    member_key: str = "ASIAMEMBERKEYEXAMPLE", calls: int = 2, member_account: str = MEMBER_ACCOUNT
):
    """AWS's sample of centralized root access (IAM User Guide, "Track privileged tasks in AWS
    CloudTrail": examples/events/assumed-role-assume-root-call.json), the management account taking
    root access to a member (222222222222), and ``calls`` root calls in the member signed with the key
    of the call's response: (the sts:AssumeRoot event, the member's events)."""
    opened = load_sample("assumed-role-assume-root-call.json")
    opened["detail"]["responseElements"]["credentials"]["accessKeyId"] = member_key
    opened["detail"]["requestParameters"]["targetPrincipal"] = member_account
    member = []
    for number in range(1, calls + 1):
        event = copy.deepcopy(load_sample("root-read-only-call.json"))
        detail = event["detail"]
        detail.update(eventID=f"member-{number}", eventName="DeleteBucketPolicy", readOnly=False)
        detail.update(recipientAccountId=member_account, eventTime="2024-10-25T20:53:00Z")
        event["time"], event["account"] = detail["eventTime"], member_account
        identity = detail["userIdentity"]
        identity.update(accountId=member_account, arn=f"arn:aws:iam::{member_account}:root", accessKeyId=member_key)
        identity["sessionContext"] = {"assumedRoot": "true"}
        member.append(event)
    return opened, member
