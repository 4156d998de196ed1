"""Configure: the Slack secrets (webhook URL or bot token), read from SSM Parameter Store at run time
and cached for a while.

The cache lives as long as the Lambda container, but an entry older than the configured age is
read again, so a rotated secret takes effect without a deployment. A secret never appears in a
message: errors name the parameter, not its value.
"""

from __future__ import annotations

import time

from .settings import ConfigurationError

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .settings import SecretSource

# parameter name -> (value, monotonic time it was read)
_cache: dict[str, tuple[str, float]] = {}


class SecretUnavailable(RuntimeError):
    """SSM could not be read just now (throttling, network); the invocation should be retried."""


def secret_value(
    source: SecretSource,
    max_age_seconds: float,
    *,
    ssm_client_factory: Callable[[], Any] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """The secret: ``source.value`` when given (local use), else the parameter's, checked by ``source.check``."""
    if source.value:
        return source.value
    cached = _cache.get(source.parameter_name)
    now = clock()
    if cached and now - cached[1] < max_age_seconds:
        return cached[0]
    value = _read_parameter(source, ssm_client_factory or _default_ssm_client)
    _cache[source.parameter_name] = (value, now)
    return value


def clear_cache() -> None:
    _cache.clear()


def _default_ssm_client() -> Any:
    import os

    import boto3  # present in every Lambda Python runtime; imported only when SSM is used

    # Lambda sets both variables; boto3 reads only AWS_DEFAULT_REGION (and the config file), and a
    # laptop often has AWS_REGION alone.
    return boto3.client("ssm", region_name=os.environ.get("AWS_REGION") or None)


def _read_parameter(source: SecretSource, client_factory: Callable[[], Any]) -> str:
    from botocore.exceptions import BotoCoreError, ClientError, NoRegionError

    name = source.parameter_name
    where = f"SSM parameter {name!r} (from {source.variable})"
    try:
        response = client_factory().get_parameter(Name=name, WithDecryption=True)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("ParameterNotFound", "ParameterVersionNotFound"):
            raise ConfigurationError(f"{where} does not exist in this account and region") from None
        if code in ("AccessDeniedException", "AccessDenied") or "KMS" in code:
            raise ConfigurationError(
                f"{where} cannot be read ({code}): the function needs ssm:GetParameter on it and kms:Decrypt on its key"
            ) from None
        raise SecretUnavailable(f"{where} could not be read just now ({code or 'error'})") from None
    except NoRegionError:
        raise ConfigurationError(
            f"{where} cannot be read: no AWS region is configured; set AWS_REGION (or AWS_DEFAULT_REGION) "
            "to the region the parameter is in"
        ) from None
    except BotoCoreError as error:
        raise SecretUnavailable(f"{where} could not be read just now ({type(error).__name__})") from None
    value = str(response.get("Parameter", {}).get("Value", ""))
    return source.check(value, where)
