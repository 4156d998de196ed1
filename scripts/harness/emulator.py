"""moto's server as AWS: in this process, on a free port of 127.0.0.1, emptied on start and stop.

put_event() puts an event on the bus of the region that recorded it, so moto's own routing (the
deployed forwarders, then the deployed home rules) decides where it goes: into the notifier's
queues, where the deployed package's batches are read from (deployed.py).
"""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any

from .network import free_port

ACCOUNT_ID = "123456789012"  # moto's default account
SERVICES = (
    *("cloudformation", "cloudtrail", "cloudwatch", "dynamodb", "events", "iam", "lambda", "logs"),
    *("organizations", "s3", "scheduler", "sns", "sqs", "ssm", "sts"),
)
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


def _redrive_policy_as_aws_returns_it() -> None:
    """SQS returns a queue's RedrivePolicy as compact JSON; moto (5.2) spaces it out, which the AWS
    provider takes for a change on every plan. Render it as SQS does."""
    from moto.sqs.models import Queue

    if getattr(Queue.attributes.fget, "_compact_redrive_policy", False):
        return
    spaced = Queue.attributes

    def attributes(queue: Queue) -> dict[str, Any]:
        result = spaced.fget(queue)
        if queue.redrive_policy:
            result["RedrivePolicy"] = json.dumps(queue.redrive_policy, separators=(",", ":"))
        return result

    attributes._compact_redrive_policy = True
    Queue.attributes = property(attributes)


def _stack_sets_as_aws_runs_them() -> None:
    """Three gaps of moto's (5.2) service-managed StackSets, each of which would make an applied
    organization example look different from AWS's answer:

    * DescribeStackSet leaves out Capabilities and AutoDeployment and reports ManagedExecution as
      off, so every plan would replace the StackSet: keep what was asked for, and return it;
    * DeleteStackInstances ignores DeploymentTargets, so instances deployed to OUs are never deleted
      and the StackSet can never be: delete the instances of the given regions in every account;
    * instances deployed to OUs include the management account, which StackSets never deploy to.
    """
    from moto.cloudformation.models import StackInstances, StackSet
    from moto.cloudformation.responses import CloudFormationResponse

    if getattr(StackSet, "_as_aws_runs_them", False):
        return
    StackSet._as_aws_runs_them = True

    def remembering(action):
        def handle(response):
            result = action(response)
            stack_set = response.cloudformation_backend.describe_stack_set(response._get_param("StackSetName"))
            for attribute, parameter in (
                ("capabilities", "Capabilities"),
                ("auto_deployment", "AutoDeployment"),
                ("_managed_execution", "ManagedExecution"),
            ):
                value = response._get_param(parameter)
                if value is not None:
                    setattr(stack_set, attribute, value)
            return result

        return handle

    CloudFormationResponse.create_stack_set = remembering(CloudFormationResponse.create_stack_set)
    CloudFormationResponse.update_stack_set = remembering(CloudFormationResponse.update_stack_set)
    StackSet.managed_execution = property(lambda stack_set: getattr(stack_set, "_managed_execution", {"Active": False}))

    delete = StackInstances.delete

    def delete_from_every_account(instances, accounts, regions):
        delete(instances, accounts or [instance.account_id for instance in instances.stack_instances], regions)

    StackInstances.delete = delete_from_every_account

    create = StackInstances.create_instances

    def create_except_in_management_account(instances, accounts, regions, parameters, deployment_targets, **keywords):
        created = create(instances, accounts, regions, parameters, deployment_targets, **keywords)
        management = instances.org_backend.org.master_account_id if instances.org_backend.org else None
        in_management = [
            instance
            for instance in instances.stack_instances
            if instance.account_id == management and instance.account_id not in accounts
        ]
        for instance in in_management:
            instance.delete()
            instances.stack_instances.remove(instance)
        return [each for each in created if each.get("Account") != management]

    StackInstances.create_instances = create_except_in_management_account


