"""moto's server as AWS: in this process, on a free port of 127.0.0.1, emptied on start and stop.

put_event() puts an event on the bus of the region that recorded it, so moto's own routing (the
deployed forwarders, then the deployed home rule) decides where it goes; observing_rule() reads back
what reached a rule. moto fails PutEvents outright when a matching rule targets a Lambda function (it
cannot run one without Docker), so the rule's targets are swapped for a queue meanwhile.
"""

from __future__ import annotations

import contextlib
import json
import logging
import urllib.request
from collections.abc import Iterator
from typing import Any

from .network import free_port

ACCOUNT_ID = "123456789012"  # moto's default account
SERVICES = ("cloudtrail", "cloudwatch", "events", "iam", "lambda", "logs", "s3", "sns", "sqs", "ssm", "sts")
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


class LocalAws:
    """moto's server on 127.0.0.1; stopped on exit, whatever happened."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per AWS call drowns the output
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

    def client(self, service: str, region: str) -> Any:
        import boto3

        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
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

    @contextlib.contextmanager
    def observing_rule(self, region: str, rule_name: str) -> Iterator[Any]:
        """Swap the rule's targets for an SQS queue and yield a function returning what arrived since.

        moto fails PutEvents outright when a matching rule targets a Lambda function (it cannot run
        one without Docker); with the queue in its place, whatever the rule matches, including
        events forwarded from other regions, can be read back and handed to the deployed package.
        The original targets (with their retry policy and dead-letter queue) are put back after.
        """
        events, sqs = self.client("events", region), self.client("sqs", region)
        original = events.list_targets_by_rule(Rule=rule_name)["Targets"]
        queue_url = sqs.create_queue(QueueName=f"{rule_name}-observer")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.remove_targets(Rule=rule_name, Ids=[target["Id"] for target in original])
        events.put_targets(Rule=rule_name, Targets=[{"Id": "observer", "Arn": queue_arn}])

        def arrived() -> list[dict[str, Any]]:
            received = []
            while True:
                messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
                if not messages:
                    return received
                for message in messages:
                    received.append(json.loads(message["Body"]))
                    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])

        try:
            yield arrived
        finally:
            events.remove_targets(Rule=rule_name, Ids=["observer"])
            events.put_targets(Rule=rule_name, Targets=original)
            sqs.delete_queue(QueueUrl=queue_url)
