"""Every ready (commented) forwarder block of the examples is valid Terraform once uncommented."""

from __future__ import annotations

import re
import subprocess

from conftest import REPO
from harness.deployment import copy_repository, uncomment_forwarders

FORWARDERS = REPO / "examples" / "single-account" / "forwarders.tf"


def ready_regions() -> list[str]:
    return re.findall(r"^# --- ([a-z0-9-]+) ---$", FORWARDERS.read_text(), re.MULTILINE)


def test_each_ready_block_configures_the_region_it_is_named_for():
    """A copied block that still says another region would forward that region twice, and this one never."""
    text = FORWARDERS.read_text()
    regions = ready_regions()
    assert len(regions) == len(set(regions)) >= 10
    assert "us-east-1" not in regions, "the module forwards us-east-1 itself"
    for region in regions:
        block = uncomment_forwarders(text, [region]).split(f"# --- {region} ---\n", 1)[1].split("\n# --- ", 1)[0]
        alias = region.replace("-", "_")
        assert f'alias  = "{alias}"' in block and f'region = "{region}"' in block, block
        assert f'module "forward_{alias}"' in block and f"providers = {{ aws = aws.{alias} }}" in block, block


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


def test_the_organization_examples_ready_block_validates_when_uncommented(tmp_path, terraform_module):
    _, environment = terraform_module
    example = copy_repository(tmp_path / "repo", "organization")
    forwarders = example / "forwarders.tf"
    forwarders.write_text(uncomment_forwarders(forwarders.read_text(), ["us-east-2"]))
    assert 'module "management_us_east_2"' in forwarders.read_text()
    for command in (
        ["terraform", "init", "-backend=false", "-input=false", "-no-color"],
        ["terraform", "validate", "-no-color"],
    ):
        result = subprocess.run(command, cwd=example, env=environment, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
