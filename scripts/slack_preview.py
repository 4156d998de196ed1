"""Show Slack webhook payloads to a person: as terminal text, or as an HTML page to open in a browser.

Only what the notifier sends is covered (header, section text and fields, context); mrkdwn is read
the way Slack reads it for these messages: *bold*, `code`, <url|label> links, <!date^…|fallback>
tokens (shown with their fallback), mentions, and the &amp; &lt; &gt; escapes.
"""

from __future__ import annotations

import html
import re
from typing import Any

_TOKEN = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_MENTIONS = {"!here": "@here", "!channel": "@channel", "!everyone": "@everyone"}


def _token_text(match: re.Match[str]) -> tuple[str, str | None]:
    """(text to show, link target or None) for one <…> token."""
    target, label = match.group(1), match.group(2)
    if target.startswith("!date^"):
        return label or target, None
    if target in _MENTIONS:
        return _MENTIONS[target], None
    if target.startswith("!subteam^"):
        return "@" + (label or target.split("^", 1)[1]), None
    if target.startswith("@"):
        return "@" + (label or target[1:]), None
    return label or target, target


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mrkdwn_to_plain(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        shown, target = _token_text(match)
        return f"{shown} ({target})" if target else shown

    plain = _TOKEN.sub(replace, text)
    plain = re.sub(r"\*([^*\n]+)\*", r"\1", plain)
    return _unescape(re.sub(r"`([^`\n]+)`", r"\1", plain))


def mrkdwn_to_html(text: str) -> str:
    parts, position = [], 0
    for match in _TOKEN.finditer(text):
        parts.append(_inline_html(text[position : match.start()]))
        shown, target = _token_text(match)
        if target:
            parts.append(f'<a href="{html.escape(target)}">{html.escape(_unescape(shown))}</a>')
        else:
            parts.append(f'<span class="token">{html.escape(_unescape(shown))}</span>')
        position = match.end()
    parts.append(_inline_html(text[position:]))
    return "".join(parts).replace("\n", "<br>")


def _inline_html(text: str) -> str:
    escaped = html.escape(_unescape(text))
    escaped = re.sub(r"\*([^*\n]+)\*", r"<b>\1</b>", escaped)
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", escaped)


def to_terminal(payload: dict[str, Any], width: int = 100) -> str:
    lines = []
    for block in payload.get("blocks", []):
        kind = block.get("type")
        if kind == "header":
            title = block["text"]["text"]
            lines += [title, "=" * min(len(title) + 4, width)]
        elif kind == "section":
            if "text" in block:
                lines.append(mrkdwn_to_plain(block["text"]["text"]))
            for field in block.get("fields", []):
                label, _, value = mrkdwn_to_plain(field["text"]).partition("\n")
                lines.append(f"  {label.strip('*'):<16} {value}")
        elif kind == "context":
            lines.append("  " + " · ".join(mrkdwn_to_plain(element["text"]) for element in block["elements"]))
    lines.append(f"  [notification] {mrkdwn_to_plain(payload.get('text', ''))}")
    return "\n".join(lines)


def to_html(payloads: list[dict[str, Any]], title: str = "Root activity notifier: Slack preview") -> str:
    cards = []
    for payload in payloads:
        parts = []
        for block in payload.get("blocks", []):
            kind = block.get("type")
            if kind == "header":
                parts.append(f"<h2>{html.escape(block['text']['text'])}</h2>")
            elif kind == "section":
                if "text" in block:
                    parts.append(f"<p>{mrkdwn_to_html(block['text']['text'])}</p>")
                if block.get("fields"):
                    fields = "".join(f"<div>{mrkdwn_to_html(field['text'])}</div>" for field in block["fields"])
                    parts.append(f'<div class="fields">{fields}</div>')
            elif kind == "context":
                items = " · ".join(mrkdwn_to_html(element["text"]) for element in block["elements"])
                parts.append(f'<p class="context">{items}</p>')
        notification = html.escape(mrkdwn_to_plain(payload.get("text", "")))
        cards.append(f'<article>{"".join(parts)}<p class="notification">🔔 {notification}</p></article>')
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: -apple-system, "Segoe UI", "Hiragino Sans", sans-serif; background: #f4f4f6; margin: 2em; }}
article {{ background: #fff; border-left: 4px solid #e01e5a; border-radius: 6px; padding: 1em 1.5em;
  margin: 0 0 1.5em; max-width: 760px; box-shadow: 0 1px 3px rgba(0,0,0,.15); }}
h2 {{ font-size: 1.15em; margin: .2em 0 .6em; }}
.fields {{ display: grid; grid-template-columns: 1fr 1fr; gap: .6em 2em; margin: .6em 0; }}
.context, .notification {{ color: #616061; font-size: .85em; }}
.token {{ background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 .2em; }}
code {{ background: #f2f2f2; border: 1px solid #ddd; border-radius: 3px; padding: 0 .2em; }}
</style></head>
<body><h1>{html.escape(title)}</h1>
<p>{len(payloads)} message(s) received by the local Slack webhook.</p>
{"".join(cards)}
</body></html>
"""
