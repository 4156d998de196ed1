"""The whole pipeline on one machine: moto as AWS, an example applied to it, the deployed package run.

Shared by `make demo` (scripts/demo.py) and the integration tests (tests/test_integration.py).

* LocalAws: moto's server, in this process, on a free port of 127.0.0.1, emptied on start and stop.
  put_event() puts an event on the bus of the region that recorded it, so moto's own routing (the
  deployed forwarders, then the deployed home rule) decides where it goes; observing_rule() reads
  back what reached a rule. moto fails PutEvents outright when a matching rule targets a Lambda
  function (it cannot run one without Docker), so the home rule's targets are swapped for a queue
  meanwhile.
* deployed_rule / rule_delivers: the rule as moto stores it, and whether it would deliver an event,
  rule state included (a plain ENABLED rule never receives read-only management events; moto's
  routing ignores states).
* ExampleDeployment: a temporary copy of the module and one example, with a provider override that
  points every service of every provider at moto (nothing in examples/ changes), applied, planned
  and destroyed.
* DeployedFunction: the exact zip Terraform uploaded (read back from moto and checked against the
  CodeSha256 Lambda reports), run in this process with the function's own environment and timeout,
  against moto's SSM.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib
import io
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "root_activity_notifier"
ACCOUNT_ID = "123456789012"  # moto's default account
SERVICES = ("cloudtrail", "cloudwatch", "events", "iam", "lambda", "logs", "s3", "sns", "sqs", "ssm", "sts")
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}
READ_ONLY_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
_ALIAS = re.compile(r'^\s*alias\s*=\s*"([A-Za-z0-9_-]+)"', re.MULTILINE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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

    def provider_override(self, aliases: list[str] = (), module_arguments: dict[str, str] | None = None) -> str:
        """A `*_override.tf` sending the example's providers (default and aliases) to moto.

        It may also adjust the example's call of the notifier module.
        """
        endpoints = "\n".join(f'    {service} = "{self.endpoint}"' for service in SERVICES)
        blocks = []
        for alias in [None, *aliases]:
            alias_line = f'  alias                       = "{alias}"\n' if alias else ""
            blocks.append(
                f"""provider "aws" {{
{alias_line}  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  s3_use_path_style           = true
  endpoints {{
{endpoints}
  }}
}}
"""
            )
        if module_arguments:
            arguments = "\n".join(f"  {name} = {value}" for name, value in module_arguments.items())
            blocks.append(f'module "root_activity_notifier" {{\n{arguments}\n}}\n')
        return "\n".join(blocks)

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


def copy_repository(destination: Path, example: str | None = None) -> Path:
    """Copy the root module (with its package and submodules), and an example if named, as laid out
    in the repository (examples call the module as ../../). Returns the example's directory, or the
    root's."""
    destination.mkdir(parents=True, exist_ok=True)
    for path in REPO.glob("*.tf"):
        shutil.copy(path, destination)
    skip = shutil.ignore_patterns(".terraform*", "terraform.tfstate*", "terraform.tfvars")
    shutil.copytree(REPO / "package", destination / "package")
    shutil.copytree(REPO / "modules", destination / "modules", ignore=skip)
    if example is None:
        return destination
    return Path(shutil.copytree(REPO / "examples" / example, destination / "examples" / example, ignore=skip))


def uncomment_forwarders(text: str, regions: list[str]) -> str:
    """Uncomment the ready forwarder blocks of these regions (`# --- REGION ---` sections), as a user would."""
    for region in regions:
        marker = f"# --- {region} ---\n"
        start = text.find(marker)
        if start == -1:
            raise ValueError(f"no ready forwarder block for {region}")
        body_start = start + len(marker)
        end = text.find("\n# --- ", body_start)
        end = len(text) if end == -1 else end
        lines = text[body_start:end].splitlines(keepends=True)
        uncommented = "".join(
            line[2:] if line.startswith("# ") else line[1:] if line.startswith("#") else line for line in lines
        )
        text = text[:body_start] + uncommented + text[end:]
    return text


class TerraformError(RuntimeError):
    pass


