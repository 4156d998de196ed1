"""Who may deploy the notifier: every action a ``terraform apply`` (and destroy) of the module calls,
by service, and ``doctor --deployer-role-arn``'s check that a role is allowed them. docs/deploying.md's
deployer policy ("Who may deploy it") is exactly these actions (tests/plan/test_readme.py)."""

from __future__ import annotations

from .findings import Finding, ask

DEPLOYER_ACTIONS = {
    "cloudtrail": "AddTags CreateTrail DeleteTrail DescribeTrails GetEventSelectors GetTrail GetTrailStatus ListTags "
    "PutEventSelectors RemoveTags StartLogging UpdateTrail",
    "cloudwatch": "DeleteAlarms DescribeAlarms ListTagsForResource PutMetricAlarm TagResource UntagResource",
    # the session table, in both modes
    "dynamodb": "CreateTable DeleteTable DescribeContinuousBackups DescribeTable DescribeTimeToLive "
    "ListTagsOfResource TagResource UntagResource UpdateContinuousBackups UpdateTable UpdateTimeToLive",
    "events": "DeleteRule DescribeEventBus DescribeRule ListTagsForResource ListTargetsByRule PutRule PutTargets "
    "RemoveTargets TagResource UntagResource",
    "iam": "CreateRole DeleteRole DeleteRolePolicy GetRole GetRolePolicy ListAttachedRolePolicies "
    "ListInstanceProfilesForRole ListRolePolicies PassRole PutRolePolicy TagRole UntagRole UpdateAssumeRolePolicy",
    # The function URL and its two grants: the interactivity endpoint's (slack_interactivity).
    "lambda": "AddPermission CreateEventSourceMapping CreateFunction CreateFunctionUrlConfig DeleteEventSourceMapping "
    "DeleteFunction DeleteFunctionUrlConfig GetEventSourceMapping GetFunction GetFunctionCodeSigningConfig "
    "GetFunctionUrlConfig GetPolicy InvokeFunction ListTags ListVersionsByFunction PutFunctionConcurrency "
    "RemovePermission TagResource UntagResource UpdateEventSourceMapping UpdateFunctionCode "
    "UpdateFunctionConfiguration UpdateFunctionUrlConfig",
    "logs": "CreateLogGroup DeleteLogGroup DeleteMetricFilter DescribeLogGroups DescribeMetricFilters "
    "ListTagsForResource PutMetricFilter PutRetentionPolicy TagResource UntagResource",
    # the trail's bucket; its objects only where trail_bucket_force_destroy empties it (and a role that
    # may write the bucket's policy could grant itself them anyway)
    "s3": "CreateBucket DeleteBucket DeleteBucketPolicy DeleteObject DeleteObjectVersion GetObject PutObject "
    "ListBucketVersions GetAccelerateConfiguration GetBucketAcl GetBucketCORS "
    "GetBucketLocation GetBucketLogging GetBucketObjectLockConfiguration GetBucketOwnershipControls GetBucketPolicy "
    "GetBucketPublicAccessBlock GetBucketRequestPayment GetBucketTagging GetBucketVersioning GetBucketWebsite "
    "GetEncryptionConfiguration GetLifecycleConfiguration GetReplicationConfiguration ListBucket "
    "PutBucketOwnershipControls PutBucketPolicy PutBucketPublicAccessBlock PutBucketTagging PutBucketVersioning "
    "PutEncryptionConfiguration PutLifecycleConfiguration",
    "scheduler": "CreateSchedule DeleteSchedule GetSchedule UpdateSchedule",
    "sns": "CreateTopic DeleteTopic GetSubscriptionAttributes GetTopicAttributes ListTagsForResource "
    "SetTopicAttributes Subscribe TagResource Unsubscribe UntagResource",
    "sqs": "CreateQueue DeleteQueue GetQueueAttributes ListQueueTags SetQueueAttributes TagQueue UntagQueue",
    "ssm": "AddTagsToResource DeleteParameter DescribeParameters GetParameter ListTagsForResource PutParameter "
    "RemoveTagsFromResource",
}
# With scope = "organization" (the hub bus, the StackSet and reading the organization), on top.
ORGANIZATION_DEPLOYER_ACTIONS = {
    "cloudformation": "CreateStackInstances CreateStackSet DeleteStackInstances DeleteStackSet DescribeStackSet "
    "DescribeStackSetOperation ListStackInstances UpdateStackSet",
    "events": "CreateEventBus DeleteEventBus PutPermission RemovePermission",
    "organizations": "DescribeOrganization ListAWSServiceAccessForOrganization ListAccounts "
    "ListDelegatedAdministrators ListRoots",
}


