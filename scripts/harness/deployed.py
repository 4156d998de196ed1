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
    CodeSha256 Lambda reports), run in a fresh interpreter per invocation with the function's own
    environment and timeout, against the emulator's SSM: isolated as a Lambda container is."""

    def __init__(self, aws: LocalAws, region: str, name: str) -> None:
        from moto.awslambda.models import lambda_backends

        self.aws, self.region, self.name = aws, region, name
        self.configuration = aws.client("lambda", region).get_function(FunctionName=name)["Configuration"]
        self.code = lambda_backends[ACCOUNT_ID][region].get_function(name).code_bytes
        digest = base64.b64encode(hashlib.sha256(self.code).digest()).decode()
        if digest != self.configuration["CodeSha256"]:
            raise RuntimeError(f"the code read back from moto does not match {name}'s CodeSha256")
        self.environment = self.configuration.get("Environment", {}).get("Variables", {})
        self._directory = Path(tempfile.mkdtemp(prefix="deployed-package-"))
        with zipfile.ZipFile(io.BytesIO(self.code)) as archive:
            archive.extractall(self._directory)

    def __enter__(self) -> DeployedFunction:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def close(self) -> None:
        shutil.rmtree(self._directory, ignore_errors=True)

    def invoke(self, event: dict[str, Any], timeout: float | None = None) -> Any:
        """What the handler returns for ``event``; FunctionError if it raises. Its log lines go to
        this process's stderr, as Lambda's go to CloudWatch Logs."""
        environment = {
            "PATH": os.environ.get("PATH", ""),
            **self.environment,
            **CREDENTIALS,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_ENDPOINT_URL": self.aws.endpoint,
            "AWS_LAMBDA_FUNCTION_NAME": self.name,
        }
        completed = subprocess.run(
            [
                sys.executable,
                "-I",
                str(INVOKE_SCRIPT),
                str(self._directory),
                str(timeout or self.configuration["Timeout"]),
            ],
            input=json.dumps(event),
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        sys.stderr.write(completed.stderr)
        if completed.returncode != 0:
            raise RuntimeError(f"the invocation of {self.name} crashed:\n{completed.stderr}")
        report = json.loads(completed.stdout.splitlines()[-1])
        if not Path(report["handler_file"]).is_relative_to(self._directory):
            raise RuntimeError(f"ran {report['handler_file']}, not the deployed package")
        if "error_type" in report:
            raise FunctionError(report["error_type"], report["error"])
        return report["result"]
