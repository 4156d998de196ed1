"""Write the README's inputs and outputs tables from variables.tf and outputs.tf.

python scripts/docs.py           rewrite the tables between the markers in README.md
python scripts/docs.py --check   fail if README.md is not what the .tf files say
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from terraform_blocks import blocks

REPO = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type(expression: str) -> str:
    return expression.removeprefix("${").removesuffix("}")


def tables() -> str:
    lines = ["### Inputs", "", "| Name | Description | Type | Default |", "|---|---|---|---|"]
    for name, body in blocks(REPO / "variables.tf", "variable").items():
        if "default" in body:
            default = body["default"]
            shown = "`null`" if default is None else f"`{json.dumps(default, ensure_ascii=False)}`"
        else:
            shown = "required"
        lines.append(f"| `{name}` | {_cell(body['description'])} | `{_cell(_type(body['type']))}` | {_cell(shown)} |")
    lines += ["", "### Outputs", "", "| Name | Description |", "|---|---|"]
    for name, body in blocks(REPO / "outputs.tf", "output").items():
        lines.append(f"| `{name}` | {_cell(body['description'])} |")
    return "\n".join(lines)


def main() -> int:
    readme = REPO / "README.md"
    text = readme.read_text()
    if BEGIN not in text or END not in text:
        print(f"README.md has no {BEGIN} ... {END} markers", file=sys.stderr)
        return 1
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    updated = f"{head}{BEGIN}\n{tables()}\n{END}{tail}"
    if "--check" in sys.argv:
        if updated != text:
            print("README.md inputs/outputs tables are out of date: run 'make docs' and commit", file=sys.stderr)
            return 1
        return 0
    readme.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
