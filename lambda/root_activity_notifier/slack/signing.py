"""Slack's request signing: what makes a request to the interactivity endpoint Slack's own.

Slack signs each request with the app's signing secret: ``X-Slack-Signature`` is ``v0=`` and the
hex HMAC-SHA256 of ``v0:<X-Slack-Request-Timestamp>:<raw body>``. A request is taken only when that
signature matches (compared in constant time), its timestamp is within five minutes of now, its body
is a form of at most MAX_BODY_BYTES, and its content type is Slack's. Pure: the caller passes the
clock, and refuses a request seen before (state/store.py's claim on its signature).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_AGE_SECONDS = 300
# Slack's interactive payloads are a few kilobytes; a modal's submission with its view stays well
# under this. Anything larger is not ours to parse.
MAX_BODY_BYTES = 64 * 1024
FORM = "application/x-www-form-urlencoded"


class Refused(ValueError):
    """Not a request Slack signed for this app (or one too old, too large, or of another shape)."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``v0=`` and the hex HMAC-SHA256 of ``v0:TIMESTAMP:BODY`` under ``secret``."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verified_body(event: Mapping[str, object], secret: str, now: float) -> bytes:
    """The raw body of a Lambda function URL request that Slack signed with ``secret``; Refused otherwise.

    The body is taken as the function URL event gives it (base64 when ``isBase64Encoded``), before
    any parsing, since the signature covers the bytes Slack sent."""
    if not secret:
        raise Refused("no signing secret to check the request with")
    headers = {str(name).lower(): str(value) for name, value in (_mapping(event.get("headers"))).items()}
    given = headers.get("x-slack-signature", "")
    timestamp = headers.get("x-slack-request-timestamp", "")
    if not given or not timestamp:
        raise Refused("X-Slack-Signature or X-Slack-Request-Timestamp is missing")
    if headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        raise Refused(f"content type {headers.get('content-type', 'missing')!r} is not Slack's form")
    body = _raw_body(event)
    if len(body) > MAX_BODY_BYTES:
        raise Refused(f"body of {len(body)} bytes is over {MAX_BODY_BYTES}")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        raise Refused("X-Slack-Request-Timestamp is not within five minutes of now")
    if not hmac.compare_digest(signature(secret, timestamp, body).encode(), given.encode()):
        raise Refused("X-Slack-Signature does not match the body")
    return body


def _raw_body(event: Mapping[str, object]) -> bytes:
    body = event.get("body") or ""
    if not isinstance(body, str):
        raise Refused("the body is not text")
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise Refused("the body is not the base64 its event says it is") from None
    return body.encode()


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, dict) else {}
