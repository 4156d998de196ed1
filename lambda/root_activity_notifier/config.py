"""Configure: read and check the notifier's settings from environment variables.

=============================  =================================================================
Variable                       Meaning
=============================  =================================================================
SLACK_WEBHOOK_SSM_PARAMETER    Name of an SSM SecureString parameter holding the webhook URL.
SLACK_WEBHOOK_URL              The webhook URL itself (local use and tests). Set exactly one.
SLACK_WEBHOOK_CACHE_SECONDS    How long a warm function reuses the URL read from SSM (300).
NOTIFIER_LANGUAGE              ``en`` (default) or ``ja``.
NOTIFIER_TIME_ZONE             IANA zone of the readable time, e.g. ``Asia/Tokyo`` (``UTC``).
NOTIFIER_ACCOUNT_LABEL         Shown after the account ID, e.g. ``production``, for accounts
                               without a label in NOTIFIER_ACCOUNT_LABELS.
NOTIFIER_ACCOUNT_LABELS        JSON object of account ID to label, e.g.
                               ``{"111122223333": "production"}`` (an organization's accounts).
NOTIFIER_ANNOUNCE_ASSUME_ROOT  ``true``: also announce sts:AssumeRoot calls (centralized root
                               access taken); anything else: only root activity.
NOTIFIER_MENTION               Mention for critical alerts: ``here``, ``channel``,
                               ``<!subteam^S0123ABCD>`` (a user group) or ``<@U0123ABCD>``.
NOTIFIER_EXPECTED_PRINCIPALS   JSON object of role or user ARN to label, e.g.
                               ``{"arn:aws:iam::111122223333:role/ci": "deployer role"}``:
                               their changes to the notifier are labelled "expected", low.
=============================  =================================================================
"""

from __future__ import annotations

import re
from collections import namedtuple
from urllib.parse import urlsplit

from .messages import SUPPORTED_LANGUAGES
from .render import RenderOptions
from .timezones import resolve_time_zone

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Mapping

WEBHOOK_PARAMETER_VARIABLE = "SLACK_WEBHOOK_SSM_PARAMETER"
WEBHOOK_URL_VARIABLE = "SLACK_WEBHOOK_URL"
WEBHOOK_CACHE_VARIABLE = "SLACK_WEBHOOK_CACHE_SECONDS"
LANGUAGE_VARIABLE = "NOTIFIER_LANGUAGE"
TIME_ZONE_VARIABLE = "NOTIFIER_TIME_ZONE"
ACCOUNT_LABEL_VARIABLE = "NOTIFIER_ACCOUNT_LABEL"
ACCOUNT_LABELS_VARIABLE = "NOTIFIER_ACCOUNT_LABELS"
ANNOUNCE_ASSUME_ROOT_VARIABLE = "NOTIFIER_ANNOUNCE_ASSUME_ROOT"
MENTION_VARIABLE = "NOTIFIER_MENTION"
EXPECTED_PRINCIPALS_VARIABLE = "NOTIFIER_EXPECTED_PRINCIPALS"

DEFAULT_WEBHOOK_CACHE_SECONDS = 300.0
_SSM_PARAMETER_NAME = re.compile(
    r"^/?[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$|^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/.+$"
)
# The same mentions as the module's slack_mention variable accepts (variables.tf).
_MENTION_ALIASES = {"here": "<!here>", "channel": "<!channel>"}
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/.+$")
_MENTION_SYNTAX = re.compile(r"^(<!here>|<!channel>|<!subteam\^[A-Z0-9]{2,30}>|<@[UW][A-Z0-9]{2,30}>)$")


class ConfigurationError(ValueError):
    """A setting is missing or wrong; the message names the variable and what to do."""


# Where the webhook URL comes from: exactly one of the two is set.
WebhookSource = namedtuple("WebhookSource", ["url", "parameter_name"], defaults=["", ""])

