"""What an applied example deployed, read back from the emulator: its rules and its function."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from .emulator import ACCOUNT_ID, CREDENTIALS, LocalAws
from .invoke import INVOKE_SCRIPT

READ_ONLY_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"


class DeployedRule:
    def __init__(self, name: str, pattern: dict[str, Any], state: str) -> None:
        self.name, self.pattern, self.state = name, pattern, state


def deployed_rule(aws: LocalAws, region: str, name: str) -> DeployedRule:
    described = aws.client("events", region).describe_rule(Name=name)
    return DeployedRule(name=name, pattern=json.loads(described["EventPattern"]), state=described["State"])


def rule_delivers(rule: DeployedRule, event: dict[str, Any]) -> bool:
    """Would EventBridge deliver ``event`` to this rule's targets? (moto's routing ignores states.)"""
    from moto.events.models import EventPattern

    if rule.state not in ("ENABLED", READ_ONLY_STATE):
        return False
    detail = event.get("detail") if isinstance(event.get("detail"), dict) else {}
    if detail.get("readOnly") is True and detail.get("eventType") == "AwsApiCall" and rule.state != READ_ONLY_STATE:
        return False
    return EventPattern.load(json.dumps(rule.pattern)).matches_event(event)


class FunctionError(RuntimeError):
    """The deployed handler raised: ``error_type`` is the exception's class name."""

    def __init__(self, error_type: str, message: str) -> None:
        self.error_type = error_type
        super().__init__(f"{error_type}: {message}")


