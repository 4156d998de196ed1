"""A minimal root-activity handler, as the project's seed article wrote one: one text, one POST.

`make bench` measures its cold start next to the real handler's, under the same module name, so the
ratio shows what parsing, classification, Block Kit, retries and escaping cost on a cold start.
"""

import json
import os
import urllib.request


def lambda_handler(event, context):
    detail = event["detail"]
    identity = detail.get("userIdentity", {})
    if identity.get("type") != "Root":
        return {"delivered": 0, "ignored": 1}
    text = (
        f"Root activity: {detail.get('eventName')} in account {detail.get('recipientAccountId')} "
        f"from {detail.get('sourceIPAddress')} at {detail.get('eventTime')}"
    )
    request = urllib.request.Request(  # noqa: S310 - a loopback sink in the benchmark
        os.environ["SLACK_WEBHOOK_URL"],
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - same
        pass
    return {"delivered": 1, "ignored": 0}
