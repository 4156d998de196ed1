"""Write the README's inputs and outputs tables from variables.tf and outputs.tf.

python scripts/docs.py           rewrite the tables between the markers in README.md
python scripts/docs.py --check   fail if README.md is not what the .tf files say
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import hcl2

REPO = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"


def _attribute(body: dict, key: str):
    """This python-hcl2 wraps each attribute value in a one-element list."""
    value = body[key]
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _text(value) -> str:
    return str(value).replace('\\"', '"')


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type(expression: str) -> str:
    return expression.removeprefix("${").removesuffix("}")


def tables() -> str:
    variables = hcl2.loads((REPO / "variables.tf").read_text())["variable"]
    outputs = hcl2.loads((REPO / "outputs.tf").read_text())["output"]
    lines = ["### Inputs", "", "| Name | Description | Type | Default |", "|---|---|---|---|"]
    for block in variables:
        ((name, body),) = block.items()
        if "default" in body:
            default = _attribute(body, "default")
            shown = "`null`" if default is None else f"`{json.dumps(default, ensure_ascii=False)}`"
        else:
            shown = "required"
        description, type_expression = _text(_attribute(body, "description")), _attribute(body, "type")
        lines.append(f"| `{name}` | {_cell(description)} | `{_cell(_type(type_expression))}` | {_cell(shown)} |")
    lines += ["", "### Outputs", "", "| Name | Description |", "|---|---|"]
    for block in outputs:
        ((name, body),) = block.items()
        lines.append(f"| `{name}` | {_cell(_text(_attribute(body, 'description')))} |")
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
