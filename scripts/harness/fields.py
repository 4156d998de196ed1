"""What a Slack message's fields say, as ``{label: value}``: the tests and the benchmark read a
parent's or a digest's totals this way."""

from __future__ import annotations

from typing import Any


def fields_of(message: dict[str, Any]) -> dict[str, str]:
    found = {}
    for block in message.get("blocks", []):
        for field in block.get("fields", []):
            label, _, value = field["text"].partition("\n")
            found[label.strip("*")] = value
    return found


def calls_shown(message: dict[str, Any]) -> int:
    """The "Calls" a parent or digest shows; -1 when it shows none."""
    return int(fields_of(message).get("Calls", -1))
