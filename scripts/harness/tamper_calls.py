"""Changes to the notifier's own resources, as CloudTrail records them: one call of each watched kind.

Every record takes the shape of the documented SQS example (AWS SQS Developer Guide, *Logging
Amazon SQS API calls using AWS CloudTrail*, the `DeleteQueue` entry: an IAM user's call, eventVersion
1.06), with the event name and request parameters of the call. Where each request parameter comes
from: examples/events/README.md, "Changes to the notifier".
"""

from __future__ import annotations

import copy
from collections import namedtuple
from typing import Any

# The documented record every call here is shaped as (SQS Developer Guide, DeleteQueue entry).
_DOCUMENTED_RECORD = {
    "eventVersion": "1.06",
    "userIdentity": {
        "type": "IAMUser",
        "principalId": "AKIAI44QH8DHBEXAMPLE",
        "arn": "arn:aws:iam::123456789012:user/Carlos",
        "accountId": "123456789012",
        "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
        "userName": "Carlos",
    },
    "eventTime": "2018-06-28T22:23:46Z",
    "eventSource": "sqs.amazonaws.com",
    "eventName": "DeleteQueue",
    "awsRegion": "us-east-2",
    "sourceIPAddress": "203.0.113.2",
    "userAgent": "Mozilla/5.0 (X11; Linux x86_64; rv:24.0) Gecko/20100101 Firefox/24.0",
    "requestParameters": {"queueUrl": "https://sqs.us-east-2.amazon.com/123456789012/MyQueue"},
    "responseElements": None,
    "requestID": "123abcde-f4gh-50ij-klmn-60o789012p30",
    "eventID": "0987g654-32f1-09e8-d765-c4f3fb2109fa",
    "readOnly": False,
    "eventType": "AwsApiCall",
    "recipientAccountId": "123456789012",
}
# EventBridge's source of a service's CloudTrail events, where it is not "aws." + the host's first label.
_SOURCES = {"monitoring.amazonaws.com": "aws.cloudwatch"}

# name: what the call does, in words; service: its eventSource; event: its eventName; parameters: its
# requestParameters; global_service: recorded in us-east-1 whatever the home region.
WatchedCall = namedtuple("WatchedCall", ["name", "service", "event", "parameters", "global_service"], defaults=[False])

# The names of a deployment with the module's defaults in ap-northeast-1 of account 111122223333.
EXAMPLE_NAMES = {
    "prefix": "root-activity-notifier",
    "region": "ap-northeast-1",
    "account": "111122223333",
    "trail": "root-activity-notifier-trail",
    "rule": "root-activity-notifier",
    "queue_url": "https://sqs.ap-northeast-1.amazonaws.com/111122223333/root-activity-notifier-sign-ins-and-changes",
    "function": "root-activity-notifier",
    "mapping_uuid": "a1b2c3d4-5678-90ab-cdef-11111EXAMPLE",
    "parameter": "/root-activity-notifier/slack-webhook-url",
    "topic_arn": "arn:aws:sns:ap-northeast-1:111122223333:root-activity-notifier-alarms",
    "alarm": "root-activity-notifier-dead-letter-queue",
    "role": "root-activity-notifier",
    "stack_set": "root-activity-notifier-spokes",
}


