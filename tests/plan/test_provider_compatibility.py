"""The module reads the same, without a deprecation warning, on hashicorp/aws 5.x and 6.x.

Only 5.100 runs here, so what 6.x deprecates is kept as a list, from the provider's 6.x
documentation and upgrade guide; what 5.x itself deprecates, `terraform validate` reports.
One known exception, in Slack app mode only: later 6.x releases deprecate `aws_dynamodb_table`'s
`hash_key` for a `key_schema` block that 5.x does not have (state.tf; the README says so).
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from conftest import REPO

# (what a reference starts with, the attribute), deprecated in hashicorp/aws 6.x.
DEPRECATED_IN_6 = [
    ("data.aws_region.", "name"),  # 6.0: use `region` (absent from 5.x)
    ("data.aws_region.", "id"),  # 6.47: likewise
]
TF_FILES = sorted(
    path
    for path in REPO.glob("**/*.tf")
    if not any(part.startswith(".") for part in path.relative_to(REPO).parts) and "build" not in path.parts
)


def reference(prefix: str, attribute: str) -> re.Pattern[str]:
    """``data.aws_region.<name>[<key>].<attribute>``, whatever the name and key."""
    return re.compile(re.escape(prefix) + r"[a-z0-9_]+(\[[^\]]*\])?\." + attribute + r"\b")


@pytest.mark.parametrize(("prefix", "attribute"), DEPRECATED_IN_6)
def test_no_attribute_that_provider_6_deprecates(prefix, attribute):
    pattern = reference(prefix, attribute)
    found = [f"{path.relative_to(REPO)}:{number}" for path in TF_FILES for number, line in
             enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]  # fmt: skip
    assert TF_FILES and found == []


# Resources whose arguments 6.x renames to names 5.x does not know, where another resource does the
# job on both.
AVOIDED_IN_6 = {
    # 6.0: `region` becomes `stack_set_instance_region`; aws_cloudformation_stack_instances takes
    # `regions` on both (organization.tf).
    "aws_cloudformation_stack_set_instance",
}


def test_no_resource_whose_arguments_provider_6_renames():
    declared = re.compile(r'^\s*resource\s+"(' + "|".join(AVOIDED_IN_6) + r')"', re.MULTILINE)
    found = [str(path.relative_to(REPO)) for path in TF_FILES if declared.search(path.read_text())]
    assert found == []
    assert declared.search('resource "aws_cloudformation_stack_set_instance" "x" {')


def test_the_scanner_finds_what_it_looks_for():
    pattern = reference("data.aws_region.", "name")
    assert pattern.search("  region = data.aws_region.current.name")
    assert pattern.search("x = data.aws_region.this[0].name")
    assert not pattern.search("x = data.aws_arn.default_bus.region")


def test_every_module_sets_a_lower_bound_only():
    versions = [path for path in TF_FILES if path.name == "versions.tf"]
    assert len(versions) >= 5
    for path in versions:
        constraint = re.search(r'version\s*=\s*"([^"]+)"', path.read_text()).group(1)
        assert constraint.startswith(">=") and "<" not in constraint and "~>" not in constraint, path


def test_validate_reports_no_deprecation(terraform_module):
    workdir, environment = terraform_module
    result = subprocess.run(
        ["terraform", "validate", "-json", "-no-color"],
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    assert report["valid"], report
    assert [diagnostic for diagnostic in report["diagnostics"] if "eprecat" in json.dumps(diagnostic)] == []
