"""Make event-derived text safe for Slack: escaped for mrkdwn and cut to Block Kit's limits."""

from __future__ import annotations

ELLIPSIS = "…"
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control characters in mrkdwn.

    With ``<`` and ``>`` escaped, nothing from an event can form ``<!channel>``, ``<@U123>`` or
    ``<https://…|a link>``; the text objects are also sent with ``verbatim: true`` so Slack does
    not turn bare URLs or ``@here`` into links or mentions by itself.
    """
    return "".join(_ESCAPES.get(character, character) for character in text)


def escape_within(text: str, limit: int) -> str:
    """Escape ``text`` and cut it so the escaped result is at most ``limit`` characters.

    The cut never splits an entity such as ``&amp;``, and a cut text ends in an ellipsis.
    """
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    return truncate_escaped(escaped, limit)


def truncate_escaped(escaped: str, limit: int) -> str:
    """Cut already escaped text to ``limit`` characters without splitting an entity."""
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(limit - len(ELLIPSIS), 0)]
    entity_start = cut.rfind("&")
    if entity_start != -1 and ";" not in cut[entity_start:]:
        cut = cut[:entity_start]
    return cut + ELLIPSIS


def truncate_plain(text: str, limit: int) -> str:
    """Cut plain text (Block Kit ``plain_text``) to ``limit`` characters."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ELLIPSIS), 0)] + ELLIPSIS
