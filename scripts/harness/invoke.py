"""Run ``lambda_handler`` as Lambda would: with a context that tells the time left.

In-process, ``LambdaContext`` is the one fake context of the tests and the benchmark. As a command,
this file runs the handler of a package directory in a fresh interpreter, with the environment it
is given, and prints one JSON line: what the handler returned or raised, and how long the import
and the whole invocation took. That is how the cold start is measured:

    python invoke.py PACKAGE_DIR TIMEOUT_SECONDS < event.json

With ``--serve`` it is a warm container: one interpreter that imports the handler once and then
runs one invocation per line of standard input (``{"event": ..., "timeout": seconds}``), answering
each with one JSON line that also carries the log lines the handler wrote meanwhile. That is how the
deployed package runs (isolated from the project's own copy, state kept between invocations, as in
Lambda):

    python invoke.py --serve PACKAGE_DIR [HANDLER]
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
    if sys.argv[1] == "--serve":
        return serve(*sys.argv[2:4])
    package_directory, timeout_seconds = sys.argv[1], float(sys.argv[2])
    event = json.loads(sys.stdin.read())
    sys.path.insert(0, package_directory)
    started = time.perf_counter()
    from root_activity_notifier.handler import lambda_handler

    imported = time.perf_counter()
    report = {"handler_file": sys.modules["root_activity_notifier.handler"].__file__}
    report.update(_invoke(lambda_handler, event, timeout_seconds))
    done = time.perf_counter()
    report.update(import_ms=(imported - started) * 1000, total_ms=(done - started) * 1000)
    report["boto3_imported"] = "boto3" in sys.modules
    report["package_modules"] = sorted(name for name in sys.modules if name.startswith("root_activity_notifier."))
    print(json.dumps(report))
    return 0


def serve(package_directory: str, handler: str = "root_activity_notifier.handler.lambda_handler") -> int:
    """Serve the function's ``handler`` (its Handler setting: module and function)."""
    import importlib
    import io

    sys.path.insert(0, package_directory)
    module_name, function_name = handler.rsplit(".", 1)
    module = importlib.import_module(module_name)
    lambda_handler = getattr(module, function_name)
    handler_file = module.__file__
    answers = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        captured, sys.stderr = sys.stderr, io.StringIO()
        try:
            report = _invoke(lambda_handler, request["event"], request["timeout"])
        finally:
            captured, sys.stderr = sys.stderr, captured
        report.update(handler_file=handler_file, log=captured.getvalue())
        answers.write(json.dumps(report) + "\n")
        answers.flush()
    return 0


def _invoke(lambda_handler, event, timeout_seconds: float) -> dict:
    try:
        return {"result": lambda_handler(event, LambdaContext(timeout_seconds))}
    except Exception as error:  # noqa: BLE001 - reported to the caller, which decides
        return {"error_type": type(error).__name__, "error": str(error)}


if __name__ == "__main__":
    sys.exit(main())
