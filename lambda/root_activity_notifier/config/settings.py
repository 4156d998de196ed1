"""Configure: read and check the notifier's settings from environment variables.

Each variable's name is a ``*_VARIABLE`` constant here; config/reference.py says what each means
(docs/command-line.md's table is written from it).
"""

from __future__ import annotations

import re
from collections import namedtuple
from urllib.parse import urlsplit

from ..render.event import RenderOptions
from ..render.words import SUPPORTED_LANGUAGES
from ..shared.timezones import resolve_time_zone

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Mapping

WEBHOOK_PARAMETER_VARIABLE = "SLACK_WEBHOOK_SSM_PARAMETER"
WEBHOOK_URL_VARIABLE = "SLACK_WEBHOOK_URL"
WEBHOOK_CACHE_VARIABLE = "SLACK_WEBHOOK_CACHE_SECONDS"
BOT_TOKEN_PARAMETER_VARIABLE = "SLACK_BOT_TOKEN_SSM_PARAMETER"  # noqa: S105 - a variable's name, not a token
BOT_TOKEN_VARIABLE = "SLACK_BOT_TOKEN"  # noqa: S105 - the same
CHANNEL_VARIABLE = "SLACK_CHANNEL_ID"
CHANNEL_ROUTES_VARIABLE = "SLACK_CHANNEL_ROUTES"
API_URL_VARIABLE = "SLACK_API_URL"
SESSION_TABLE_VARIABLE = "SLACK_SESSION_TABLE"
SESSION_IDLE_VARIABLE = "SLACK_SESSION_IDLE_MINUTES"
DIGEST_MINUTES_VARIABLE = "NOTIFIER_DIGEST_MINUTES"
FOLLOW_UP_QUEUE_VARIABLE = "NOTIFIER_FOLLOW_UP_QUEUE_URL"
SLACK_API_URL = "https://slack.com/api"
LANGUAGE_VARIABLE = "NOTIFIER_LANGUAGE"
TIME_ZONE_VARIABLE = "NOTIFIER_TIME_ZONE"
ACCOUNT_LABEL_VARIABLE = "NOTIFIER_ACCOUNT_LABEL"
ACCOUNT_LABELS_VARIABLE = "NOTIFIER_ACCOUNT_LABELS"
ANNOUNCE_ASSUME_ROOT_VARIABLE = "NOTIFIER_ANNOUNCE_ASSUME_ROOT"
MENTION_VARIABLE = "NOTIFIER_MENTION"
EXPECTED_PRINCIPALS_VARIABLE = "NOTIFIER_EXPECTED_PRINCIPALS"
ESCALATION_TOPIC_VARIABLE = "NOTIFIER_ESCALATION_TOPIC_ARN"
ESCALATION_AFTER_VARIABLE = "NOTIFIER_ESCALATION_AFTER_MINUTES"
INTERACTIVITY_VARIABLE = "SLACK_INTERACTIVITY"
SIGNING_SECRET_PARAMETER_VARIABLE = "SLACK_SIGNING_SECRET_SSM_PARAMETER"  # noqa: S105 - a variable's name
SIGNING_SECRET_VARIABLE = "SLACK_SIGNING_SECRET"  # noqa: S105 - the same
RESPONDERS_VARIABLE = "SLACK_RESPONDER_USER_IDS"

