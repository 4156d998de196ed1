"""Every ready (commented) forwarder block of examples/single-account is valid Terraform once uncommented."""

from __future__ import annotations

import re
import subprocess

from local_aws import copy_repository, uncomment_forwarders

from conftest import REPO

FORWARDERS = REPO / "examples" / "single-account" / "forwarders.tf"


def ready_regions() -> list[str]:
    return re.findall(r"^# --- ([a-z0-9-]+) ---$", FORWARDERS.read_text(), re.MULTILINE)


def test_a_ready_block_for_every_default_region_but_the_active_us_east_1():
    assert sorted(ready_regions()) == sorted(
        [
            "us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-1", "ap-northeast-2",
            "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1",
            "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "sa-east-1",
        ]
    )  # fmt: skip


def test_uncommenting_touches_only_that_block():
    text = FORWARDERS.read_text()
    uncommented = uncomment_forwarders(text, ["eu-west-1"])
    assert 'module "forward_eu_west_1" {\n  source    = "../../modules/region-forwarder"' in uncommented
    assert '# module "forward_eu_west_2" {' in uncommented
    assert len(uncommented.splitlines()) == len(text.splitlines())


def test_every_ready_block_validates_when_uncommented(tmp_path, terraform_module):
    _, environment = terraform_module
    example = copy_repository(tmp_path / "repo", "single-account")
    (example / "forwarders.tf").write_text(uncomment_forwarders(FORWARDERS.read_text(), ready_regions()))
    for command in (
        ["terraform", "init", "-backend=false", "-input=false", "-no-color"],
        ["terraform", "validate", "-no-color"],
    ):
        result = subprocess.run(command, cwd=example, env=environment, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
