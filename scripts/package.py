"""Build the Lambda package deterministically: the same sources always give the same bytes.

    python scripts/package.py [OUTPUT]   (default: package/root_activity_notifier.zip)

Entries are sorted, timestamps fixed, permissions normalised, and only the handler's ``.py``
files go in (no caches, no tests), so CI can rebuild the committed zip and compare it byte for byte.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "lambda"
PACKAGE = "root_activity_notifier"
DEFAULT_OUTPUT = REPO / "package" / f"{PACKAGE}.zip"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def build(output: Path) -> None:
    files = sorted(path for path in (SOURCE / PACKAGE).rglob("*.py") if "__pycache__" not in path.parts)
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w") as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(SOURCE).as_posix(), date_time=FIXED_TIME)
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            # Normalise line endings so a checkout with CRLF builds the same bytes.
            archive.writestr(info, path.read_bytes().replace(b"\r\n", b"\n"), compresslevel=9)
    temporary.replace(output)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT)