DEFAULT_WEBHOOK_CACHE_SECONDS = 300.0
# (default, most) minutes: a root session's idle time, and a webhook's digest cadence
SESSION_IDLE_MINUTES = (60, 1440)
DIGEST_MINUTES = (5, 15)
ESCALATION_AFTER_MINUTES = (15, 15)  # SQS's longest delay: the check comes back on the function's own queue
_SSM_PARAMETER_NAME = re.compile(
    r"^/?[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$|^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/.+$"
)
# The same mentions as the module's slack_mention variable accepts (variables.tf).
_MENTION_ALIASES = {"here": "<!here>", "channel": "<!channel>"}
_ACCOUNT_ID = re.compile(r"^\d{12}$")
# A standard topic: paging tools and e-mail cannot subscribe to a FIFO one.
_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")
_PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/.+$")
# Public (C), private (G) and direct-message (D) channel IDs, as Slack shows them (the module's
# slack_channel_id accepts the same).
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{8,20}$")
_BOT_TOKEN = re.compile(r"^xoxb-[A-Za-z0-9-]{10,250}$")
_SIGNING_SECRET = re.compile(r"^[A-Za-z0-9]{20,128}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
_MENTION_SYNTAX = re.compile(r"^(<!here>|<!channel>|<!subteam\^[A-Z0-9]{2,30}>|<@[UW][A-Z0-9]{2,30}>)$")


class ConfigurationError(ValueError):
    """A setting is missing or wrong; the message names the variable and what to do."""


# Where a secret comes from: ``value`` itself (local use) or the SSM parameter ``parameter_name``,
# named by the environment variable ``variable``; ``check(value, where)`` returns it or raises
# ConfigurationError without quoting it.
SecretSource = namedtuple("SecretSource", ["value", "parameter_name", "variable", "check"])

# An incoming webhook: ``url`` is a SecretSource.
WebhookTarget = namedtuple("WebhookTarget", ["url"])

# A Slack app: ``token`` is a SecretSource; ``channel`` the default channel ID; ``routes`` account
# ID to channel ID; ``api_url`` the Web API's base URL.
SlackAppTarget = namedtuple("SlackAppTarget", ["token", "channel", "routes", "api_url"])

# The session table (both modes): ``table`` ("" without one), ``idle_minutes``, ``digest_minutes``
# (webhook mode's cadence) and ``follow_up_queue_url`` ("" without one).
SessionSettings = namedtuple(
    "SessionSettings",
    ["table", "idle_minutes", "digest_minutes", "follow_up_queue_url"],
    defaults=["", SESSION_IDLE_MINUTES[0], DIGEST_MINUTES[0], ""],
)

# slack: WebhookTarget or SlackAppTarget; render: RenderOptions; secret_cache_seconds: float;
# sessions: SessionSettings; escalation_topic_arn: the SNS topic that pages on-call ("" without one);
# escalation_after_minutes: with interactivity, how long a critical session waits for an answer.
Settings = namedtuple(
    "Settings",
    ["slack", "render", "secret_cache_seconds", "sessions", "escalation_topic_arn", "escalation_after_minutes"],
    defaults=[SessionSettings(), "", ESCALATION_AFTER_MINUTES[0]],
)


# The interactivity endpoint's own settings (root_activity_notifier/interactions.py): signing_secret,
# a SecretSource; responders: the Slack user IDs that may answer (empty: anyone in the channel).
InteractionSettings = namedtuple("InteractionSettings", ["signing_secret", "responders"])


def load_interaction_settings(environ: Mapping[str, str]) -> InteractionSettings:
    """The signing secret (exactly one of its two variables) and who may answer; ConfigurationError if wrong."""
    names = (SIGNING_SECRET_PARAMETER_VARIABLE, SIGNING_SECRET_VARIABLE)
    given = [name for name in names if environ.get(name, "").strip()]
    if len(given) != 1:
        raise ConfigurationError(
            f"set exactly one of {SIGNING_SECRET_PARAMETER_VARIABLE} (an SSM SecureString parameter holding the "
            f"Slack app's signing secret) or {SIGNING_SECRET_VARIABLE} (the secret itself, for local use)"
        )
    (name,) = given
    source = _secret_source(name, environ[name].strip(), SIGNING_SECRET_PARAMETER_VARIABLE, check_signing_secret)
    responders = [each.strip() for each in environ.get(RESPONDERS_VARIABLE, "").split(",") if each.strip()]
    wrong = [each for each in responders if not _USER_ID.match(each)]
    if wrong:
        raise ConfigurationError(
            f"{RESPONDERS_VARIABLE} holds {', '.join(repr(each) for each in wrong)}: use Slack user IDs "
            "(U0123ABCD), comma-separated, or leave it unset to let anyone in the channel answer"
        )
    return InteractionSettings(source, frozenset(responders))


def check_signing_secret(secret: str, source: str) -> str:
    if not _SIGNING_SECRET.match(secret):
        raise ConfigurationError(
            f"{source} does not hold a Slack signing secret (letters and digits, from the app's Basic Information page)"
        )
    return secret


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Everything the notifier needs to send, from the environment; ConfigurationError if wrong."""
    slack = load_slack_target(environ)
    if environ.get(INTERACTIVITY_VARIABLE, "").strip().lower() == "true" and not isinstance(slack, SlackAppTarget):
        raise ConfigurationError(
            f"{INTERACTIVITY_VARIABLE}=true needs Slack app mode ({BOT_TOKEN_PARAMETER_VARIABLE}): a webhook's "
            "messages cannot carry buttons that answer back"
        )
    return Settings(
        slack=slack,
        render=load_render_options(environ),
        secret_cache_seconds=_cache_seconds(environ.get(WEBHOOK_CACHE_VARIABLE, "")),
        sessions=load_session_settings(environ),
        escalation_topic_arn=check_topic_arn(environ.get(ESCALATION_TOPIC_VARIABLE, ""), ESCALATION_TOPIC_VARIABLE),
        escalation_after_minutes=_minutes(
            environ.get(ESCALATION_AFTER_VARIABLE, ""),
            ESCALATION_AFTER_VARIABLE,
            ESCALATION_AFTER_MINUTES,
            "how long a critical root session waits for an answer in Slack before on-call is paged",
        ),
    )


def check_topic_arn(value: str, variable: str) -> str:
    """An SNS topic ARN, or "" when unset."""
    cleaned = value.strip()
    if cleaned and not _TOPIC_ARN.match(cleaned):
        raise ConfigurationError(
            f"{variable}={value!r} is not an SNS topic ARN: use arn:aws:sns:REGION:ACCOUNT:NAME, or leave it unset"
        )
    return cleaned


def load_session_settings(environ: Mapping[str, str]) -> SessionSettings:
    return SessionSettings(
        table=environ.get(SESSION_TABLE_VARIABLE, "").strip(),
        idle_minutes=_minutes(
            environ.get(SESSION_IDLE_VARIABLE, ""),
            SESSION_IDLE_VARIABLE,
            SESSION_IDLE_MINUTES,
            "how long a root session may be idle before its next event starts a new one",
        ),
        digest_minutes=_minutes(
            environ.get(DIGEST_MINUTES_VARIABLE, ""),
            DIGEST_MINUTES_VARIABLE,
            DIGEST_MINUTES,
            "how often a webhook posts one root session's further activity as a digest",
        ),
        follow_up_queue_url=environ.get(FOLLOW_UP_QUEUE_VARIABLE, "").strip(),
    )


def load_render_options(environ: Mapping[str, str]) -> RenderOptions:
    """How messages read. An unknown time zone is not an error: it falls back to UTC (shared/timezones.py)."""
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
        interactive=environ.get(INTERACTIVITY_VARIABLE, "").strip().lower() == "true",
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


# Exactly one of these names where the function posts.
SECRET_VARIABLES = (WEBHOOK_PARAMETER_VARIABLE, WEBHOOK_URL_VARIABLE, BOT_TOKEN_PARAMETER_VARIABLE, BOT_TOKEN_VARIABLE)
# Every environment variable the settings are read from (each *_VARIABLE above): tests clear these.
VARIABLES = tuple(value for name, value in tuple(globals().items()) if name.endswith("_VARIABLE"))


def load_slack_target(environ: Mapping[str, str]) -> WebhookTarget | SlackAppTarget:
    """Where messages go: an incoming webhook or a Slack app, from exactly one of the four secret variables."""
    given = [name for name in SECRET_VARIABLES if environ.get(name, "").strip()]
    if not given:
        raise ConfigurationError(
            f"no Slack destination configured: set {WEBHOOK_PARAMETER_VARIABLE} to the name of an SSM "
            f"SecureString parameter holding a webhook URL ({WEBHOOK_URL_VARIABLE} for the URL itself), or "
            f"{BOT_TOKEN_PARAMETER_VARIABLE} to one holding a Slack app's bot token ({BOT_TOKEN_VARIABLE} for "
            "the token itself)"
        )
    if len(given) > 1:
        listed = f"{', '.join(given[:-1])} and {given[-1]} are all"
        if len(given) == 2:  # noqa: PLR2004 - "both" reads better for a pair
            listed = f"both {given[0]} and {given[1]} are"
        raise ConfigurationError(
            f"{listed} set: set only one ({WEBHOOK_PARAMETER_VARIABLE} or "
            f"{BOT_TOKEN_PARAMETER_VARIABLE} in AWS, {WEBHOOK_URL_VARIABLE} or {BOT_TOKEN_VARIABLE} for local use)"
        )
    (name,) = given
    value = environ[name].strip()
    if name in (WEBHOOK_PARAMETER_VARIABLE, WEBHOOK_URL_VARIABLE):
        for variable in (CHANNEL_VARIABLE, CHANNEL_ROUTES_VARIABLE):
            if environ.get(variable, "").strip():
                raise ConfigurationError(
                    f"{variable} is set, but a webhook posts only to its own channel: set "
                    f"{BOT_TOKEN_PARAMETER_VARIABLE} (a Slack app) to choose channels, or remove {variable}"
                )
        return WebhookTarget(url=_secret_source(name, value, WEBHOOK_PARAMETER_VARIABLE, check_webhook_url))
    return SlackAppTarget(
        token=_secret_source(name, value, BOT_TOKEN_PARAMETER_VARIABLE, check_bot_token),
        channel=check_channel_id(environ.get(CHANNEL_VARIABLE, ""), CHANNEL_VARIABLE),
        routes=parse_channel_routes(environ.get(CHANNEL_ROUTES_VARIABLE, "")),
        api_url=check_slack_url(
            environ.get(API_URL_VARIABLE, "").strip() or SLACK_API_URL, API_URL_VARIABLE, "Web API"
        ),
    )


def _minutes(value: str, variable: str, default_and_most: tuple[int, int], meaning: str) -> int:
    default, most = default_and_most
    cleaned = value.strip() or str(default)
    if not cleaned.isdigit() or not 1 <= int(cleaned) <= most:
        raise ConfigurationError(f"{variable}={value!r} is not a whole number of minutes from 1 to {most}: {meaning}")
    return int(cleaned)


def _secret_source(name: str, value: str, parameter_variable: str, check) -> SecretSource:
    if name != parameter_variable:
        return SecretSource(check(value, name), "", name, check)
    return SecretSource("", check_ssm_parameter_name(value, name), name, check)


def check_ssm_parameter_name(value: str, source: str) -> str:
    if not _SSM_PARAMETER_NAME.match(value):
        raise ConfigurationError(f"{source}={value!r} is not an SSM parameter name or ARN")
    return value


def check_bot_token(token: str, source: str) -> str:
    """A Slack app's bot token, ``xoxb-…``. It is a secret: messages describe it without quoting it."""
    token = token.strip()
    if _BOT_TOKEN.match(token):
        return token
    shown = f"a value starting {token[:5]!r}" if token else "nothing"
    raise ConfigurationError(
        f"{source} must hold a Slack bot token (xoxb-…, from the app's OAuth & Permissions page); it holds {shown}"
    )


def check_channel_id(channel: str, source: str) -> str:
    channel = channel.strip()
    if not channel:
        raise ConfigurationError(
            f"{source} is not set: a Slack app needs the ID of the channel to post to (in Slack: the channel's "
            "name, then About; it looks like C0123ABCDEF)"
        )
    if not _CHANNEL_ID.match(channel):
        raise ConfigurationError(
            f"{source}={channel!r} is not a Slack channel ID: use the ID (such as C0123ABCDEF, from the channel's "
            "About tab), not its name"
        )
    return channel


def parse_channel_routes(value: str) -> dict[str, str]:
    """``{"111122223333": "C0123ABCDEF"}`` → that dict; empty for an empty value."""
    if not value.strip():
        return {}
    import json  # only when routes are set

    try:
        routes = json.loads(value)
    except ValueError:
        routes = None
    if not isinstance(routes, dict) or not all(
        isinstance(account, str) and _ACCOUNT_ID.match(account) and isinstance(channel, str)
        for account, channel in routes.items()
    ):
        raise ConfigurationError(
            f"{CHANNEL_ROUTES_VARIABLE} must be a JSON object of 12-digit account IDs to channel IDs, such as "
            f'{{"111122223333": "C0123ABCDEF"}}; it holds {value[:200]!r}'
        )
    return {
        account: check_channel_id(channel, f"{CHANNEL_ROUTES_VARIABLE}[{account!r}]")
        for account, channel in routes.items()
    }


def check_webhook_url(url: str, source: str) -> str:
    """Accept ``https://`` URLs, and ``http://`` only on loopback (a local Slack stand-in).

    The URL is a secret, so messages describe it without quoting it.
    """
    return check_slack_url(url, source, "webhook")


def check_slack_url(url: str, source: str, what: str) -> str:
    """``https://`` with a host, or ``http://`` on loopback; the URL is never quoted (a webhook's is a secret)."""
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
        f"{source} must hold an https:// Slack {what} URL (http:// only on loopback); it holds {shown}"
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    import ipaddress  # only loopback stand-ins (local use) get here

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
