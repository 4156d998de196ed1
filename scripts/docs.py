"""Write the generated reference (requirements, providers, modules, resources, inputs, outputs) of the
root module into README.md, and of each submodule into its own README.md, between the markers; and
the deployer policy (lambda/root_activity_notifier/health/deployer.py) into the README's block for it.

python scripts/docs.py           rewrite the reference between the markers
python scripts/docs.py --check   fail if a README is not what the .tf files say
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

REPO = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"
DEPLOYER_POLICY = "<!-- deployer policy:"
SETTINGS_TABLE, SETTINGS_TABLE_END = "<!-- settings table:", "<!-- end of settings table -->"
MODULES = [REPO, *sorted(path.parent for path in (REPO / "modules").glob("*/main.tf"))]
# Strings without their HCL quotes, blocks without python-hcl2's markers.
_OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False)


def _parsed(directory: Path) -> dict[str, list[Any]]:
    """Every block of the module's .tf files, by kind, in file order (files by name, as Terraform reads them)."""
    merged: dict[str, list[Any]] = {}
    for path in sorted(directory.glob("*.tf")):
        for kind, found in hcl2.loads(path.read_text(), serialization_options=_OPTIONS).items():
            if not kind.startswith("__"):
                merged.setdefault(kind, []).extend(found)
    return merged


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _expression(text: str) -> str:
    return text.removeprefix("${").removesuffix("}")


def _named(found: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    return [(name, body) for block in found for name, body in block.items() if not name.startswith("__")]


def reference(directory: Path, heading: str = "###") -> str:
    parsed = _parsed(directory)
    lines: list[str] = []

    terraform = [block for block in parsed.get("terraform", [])]
    providers = [
        (name, body)
        for block in terraform
        for requirements in block.get("required_providers", [])
        for name, body in requirements.items()
        if not name.startswith("__")
    ]
    lines += [f"{heading} Requirements", "", "| Name | Version |", "|---|---|"]
    for block in terraform:
        if "required_version" in block:
            lines.append(f"| terraform | `{block['required_version']}` |")
    for name, body in providers:
        lines.append(f"| {name} ({body['source']}) | `{body['version']}` |")

    lines += ["", f"{heading} Providers", "", "| Name | Version | Configurations |", "|---|---|---|"]
    for name, body in providers:
        aliases = ", ".join(f"`{_expression(alias)}`" for alias in body.get("configuration_aliases", []))
        lines.append(f"| {name} | `{body['version']}` | default{', ' + aliases if aliases else ''} |")

    modules = _named(parsed.get("module", []))
    lines += ["", f"{heading} Modules", ""]
    if modules:
        lines += ["| Name | Source |", "|---|---|"]
        lines += [f"| `{name}` | `{body['source']}` |" for name, body in modules]
    else:
        lines.append("No modules.")

    lines += ["", f"{heading} Resources", "", "| Name | Type |", "|---|---|"]
    found = sorted(
        (resource_type, name, kind)
        for kind in ("resource", "data")
        for block in parsed.get(kind, [])
        for resource_type, named in block.items()
        for name in named
    )
    for resource_type, name, kind in found:
        address = f"data.{resource_type}.{name}" if kind == "data" else f"{resource_type}.{name}"
        lines.append(f"| `{address}` | {'data source' if kind == 'data' else 'resource'} |")

    lines += [
        "",
        f"{heading} Inputs",
        "",
        "| Name | Description | Type | Default | Required |",
        "|---|---|---|---|:---:|",
    ]
    for name, body in _named(parsed.get("variable", [])):
        required = "default" not in body
        default = "n/a" if required else f"`{json.dumps(body['default'], ensure_ascii=False)}`"
        lines.append(
            f"| `{name}` | {_cell(body.get('description', ''))} | `{_cell(_expression(body['type']))}` | "
            f"{_cell(default)} | {'yes' if required else 'no'} |"
        )

    lines += ["", f"{heading} Outputs", "", "| Name | Description |", "|---|---|"]
    for name, body in _named(parsed.get("output", [])):
        lines.append(f"| `{name}` | {_cell(body.get('description', ''))} |")
    return "\n".join(lines)


def rewritten(readme: Path, directory: Path) -> str:
    text = readme.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{readme.relative_to(REPO)} has no {BEGIN} ... {END} markers")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return with_deployer_policy(f"{head}{BEGIN}\n{reference(directory)}\n{END}{tail}")


def with_deployer_policy(text: str) -> str:
    """The JSON block after the deployer policy's marker: lambda/root_activity_notifier/health/deployer.py's policy."""
    if DEPLOYER_POLICY not in text:
        return text
    sys.path.insert(0, str(REPO / "lambda"))
    from root_activity_notifier.health.deployer import deployer_policy

    head, rest = text.split(DEPLOYER_POLICY, 1)
    marker_line, rest = rest.split("```json\n", 1)
    _, tail = rest.split("```", 1)
    policy = json.dumps(deployer_policy(organization=True), indent=2)
    return f"{head}{DEPLOYER_POLICY}{marker_line}```json\n{policy}\n```{tail}"


def with_settings_table(text: str) -> str:
    """The table after the settings table's marker: lambda/root_activity_notifier/config/reference.py's settings."""
    if SETTINGS_TABLE not in text:
        return text
    sys.path.insert(0, str(REPO / "lambda"))
    from root_activity_notifier.config.reference import settings_table

    head, rest = text.split(SETTINGS_TABLE, 1)
    marker_line, rest = rest.split("\n", 1)
    _, tail = rest.split(SETTINGS_TABLE_END, 1)
    return f"{head}{SETTINGS_TABLE}{marker_line}\n{settings_table()}\n{SETTINGS_TABLE_END}{tail}"


def main() -> int:
    stale = []
    for directory in MODULES:
        readme = directory / "README.md"
        updated = rewritten(readme, directory)
        if updated != readme.read_text():
            stale.append(str(readme.relative_to(REPO)))
            if "--check" not in sys.argv:
                readme.write_text(updated)
    # the deployer policy's block (docs/deploying.md), the handler's settings (docs/command-line.md)
    for document in sorted((REPO / "docs").glob("*.md")):
        updated = with_settings_table(with_deployer_policy(document.read_text()))
        if updated != document.read_text():
            stale.append(str(document.relative_to(REPO)))
            if "--check" not in sys.argv:
                document.write_text(updated)
    if stale and "--check" in sys.argv:
        print(f"generated reference out of date in {', '.join(stale)}: run 'make docs' and commit", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
