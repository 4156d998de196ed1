"""Findings: what a check found (what holds or does not, and the fix), and how AWS is asked for it."""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# check: what is checked; ok: whether it holds; detail: what was found; fix: what to do ("" when ok);
# fails_apply: whether the check at apply fails on it (False for what an apply cannot settle, such as
# a subscription that waits for someone to confirm it: the scheduled check keeps naming it)
Finding = namedtuple("Finding", ["check", "ok", "detail", "fix", "fails_apply"], defaults=["", True])


class CannotAsk(RuntimeError):
    """AWS could not be asked at all (no credentials, no region): not a finding about the notifier."""


def problems(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if not finding.ok]


def ask(what: str, fix_if_denied: str, call: Callable[[], Any]) -> tuple[Any, Finding | None]:
    """Call AWS; an answer that is an error becomes a failed Finding (access denied says which
    permission to add), a missing credential or region raises CannotAsk."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

    try:
        return call(), None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        message = error.response.get("Error", {}).get("Message", "")
        if "AccessDenied" in code or code in ("UnauthorizedOperation", "AuthorizationError"):
            return None, Finding(what, False, f"access denied ({code})", fix_if_denied)
        return None, Finding(what, False, f"{code}: {message}".rstrip(": "), "")
    except NoCredentialsError:
        raise CannotAsk("no AWS credentials found: sign in (aws sso login, or set AWS_PROFILE) and run again") from None
    except NoRegionError:
        raise CannotAsk("no AWS region: pass --region or set AWS_REGION") from None
    except BotoCoreError as error:
        raise CannotAsk(f"AWS could not be reached: {error}") from None
