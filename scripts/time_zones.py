"""Write data/time-zones.txt: every IANA time zone name, one a line, from the pinned tzdata package.

The module checks message_time_zone against this list at plan time; tests/unit/config/test_time_zones.py fails
when it drifts from the zone database. Run `make time-zones` after updating tzdata.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "data" / "time-zones.txt"


def zone_names() -> list[str]:
    names = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    # "UTC" leads: it is the default and what most users look for first.
    return ["UTC", *sorted(name for name in set(names) if name != "UTC")]


def main() -> int:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text("".join(f"{name}\n" for name in zone_names()), encoding="utf-8")
    print(
        f"{OUTPUT.relative_to(Path.cwd()) if OUTPUT.is_relative_to(Path.cwd()) else OUTPUT}: {len(zone_names())} zones"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
