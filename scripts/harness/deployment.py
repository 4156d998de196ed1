"""An example applied to the emulator, from a temporary copy of the repository.

The copy gets a provider override that points every service of every provider (the default one and
each alias the example configures) at the emulator, so nothing in examples/ changes. It may also
change the example's call of the notifier module, with Python values.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .emulator import CREDENTIALS, SERVICES, LocalAws

REPO = Path(__file__).resolve().parents[2]
_ALIAS = re.compile(r'^\s*alias\s*=\s*"([A-Za-z0-9_-]+)"', re.MULTILINE)


class TerraformError(RuntimeError):
    pass


def copy_repository(destination: Path, example: str | None = None) -> Path:
    """Copy the root module (with its package, data and submodules), and an example if named, as laid
    out in the repository (examples call the module as ../../). Returns the example's directory, or
    the root's."""
    destination.mkdir(parents=True, exist_ok=True)
    for path in REPO.glob("*.tf"):
        shutil.copy(path, destination)
    skip = shutil.ignore_patterns(".terraform*", "terraform.tfstate*", "terraform.tfvars")
    for directory in ("package", "data", "modules"):
        shutil.copytree(REPO / directory, destination / directory, ignore=skip)
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


def hcl_value(value: Any) -> str:
    """A Python value as an HCL expression: JSON's strings, numbers, booleans, null, lists and objects
    are HCL's too (HCL objects also take `key: value`)."""
    return json.dumps(value)


def provider_override(endpoint: str, aliases: list[str] = (), module_arguments: dict[str, Any] | None = None) -> str:
    """A `*_override.tf` sending the providers (default and aliases) to the emulator at ``endpoint``,
    and setting ``module_arguments`` on the example's call of the notifier module."""
    endpoints = "\n".join(f'    {service} = "{endpoint}"' for service in SERVICES)
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
        arguments = "\n".join(f"  {name} = {hcl_value(value)}" for name, value in module_arguments.items())
        blocks.append(f'module "root_activity_notifier" {{\n{arguments}\n}}\n')
    return "\n".join(blocks)


def configure_example(
    directory: Path, endpoint: str, variables: dict[str, Any], module_arguments: dict[str, Any] | None = None
) -> None:
    """Point every provider the example configures (each alias it names) at the emulator, set
    ``module_arguments`` on its notifier module call, and write its variables."""
    aliases = sorted({alias for path in directory.glob("*.tf") for alias in _ALIAS.findall(path.read_text())})
    (directory / "local_override.tf").write_text(provider_override(endpoint, aliases, module_arguments))
    (directory / "terraform.tfvars.json").write_text(json.dumps(variables))


def terraform_environment() -> dict[str, str]:
    """The project's Terraform CLI configuration (the local provider mirror where there is one)."""
    config = REPO / "build" / "terraform.rc"
    if not config.exists():
        subprocess.run([str(REPO / "scripts" / "terraform-cli-config.sh"), str(config)], check=True)
    return {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "TF_INPUT": "0",
    }


class ExampleDeployment:
    """examples/<name> applied to LocalAws from a temporary copy of the repository."""

    def __init__(
        self,
        aws: LocalAws,
        example: str,
        variables: dict[str, Any],
        module_arguments: dict[str, Any] | None = None,
        forward_regions: list[str] = (),
    ) -> None:
        self.aws, self.example, self.variables = aws, example, variables
        self._root = Path(tempfile.mkdtemp(prefix=f"{example}-"))
        self.directory = copy_repository(self._root, example)
        if forward_regions:
            forwarders = self.directory / "forwarders.tf"
            forwarders.write_text(uncomment_forwarders(forwarders.read_text(), forward_regions))
        self.applied = False
        self.reconfigure(variables, module_arguments)

    def reconfigure(self, variables: dict[str, Any], module_arguments: dict[str, Any] | None = None) -> None:
        """Set the example's variables and the module's arguments; the next apply() changes the deployment."""
        self.variables = variables
        # moto cannot run the function (no Docker), so the health check at apply is off here; the
        # tests run the deployed package with the same input instead (output health_check_input).
        arguments = {"health_check_at_apply": False, **(module_arguments or {})}
        configure_example(self.directory, self.aws.endpoint, variables, arguments)

    def terraform(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["terraform", *arguments, "-no-color"],
            cwd=self.directory,
            env={**terraform_environment(), **CREDENTIALS},
            capture_output=True,
            text=True,
            check=False,
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