def deployer_actions(organization: bool) -> list[str]:
    """Every action the deploying role needs, "service:Action", sorted."""
    groups = [DEPLOYER_ACTIONS]
    groups += [ORGANIZATION_DEPLOYER_ACTIONS] if organization else []
    return sorted(
        {f"{service}:{action}" for group in groups for service, names in group.items() for action in names.split()}
    )


# Actions that take no resource (AWS's Service Authorization Reference; tests/plan/test_readme.py checks it
# against parliament's copy): they can only be granted on "*".
NO_RESOURCE = frozenset({
    "cloudformation:CreateStackSet", "cloudtrail:DescribeTrails", "events:PutPermission", "events:RemovePermission",
    "lambda:CreateEventSourceMapping", "logs:DescribeLogGroups", "organizations:DescribeOrganization",
    "organizations:ListAWSServiceAccessForOrganization", "organizations:ListAccounts",
    "organizations:ListDelegatedAdministrators", "organizations:ListRoots", "sns:GetSubscriptionAttributes",
    "sns:Unsubscribe", "ssm:DescribeParameters",
})  # fmt: skip
_MAPPING_ACTIONS = ("lambda:CreateEventSourceMapping", "lambda:DeleteEventSourceMapping",
                    "lambda:GetEventSourceMapping", "lambda:UpdateEventSourceMapping")  # fmt: skip
_MAPPING_TAG_ACTIONS = ["lambda:ListTags", "lambda:TagResource", "lambda:UntagResource"]
# The services that may be handed the module's roles: Lambda (the function), EventBridge (forwarders'
# targets) and EventBridge Scheduler (the health check's schedule).
PASSED_TO = ["events.amazonaws.com", "lambda.amazonaws.com", "scheduler.amazonaws.com"]

# Where each service's actions are allowed: the module's resources, by name_prefix ({p}). {a} is the
# account, {r} the region, {partition} the partition; "*" in docs/deploying.md's policy.
_RESOURCES = {
    "cloudformation": ["arn:{partition}:cloudformation:{r}:{a}:stackset/{p}-spokes:*",
                       "arn:{partition}:cloudformation:{r}:{a}:stackset-target/{p}-spokes:*",
                       "arn:{partition}:cloudformation:{r}::type/resource/*"],
    "cloudtrail": ["arn:{partition}:cloudtrail:{r}:{a}:trail/{p}-*"],
    "cloudwatch": ["arn:{partition}:cloudwatch:{r}:{a}:alarm:{p}-*"],
    "dynamodb": ["arn:{partition}:dynamodb:{r}:{a}:table/{p}-*"],
    "events": ["arn:{partition}:events:{r}:{a}:rule/{p}*", "arn:{partition}:events:{r}:{a}:rule/{p}-hub/*",
               "arn:{partition}:events:{r}:{a}:event-bus/default", "arn:{partition}:events:{r}:{a}:event-bus/{p}-hub"],
    "iam": ["arn:{partition}:iam::{a}:role/*{p}*"],
    "lambda": ["arn:{partition}:lambda:{r}:{a}:function:{p}*"],
    # Named by UUID: held to the notifier's function by lambda:FunctionArn where Lambda gives it.
    "lambda-mappings": ["arn:{partition}:lambda:{r}:{a}:event-source-mapping:*"],
    "logs": ["arn:{partition}:logs:{r}:{a}:log-group:/aws/lambda/{p}*"],
    "s3": ["arn:{partition}:s3:::{p}-trail-*", "arn:{partition}:s3:::{p}-trail-*/*"],
    "scheduler": ["arn:{partition}:scheduler:{r}:{a}:schedule/*/{p}-*"],
    "sns": ["arn:{partition}:sns:{r}:{a}:{p}-*"],
    "sqs": ["arn:{partition}:sqs:{r}:{a}:{p}-*"],
    "ssm": ["arn:{partition}:ssm:{r}:{a}:parameter/{p}/*"],
}  # fmt: skip
# One resource of each service the module makes, to ask IAM's simulator about.
_EXAMPLES = {
    "cloudformation": "arn:{partition}:cloudformation:{r}:{a}:stackset/{p}-spokes:00000000-0000-0000-0000-000000000000",
    "cloudtrail": "arn:{partition}:cloudtrail:{r}:{a}:trail/{p}-trail",
    "cloudwatch": "arn:{partition}:cloudwatch:{r}:{a}:alarm:{p}-dead-letter-queue",
    "dynamodb": "arn:{partition}:dynamodb:{r}:{a}:table/{p}-slack-sessions",
    "events": "arn:{partition}:events:{r}:{a}:rule/{p}",
    "iam": "arn:{partition}:iam::{a}:role/{p}",
    "lambda": "arn:{partition}:lambda:{r}:{a}:function:{p}",
    "logs": "arn:{partition}:logs:{r}:{a}:log-group:/aws/lambda/{p}",
    "s3": "arn:{partition}:s3:::{p}-trail-{a}-{r}",
    "scheduler": "arn:{partition}:scheduler:{r}:{a}:schedule/default/{p}-health-check",
    "sns": "arn:{partition}:sns:{r}:{a}:{p}-alarms",
    "sqs": "arn:{partition}:sqs:{r}:{a}:{p}-dlq",
    "ssm": "arn:{partition}:ssm:{r}:{a}:parameter/{p}/slack-webhook-url",
}
_OBJECT_ACTIONS = frozenset({"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObject", "s3:PutObject"})
_EXAMPLE_MAPPING = "arn:{partition}:lambda:{r}:{a}:event-source-mapping:00000000-0000-0000-0000-000000000000"
_EXAMPLE_HUB_BUS = "arn:{partition}:events:{r}:{a}:event-bus/{p}-hub"