class DeployedFunction:
    """The exact zip Terraform uploaded (read back from the emulator and checked against the
    CodeSha256 Lambda reports), run as a warm Lambda container: one interpreter of its own, started
    at the first invocation, with the function's own environment, against the emulator's services,
    keeping its state (the webhook cache, the pacing of posts) from one invocation to the next.

    Its log lines go to this process's stderr, as Lambda's go to CloudWatch Logs, or to ``log_path``;
    ``last_log`` holds those of the last invocation, parsed."""

    def __init__(self, aws: LocalAws, region: str, name: str, log_path: Path | None = None) -> None:
        from moto.awslambda.models import lambda_backends

        self.aws, self.region, self.name, self.log_path = aws, region, name, log_path
        self.configuration = aws.client("lambda", region).get_function(FunctionName=name)["Configuration"]
        self.code = lambda_backends[ACCOUNT_ID][region].get_function(name).code_bytes
        digest = base64.b64encode(hashlib.sha256(self.code).digest()).decode()
        if digest != self.configuration["CodeSha256"]:
            raise RuntimeError(f"the code read back from moto does not match {name}'s CodeSha256")
        self.environment = self.configuration.get("Environment", {}).get("Variables", {})
        self._directory = Path(tempfile.mkdtemp(prefix="deployed-package-"))
        with zipfile.ZipFile(io.BytesIO(self.code)) as archive:
            archive.extractall(self._directory)
        self._container: subprocess.Popen[str] | None = None
        self.last_log: list[dict[str, Any]] = []

    def __enter__(self) -> DeployedFunction:
        return self

    def forget_sessions(self) -> None:
        """Empty the function's session table, so that a test starts with no root session remembered
        (the tests of one deployment would otherwise join each other's sessions)."""
        table = self.environment.get("SLACK_SESSION_TABLE")
        if not table:
            return
        dynamodb = self.aws.client("dynamodb", self.region)
        for page in dynamodb.get_paginator("scan").paginate(TableName=table, ProjectionExpression="pk"):
            for item in page["Items"]:
                dynamodb.delete_item(TableName=table, Key={"pk": item["pk"]})

    def __exit__(self, *_: Any) -> None:
        self.close()

    def close(self) -> None:
        self.stop_container()
        shutil.rmtree(self._directory, ignore_errors=True)

    def stop_container(self) -> None:
        """End the warm container: the next invocation is a cold start."""
        if self._container is not None:
            self._container.stdin.close()
            self._container.wait(timeout=30)
            self._container = None

    def _start_container(self) -> subprocess.Popen[str]:
        environment = {
            "PATH": os.environ.get("PATH", ""),
            **self.environment,
            **CREDENTIALS,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_ENDPOINT_URL": self.aws.endpoint,
            "AWS_LAMBDA_FUNCTION_NAME": self.name,
        }
        return subprocess.Popen(
            [sys.executable, "-I", str(INVOKE_SCRIPT), "--serve", str(self._directory), self.configuration["Handler"]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=environment,
            text=True,
        )

    def invoke(self, event: dict[str, Any], timeout: float | None = None) -> Any:
        """What the handler returns for ``event``; FunctionError if it raises."""
        if self._container is None:
            self._container = self._start_container()
        request = {"event": event, "timeout": timeout or self.configuration["Timeout"]}
        self._container.stdin.write(json.dumps(request) + "\n")
        self._container.stdin.flush()
        answer = self._container.stdout.readline()
        if not answer:
            self._container.wait(timeout=30)
            self._container = None
            raise RuntimeError(f"the container of {self.name} crashed (its error output is above)")
        report = json.loads(answer)
        self._write_log(report["log"])
        if not Path(report["handler_file"]).is_relative_to(self._directory):
            raise RuntimeError(f"ran {report['handler_file']}, not the deployed package")
        if "error_type" in report:
            raise FunctionError(report["error_type"], report["error"])
        return report["result"]

    def _write_log(self, text: str) -> None:
        self.last_log = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        if self.log_path is None:
            sys.stderr.write(text)
            return
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(text)


class DeployedQueues:
    """The queues the deployed function reads (its event source mappings), read as Lambda would:
    in batches of the mapping's size, as event source mapping events.

    moto cannot run the function (no Docker). Worse, its own mappings receive every waiting message
    each time one arrives, and after the queue's maxReceiveCount receives SQS moves it to the
    dead-letter queue. So, as a context manager, this pauses the mappings meanwhile (Enabled=false)
    and turns them back on afterwards, leaving the deployment as Terraform made it.
    """

    def __init__(self, aws: LocalAws, region: str, function_name: str) -> None:
        self.aws, self.region = aws, region
        self.sqs = aws.client("sqs", region)
        self.lambda_client = aws.client("lambda", region)
        function_arn = self.lambda_client.get_function(FunctionName=function_name)["Configuration"]["FunctionArn"]
        mappings = self.lambda_client.list_event_source_mappings(FunctionName=function_arn)
        self.mappings = {
            mapping["EventSourceArn"].rsplit(":", 1)[-1]: mapping for mapping in mappings["EventSourceMappings"]
        }

    def __enter__(self) -> DeployedQueues:
        self._enable(False)
        return self

    def __exit__(self, *_: Any) -> None:
        self._enable(True)

    def _enable(self, enabled: bool) -> None:
        for mapping in self.mappings.values():
            self.lambda_client.update_event_source_mapping(UUID=mapping["UUID"], Enabled=enabled)

    def batches(self) -> list[tuple[str, dict[str, Any]]]:
        """(queue name, event) for every batch now waiting, each message taken from its queue."""
        batches = []
        for name, mapping in self.mappings.items():
            url = self.sqs.get_queue_url(QueueName=name)["QueueUrl"]
            waiting = self._receive_all(url)
            size = mapping["BatchSize"]
            for start in range(0, len(waiting), size):
                batches.append((name, self._event(mapping, waiting[start : start + size])))
        return batches

    def _receive_all(self, url: str) -> list[dict[str, Any]]:
        received = []
        while True:
            messages = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], VisibilityTimeout=0
            ).get("Messages", [])
            if not messages:
                return received
            for message in messages:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            received += messages

    def _event(self, mapping: dict[str, Any], messages: list[dict[str, Any]]) -> dict[str, Any]:
        """The event Lambda hands the function (AWS Lambda Developer Guide, "Using Lambda with Amazon SQS")."""
        return {
            "Records": [
                {
                    "messageId": message["MessageId"],
                    "receiptHandle": message["ReceiptHandle"],
                    "body": message["Body"],
                    "attributes": message.get("Attributes", {}),
                    "messageAttributes": {},
                    "md5OfBody": message["MD5OfBody"],
                    "eventSource": "aws:sqs",
                    "eventSourceARN": mapping["EventSourceArn"],
                    "awsRegion": self.region,
                }
                for message in messages
            ]
        }
