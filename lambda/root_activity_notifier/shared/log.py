"""One JSON line per event, on stderr (CloudWatch Logs keeps it; the CLI keeps stdout clean)."""

from __future__ import annotations

import json
import sys

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from typing import Any, TextIO


def log_line(level: str, message: str, stream: TextIO | None = None, **fields: Any) -> None:
    entry = {"level": level, "message": message, **{key: value for key, value in fields.items() if value is not None}}
    print(json.dumps(entry, ensure_ascii=False, default=str), file=stream or sys.stderr, flush=True)