def deployer_policy(
    organization: bool, prefix: str = "root-activity-notifier", *, partition: str = "aws", account="*", region="*"
) -> dict:
    """The deployer's identity policy (docs/deploying.md, Who may deploy it): every action on the module's own
    resources only, by name prefix; "*" only for actions that take no resource. Statements whose Sid
    starts with "Organization" are needed with scope = "organization" only."""

    def arns(service: str) -> list[str]:
        return [pattern.format(partition=partition, a=account, r=region, p=prefix) for pattern in _RESOURCES[service]]

    def statement(sid: str, actions, resources, condition=None) -> dict:
        body = {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources}
        return {**body, "Condition": condition} if condition else body

    def by_resource(sid: str, actions: list[str]) -> list[dict]:
        """ "*" for what takes no resource; the module's resources, service by service, for the rest."""
        statements = [statement(f"{sid}WhereNoResourceApplies", [a for a in actions if a in NO_RESOURCE], "*")]
        services = sorted({action.split(":")[0] for action in actions if action not in NO_RESOURCE})
        for service in services:
            scoped = [a for a in actions if a.split(":")[0] == service and a not in NO_RESOURCE]
            statements.append(statement(f"{sid}{_SID_NAMES[service]}", scoped, arns(service)))
        return [each for each in statements if each["Action"]]

    # Held apart: handing a role to a service, and event source mappings (named by UUID, not by name).
    special = {"iam:PassRole", *_MAPPING_ACTIONS}
    common = [action for action in deployer_actions(False) if action not in special]
    only_the_notifiers_function = {"ArnLike": {"lambda:FunctionArn": arns("lambda")[:1]}}
    statements = [
        *by_resource("Notifier", common),
        statement("PassNotifierRolesToItsServices", ["iam:PassRole"], arns("iam"),
                  {"StringEquals": {"iam:PassedToService": PASSED_TO}}),
        statement("NotifierEventSourceMappings", [a for a in _MAPPING_ACTIONS if a not in NO_RESOURCE],
                  arns("lambda-mappings"), only_the_notifiers_function),
        statement("CreateNotifierEventSourceMappings", [a for a in _MAPPING_ACTIONS if a in NO_RESOURCE], "*",
                  only_the_notifiers_function),
        # Tags carry no lambda:FunctionArn: the provider reads (and, with default_tags, writes) a mapping's.
        statement("EventSourceMappingTags", _MAPPING_TAG_ACTIONS, arns("lambda-mappings")),
    ]  # fmt: skip
    if organization:
        statements += by_resource("Organization", sorted(set(deployer_actions(True)) - set(deployer_actions(False))))
    return {"Version": "2012-10-17", "Statement": statements}