def sns_subscriptions_counted_as_aws_counts_them() -> None:
    """moto says SubscriptionsConfirmed "0" whatever a topic has; AWS counts the confirmed ones (an SQS
    subscription is confirmed at once), which the health check reads for the on-call topic."""
    from moto.sns.models import Topic

    if isinstance(getattr(Topic, "subscriptions_confimed", None), property):  # moto's own spelling
        return

    def confirmed(topic: Any) -> int:
        subscriptions = topic.sns_backend._get_topic_subscriptions(topic)  # noqa: SLF001 - moto's own
        return sum(1 for each in subscriptions if not each.attributes.get("PendingConfirmation"))

    Topic.subscriptions_confimed = property(confirmed, lambda _topic, _value: None)


def _sns_targets_as_aws_delivers_them() -> None:
    """moto's EventBridge delivers to SQS, buses and log groups, but fails the whole PutEvents when a
    matching rule targets an SNS topic. AWS publishes the (transformed) event to the topic; do that
    with moto's own SNS, so a test reads what the topic got (Topic.sent_notifications)."""
    from moto.events.models import EventTemplateParser, Rule
    from moto.sns.models import sns_backends
    from moto.utilities.arns import parse_arn

    if getattr(Rule.send_to_targets, "delivers_to_sns", False):
        return
    original = Rule.send_to_targets

    def send_to_targets(rule, original_event, transform_input=True):
        topics = [target for target in rule.targets if parse_arn(target["Arn"]).service == "sns"]
        others = [target for target in rule.targets if target not in topics]
        rule.targets, kept = others, rule.targets
        try:
            original(rule, original_event, transform_input)
        finally:
            rule.targets = kept
        for target in topics:
            transformer = target.get("InputTransformer")
            message = (
                EventTemplateParser.parse(
                    input_template=transformer.get("InputTemplate"),
                    input_paths_map=transformer.get("InputPathsMap", {}),
                    event=original_event,
                )
                if transformer and transform_input
                else original_event
            )
            arn = parse_arn(target["Arn"])
            text = message if isinstance(message, str) else json.dumps(message)
            sns_backends[arn.account][arn.region].publish(text, arn=target["Arn"])

    send_to_targets.delivers_to_sns = True
    Rule.send_to_targets = send_to_targets


class LocalAws:
    """moto's server on 127.0.0.1; stopped on exit, whatever happened."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per AWS call drowns the output
        _redrive_policy_as_aws_returns_it()
        _stack_sets_as_aws_runs_them()
        _sns_targets_as_aws_delivers_them()
        sns_subscriptions_counted_as_aws_counts_them()
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    def __enter__(self) -> LocalAws:
        self._server.start()
        self.reset()
        return self

    def __exit__(self, *_: Any) -> None:
        try:
            self.reset()
        finally:
            self._server.stop()

    def reset(self) -> None:
        """Empty every emulated service: moto keeps its state per process, not per server."""
        reset_url = f"{self.endpoint}/moto-api/reset"  # the emulator on 127.0.0.1
        request = urllib.request.Request(reset_url, method="POST", data=b"")  # noqa: S310
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - loopback only
            pass

    def client(self, service: str, region: str, credentials: dict[str, str] | None = None) -> Any:
        """A client of moto's default account, or of whoever ``credentials`` (an STS answer's) are."""
        import boto3

        credentials = credentials or {
            "AccessKeyId": CREDENTIALS["AWS_ACCESS_KEY_ID"],
            "SecretAccessKey": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        }
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials.get("SessionToken"),
        )

    def put_event(self, event: dict[str, Any]) -> None:
        """PutEvents on the default bus of the region where CloudTrail recorded the event."""
        region = event["detail"]["awsRegion"]
        response = self.client("events", region).put_events(
            Entries=[
                {
                    "Source": event["source"],
                    "DetailType": event["detail-type"],
                    "Detail": json.dumps(event["detail"]),
                    "Resources": event.get("resources", []),
                }
            ]
        )
        if response["FailedEntryCount"]:
            raise RuntimeError(f"PutEvents in {region} failed: {response['Entries']}")
