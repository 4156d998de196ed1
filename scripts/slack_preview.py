"""Show Slack webhook payloads to a person: as terminal text, or as an HTML page to open in a browser.

Only what the notifier sends is covered (header, section text and fields, context); mrkdwn is read
the way Slack reads it for these messages: *bold*, `code`, <url|label> links, <!date^…|fallback>
tokens (shown as the local time they stand for: the fallback), mentions, the &amp; &lt; &gt;
escapes, and in HTML the emoji shortcodes the notifier uses, as the emoji Slack shows.
"""

from __future__ import annotations

import html
import re
from typing import Any

_TOKEN = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_MENTIONS = {"!here": "@here", "!channel": "@channel", "!everyone": "@everyone"}
# Every shortcode the notifier sends, as the emoji Slack draws for it.
EMOJI = {
    ":rotating_light:": "\U0001f6a8",
    ":red_circle:": "\U0001f534",
    ":warning:": "\u26a0\ufe0f",
    ":large_blue_circle:": "\U0001f535",
    ":no_entry:": "\u26d4",
    ":white_check_mark:": "\u2705",
    ":x:": "\u274c",
}
_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")


def with_emoji(text: str) -> str:
    return _SHORTCODE.sub(lambda match: EMOJI.get(match.group(0), match.group(0)), text)


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
        elif match.group(1).startswith("!date^"):
            parts.append(html.escape(_unescape(shown)))  # Slack shows a date token as plain local time
        else:
            parts.append(f'<span class="mention">{html.escape(_unescape(shown))}</span>')
        position = match.end()
    parts.append(_inline_html(text[position:]))
    return "".join(parts).replace("\n", "<br>")


def _inline_html(text: str) -> str:
    escaped = html.escape(with_emoji(_unescape(text)))
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


def message_html(payload: dict[str, Any], sender: str = "Root activity notifier") -> str:
    """One message as Slack lays out an app's message: avatar, sender, then the blocks."""
    parts = []
    for block in payload.get("blocks", []):
        kind = block.get("type")
        if kind == "header":
            parts.append(f'<div class="header">{html.escape(with_emoji(block["text"]["text"]))}</div>')
        elif kind == "section":
            if "text" in block:
                parts.append(f'<div class="section">{mrkdwn_to_html(block["text"]["text"])}</div>')
            if block.get("fields"):
                fields = "".join(f"<div>{mrkdwn_to_html(field['text'])}</div>" for field in block["fields"])
                parts.append(f'<div class="fields">{fields}</div>')
        elif kind == "context":
            items = "".join(f"<span>{mrkdwn_to_html(element['text'])}</span>" for element in block["elements"])
            parts.append(f'<div class="context">{items}</div>')
    return (
        '<article class="message"><div class="avatar">\U0001f6e1\ufe0f</div><div class="body">'
        f'<div class="sender"><b>{html.escape(sender)}</b> <span class="badge">APP</span></div>'
        f"{''.join(parts)}</div></article>"
    )


STYLE = """
body { font-family: Lato, "Noto Sans", "Noto Sans CJK JP", "Noto Color Emoji", sans-serif; color: #1d1c1d;
  background: #fff; margin: 0; font-size: 15px; line-height: 1.47; }
main { padding: 8px 20px; max-width: 760px; }
.message { display: flex; gap: 8px; padding: 8px 0; }
.avatar { flex: 0 0 36px; height: 36px; border-radius: 6px; background: #4a154b; color: #fff; font-size: 20px;
  display: flex; align-items: center; justify-content: center; }
.body { flex: 1; min-width: 0; }
.sender b { font-weight: 900; }
.badge { background: rgba(29,28,29,.13); color: rgba(29,28,29,.7); font-size: 10px; font-weight: 700;
  border-radius: 2px; padding: 1px 3px; vertical-align: 2px; }
.header { font-size: 18px; font-weight: 900; margin: 6px 0 4px; }
.section { margin: 4px 0; overflow-wrap: anywhere; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; margin: 8px 0; overflow-wrap: anywhere; }
.context { color: #616061; font-size: 12px; margin: 6px 0; }
.context span + span::before { content: "  "; white-space: pre; }
a { color: #1264a3; text-decoration: none; }
.mention { background: rgba(232,171,2,.2); color: #1d1c1d; border-radius: 3px; padding: 0 2px; }
code { color: #e01e5a; background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13);
  border-radius: 3px; padding: 1px 3px; font-size: 12px; font-family: Monaco, Menlo, monospace; }
.notification { color: #616061; font-size: 12px; border-top: 1px solid #eee; padding-top: 4px; }
.thread { border-left: 3px solid #ddd; margin: 0 0 12px 44px; padding-left: 12px; }
.thread-count { color: #1264a3; font-size: 13px; font-weight: 700; margin: 0 0 4px 44px; }
.also-sent { color: #616061; font-size: 12px; }
"""


def to_html(payloads: list[dict[str, Any]], title: str = "Root activity notifier: Slack preview") -> str:
    cards = []
    for payload in payloads:
        notification = html.escape(with_emoji(mrkdwn_to_plain(payload.get("text", ""))))
        cards.append(f'{message_html(payload)}<p class="notification">\U0001f514 {notification}</p>')
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{STYLE}</style></head>
<body><main><h1>{html.escape(title)}</h1>
<p>{len(payloads)} message(s) received by the local Slack webhook.</p>
{"".join(cards)}
</main></body></html>
"""


def thread_html(parent: dict[str, Any], replies: list[dict[str, Any]]) -> str:
    """A parent as the channel shows it, then its thread: each reply, marked when it was also sent to
    the channel (``reply_broadcast``), as the Slack Web API stand-in keeps them."""
    shown = []
    for reply in replies:
        mark = '<div class="also-sent">Also sent to the channel</div>' if reply.get("reply_broadcast") else ""
        shown.append(f"{mark}{message_html(reply)}")
    count = f'<p class="thread-count">{len(replies)} replies</p>' if replies else ""
    return f'{message_html(parent)}{count}<div class="thread">{"".join(shown)}</div>'


def channel_html(messages: list[dict[str, Any]], title: str = "Root activity notifier: Slack app preview") -> str:
    """What a Slack app posted (the stand-in's messages, with ``ts`` and ``thread_ts``): each parent with its thread."""
    parents = [message for message in messages if not message.get("thread_ts")]
    threads = "".join(
        thread_html(parent, [each for each in messages if each.get("thread_ts") == parent["ts"]]) for parent in parents
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{STYLE}</style></head>
<body><main><h1>{html.escape(title)}</h1>
<p>{len(parents)} message(s) in the channel, {len(messages) - len(parents)} replies in their threads.</p>
{threads}
</main></body></html>
"""


def thread_page(parent: dict[str, Any], replies: list[dict[str, Any]]) -> str:
    """One thread alone on a page, as a screenshot shows it."""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><style>{STYLE}</style></head>
<body><main id="message">{thread_html(parent, replies)}</main></body></html>
"""


def message_page(payload: dict[str, Any]) -> str:
    """One message alone on a page, as a screenshot shows it."""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><style>{STYLE}</style></head>
<body><main id="message">{message_html(payload)}</main></body></html>
"""