_SID_NAMES = {
    "cloudformation": "StackSet", "cloudtrail": "Trail", "cloudwatch": "Alarms", "dynamodb": "SessionTable",
    "events": "RulesAndBuses", "iam": "Roles", "lambda": "Function", "logs": "LogGroup", "s3": "TrailBucket",
    "scheduler": "Schedule", "sns": "Topics", "sqs": "Queues", "ssm": "Parameters",
}  # fmt: skip


def simulation_requests(actions: list[str], prefix: str, partition: str, account: str, region: str):
    """(resource ARN or None, context entries, actions) to ask IAM's simulator: each action on one of
    the module's resources it acts on, with the context its conditions read."""
    values = {"partition": partition, "a": account, "r": region, "p": prefix}
    function = _EXAMPLES["lambda"].format(**values)
    groups: dict[tuple, list[str]] = {}
    for action in actions:
        service = action.split(":")[0]
        context: tuple = ()
        if action in _MAPPING_ACTIONS:
            resource = None if action in NO_RESOURCE else _EXAMPLE_MAPPING.format(**values)
            context = (("lambda:FunctionArn", function),)
        elif action in NO_RESOURCE:
            resource = None
        elif action in ("events:CreateEventBus", "events:DeleteEventBus"):
            resource = _EXAMPLE_HUB_BUS.format(**values)
        elif action in _OBJECT_ACTIONS:
            resource = _EXAMPLES[service].format(**values) + "/AWSLogs/example.json.gz"
        else:
            resource = _EXAMPLES[service].format(**values)
        if action == "iam:PassRole":
            context = (("iam:PassedToService", "lambda.amazonaws.com"),)
        groups.setdefault((resource, context), []).append(action)
    return [(resource, dict(context), names) for (resource, context), names in groups.items()]


def deployer_permissions(settings, client) -> list[Finding]:
    """doctor --deployer-role-arn: may that role apply the module? IAM's policy simulator, over every
    action the apply calls (its identity policies and permissions boundary; SCPs only from the
    management account's view)."""
    role = settings.get("deployer")
    if not role:
        return []
    actions = deployer_actions(bool(settings.get("stack_set")))
    what = f"{role.rsplit('/', 1)[-1]} may apply the module ({len(actions)} actions)"
    region = settings.get("region", "us-east-1")
    iam = client("iam", region)
    denied: list[str] = []
    # Each action on the module's own resources (the function is named by the name prefix).
    requests = simulation_requests(
        actions, settings.get("function", "root-activity-notifier"), role.split(":")[1],
        str(settings.get("account", "")) or role.split(":")[4], region,
    )  # fmt: skip

    def simulate() -> None:
        for resource, context, names in requests:
            for start in range(0, len(names), 100):
                _simulate(resource, context, names[start : start + 100])

    def _simulate(resource, context, names) -> None:
        arguments = {"PolicySourceArn": role, "ActionNames": names}
        if resource:
            arguments["ResourceArns"] = [resource]
        if context:
            arguments["ContextEntries"] = [
                {"ContextKeyName": key, "ContextKeyValues": [value], "ContextKeyType": "string"}
                for key, value in context.items()
            ]
        while True:
            answer = iam.simulate_principal_policy(**arguments)
            denied.extend(
                result["EvalActionName"]
                for result in answer.get("EvaluationResults", [])
                if result.get("EvalDecision") != "allowed"
            )
            if not answer.get("IsTruncated"):
                break
            arguments["Marker"] = answer["Marker"]

    _, failed = ask(what, "allow iam:SimulatePrincipalPolicy on the role (or check its policy by hand)", simulate)
    if failed:
        return [failed]
    if not denied:
        return [Finding(what, True, "every action allowed on the module's resources")]
    denied.sort()
    shown = ", ".join(denied[:8]) + (f" and {len(denied) - 8} more" if len(denied) > 8 else "")
    return [
        Finding(
            what,
            False,
            f"denied: {shown}",
            "give the role the deployer policy in docs/deploying.md (Who may deploy it), with your name_prefix",
        )
    ]
