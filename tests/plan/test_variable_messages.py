"""Every variable validation's message names the variable and quotes the bad value.

`terraform test` (tests/validations.tftest.hcl) proves each bad input is rejected, but cannot see the
message. This test takes the same bad inputs from that file, hands them to `terraform console`
(which evaluates variable validations without any provider) and reads the messages Terraform prints.
"""

from __future__ import annotations

import json
import re
import subprocess

from conftest import REPO
from terraform_blocks import blocks

# Messages that deliberately do not quote the value: a secret, and a 101-character label.
NOT_QUOTED = {"slack_webhook_url": None, "slack_bot_token": None, "account_label": "got 101"}


def bad_inputs() -> list[tuple[str, object]]:
    runs = blocks(REPO / "tests" / "validations.tftest.hcl", "run")
    return [
        (name, value) for body in runs.values() for variables in body["variables"] for name, value in variables.items()
    ]


def batches(inputs):
    """Split so that no variable appears twice in one console run."""
    pending = list(inputs)
    while pending:
        batch, seen, later = [], set(), []
        for name, value in pending:
            (later if name in seen else batch).append((name, value))
            seen.add(name)
        yield batch
        pending = later


def messages(console_output: str) -> dict[str, str]:
    """Variable name -> its validation message, whitespace collapsed."""
    found = {}
    for block in console_output.split("Error: Invalid value for variable")[1:]:
        detail = re.search(r"│ var\.([a-z_]+) is[^\n]*\n", block)
        assert detail, f"no variable named in: {block!r}"
        paragraph = block[detail.end() :].split("This was checked by the validation rule")[0]
        found[detail.group(1)] = " ".join(paragraph.split())
    return found


def expected_quotes(name: str, value) -> list[str] | None:
    """What the message must say of the bad value: its quoted form, or each list element quoted."""
    if name in NOT_QUOTED:
        quote = NOT_QUOTED[name]
        return None if quote is None else [quote]
    if isinstance(value, str):
        return [f'got "{value}"']
    if isinstance(value, list):
        return [json.dumps(element) for element in value]
    if isinstance(value, dict):
        return [f"got {json.dumps(value, separators=(',', ':'))}"]
    return [f"got {value}"]


def test_every_bad_input_gets_a_message_naming_the_variable_and_its_value(terraform_module, tmp_path):
    workdir, environment = terraform_module
    inputs = bad_inputs()
    assert len({name for name, _ in inputs}) >= 28, "validations.tftest.hcl lost its runs"
    checked = 0
    for number, batch in enumerate(batches(inputs)):
        var_file = tmp_path / f"bad-{number}.tfvars.json"
        var_file.write_text(json.dumps(dict(batch)))
        result = subprocess.run(
            ["terraform", "console", "-no-color", f"-var-file={var_file}"],
            input="1\n",
            cwd=workdir,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        # console exits 0 even when variables are invalid: the messages are what counts.
        found = messages(result.stdout + result.stderr)
        for name, value in batch:
            assert name in found, f"no validation error for {name}={value!r}"
            message = found[name]
            assert name in message, message
            quotes = expected_quotes(name, value)
            if quotes is None:
                assert str(value) not in message, f"{name}'s message repeats the secret"
            for quote in quotes or []:
                assert " ".join(quote.split()) in message, f"{name}: {message!r} does not say {quote!r}"
            checked += 1
    assert checked == len(inputs)
