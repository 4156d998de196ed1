"""data/time-zones.txt, the list the module checks message_time_zone against, is the zone database's."""

from __future__ import annotations

from zoneinfo import ZoneInfo, available_timezones

from conftest import REPO
from time_zones import OUTPUT, zone_names


def carried() -> list[str]:
    return OUTPUT.read_text(encoding="utf-8").splitlines()


def test_the_carried_list_is_the_pinned_zone_database():
    assert OUTPUT == REPO / "data" / "time-zones.txt"
    assert carried() == zone_names(), "data/time-zones.txt is stale: run `make time-zones` and commit it"


def test_every_carried_zone_loads_and_every_loadable_zone_is_carried():
    zones = carried()
    assert len(zones) > 400 and "Asia/Tokyo" in zones and "Asia/Tokio" not in zones
    for name in zones:
        ZoneInfo(name)
    # The machine's own database may be older or newer, and lists "localtime" (a link to the host's zone).
    missing = available_timezones() - set(zones) - {"localtime", "posixrules"}
    assert len(missing) < 5, missing
