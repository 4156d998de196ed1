from __future__ import annotations

from harness.samples import load_sample
from root_activity_notifier.core.classify import classify
from root_activity_notifier.core.events import parse_input
from root_activity_notifier.render.event import RenderOptions, render_message
from slack_preview import channel_html, mrkdwn_to_html, mrkdwn_to_plain, to_html, to_terminal


def payload(name="root-console-sign-in-without-mfa.json", **changes):
    event = load_sample(name)
    event["detail"].update(changes)
    (record,) = parse_input(event)
    return render_message(record, classify(record), RenderOptions(mention="<!here>"))


def test_plain_text_reads_tokens_like_slack():
    assert mrkdwn_to_plain("<!date^1535559874^{date_num}|2018-08-29 16:24:34 UTC>") == "2018-08-29 16:24:34 UTC"
    assert mrkdwn_to_plain("<!here> *Critical* a &amp; b &lt;c&gt;") == "@here Critical a & b <c>"
    assert mrkdwn_to_plain("<https://example.com/x|Open>") == "Open (https://example.com/x)"
    assert mrkdwn_to_plain("`ConsoleLogin`") == "ConsoleLogin"


def test_terminal_rendering_shows_what_the_reader_sees():
    text = to_terminal(payload())
    assert text.splitlines()[0] == ":rotating_light: Root user signed in to the console without MFA"
    assert "Source IP" in text and "192.0.2.0" in text
    assert "[notification] @here :rotating_light:" in text


def test_html_preview_cannot_be_injected_by_event_text():
    page = to_html([payload(userAgent="<script>alert(1)</script>", eventName="<img src=x onerror=alert(1)>")])
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "1 message(s)" in page


def test_html_links_and_emphasis():
    assert mrkdwn_to_html("*bold* `code` <https://a.example/|link>") == (
        '<b>bold</b> <code>code</code> <a href="https://a.example/">link</a>'
    )


def test_a_thread_shows_its_parent_then_its_replies_and_which_were_also_sent_to_the_channel():
    def message(ts, text, thread_ts="", broadcast=False):
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
        return {"ts": ts, "text": text, "blocks": blocks, "thread_ts": thread_ts, "reply_broadcast": broadcast}

    messages = [
        message("1.1", "Root user session"),
        message("1.2", "Signed in &lt;b&gt;", "1.1", broadcast=True),
        message("1.3", "Read-only calls", "1.1"),
        message("2.1", "Another session"),
    ]
    page = channel_html(messages)
    assert "2 message(s) in the channel, 2 replies in their threads" in page
    assert page.index("Root user session") < page.index("Signed in") < page.index("Read-only calls")
    assert page.index("Read-only calls") < page.index("Another session")
    assert page.count("Also sent to the channel") == 1 and "Signed in &lt;b&gt;" in page  # escaped, not a tag
    assert "2 replies" in page and page.count("replies</p>") == 1
