"""Read Terraform files with python-hcl2: the blocks of one kind, by name, as plain Python values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

# Strings without their HCL quotes, blocks without python-hcl2's markers.
_OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False)


def blocks(path: Path, kind: str) -> dict[str, dict[str, Any]]:
    """``{name: body}`` of every ``kind`` block (``variable``, ``output``, ``run``) in the file."""
    parsed = hcl2.loads(path.read_text(), serialization_options=_OPTIONS)
    return {name: body for block in parsed.get(kind, []) for name, body in block.items()}