class ExampleDeployment:
    """examples/<name> applied to LocalAws from a temporary copy of the repository."""

    def __init__(
        self,
        aws: LocalAws,
        example: str,
        variables: dict[str, str],
        module_arguments: dict[str, str] | None = None,
        forward_regions: list[str] = (),
    ) -> None:
        self.aws, self.example, self.variables = aws, example, variables
        self._root = Path(tempfile.mkdtemp(prefix=f"{example}-"))
        self.directory = copy_repository(self._root, example)
        if forward_regions:
            forwarders = self.directory / "forwarders.tf"
            forwarders.write_text(uncomment_forwarders(forwarders.read_text(), forward_regions))
        aliases = sorted({alias for path in self.directory.glob("*.tf") for alias in _ALIAS.findall(path.read_text())})
        (self.directory / "local_override.tf").write_text(aws.provider_override(aliases, module_arguments))
        self.applied = False

    def _environment(self) -> dict[str, str]:
        config = REPO / "build" / "terraform.rc"
        if not config.exists():
            subprocess.run([str(REPO / "scripts" / "terraform-cli-config.sh"), str(config)], check=True)
        return {
            **os.environ,
            **CREDENTIALS,
            "TF_CLI_CONFIG_FILE": str(config),
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
            "TF_INPUT": "0",
        }

    def terraform(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        variables = [f"-var={name}={value}" for name, value in self.variables.items()]
        takes_variables = arguments[0] in ("apply", "plan", "destroy")
        command = ["terraform", *arguments, "-no-color", *(variables if takes_variables else [])]
        result = subprocess.run(
            command, cwd=self.directory, env=self._environment(), capture_output=True, text=True, check=False
        )
        if check and result.returncode != 0:
            raise TerraformError(
                f"terraform {arguments[0]} failed in {self.example}:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def apply(self) -> dict[str, Any]:
        self.terraform("init", "-input=false")
        self.applied = True  # from here on, destroy() has something to clean up even if apply fails half-way
        self.terraform("apply", "-auto-approve", "-input=false")
        return self.outputs()

    def outputs(self) -> dict[str, Any]:
        raw = json.loads(self.terraform("output", "-json").stdout)
        return {name: value["value"] for name, value in raw.items()}

    def plan_is_empty(self) -> tuple[bool, str]:
        result = self.terraform("plan", "-detailed-exitcode", "-input=false", check=False)
        if result.returncode == 1:
            raise TerraformError(f"terraform plan failed in {self.example}:\n{result.stderr}")
        return result.returncode == 0, result.stdout

    def destroy(self) -> None:
        """terraform destroy; raises unless Terraform's state is empty afterwards."""
        try:
            if self.applied:
                self.terraform("destroy", "-auto-approve", "-input=false")
                self.applied = False
                left = self.terraform("state", "list").stdout.split()
                if left:
                    raise TerraformError(f"resources left in the state of {self.example} after destroy: {left}")
        finally:
            shutil.rmtree(self._root, ignore_errors=True)


@dataclass(frozen=True)
class DeployedRule:
    name: str
    pattern: dict[str, Any]
    state: str


def deployed_rule(aws: LocalAws, region: str, name: str) -> DeployedRule:
    described = aws.client("events", region).describe_rule(Name=name)
    return DeployedRule(name=name, pattern=json.loads(described["EventPattern"]), state=described["State"])


def rule_delivers(rule: DeployedRule, event: dict[str, Any]) -> bool:
    """Would EventBridge deliver ``event`` to this rule's targets?"""
    from moto.events.models import EventPattern

    if rule.state not in ("ENABLED", READ_ONLY_STATE):
        return False
    detail = event.get("detail") if isinstance(event.get("detail"), dict) else {}
    if detail.get("readOnly") is True and detail.get("eventType") == "AwsApiCall" and rule.state != READ_ONLY_STATE:
        return False
    return EventPattern.load(json.dumps(rule.pattern)).matches_event(event)


class FakeLambdaContext:
    def __init__(self, timeout_seconds: float) -> None:
        self._timeout_ms = int(timeout_seconds * 1000)

    def get_remaining_time_in_millis(self) -> int:
        return self._timeout_ms


class DeployedFunction:
    """The deployed package, unpacked and importable, with the function's configuration."""

    def __init__(self, aws: LocalAws, region: str, name: str) -> None:
        from moto.awslambda.models import lambda_backends

        self.aws, self.region, self.name = aws, region, name
        configuration = aws.client("lambda", region).get_function(FunctionName=name)["Configuration"]
        self.configuration = configuration
        self.code = lambda_backends[ACCOUNT_ID][region].get_function(name).code_bytes
        digest = base64.b64encode(hashlib.sha256(self.code).digest()).decode()
        if digest != configuration["CodeSha256"]:
            raise RuntimeError(f"the code read back from moto does not match {name}'s CodeSha256")
        self.environment = configuration.get("Environment", {}).get("Variables", {})
        self._directory = Path(tempfile.mkdtemp(prefix="deployed-package-"))
        with zipfile.ZipFile(io.BytesIO(self.code)) as archive:
            archive.extractall(self._directory)

    def close(self) -> None:
        shutil.rmtree(self._directory, ignore_errors=True)

    @contextlib.contextmanager
    def handler(self) -> Iterator[Any]:
        """``lambda_handler`` of the deployed package, with the function's environment set.

        The project's own copy of the package (if imported) is set aside meanwhile, so what runs is
        exactly what was deployed; the deployed modules (and their webhook cache) live as long as
        this context, like a warm Lambda container.
        """
        environment = {
            **self.environment,
            **CREDENTIALS,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_ENDPOINT_URL": self.aws.endpoint,
            "AWS_LAMBDA_FUNCTION_NAME": self.name,
        }
        set_aside = {key: module for key, module in sys.modules.items() if key.split(".")[0] == PACKAGE}
        saved_environment = {key: os.environ.get(key) for key in environment}
        for key in set_aside:
            del sys.modules[key]
        sys.path.insert(0, str(self._directory))
        os.environ.update(environment)
        try:
            module = importlib.import_module(f"{PACKAGE}.handler")
            if not Path(module.__file__).is_relative_to(self._directory):
                raise RuntimeError(f"imported {module.__file__}, not the deployed package")
            context = FakeLambdaContext(self.configuration["Timeout"])
            yield lambda event, timeout=None: module.lambda_handler(
                event, FakeLambdaContext(timeout) if timeout is not None else context
            )
        finally:
            sys.path.remove(str(self._directory))
            for key in [key for key in sys.modules if key.split(".")[0] == PACKAGE]:
                del sys.modules[key]
            sys.modules.update(set_aside)
            for key, value in saved_environment.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def load_sample(name: str) -> dict[str, Any]:
    return json.loads((REPO / "examples" / "events" / name).read_text(encoding="utf-8"))


def sample_names() -> list[str]:
    """The EventBridge-shaped samples (what a rule can see), root ones first."""
    names = [path.name for path in sorted((REPO / "examples" / "events").glob("*.json"))]
    shaped = [name for name in names if "detail-type" in load_sample(name)]
    return sorted(shaped, key=lambda name: (not name.startswith("root-"), name))