def watched_calls(names: dict[str, Any]) -> list[WatchedCall]:
    """One call of each watched kind against the deployment's resources. ``names`` holds: prefix,
    trail, rule, queue_url, function, mapping_uuid, parameter, topic_arn, alarm, role, and with an
    organization stack_set."""
    trail_arn = f"arn:aws:cloudtrail:{names['region']}:{names['account']}:trail/{names['trail']}"
    calls = [
        WatchedCall("stop the trail", "cloudtrail.amazonaws.com", "StopLogging", {"name": trail_arn}),
        WatchedCall("delete the trail", "cloudtrail.amazonaws.com", "DeleteTrail", {"name": names["trail"]}),
        WatchedCall("change the trail", "cloudtrail.amazonaws.com", "UpdateTrail", {"name": names["trail"]}),
        WatchedCall(
            "change what the trail records", "cloudtrail.amazonaws.com", "PutEventSelectors", {"trailName": trail_arn}
        ),
        WatchedCall(
            "change what the trail records (advanced)",
            "cloudtrail.amazonaws.com",
            "PutAdvancedEventSelectors",
            {"trailName": names["trail"]},
        ),
        WatchedCall("disable a rule", "events.amazonaws.com", "DisableRule", {"name": names["rule"]}),
        WatchedCall("delete a rule", "events.amazonaws.com", "DeleteRule", {"name": names["rule"], "force": False}),
        WatchedCall("rewrite a rule", "events.amazonaws.com", "PutRule", {"name": names["rule"], "state": "ENABLED"}),
        WatchedCall("remove a rule's targets", "events.amazonaws.com", "RemoveTargets", {"rule": names["rule"]}),
        WatchedCall("re-point a rule", "events.amazonaws.com", "PutTargets", {"rule": names["rule"]}),
        WatchedCall("change a queue", "sqs.amazonaws.com", "SetQueueAttributes", {"queueUrl": names["queue_url"]}),
        WatchedCall("delete a queue", "sqs.amazonaws.com", "DeleteQueue", {"queueUrl": names["queue_url"]}),
        WatchedCall("purge a queue", "sqs.amazonaws.com", "PurgeQueue", {"queueUrl": names["queue_url"]}),
        WatchedCall(
            "replace the function's code",
            "lambda.amazonaws.com",
            "UpdateFunctionCode20150331v2",
            {"functionName": names["function"]},
        ),
        WatchedCall(
            "reconfigure the function",
            "lambda.amazonaws.com",
            "UpdateFunctionConfiguration20150331v2",
            {"functionName": names["function"]},
        ),
        WatchedCall(
            "set the function's concurrency to 0",
            "lambda.amazonaws.com",
            "PutFunctionConcurrency20171031",
            {"functionName": names["function"], "reservedConcurrentExecutions": 0},
        ),
        WatchedCall(
            "delete the function",
            "lambda.amazonaws.com",
            "DeleteFunction20150331",
            {"functionName": f"arn:aws:lambda:{names['region']}:{names['account']}:function:{names['function']}"},
        ),
        WatchedCall(
            "disable an event source mapping",
            "lambda.amazonaws.com",
            "UpdateEventSourceMapping20150331",
            {"uUID": names["mapping_uuid"], "enabled": False},
        ),
        WatchedCall(
            "delete an event source mapping",
            "lambda.amazonaws.com",
            "DeleteEventSourceMapping20150331",
            {"uUID": names["mapping_uuid"]},
        ),
        WatchedCall(
            "overwrite the webhook parameter",
            "ssm.amazonaws.com",
            "PutParameter",
            {"name": names["parameter"], "type": "SecureString", "overwrite": True},
        ),
        WatchedCall(
            "delete the webhook parameter", "ssm.amazonaws.com", "DeleteParameter", {"name": names["parameter"]}
        ),
        WatchedCall("delete the alarm topic", "sns.amazonaws.com", "DeleteTopic", {"topicArn": names["topic_arn"]}),
        WatchedCall(
            "change the alarm topic",
            "sns.amazonaws.com",
            "SetTopicAttributes",
            {"topicArn": names["topic_arn"], "attributeName": "Policy"},
        ),
        WatchedCall(
            "unsubscribe from the alarm topic",
            "sns.amazonaws.com",
            "Unsubscribe",
            {"subscriptionArn": f"{names['topic_arn']}:6a1d1e7e-example"},
        ),
        WatchedCall("delete an alarm", "monitoring.amazonaws.com", "DeleteAlarms", {"alarmNames": [names["alarm"]]}),
        WatchedCall(
            "silence an alarm", "monitoring.amazonaws.com", "DisableAlarmActions", {"alarmNames": [names["alarm"]]}
        ),
        *(
            WatchedCall(f"IAM {call} on a role", "iam.amazonaws.com", call, {"roleName": names["role"]}, True)
            for call in (
                "DeleteRole",
                "PutRolePolicy",
                "DeleteRolePolicy",
                "AttachRolePolicy",
                "DetachRolePolicy",
                "UpdateAssumeRolePolicy",
            )
        ),
    ]
    if "stack_set" in names:
        calls += [
            WatchedCall(f"StackSets {call}", "cloudformation.amazonaws.com", call, {"stackSetName": names["stack_set"]})
            for call in ("DeleteStackSet", "UpdateStackSet", "DeleteStackInstances")
        ]
        stacksets = "member.org.stacksets.cloudformation.amazonaws.com"
        calls += [
            WatchedCall(
                "turn off trusted access for StackSets",
                "organizations.amazonaws.com",
                "DisableAWSServiceAccess",
                {"servicePrincipal": stacksets},
                True,
            ),
            WatchedCall(
                "deregister the delegated administrator",
                "organizations.amazonaws.com",
                "DeregisterDelegatedAdministrator",
                {"servicePrincipal": stacksets, "accountId": names["account"]},
                True,
            ),
            WatchedCall(
                "turn off StackSets' trusted access from CloudFormation",
                "cloudformation.amazonaws.com",
                "DeactivateOrganizationsAccess",
                {},
            ),
            WatchedCall("leave the organization", "organizations.amazonaws.com", "LeaveOrganization", {}, True),
            WatchedCall(
                "remove an account from the organization",
                "organizations.amazonaws.com",
                "RemoveAccountFromOrganization",
                {"accountId": names["account"]},
                True,
            ),
        ]
    return calls


