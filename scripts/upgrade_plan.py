"""Measure an upgrade: apply examples/single-account of an earlier release (a Git ref) to the local
AWS emulator, then plan this checkout's module over that state, and print what the plan would add,
change, replace and destroy. The CHANGELOG's upgrade note quotes it (CONTRIBUTING, Releasing).

    .venv/bin/python scripts/upgrade_plan.py v0.1.0      # or a commit
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness.deployment import REPO, configure_example, copy_repository, terraform_environment  # noqa: E402
from harness.emulator import CREDENTIALS, LocalAws  # noqa: E402

EXAMPLE = "single-account"
VARIABLES = {
    "slack_webhook_url": "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX",
    "alarm_email_addresses": ["secops@example.com"],
}


def terraform(directory: Path, *arguments: str) -> str:
    result = subprocess.run(
        ["terraform", *arguments, "-no-color"],
        cwd=directory,
        env={**terraform_environment(), **CREDENTIALS},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"terraform {arguments[0]} failed in {directory}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def checkout(ref: str, destination: Path) -> Path:
    """The release's tree, as `git archive` gives it; returns its example's directory."""
    archive = subprocess.run(["git", "archive", ref], cwd=REPO, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    return destination / "examples" / EXAMPLE


def planned_actions(example: Path) -> dict[str, list[str]]:
    terraform(example, "plan", "-input=false", "-out=upgrade.plan")
    plan = json.loads(terraform(example, "show", "-json", "upgrade.plan"))
    actions: dict[str, list[str]] = {}
    for change in plan.get("resource_changes", []):
        kind = "+".join(change["change"]["actions"])
        if kind == "no-op" or change.get("mode") == "data":
            continue
        named = {"create": "add", "update": "change", "delete": "destroy", "delete+create": "replace"}
        actions.setdefault(named.get(kind, kind), []).append(change["address"])
    return actions


def main(ref: str) -> int:
    root = Path(tempfile.mkdtemp(prefix="upgrade-"))
    try:
        with LocalAws() as aws:
            old = checkout(ref, root / "old")
            configure_example(old, aws.endpoint, VARIABLES)
            terraform(old, "init", "-input=false")
            # The release's own defaults; its function cannot run here (no Docker), nor need it.
            terraform(old, "apply", "-auto-approve", "-input=false")
            new = copy_repository(root / "new", EXAMPLE)
            configure_example(new, aws.endpoint, VARIABLES)
            shutil.copy(old / "terraform.tfstate", new / "terraform.tfstate")
            terraform(new, "init", "-input=false")
            actions = planned_actions(new)
            terraform(old, "destroy", "-auto-approve", "-input=false")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    counts = Counter({kind: len(addresses) for kind, addresses in actions.items()})
    print(
        f"From {ref}, examples/{EXAMPLE}: {counts['add']} to add, {counts['change']} to change, "
        f"{counts['replace']} to replace, {counts['destroy']} to destroy."
    )
    for kind in ("add", "change", "replace", "destroy"):
        for address in sorted(actions.get(kind, [])):
            print(f"  {kind:8} {address}")
    return 1 if counts["destroy"] or counts["replace"] else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    raise SystemExit(main(sys.argv[1]))
