"""Who may deploy the notifier: every action a ``terraform apply`` (and destroy) of the module calls,
by service, and ``doctor --deployer-role-arn``'s check that a role is allowed them. The README's
deployer policy ("Who may deploy it") is exactly these actions (tests/test_readme.py)."""

from __future__ import annotations

from .health import Finding, _ask

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
    "lambda": "CreateEventSourceMapping CreateFunction DeleteEventSourceMapping DeleteFunction GetEventSourceMapping "
    "GetFunction GetFunctionCodeSigningConfig InvokeFunction ListTags ListVersionsByFunction PutFunctionConcurrency "
    "TagResource UntagResource UpdateEventSourceMapping UpdateFunctionCode UpdateFunctionConfiguration",
    "logs": "CreateLogGroup DeleteLogGroup DeleteMetricFilter DescribeLogGroups DescribeMetricFilters "
    "ListTagsForResource PutMetricFilter PutRetentionPolicy TagResource UntagResource",
    "s3": "CreateBucket DeleteBucket DeleteBucketPolicy GetAccelerateConfiguration GetBucketAcl GetBucketCORS "
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


def deployer_permissions(settings, client) -> list[Finding]:
    """doctor --deployer-role-arn: may that role apply the module? IAM's policy simulator, over every
    action the apply calls (its identity policies and permissions boundary; SCPs only from the
    management account's view)."""
    role = settings.get("deployer")
    if not role:
        return []
    actions = deployer_actions(bool(settings.get("stack_set")))
    what = f"{role.rsplit('/', 1)[-1]} may apply the module ({len(actions)} actions)"
    iam = client("iam", settings.get("region", "us-east-1"))
    denied: list[str] = []

    def simulate() -> None:
        for start in range(0, len(actions), 100):
            arguments = {"PolicySourceArn": role, "ActionNames": actions[start : start + 100]}
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

    _, failed = _ask(what, "allow iam:SimulatePrincipalPolicy on the role (or check its policy by hand)", simulate)
    if failed:
        return [failed]
    if not denied:
        return [Finding(what, True, "every action allowed")]
    shown = ", ".join(denied[:8]) + (f" and {len(denied) - 8} more" if len(denied) > 8 else "")
    return [
        Finding(
            what,
            False,
            f"denied: {shown}",
            "give the role the README's deployer policy (Who may deploy it), or PowerUserAccess with IAMFullAccess",
        )
    ]
