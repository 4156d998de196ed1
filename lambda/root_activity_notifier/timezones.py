"""Configure: the time zone of the readable fallback time, which must never stop an alert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone, tzinfo
from functools import lru_cache


@dataclass(frozen=True)
class ResolvedTimeZone:
    name: str
    zone: tzinfo
    # Set when the configured zone could not be loaded and UTC is shown instead.
    unavailable_name: str = ""


UTC = ResolvedTimeZone(name="UTC", zone=timezone.utc)


class UnknownTimeZoneError(ValueError):
    """The zone database is present but has no zone by that name."""


@lru_cache(maxsize=8)
def resolve_time_zone(name: str) -> ResolvedTimeZone:
    """Load an IANA zone such as ``Asia/Tokyo``.

    A name the zone database does not know raises UnknownTimeZoneError (a configuration mistake).
    A runtime without any zone database falls back to UTC and says so, so that an alert still goes
    out with correct, if less convenient, times.
    """
    cleaned = name.strip()
    if cleaned.upper() in ("", "UTC", "ETC/UTC", "Z"):
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    try:
        return ResolvedTimeZone(name=cleaned, zone=ZoneInfo(cleaned))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        if _zone_database_available(available_timezones):
            raise UnknownTimeZoneError(
                f"unknown time zone {cleaned!r}: use an IANA name such as 'UTC', 'Asia/Tokyo' or 'Europe/Berlin'"
            ) from None
        return ResolvedTimeZone(name="UTC", zone=timezone.utc, unavailable_name=cleaned)


def _zone_database_available(available_timezones) -> bool:
    try:
        return bool(available_timezones())
    except Exception:  # noqa: BLE001 - any failure to list zones means there is no usable database
        return False
