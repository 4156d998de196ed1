"""Configure: the time zone of the readable time, which must never stop an alert."""

from __future__ import annotations

from collections import namedtuple
from datetime import timezone
from functools import lru_cache

# name: str, zone: tzinfo, unavailable_name: str (the configured zone when UTC is shown instead)
ResolvedTimeZone = namedtuple("ResolvedTimeZone", ["name", "zone", "unavailable_name"], defaults=[""])

UTC = ResolvedTimeZone(name="UTC", zone=timezone.utc)


@lru_cache(maxsize=8)
def resolve_time_zone(name: str) -> ResolvedTimeZone:
    """Load an IANA zone such as ``Asia/Tokyo``; fall back to UTC rather than fail.

    A zone that cannot be loaded (a typo such as ``Asia/Tokio``, or a runtime without a zone
    database) gives UTC with ``unavailable_name`` set, so the alert still goes out with correct
    times, and the message and the log say what happened. The module rejects unknown names at plan
    time; this is the last line of defence.
    """
    cleaned = name.strip()
    if cleaned.upper() in ("", "UTC", "ETC/UTC", "Z"):
        return UTC
    from zoneinfo import ZoneInfo  # only for a zone other than UTC

    try:
        return ResolvedTimeZone(name=cleaned, zone=ZoneInfo(cleaned))
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return ResolvedTimeZone(name="UTC", zone=timezone.utc, unavailable_name=cleaned)
