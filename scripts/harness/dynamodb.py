"""moto's DynamoDB, safe to call from threads.

moto copies every table at the start of a transaction (to roll it back), which another thread's
write can change under it ("dictionary changed size during iteration"). DynamoDB itself makes each
call atomic; so does this client, by making one call at a time, so that tests and the benchmark can
run invocations side by side as the two queues' mappings do.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()


class OneCallAtATime:
    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if not callable(method):
            return method

        def call(*arguments: Any, **keywords: Any) -> Any:
            with _lock:
                return method(*arguments, **keywords)

        return call


def serialized_client(region: str = "us-east-1") -> OneCallAtATime:
    import boto3

    return OneCallAtATime(boto3.client("dynamodb", region_name=region))