# webhook: WebhookSource; render: RenderOptions; webhook_cache_seconds: float
Settings = namedtuple("Settings", ["webhook", "render", "webhook_cache_seconds"])


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Everything the notifier needs to send, from the environment; ConfigurationError if wrong."""
    return Settings(
        webhook=load_webhook_source(environ),
        render=load_render_options(environ),
        webhook_cache_seconds=_cache_seconds(environ.get(WEBHOOK_CACHE_VARIABLE, "")),
    )


def load_render_options(environ: Mapping[str, str]) -> RenderOptions:
    """How messages read. An unknown time zone is not an error: it falls back to UTC (timezones.py)."""
    language = (environ.get(LANGUAGE_VARIABLE, "") or "en").strip().lower()
    if language not in SUPPORTED_LANGUAGES:
        raise ConfigurationError(
            f"{LANGUAGE_VARIABLE}={language!r} is not a supported language: use one of {', '.join(SUPPORTED_LANGUAGES)}"
        )
    return RenderOptions(
        language=language,
        time_zone=resolve_time_zone(environ.get(TIME_ZONE_VARIABLE, "") or "UTC"),
        account_label=environ.get(ACCOUNT_LABEL_VARIABLE, "").strip(),
        mention=normalize_mention(environ.get(MENTION_VARIABLE, "")),
        account_labels=parse_account_labels(environ.get(ACCOUNT_LABELS_VARIABLE, "")),
        announce_assume_root=environ.get(ANNOUNCE_ASSUME_ROOT_VARIABLE, "").strip().lower() == "true",
        expected_principals=parse_expected_principals(environ.get(EXPECTED_PRINCIPALS_VARIABLE, "")),
    )


def parse_account_labels(value: str) -> dict[str, str]:
    """``{"111122223333": "production"}`` → that dict; empty for an empty value."""
    if not value.strip():
        return {}
    import json  # only when labels are set

    try:
        labels = json.loads(value)
    except ValueError:
        labels = None
    if not isinstance(labels, dict) or not all(
        isinstance(account, str) and _ACCOUNT_ID.match(account) and isinstance(label, str)
        for account, label in labels.items()
    ):
        raise ConfigurationError(
            f"{ACCOUNT_LABELS_VARIABLE} must be a JSON object of 12-digit account IDs to labels, such as "
            f'{{"111122223333": "production"}}; it holds {value[:200]!r}'
        )
    return {account: label.strip() for account, label in labels.items() if label.strip()}


def parse_expected_principals(value: str) -> dict[str, str]:
    """``{"arn:aws:iam::111122223333:role/ci": "deployer role"}`` → that dict; empty for an empty value."""
    if not value.strip():
        return {}
    import json  # only when expected principals are set

    try:
        principals = json.loads(value)
    except ValueError:
        principals = None
    if not isinstance(principals, dict) or not all(
        isinstance(arn, str) and _PRINCIPAL_ARN.match(arn) and isinstance(label, str) and label.strip()
        for arn, label in principals.items()
    ):
        raise ConfigurationError(
            f"{EXPECTED_PRINCIPALS_VARIABLE} must be a JSON object of IAM role or user ARNs to labels, such as "
            f'{{"arn:aws:iam::111122223333:role/ci-deployer": "deployer role"}}; it holds {value[:200]!r}'
        )
    return {arn: label.strip() for arn, label in principals.items()}


def normalize_mention(value: str) -> str:
    """``here``/``@here``/``<!here>`` → ``<!here>``; user groups and users as Slack writes them."""
    cleaned = value.strip()
    if not cleaned:
        return ""
    alias = _MENTION_ALIASES.get(cleaned.lstrip("@").lower())
    if alias:
        return alias
    if _MENTION_SYNTAX.match(cleaned):
        return cleaned
    raise ConfigurationError(
        f"{MENTION_VARIABLE}={cleaned!r} is not a Slack mention: use 'here', 'channel', "
        "'<!subteam^S0123ABCD>' for a user group or '<@U0123ABCD>' for a user"
    )


def load_webhook_source(environ: Mapping[str, str]) -> WebhookSource:
    url = environ.get(WEBHOOK_URL_VARIABLE, "").strip()
    parameter = environ.get(WEBHOOK_PARAMETER_VARIABLE, "").strip()
    if url and parameter:
        raise ConfigurationError(
            f"both {WEBHOOK_URL_VARIABLE} and {WEBHOOK_PARAMETER_VARIABLE} are set: set only one "
            f"({WEBHOOK_PARAMETER_VARIABLE} in AWS, {WEBHOOK_URL_VARIABLE} for local use)"
        )
    if parameter:
        if not _SSM_PARAMETER_NAME.match(parameter):
            raise ConfigurationError(f"{WEBHOOK_PARAMETER_VARIABLE}={parameter!r} is not an SSM parameter name or ARN")
        return WebhookSource(parameter_name=parameter)
    if url:
        return WebhookSource(url=check_webhook_url(url, WEBHOOK_URL_VARIABLE))
    raise ConfigurationError(
        f"no Slack webhook configured: set {WEBHOOK_PARAMETER_VARIABLE} to the name of an SSM "
        f"SecureString parameter holding the URL, or {WEBHOOK_URL_VARIABLE} to the URL itself"
    )


def check_webhook_url(url: str, source: str) -> str:
    """Accept ``https://`` URLs, and ``http://`` only on loopback (a local Slack stand-in).

    The URL is a secret, so messages describe it without quoting it.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        raise ConfigurationError(f"{source} does not hold a valid URL") from None
    if parts.scheme == "https" and host:
        return url.strip()
    if parts.scheme == "http" and _is_loopback(host):
        return url.strip()
    shown = f"{parts.scheme}://" if parts.scheme else "a value without a scheme"
    raise ConfigurationError(
        f"{source} must hold an https:// Slack webhook URL (http:// only on loopback); it holds {shown}"
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    import ipaddress  # only plain SLACK_WEBHOOK_URL values (local use) get here

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _cache_seconds(value: str) -> float:
    if not value.strip():
        return DEFAULT_WEBHOOK_CACHE_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86400:
        raise ConfigurationError(f"{WEBHOOK_CACHE_VARIABLE}={value!r} must be a number of seconds from 0 to 86400")
    return seconds