def recorded(
    call: WatchedCall,
    *,
    region: str,
    account: str,
    event_id: str,
    principal_arn: str = "",
    error_code: str = "",
) -> dict[str, Any]:
    """``call`` as CloudTrail records it and EventBridge delivers it: by an IAM user of ``account`` (or
    an assumed role of ``principal_arn``'s role), recorded in ``region`` (us-east-1 for IAM and
    Organizations), denied when ``error_code`` says so."""
    detail = copy.deepcopy(_DOCUMENTED_RECORD)
    recorded_in = "us-east-1" if call.global_service else region
    detail.update(
        eventSource=call.service,
        eventName=call.event,
        awsRegion=recorded_in,
        requestParameters=copy.deepcopy(call.parameters),
        eventID=event_id,
        recipientAccountId=account,
    )
    identity = detail["userIdentity"]
    identity["accountId"], identity["arn"] = account, f"arn:aws:iam::{account}:user/Carlos"
    if principal_arn:
        role = principal_arn.rsplit("/", 1)[-1]
        identity.update(
            type="AssumedRole",
            arn=f"arn:aws:sts::{account}:assumed-role/{role}/deploy",
            sessionContext={"sessionIssuer": {"type": "Role", "arn": principal_arn, "userName": role}},
        )
        identity.pop("userName")
    if error_code:
        detail["errorCode"], detail["errorMessage"] = error_code, f"User is not authorized to perform {call.event}"
    source = _SOURCES.get(call.service, "aws." + call.service.split(".")[0])
    return {
        "version": "0",
        "id": f"{event_id}-envelope",
        "detail-type": "AWS API Call via CloudTrail",
        "source": source,
        "account": account,
        "time": detail["eventTime"],
        "region": recorded_in,
        "resources": [],
        "detail": detail,
    }


def notifier_names(aws: Any, region: str, outputs: dict[str, Any]) -> dict[str, Any]:
    """What the watched calls name, read from a deployment of an example in ``region`` (its outputs)."""
    lambda_client = aws.client("lambda", region)
    configuration = lambda_client.get_function(FunctionName=outputs["lambda_function_name"])["Configuration"]
    (mapping, *_) = lambda_client.list_event_source_mappings(FunctionName=configuration["FunctionArn"])[
        "EventSourceMappings"
    ]
    return {
        "prefix": "root-activity-notifier",
        "region": region,
        "account": "123456789012",
        "trail": aws.client("cloudtrail", region).describe_trails()["trailList"][0]["Name"],
        "rule": "root-activity-notifier",
        "queue_url": outputs["queue_urls"]["sign-ins-and-changes"],
        "function": outputs["lambda_function_name"],
        "mapping_uuid": mapping["UUID"],
        "parameter": configuration["Environment"]["Variables"]["SLACK_WEBHOOK_SSM_PARAMETER"],
        "topic_arn": aws.client("sns", region).list_topics()["Topics"][0]["TopicArn"],
        "alarm": "root-activity-notifier-dead-letter-queue",
        "role": "root-activity-notifier",
    }
