"""Run ``lambda_handler`` as Lambda would: with a context that tells the time left.

In-process, ``LambdaContext`` is the one fake context of the tests and the benchmark. As a command,
this file runs the handler of a package directory in a fresh interpreter, with the environment it
is given, and prints one JSON line: what the handler returned or raised, and how long the import
and the whole invocation took. That is how the deployed package runs (isolated from the project's
own copy, as in Lambda) and how the cold start is measured.

    python invoke.py PACKAGE_DIR TIMEOUT_SECONDS < event.json
"""

from __future__ import annotations

import json
import os
import sys
import time

# Only what every handler imports anyway (json, os, sys, time): anything more imported here before
# the handler would flatter its cold start.
INVOKE_SCRIPT = os.path.abspath(__file__)


class LambdaContext:
    """The part of Lambda's context object the handler uses."""

    def __init__(self, timeout_seconds: float = 30.0) -> None:
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main() -> int:
    package_directory, timeout_seconds = sys.argv[1], float(sys.argv[2])
    event = json.loads(sys.stdin.read())
    sys.path.insert(0, package_directory)
    started = time.perf_counter()
    from root_activity_notifier.handler import lambda_handler

    imported = time.perf_counter()
    report = {"handler_file": sys.modules["root_activity_notifier.handler"].__file__}
    try:
        report["result"] = lambda_handler(event, LambdaContext(timeout_seconds))
    except Exception as error:  # noqa: BLE001 - reported to the caller, which decides
        report["error_type"], report["error"] = type(error).__name__, str(error)
    done = time.perf_counter()
    report.update(import_ms=(imported - started) * 1000, total_ms=(done - started) * 1000)
    report["boto3_imported"] = "boto3" in sys.modules
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
